import type pg from 'pg';
import { scopePattern } from '../../access/index.js';

/**
 * Residents and staff share their personal columns and their search; the
 * differences (table, area column, extra columns) are named here once.
 */
export const KINDS = {
  residents: {
    table: 'residents',
    area: 'area_code',
    extra: `household_no as "householdNo", bedridden, elderly_alone as "elderlyAlone", disabled`,
  },
  staff: {
    table: 'staff',
    area: 'assigned_area_code',
    extra: `work_unit as "workUnit", party_member as "partyMember", unit_head as "unitHead", role, organisation_id as "organisationId"`,
  },
} as const;
export type PersonKind = keyof typeof KINDS;

export interface PersonRow {
  id: number;
  idNumber: string;
  name: string;
  sex: string;
  birthDate: string;
  phone: string | null;
  address: string | null;
  areaCode: string;
  areaName: string | null;
  [extra: string]: unknown;
}

const select = (k: PersonKind, alias = 'p') => {
  const t = KINDS[k];
  return `${alias}.id, ${alias}.id_number as "idNumber", ${alias}.name, ${alias}.sex, ${alias}.birth_date as "birthDate",
    ${alias}.phone, ${alias}.address, ${alias}.${t.area} as "areaCode", a.name as "areaName",
    ${t.extra.replace(/(^|, )(\w)/g, `$1${alias}.$2`)}`;
};

export type SearchMode = 'initials' | 'name' | 'tail' | 'idNumber' | 'phone' | 'longTail';

/** The digits of an ID number or phone a list shows at its end (`130110********123X`, `138****5678`). */
export const TAIL_DIGITS = 4;

/**
 * How a search string is read: pinyin initials, a name, an ID or phone tail, or a whole ID or
 * phone. A tail is at most the four characters a list shows: a longer one (`longTail`, refused)
 * would unmask a phone one hidden digit at a time, ten searches a digit.
 */
export function searchMode(q: string): SearchMode {
  if (/^[a-z]+$/i.test(q)) return 'initials';
  if (/^\d{17}[\dX]$/i.test(q)) return 'idNumber';
  if (/^1\d{10}$/.test(q)) return 'phone';
  if (/^\d{1,4}$/.test(q) || /^\d{0,3}X$/i.test(q)) return 'tail';
  if (/^\d+X?$/i.test(q)) return 'longTail';
  return 'name';
}

export const peopleRepo = {
  /** Up to `limit` matches inside the area subtree, ordered by the key searched. */
  async search(pool: pg.Pool, kind: PersonKind, area: string, q: string, limit: number): Promise<PersonRow[]> {
    const t = KINDS[kind];
    const mode = searchMode(q);
    const from = `${t.table} p left join areas a on a.code = p.${t.area}`;
    const scope = `p.${t.area} like $1`;
    let text: string;
    let params: unknown[];
    switch (mode) {
      case 'longTail':
        return [];
      case 'initials':
        text = `select ${select(kind)} from ${from} where ${scope} and p.name_initials like $2 order by p.name_initials, p.id limit $3`;
        params = [scopePattern(area), q.toLowerCase() + '%', limit];
        break;
      case 'name':
        text = `select ${select(kind)} from ${from} where ${scope} and p.name like $2 order by p.name, p.id limit $3`;
        params = [scopePattern(area), q.replace(/[\\%_]/g, '\\$&') + '%', limit];
        break;
      case 'idNumber':
        text = `select ${select(kind)} from ${from} where ${scope} and reverse(p.id_number) = reverse($2) limit $3`;
        params = [scopePattern(area), q.toUpperCase(), limit];
        break;
      case 'phone':
        text = `select ${select(kind)} from ${from} where ${scope} and p.phone = $2 limit $3`;
        params = [scopePattern(area), q, limit];
        break;
      case 'tail': {
        const rev = [...q.toUpperCase()].reverse().join('') + '%';
        text = `select * from (
            (select ${select(kind)} from ${from} where ${scope} and reverse(p.id_number) like $2 limit $3)
            union
            (select ${select(kind)} from ${from} where ${scope} and reverse(p.phone) like $2 limit $3)
          ) m order by id limit $3`;
        params = [scopePattern(area), rev, limit];
        break;
      }
    }
    return (await pool.query<PersonRow>(text, params)).rows;
  },

  /** A page of an area's people, by id after the cursor. */
  async list(pool: pg.Pool, kind: PersonKind, area: string, after: number, limit: number, needsHomeVisit = false) {
    const t = KINDS[kind];
    const flags = needsHomeVisit && kind === 'residents' ? 'and (p.bedridden or p.elderly_alone or p.disabled)' : '';
    const res = await pool.query<PersonRow>(
      `select ${select(kind)} from ${t.table} p left join areas a on a.code = p.${t.area}
       where p.${t.area} like $1 and p.id > $2 ${flags} order by p.id limit $3`,
      [scopePattern(area), after, limit],
    );
    return res.rows;
  },

  /** One person, only when inside the area subtree: otherwise nothing, as if it did not exist. */
  async get(pool: pg.Pool, kind: PersonKind, area: string, id: number): Promise<PersonRow | undefined> {
    const t = KINDS[kind];
    const res = await pool.query<PersonRow>(
      `select ${select(kind)} from ${t.table} p left join areas a on a.code = p.${t.area}
       where p.id = $1 and p.${t.area} like $2`,
      [id, scopePattern(area)],
    );
    return res.rows[0];
  },

  /** The household's members registered in `areaCode` (the village of the person being read, already in scope). */
  async household(pool: pg.Pool, areaCode: string, householdNo: string) {
    const res = await pool.query<PersonRow>(
      `select ${select('residents')} from residents p left join areas a on a.code = p.area_code
       where p.area_code = $1 and p.household_no = $2 order by p.birth_date`,
      [areaCode, householdNo],
    );
    return res.rows;
  },
};
