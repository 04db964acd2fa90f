import type pg from 'pg';
import { scopePattern } from '../../access/index.js';
import { ERASED } from '../../../lib/text.js';
import { KINDS, type PersonKind } from './people.repo.js';

export interface PeoplePurged {
  residents: number;
  staff: number;
  households: number;
  /** the purged residents and cadres, for the modules that keep something of theirs */
  residentIds: number[];
  staffIds: number[];
  /** the purged people's phones that nobody left in the registry still has (a household's phone may be a kept member's) */
  phones: string[];
}

/**
 * When the emergency ends (`bastion purge`): the residents and cadres of `area` whose record was
 * last registered or changed before `before` lose their ID number, name, phone and address; the
 * birth date keeps its year. The row stays, with its area, sex, household and flags, so that every
 * count and coverage figure holds. A household's address goes once none of its members is kept.
 * Runs inside the caller's transaction; a person purged once is not touched again.
 */
export async function purgePeople(client: pg.PoolClient, area: string, before: Date): Promise<PeoplePurged> {
  const pattern = scopePattern(area);
  const erase = async (kind: PersonKind) => {
    const t = KINDS[kind];
    // the ID number stays unique (its unique index) and holds no digit of the old one
    const { rows } = await client.query<{ id: number; phone: string | null }>(
      `with old as (
         select id, phone from ${t.table} where ${t.area} like $1 and purged_at is null and updated_at < $2 for update)
       update ${t.table} p set id_number = '已清除-' || p.id, name = $3, name_initials = '', phone = null, address = null,
         birth_date = date_trunc('year', p.birth_date)::date, purged_at = now()
         ${kind === 'staff' ? ', phone_undeliverable_at = null' : ''}
       from old where p.id = old.id returning p.id, old.phone`,
      [pattern, before, ERASED],
    );
    return rows.map((r) => ({ id: Number(r.id), phone: r.phone }));
  };
  const residents = await erase('residents');
  const staff = await erase('staff');
  const households = await client.query(
    `update households h set address = $2 where h.area_code like $1 and h.address <> $2
       and not exists (select 1 from residents r where r.area_code like $1 and r.household_no = h.household_no and r.purged_at is null)`,
    [pattern, ERASED],
  );
  const gone = [...new Set([...residents, ...staff].map((p) => p.phone).filter((p): p is string => !!p))];
  const held = gone.length
    ? (
        await client.query<{ phone: string }>(
          `select phone from residents where reverse(phone) = any($1::text[]) union select phone from staff where reverse(phone) = any($1::text[])`,
          [gone.map((p) => [...p].reverse().join(''))],
        )
      ).rows.map((r) => r.phone)
    : [];
  return {
    residents: residents.length,
    staff: staff.length,
    households: households.rowCount ?? 0,
    residentIds: residents.map((r) => r.id),
    staffIds: staff.map((s) => s.id),
    phones: gone.filter((p) => !held.includes(p)),
  };
}
