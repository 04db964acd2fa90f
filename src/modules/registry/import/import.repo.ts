import type pg from 'pg';
import { copyRows } from '../../../db/copy.js';
import { scopePattern } from '../../access/index.js';
import type { ResidentValues, StaffValues } from './import.fields.js';

export interface RejectionRow {
  rowNo: number;
  field: string;
  reason: string;
}

const col = <T, K extends keyof T>(rows: T[], k: K) => rows.map((r) => r[k]);

const RESIDENT_COLUMNS = ['id_number', 'name', 'name_initials', 'sex', 'birth_date', 'phone', 'address', 'area_code', 'household_no', 'bedridden', 'elderly_alone', 'disabled'];
const STAFF_COLUMNS = ['id_number', 'name', 'name_initials', 'sex', 'birth_date', 'phone', 'address', 'assigned_area_code', 'work_unit', 'party_member', 'unit_head', 'role'];
const updateSet = (cols: string[]) => cols.filter((c) => c !== 'id_number').map((c) => `${c} = excluded.${c}`).join(', ');

type Row = (string | boolean | null)[];

/**
 * A batch is first COPied straight into the table, inside a savepoint: the usual
 * first import of a file holds no registered ID and costs no more than a raw COPY.
 * If an ID is already there (a re-import, or another import meanwhile), the savepoint
 * is rolled back and the batch is COPied into a session-local staging table (no WAL,
 * no indexes) and upserted by ID number in one statement; `xmax = 0` marks a new row.
 * Returns how many rows were new.
 */
async function writeBatch(client: pg.PoolClient, table: 'residents' | 'staff', columns: string[], rows: Row[]): Promise<number> {
  await client.query('savepoint fresh_rows');
  try {
    await copyRows(client, table, columns, rows);
    await client.query('release savepoint fresh_rows');
    return rows.length;
  } catch (e) {
    if ((e as { code?: string }).code !== '23505') throw e; // unique_violation: some are registered
    await client.query('rollback to savepoint fresh_rows');
  }
  const stage = `import_${table}`; // emptied at commit: one batch per transaction
  await client.query(`create temp table if not exists ${stage} on commit delete rows as select ${columns.join(', ')} from ${table} with no data`);
  await copyRows(client, stage, columns, rows);
  // a staff member's new phone clears the mark of an undeliverable one
  const extra = table === 'staff' ? `, phone_undeliverable_at = case when staff.phone is distinct from excluded.phone then null else staff.phone_undeliverable_at end` : '';
  const res = await client.query<{ inserted: number }>(
    `with written as (
       insert into ${table} (${columns.join(', ')}) select ${columns.join(', ')} from ${stage}
       on conflict ((reverse(id_number))) do update set ${updateSet(columns)}, updated_at = now()${extra}
       returning (xmax = 0) as inserted)
     select count(*) filter (where inserted)::int as inserted from written`,
  );
  return res.rows[0].inserted;
}

export async function upsertResidents(client: pg.PoolClient, rows: ResidentValues[]): Promise<number> {
  if (!rows.length) return 0;
  // one row per household (the last one read wins), in one lock order for batches written at the same time
  const households = new Map<string, ResidentValues>();
  for (const r of rows) if (r.householdNo) households.set(r.householdNo, r);
  if (households.size) {
    const hh = [...households.values()].sort((a, b) => (a.householdNo! < b.householdNo! ? -1 : 1));
    await client.query(
      `insert into households (household_no, area_code, address)
       select * from unnest($1::text[], $2::text[], $3::text[])
       on conflict (household_no) do update set area_code = excluded.area_code, address = excluded.address
       where households.area_code <> excluded.area_code or households.address <> excluded.address`,
      [col(hh, 'householdNo'), col(hh, 'areaCode'), hh.map((h) => h.address ?? '')],
    );
  }
  return writeBatch(
    client,
    'residents',
    RESIDENT_COLUMNS,
    rows.map((r) => [r.idNumber, r.name, r.nameInitials, r.sex, r.birthDate, r.phone, r.address, r.areaCode, r.householdNo, r.bedridden, r.elderlyAlone, r.disabled]),
  );
}

