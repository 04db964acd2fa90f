import type pg from 'pg';
import type { Db } from '../../../db/connection.js';
import { areasRepo, type AreaCounts } from '../areas/areas.repo.js';
import { scopePattern } from '../../access/index.js';

/** What other modules may know of a resident: enough to find, call and visit them. */
export interface ResidentBrief {
  id: number;
  name: string;
  phone: string | null;
  /** when they have no phone of their own (a child, an elder): their household's, the eldest member's with one */
  householdPhone: string | null;
  address: string | null;
  householdNo: string | null;
  areaCode: string;
  areaName: string | null;
  /** needs a home visit: bed-ridden, elderly living alone or disabled */
  homeVisit: boolean;
}

// a household lives at one address: its members share the area, and (area, household) is indexed
const BRIEF = `p.id, p.name, p.phone, p.address, p.household_no as "householdNo", p.area_code as "areaCode", a.name as "areaName",
  (p.bedridden or p.elderly_alone or p.disabled) as "homeVisit",
  case when p.phone is null and p.household_no is not null then
    (select h.phone from residents h where h.area_code = p.area_code and h.household_no = p.household_no and h.phone is not null
     order by h.birth_date, h.id limit 1) end as "householdPhone"`;

/** One resident, when registered inside the area: otherwise none, as if it did not exist. */
export async function residentInArea(pool: pg.Pool | pg.PoolClient, id: number, area: string): Promise<ResidentBrief | undefined> {
  const res = await pool.query<ResidentBrief>({
    name: 'registry.residentInArea',
    text: `select ${BRIEF} from residents p left join areas a on a.code = p.area_code where p.id = $1::bigint and p.area_code like $2 and p.purged_at is null`,
    values: [id, scopePattern(area)],
  });
  return res.rows.map((r) => ({ ...r, id: Number(r.id) }))[0];
}

/** Residents by id (those that exist and were not purged), in no particular order. */
export async function residentsByIds(pool: pg.Pool | pg.PoolClient, ids: number[]): Promise<ResidentBrief[]> {
  if (!ids.length) return [];
  // Named: planned once per connection (recall lists, coverage). One resident (a printed code)
  // has its own statement: with an array, PostgreSQL plans every execution anew (its plan for an
  // array of unknown length never looks as cheap as one for the array given).
  const one = ids.length === 1;
  const res = await pool.query<ResidentBrief>({
    name: one ? 'registry.residentById' : 'registry.residentsByIds',
    text: `select ${BRIEF} from residents p left join areas a on a.code = p.area_code where ${one ? 'p.id = $1::bigint' : 'p.id = any($1::bigint[])'} and p.purged_at is null`,
    values: [one ? ids[0] : ids],
  });
  return res.rows.map((r) => ({ ...r, id: Number(r.id) }));
}

/** A page of the residents inside an area (not purged), by id after the cursor (only those who need a home visit, if asked). */
export async function residentsPage(pool: pg.Pool, area: string, after: number, limit: number, homeVisitOnly = false): Promise<ResidentBrief[]> {
  const res = await pool.query<ResidentBrief>(
    `select ${BRIEF} from residents p left join areas a on a.code = p.area_code
     where p.area_code like $1 and p.id > $2 and p.purged_at is null ${homeVisitOnly ? 'and (p.bedridden or p.elderly_alone or p.disabled)' : ''} order by p.id limit $3`,
    [scopePattern(area), after, limit],
  );
  return res.rows.map((r) => ({ ...r, id: Number(r.id) }));
}

/** The resident with this ID number whose name and phone also match: the public lookup's check. */
export async function residentByIdentity(pool: pg.Pool, idNumber: string, name: string, phone: string): Promise<ResidentBrief | undefined> {
  const res = await pool.query<ResidentBrief>(
    `select ${BRIEF} from residents p left join areas a on a.code = p.area_code
     where reverse(p.id_number) = reverse($1) and p.name = $2 and p.phone = $3`,
    [idNumber.toUpperCase(), name, phone],
  );
  return res.rows[0] && { ...res.rows[0], id: Number(res.rows[0].id) };
}

/** How many residents an area (its subtree) holds. */
export const residentCount = async (db: Db, area: string): Promise<number> => (await areasRepo.countsOf(db, area)).residents;

/** The children of an area with how many residents each holds. */
export const areaChildrenWithCounts = (db: Db, parent: string): Promise<AreaCounts[]> => areasRepo.childrenWithCounts(db, parent);

/** A household of an area: where it lives, and a phone to tell it (the first member with one). */
export interface HouseholdContact {
  householdNo: string;
  areaCode: string;
  address: string | null;
  phone: string | null;
  members: number;
}

/** The households of an area in grid and household order, for time slots and notices. */
export async function householdsIn(pool: pg.Pool, area: string): Promise<HouseholdContact[]> {
  const res = await pool.query<HouseholdContact>(
    `select household_no as "householdNo", min(area_code) as "areaCode", min(address) as address,
            (array_agg(phone order by birth_date, id) filter (where phone is not null))[1] as phone, count(*)::int as members
     from residents where area_code like $1 and household_no is not null group by household_no order by 2, 1`,
    [area + '%'],
  );
  return res.rows;
}
