import { AppError } from '../../lib/errors.js';

/** Roles of DESIGN.md. The scope of every role is an area subtree. */
export const ROLES = ['commander', 'lead', 'cadre', 'sampler', 'lab', 'merchant', 'inspector', 'courier', 'resident'] as const;
export type Role = (typeof ROLES)[number];

export interface Actor {
  accountId: number;
  username: string;
  displayName: string;
  role: Role;
  /** Division code of the area this account works in; its subtree is the scope. */
  areaCode: string;
  staffId: number | null;
}

type Scoped = Pick<Actor, 'areaCode'>;

/** "Inside my area" is a prefix test on the statistical code. */
export function inScope(actor: Scoped, areaCode: string): boolean {
  return areaCode.startsWith(actor.areaCode);
}

/** A campaign or call-up over the area reaches the actor when it lies inside their area or over a larger area that holds it. */
export function reaches(actor: Scoped, areaCode: string): boolean {
  return areaCode.startsWith(actor.areaCode) || actor.areaCode.startsWith(areaCode);
}

/**
 * The one answer to a record of another area: not found, as if it did not exist, the same answer
 * as for an id that does not exist (so a guess reveals nothing). Returns the record when it is in scope.
 */
export function assertInScope<T extends { areaCode: string }>(actor: Scoped, record: T | null | undefined, what: string, field?: string): T {
  if (!record || !inScope(actor, record.areaCode)) throw new AppError('NOT_FOUND', `${what} not found`, field);
  return record;
}

/**
 * The area a request names (an area filter of a list, the area of a new record), checked against the
 * scope: none is the actor's own area; one inside the actor's area is itself; any other, a larger area
 * that holds the actor's too, is not found (never a silent fallback to the actor's own area).
 */
export function scopedArea(actor: Scoped, requested: string | undefined, field = 'area'): string {
  if (requested === undefined || requested === '') return actor.areaCode;
  return assertInScope(actor, { areaCode: requested }, 'area', field).areaCode;
}

/** The LIKE pattern that selects the actor's subtree (codes are digits only). */
export function scopePattern(areaCode: string): string {
  return areaCode.replace(/[\\%_]/g, '') + '%';
}
