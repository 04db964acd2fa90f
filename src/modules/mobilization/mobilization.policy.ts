import { forbidden } from '../../lib/errors.js';
import { inScope, type Actor, type Role } from '../access/index.js';

const RULES = {
  writeCallup: ['commander'],
  readBoard: ['commander', 'lead'],
  markPresent: ['commander', 'lead'],
  manageVillage: ['commander', 'lead'],
} as const satisfies Record<string, readonly Role[]>;
export type MobilizationAction = keyof typeof RULES;

export function can(actor: Actor, action: MobilizationAction, record?: { areaCode: string }): boolean {
  if (!(RULES[action] as readonly Role[]).includes(actor.role)) return false;
  return record ? inScope(actor, record.areaCode) : true;
}

/** A role that may not act is refused (FORBIDDEN); a record or area of another area is not found (assertInScope, scopedArea of access). */
export function assertCan(actor: Actor, action: MobilizationAction) {
  if (!can(actor, action)) throw forbidden(`role ${actor.role} may not ${action}`);
}

/** Drafts are the commanders': a lead never lists or opens one (the repo also keeps them to the area they were made in). */
export const seesDrafts = (actor: Actor) => can(actor, 'writeCallup');

export function callupActions(actor: Actor, c: { areaCode: string; status: string }): string[] {
  const out: string[] = [];
  if (c.status === 'draft' && can(actor, 'writeCallup', c)) out.push('send', 'edit', 'delete');
  if (c.status === 'sent' && can(actor, 'writeCallup', c)) out.push('close');
  if (can(actor, 'readBoard')) out.push('board');
  return out;
}
