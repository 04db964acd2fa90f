import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import type pg from 'pg';
import { AppError } from '../../../lib/errors.js';
import type { Actor } from '../../access/index.js';
import { areasRepo } from '../areas/areas.repo.js';
import type { Db } from '../../../db/connection.js';
import { inTransaction } from '../../../db/transaction.js';
import { RowJudge, mapHeader, type AreaResolver, type ImportKind, type ResidentValues, type StaffValues } from './import.fields.js';
import { openRows } from '../../../lib/rows.js';
import { importRepo, insertRejections, upsertResidents, upsertStaff, type JudgedRow, type RejectionRow } from './import.repo.js';

const BATCH = 10_000;
const WRITERS = 2; // this machine has 2 cores: one parses while the database writes on both

export interface ImportSummary {
  jobId: string;
  imported: number;
  updated: number;
  rejected: number;
  rowsRead: number;
}

function sameHousehold(j: { values: ResidentValues | StaffValues } | object, last: JudgedRow<ResidentValues | StaffValues> | undefined): boolean {
  const h = (v: unknown) => (v && typeof v === 'object' && 'householdNo' in v ? (v as ResidentValues).householdNo : null);
  const a = 'values' in j ? h(j.values) : null;
  return a !== null && a === h(last?.values);
}

/**
 * A failed job's failure as kept: `[REASON] message`, the reason a code of lib/messages.ts that the
 * job's reader gets in their language (import.routes.ts failureFor), the English message after it.
 */
export function failureOf(e: unknown): string {
  const reason = e instanceof AppError ? String(e.detail?.reason ?? e.code) : 'INTERNAL';
  return `[${reason}] ${e instanceof Error ? e.message : String(e)}`;
}

/** Area codes and village names the file may use, with the scope of the importer. */
async function areaResolver(db: Db, scopeCode: string): Promise<AreaResolver> {
  const all = await areasRepo.subtree(db, '');
  const byCode = new Map(all.map((a) => [a.code, a]));
  const byName = new Map<string, { code: string; level: string } | 'ambiguous'>();
  for (const a of all) {
    if (a.level !== 'village' || !a.code.startsWith(scopeCode)) continue;
    // 山尹村村民委员会 is also written 山尹村; 获鹿镇xx社区居民委员会 as xx社区
    for (const n of new Set([a.name, a.name.replace(/(村民委员会|居民委员会|居委会|村委会)$/, ''), a.name.replace(/居民委员会$/, '')])) {
      byName.set(n, byName.has(n) ? 'ambiguous' : { code: a.code, level: a.level });
    }
  }
  return {
    resolve(value) {
      const a = byCode.get(value);
      if (a) return { code: a.code, level: a.level };
      const n = byName.get(value);
      return n && n !== 'ambiguous' ? n : 'unknown';
    },
    inScope: (code) => code.startsWith(scopeCode),
  };
}

/**
 * Streams a file into the registry. Rows are judged one by one; valid rows are
 * upserted by ID number and rejections recorded, a batch per transaction, so a
 * failure never leaves half a row and a re-import updates instead of duplicating.
 */
