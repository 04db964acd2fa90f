import type pg from 'pg';
import { copyRows } from '../../../db/copy.js';
import { scopePattern } from '../../access/index.js';
import type { ResidentValues, StaffValues } from './import.fields.js';

export interface RejectionRow {
  rowNo: number;
  field: string;
  reason: string;
}

/** A row the judge let through, with its row number: the registry may still refuse it. */
export interface JudgedRow<T> {
  rowNo: number;
  values: T;
}

/** A row whose ID number (or household number) is registered outside the importer's area. */
export interface OutOfScope {
  rowNo: number;
  field: 'idNumber' | 'householdNo';
}

export interface Written {
  inserted: number;
  updated: number;
  outOfScope: OutOfScope[];
}

const col = <T, K extends keyof T>(rows: T[], k: K) => rows.map((r) => r[k]);

const RESIDENT_COLUMNS = ['id_number', 'name', 'name_initials', 'sex', 'birth_date', 'phone', 'address', 'area_code', 'household_no', 'bedridden', 'elderly_alone', 'disabled'];
const STAFF_COLUMNS = ['id_number', 'name', 'name_initials', 'sex', 'birth_date', 'phone', 'address', 'assigned_area_code', 'work_unit', 'party_member', 'unit_head', 'role'];
const updateSet = (cols: string[]) => cols.filter((c) => c !== 'id_number').map((c) => `${c} = excluded.${c}`).join(', ');

type Row = (string | number | boolean | null)[];

/** What a row brings besides its own record (a resident's household), written by the same batch after the rows. */
interface Beside<T> {
  /** the rows naming one registered outside the scope: refused before anything is written */
  elsewhere(client: pg.PoolClient, rows: JudgedRow<T>[], pattern: string): Promise<OutOfScope[]>;
  /** for the rows written; leaves one registered outside the scope as it is */
  write(client: pg.PoolClient, rows: JudgedRow<T>[], pattern: string): Promise<void>;
}

interface Table<T> {
  name: 'residents' | 'staff';
  columns: string[];
  /** where a record lives, for the importer's scope */
  areaColumn: 'area_code' | 'assigned_area_code';
  values: (v: T) => Row;
  beside?: Beside<T>;
}

const without = <T>(rows: JudgedRow<T>[], refused: OutOfScope[]) => {
  if (!refused.length) return rows;
  const out = new Set(refused.map((r) => r.rowNo));
  return rows.filter((r) => !out.has(r.rowNo));
};

/**
 * A batch is first COPied straight into the table, inside a savepoint: the usual
 * first import of a file holds no registered ID and costs no more than a raw COPY.
 * If an ID is already there (a re-import, or another import meanwhile), the savepoint
 * is rolled back and the batch is COPied into a session-local staging table (no WAL,
 * no indexes) and upserted by ID number in one statement; `xmax = 0` marks a new row.
 *
 * The importer's scope holds in that statement: the update of a record registered
 * outside it is guarded by the record's area (evaluated on the row it locks), so the
 * record is neither moved nor changed, and its row, the one not written, is refused
 * `AREA_OUT_OF_SCOPE` as a row naming an area outside the scope is. Nothing else
 * (counts, reasons) says more about it. No statement reads the whole table.
 */
async function writeBatch<T>(client: pg.PoolClient, t: Table<T>, rows: JudgedRow<T>[], scopeCode: string): Promise<Written> {
  const pattern = scopePattern(scopeCode);
  const outOfScope = t.beside ? await t.beside.elsewhere(client, rows, pattern) : [];
  const mine = without(rows, outOfScope);
  const written = await writeRows(client, t, mine, pattern);
  outOfScope.push(...written.refused.map((rowNo) => ({ rowNo, field: 'idNumber' as const })));
  // what the written rows bring (one registered elsewhere since `elsewhere` looked is left as it is)
  if (t.beside) await t.beside.write(client, without(mine, outOfScope), pattern);
  return { inserted: written.inserted, updated: written.updated, outOfScope };
}

