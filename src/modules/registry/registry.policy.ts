import { forbidden } from '../../lib/errors.js';
import { inScope, scopedArea, type Actor, type Role } from '../access/index.js';

/** Who may do what with the registry. SQL filters by area on top of this. */
const RULES = {
  readPeople: ['commander', 'lead', 'cadre'],
  revealPii: ['commander', 'lead'],
  writePeople: ['commander', 'lead'],
  importPeople: ['commander', 'lead'],
  exportPeople: ['commander', 'lead'],
  readAreas: ['commander', 'lead', 'cadre', 'sampler', 'inspector', 'courier', 'merchant'],
} as const satisfies Record<string, readonly Role[]>;

export type RegistryAction = keyof typeof RULES;

export function can(actor: Actor, action: RegistryAction, record?: { areaCode: string }): boolean {
  if (!(RULES[action] as readonly Role[]).includes(actor.role)) return false;
  return record ? inScope(actor, record.areaCode) : true;
}

export function assertCan(actor: Actor, action: RegistryAction): void {
  if (!can(actor, action)) throw forbidden(`role ${actor.role} may not ${action}`);
}

/** The actions to send with a person record so the UI never re-implements a rule. */
export function personActions(actor: Actor, rec: { areaCode: string }): string[] {
  const out: string[] = [];
  if (can(actor, 'revealPii', rec)) out.push('revealPii');
  if (can(actor, 'writePeople', rec)) out.push('edit');
  return out;
}

/**
 * The area filter of a request: the actor's area, or an area inside it. Any other (another
 * area, or a larger one that holds the actor's) is not found, as everywhere (scopedArea of access).
 */
export function effectiveArea(actor: Actor, requested?: string): string {
  return scopedArea(actor, requested);
}
