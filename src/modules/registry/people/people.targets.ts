import type pg from 'pg';
import { scopePattern } from '../../access/index.js';

export interface StaffTarget {
  id: number;
  name: string;
  phone: string | null;
  workUnit: string;
  partyMember: boolean;
  areaCode: string;
  areaName: string;
}

export interface StaffFilter {
  /** inside this area subtree (already narrowed to the caller's scope) */
  area: string;
  workUnit?: string;
  partyMember?: boolean;
}

/** The cadres a call-up reaches: by assigned area, work unit and party membership. */
export async function staffTargets(pool: pg.Pool, f: StaffFilter): Promise<StaffTarget[]> {
  return staffTargetsWhere(
    pool,
    `s.assigned_area_code like $1 and ($2::text is null or s.work_unit = $2) and ($3::bool is null or s.party_member = $3)`,
    [scopePattern(f.area), f.workUnit ?? null, f.partyMember ?? null],
  );
}

/** Names of areas by code, for boards that group by town and village. */
export async function areaNames(pool: pg.Pool, codes: string[]): Promise<Map<string, string>> {
  if (!codes.length) return new Map();
  const res = await pool.query<{ code: string; name: string }>(`select code, name from areas where code = any($1::text[])`, [codes]);
  return new Map(res.rows.map((r) => [r.code, r.name]));
}

/** The secretaries (role lead) assigned to these villages: whom escalations go to. */
export async function villageLeads(pool: pg.Pool, areaCodes: string[]): Promise<StaffTarget[]> {
  if (!areaCodes.length) return [];
  return staffTargetsWhere(pool, `s.role = 'lead' and s.assigned_area_code = any($1::text[])`, [areaCodes]);
}

/** A work unit is named within its district: every district has its 区卫生健康局. */
export const unitKey = (areaCode: string, workUnit: string) => `${areaCode.slice(0, 6)}:${workUnit}`;

/** The heads (单位负责人) of these units, by `unitKey`: whom escalations about their cadres go to. */
export async function unitHeads(pool: pg.Pool, unitKeys: string[]): Promise<StaffTarget[]> {
  if (!unitKeys.length) return [];
  return staffTargetsWhere(pool, `s.unit_head and s.work_unit = any($2::text[]) and (left(s.assigned_area_code, 6) || ':' || s.work_unit) = any($1::text[])`, [
    unitKeys,
    [...new Set(unitKeys.map((k) => k.slice(k.indexOf(':') + 1)))],
  ]);
}

/** Marks phones an SMS could not reach, for correction; a new phone clears the mark. */
export async function flagUndeliverablePhones(pool: pg.Pool, staffIds: number[]): Promise<number> {
  if (!staffIds.length) return 0;
  const res = await pool.query(`update staff set phone_undeliverable_at = now() where id = any($1::bigint[]) and phone_undeliverable_at is null`, [staffIds]);
  return res.rowCount ?? 0;
}

/** One staff member inside an area subtree, or nothing. */
export async function staffInArea(pool: pg.Pool, id: number, area: string): Promise<StaffTarget | undefined> {
  return (await staffTargetsWhere(pool, `s.id = $1 and s.assigned_area_code like $2`, [id, scopePattern(area)]))[0];
}

async function staffTargetsWhere(pool: pg.Pool, where: string, params: unknown[]): Promise<StaffTarget[]> {
  const res = await pool.query<StaffTarget>(
    `select s.id, s.name, s.phone, s.work_unit as "workUnit", s.party_member as "partyMember",
            s.assigned_area_code as "areaCode", coalesce(a.name, s.assigned_area_code) as "areaName"
     from staff s left join areas a on a.code = s.assigned_area_code where ${where} order by s.id`,
    params,
  );
  return res.rows;
}
