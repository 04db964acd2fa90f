import { forbidden } from '../../lib/errors.js';
import { inScope, reaches, type Actor, type Role } from '../access/index.js';

const RULES = {
  writeCampaign: ['commander'],
  readCampaign: ['commander', 'lead', 'sampler'],
  /** scan, seal, ship: the station's work */
  sample: ['commander', 'sampler'],
  /** the hand-over scan between the site and the lab */
  transport: ['commander', 'sampler', 'courier'],
  receive: ['lab'],
  upload: ['lab'],
  manageLabs: ['commander'],
  readRecalls: ['commander', 'lead'],
  /** sites, time slots, door-to-door visits, the capacity plan */
  plan: ['commander', 'lead'],
} as const satisfies Record<string, readonly Role[]>;
export type TestingAction = keyof typeof RULES;

export function can(actor: Actor, action: TestingAction, record?: { areaCode: string }): boolean {
  if (!(RULES[action] as readonly Role[]).includes(actor.role)) return false;
  return record ? inScope(actor, record.areaCode) : true;
}

/** A role that may not act is refused (FORBIDDEN); a record of another area is not found (assertInScope of access). */
export function assertCan(actor: Actor, action: TestingAction) {
  if (!can(actor, action)) throw forbidden(`role ${actor.role} may not ${action}`);
}

/** A campaign is seen by those inside its area, and by those whose area holds it. */
export const seesCampaign = (actor: Actor, c: { areaCode: string }) => can(actor, 'readCampaign') && reaches(actor, c.areaCode);

export function campaignActions(actor: Actor, c: { areaCode: string; status: string }): string[] {
  const out: string[] = [];
  if (c.status === 'running' && can(actor, 'sample') && inScope(c, actor.areaCode)) out.push('sample');
  if (can(actor, 'writeCampaign', c) && c.status === 'running') out.push('close');
  if (can(actor, 'readRecalls')) out.push('recalls', 'coverage');
  return out;
}
