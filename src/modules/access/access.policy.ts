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

/** "Inside my area" is a prefix test on the statistical code. */
export function inScope(actor: Pick<Actor, 'areaCode'>, areaCode: string): boolean {
  return areaCode.startsWith(actor.areaCode);
}

/** The LIKE pattern that selects the actor's subtree (codes are digits only). */
export function scopePattern(areaCode: string): string {
  return areaCode.replace(/[\\%_]/g, '') + '%';
}