export async function upsertStaff(client: pg.PoolClient, rows: StaffValues[]): Promise<number> {
  if (!rows.length) return 0;
  return writeBatch(
    client,
    'staff',
    STAFF_COLUMNS,
    rows.map((r) => [r.idNumber, r.name, r.nameInitials, r.sex, r.birthDate, r.phone, r.address, r.areaCode, r.workUnit, r.partyMember, r.unitHead, r.role]),
  );
}

export async function insertRejections(client: pg.PoolClient, jobId: string, rows: RejectionRow[]) {
  if (!rows.length) return;
  await client.query(
    `insert into import_rejections (job_id, row_no, field, reason)
     select $1, * from unnest($2::int[], $3::text[], $4::text[]) on conflict do nothing`,
    [jobId, col(rows, 'rowNo'), col(rows, 'field'), col(rows, 'reason')],
  );
}

export interface JobRow {
  id: string;
  kind: string;
  filename: string;
  status: string;
  totalBytes: number;
  readBytes: number;
  rowsRead: number;
  imported: number;
  updated: number;
  rejected: number;
  failure: string | null;
  startedAt: Date;
  finishedAt: Date | null;
}

const JOB_COLS = `id, kind, filename, status, total_bytes as "totalBytes", read_bytes as "readBytes", rows_read as "rowsRead",
  imported, updated, rejected, failure, started_at as "startedAt", finished_at as "finishedAt"`;

export const importRepo = {
  createJob: async (pool: pg.Pool, j: { id: string; kind: string; filename: string; accountId: number | null; scopeCode: string; totalBytes: number }) =>
    (
      await pool.query<JobRow>(
        `insert into import_jobs (id, kind, filename, account_id, scope_code, status, total_bytes)
         values ($1, $2, $3, $4, $5, 'running', $6) on conflict (id) do nothing returning ${JOB_COLS}`,
        [j.id, j.kind, j.filename, j.accountId, j.scopeCode, j.totalBytes],
      )
    ).rows[0],

  progress: (c: pg.PoolClient | pg.Pool, id: string, p: { readBytes: number; rowsRead: number; imported: number; updated: number; rejected: number }) =>
    c.query(
      `update import_jobs set read_bytes = greatest(read_bytes, $2), rows_read = greatest(rows_read, $3), imported = imported + $4, updated = updated + $5, rejected = rejected + $6, heartbeat_at = now() where id = $1`,
      [id, p.readBytes, p.rowsRead, p.imported, p.updated, p.rejected],
    ),

  finish: (pool: pg.Pool, id: string, status: 'done' | 'failed', failure: string | null) =>
    pool.query(`update import_jobs set status = $2, failure = $3, finished_at = now(),
                  read_bytes = case when $2 = 'done' then total_bytes else read_bytes end where id = $1`, [id, status, failure]),

  /**
   * Jobs whose process died (no batch for two minutes) are failed; what they committed stays.
   * Every process runs this now and then: a job of a live process keeps moving and is left alone.
   */
  failInterrupted: (pool: pg.Pool) =>
    pool.query(
      `update import_jobs set status = 'failed', failure = 'interrupted: its process stopped', finished_at = now()
       where status = 'running' and heartbeat_at < now() - interval '2 minutes'`,
    ),

  get: async (pool: pg.Pool, id: string, scopeCode: string) =>
    (await pool.query<JobRow>(`select ${JOB_COLS} from import_jobs where id = $1 and scope_code like $2`, [id, scopePattern(scopeCode)])).rows[0],

  /** A page of rejections in file order, after (rowNo, field). */
  rejections: async (pool: pg.Pool, id: string, limit: number, after: { rowNo: number; field: string } = { rowNo: 0, field: '' }) =>
    (
      await pool.query<RejectionRow>(
        `select row_no as "rowNo", field, reason from import_rejections
         where job_id = $1 and (row_no, field) > ($2, $3) order by row_no, field limit $4`,
        [id, after.rowNo, after.field, limit],
      )
    ).rows,
};