export async function runImport(
  db: Db,
  pool: pg.Pool,
  /** `checked`: the upload route's `checkFile` measured the file already (lib/rows.ts) */
  opts: { kind: ImportKind; path: string; filename: string; actor: Actor | null; jobId?: string; batchSize?: number; checked?: boolean },
): Promise<ImportSummary> {
  const scopeCode = opts.actor?.areaCode ?? '';
  const jobId = opts.jobId ?? crypto.randomUUID();
  const totalBytes = (await fs.stat(opts.path)).size;
  await importRepo.createJob(pool, { id: jobId, kind: opts.kind, filename: opts.filename, accountId: opts.actor?.accountId ?? null, scopeCode, totalBytes });
  const totals = { imported: 0, updated: 0, rejected: 0, rowsRead: 0 };
  try {
    const source = await openRows(opts.path, undefined, { checked: opts.checked });
    const areas = await areaResolver(db, scopeCode);
    let header: ReturnType<typeof mapHeader> | null = null;
    let judge: RowJudge | null = null;
    let valid: JudgedRow<ResidentValues | StaffValues>[] = [];
    let rejected: RejectionRow[] = [];
    let rejectedRows = 0;
    // Batches hold distinct IDs (repeats are rejected first), so two can be written at once.
    const inFlight: Promise<void>[] = [];

    const flush = () => {
      const batch = { valid, rejected, rejectedRows, rowsRead: totals.rowsRead, readBytes: source.bytesRead() };
      valid = [];
      rejected = [];
      rejectedRows = 0;
      const pending = (async () => {
        const p = await inTransaction(pool, async (client) => {
          const w =
            opts.kind === 'residents'
              ? await upsertResidents(client, batch.valid as JudgedRow<ResidentValues>[], scopeCode)
              : await upsertStaff(client, batch.valid as JudgedRow<StaffValues>[], scopeCode);
          // a row whose ID (or household) is registered outside the scope: refused as a row naming an area outside it
          const outOfScope = w.outOfScope.map((r) => ({ rowNo: r.rowNo, field: header!.labels[r.field] ?? r.field, reason: 'AREA_OUT_OF_SCOPE' }));
          await insertRejections(client, jobId, [...batch.rejected, ...outOfScope]);
          const p = { readBytes: batch.readBytes, rowsRead: batch.rowsRead, imported: w.inserted, updated: w.updated, rejected: batch.rejectedRows + outOfScope.length };
          await importRepo.progress(client, jobId, p);
          return p;
        });
        totals.imported += p.imported;
        totals.updated += p.updated;
        totals.rejected += p.rejected;
      })();
      pending.catch(() => {}); // awaited below; avoid an unhandled rejection meanwhile
      inFlight.push(pending);
    };
    const drain = async (keep: number) => {
      while (inFlight.length > keep) await inFlight.shift();
    };

    for await (const { rowNo, cells } of source.rows()) {
      if (!header) {
        header = mapHeader(opts.kind, cells);
        if (header.missing.length)
          throw new AppError('VALIDATION_FAILED', `missing column(s): ${header.missing.join(', ')}`, header.missing[0], { reason: 'HEADER_MISSING', missing: header.missing });
        judge = new RowJudge(opts.kind, header, areas);
        continue;
      }
      if (cells.every((c) => c == null || String(c).trim() === '')) continue;
      totals.rowsRead++;
      const judged = judge!.judge(cells);
      // A full batch is cut between households, never inside one: two batches written
      // at once then never wait for each other on the same household row.
      if (valid.length + rejectedRows >= (opts.batchSize ?? BATCH) && !sameHousehold(judged, valid[valid.length - 1])) {
        // The next batch is parsed while earlier ones are written: at most WRITERS in flight.
        await drain(WRITERS - 1);
        flush();
      }
      if ('values' in judged) valid.push({ rowNo, values: judged.values });
      else {
        rejectedRows++;
        for (const r of judged.rejections) rejected.push({ rowNo, field: header.labels[r.field] ?? r.field, reason: r.reason });
      }
    }
    if (!header) throw new AppError('VALIDATION_FAILED', 'the file is empty', 'file', { reason: 'FILE_EMPTY' });
    flush();
    await drain(0);
    // Statistics before the job says done, not when autovacuum comes round: searches and exports
    // planned on an empty registry's statistics read the whole table (an export ran 10× slower).
    if (totals.imported >= 10_000) await pool.query(opts.kind === 'residents' ? 'analyze residents, households' : 'analyze staff');
    await importRepo.finish(pool, jobId, 'done', null);
    return { jobId, ...totals };
  } catch (e) {
    await importRepo.finish(pool, jobId, 'failed', failureOf(e));
    throw e;
  }
}