async function writeRows<T>(client: pg.PoolClient, t: Table<T>, rows: JudgedRow<T>[], pattern: string): Promise<{ inserted: number; updated: number; refused: number[] }> {
  if (!rows.length) return { inserted: 0, updated: 0, refused: [] };
  await client.query('savepoint fresh_rows');
  try {
    await copyRows(client, t.name, t.columns, rows.map((r) => t.values(r.values)));
    await client.query('release savepoint fresh_rows');
    return { inserted: rows.length, updated: 0, refused: [] };
  } catch (e) {
    if ((e as { code?: string }).code !== '23505') throw e; // unique_violation: some are registered
    await client.query('rollback to savepoint fresh_rows');
  }
  const stage = `import_stage_${t.name}`; // emptied at commit: one batch per transaction
  await client.query(`create temp table if not exists ${stage} on commit delete rows as select 0 as row_no, ${t.columns.join(', ')} from ${t.name} with no data`);
  await copyRows(client, stage, ['row_no', ...t.columns], rows.map((r) => [r.rowNo, ...t.values(r.values)]));
  // a staff member's new phone clears the mark of an undeliverable one
  const extra = t.name === 'staff' ? `, phone_undeliverable_at = case when staff.phone is distinct from excluded.phone then null else staff.phone_undeliverable_at end` : '';
  const res = await client.query<{ inserted: number; written: number; refused: number[] }>(
    `with written as (
       insert into ${t.name} (${t.columns.join(', ')}) select ${t.columns.join(', ')} from ${stage}
       on conflict ((reverse(id_number))) do update set ${updateSet(t.columns)}, updated_at = now()${extra}
       where ${t.name}.${t.areaColumn} like $1
       returning id_number, (xmax = 0) as inserted)
     select count(*) filter (where inserted)::int as inserted, count(*)::int as written,
       array(select s.row_no from ${stage} s where not exists (select 1 from written w where w.id_number = s.id_number)) as refused
     from written`,
    [pattern],
  );
  const { inserted, written, refused } = res.rows[0];
  return { inserted, updated: written - inserted, refused };
}

/**
 * Households: one row per household (the last one read wins), in one lock order for
 * batches written at the same time; one registered outside the importer's area is
 * left as it is, and the rows naming it are refused.
 */
const HOUSEHOLDS: Beside<ResidentValues> = {
  async write(client, rows, pattern) {
    const households = new Map<string, ResidentValues>();
    for (const { values: r } of rows) if (r.householdNo) households.set(r.householdNo, r);
    if (!households.size) return;
    const hh = [...households.values()].sort((a, b) => (a.householdNo! < b.householdNo! ? -1 : 1));
    await client.query(
      `insert into households (household_no, area_code, address)
       select * from unnest($1::text[], $2::text[], $3::text[])
       on conflict (household_no) do update set area_code = excluded.area_code, address = excluded.address
       where households.area_code like $4 and (households.area_code <> excluded.area_code or households.address <> excluded.address)`,
      [col(hh, 'householdNo'), col(hh, 'areaCode'), hh.map((h) => h.address ?? ''), pattern],
    );
  },
  async elsewhere(client, rows, pattern) {
    if (pattern === '%') return [];
    const numbers = [...new Set(rows.map((r) => r.values.householdNo).filter((n) => n !== null))];
    if (!numbers.length) return [];
    const found = await client.query<{ household_no: string }>(`select household_no from households where household_no = any($1::text[]) and area_code not like $2`, [numbers, pattern]);
    if (!found.rows.length) return [];
    const foreign = new Set(found.rows.map((r) => r.household_no));
    return rows.filter((r) => r.values.householdNo !== null && foreign.has(r.values.householdNo)).map((r) => ({ rowNo: r.rowNo, field: 'householdNo' as const }));
  },
};

const RESIDENTS: Table<ResidentValues> = {
  name: 'residents',
  columns: RESIDENT_COLUMNS,
  areaColumn: 'area_code',
  values: (r) => [r.idNumber, r.name, r.nameInitials, r.sex, r.birthDate, r.phone, r.address, r.areaCode, r.householdNo, r.bedridden, r.elderlyAlone, r.disabled],
  beside: HOUSEHOLDS,
};

const STAFF: Table<StaffValues> = {
  name: 'staff',
  columns: STAFF_COLUMNS,
  areaColumn: 'assigned_area_code',
  values: (r) => [r.idNumber, r.name, r.nameInitials, r.sex, r.birthDate, r.phone, r.address, r.areaCode, r.workUnit, r.partyMember, r.unitHead, r.role],
};

/** Writes a batch of residents (and their households) by ID number, inside the importer's scope (`''`: everywhere). */
export const upsertResidents = (client: pg.PoolClient, rows: JudgedRow<ResidentValues>[], scopeCode: string): Promise<Written> =>
  rows.length ? writeBatch(client, RESIDENTS, rows, scopeCode) : Promise.resolve({ inserted: 0, updated: 0, outOfScope: [] });

/** Writes a batch of staff by ID number, inside the importer's scope (`''`: everywhere). */
export const upsertStaff = (client: pg.PoolClient, rows: JudgedRow<StaffValues>[], scopeCode: string): Promise<Written> =>
  rows.length ? writeBatch(client, STAFF, rows, scopeCode) : Promise.resolve({ inserted: 0, updated: 0, outOfScope: [] });

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
      `update import_jobs set status = 'failed', failure = '[IMPORT_INTERRUPTED] interrupted: its process stopped', finished_at = now()
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
