import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import type { Database } from '../src/db/connection.js';
import { addAccount } from '../src/modules/access/index.js';
import { SCALES, loadDemo, prepareExport, runImport, type Scale } from '../src/modules/registry/index.js';
import { drive, driveApart, peakRss, procMemory, round, signIn, startServerProcess, stopServerProcess, timed, type Figure } from './lib.js';


export async function registryBench(d: Database, scale: Scale, workDir: string, log: (m: string) => void): Promise<Figure[]> {
  const figures: Figure[] = [];
  const { db, pool } = d;
  const root = SCALES[scale].root;

  log(`registry: loading the ${scale} demo…`);
  const load = await timed(() => loadDemo(db, pool, scale, 1));
  const residents = Number((await pool.query(`select count(*) from residents where area_code like $1`, [root + '%'])).rows[0].count);
  figures.push({ name: 'registry.demo_load_s', value: round(load.ms / 1000, 1), unit: 's', note: `${residents.toLocaleString('en-US')} residents and ${load.result.staff.toLocaleString('en-US')} cadres with real geography` });

  // The office's file: every resident of the scale, as a GBK CSV with full IDs.
  const csvPath = path.join(workDir, `residents-${scale}.gbk.csv`);
  log('registry: exporting every resident to a GBK CSV…');
  const exp = await peakRss(() => timed(async () => (await prepareExport(db, pool, null, 'residents', { area: root, format: 'csv-gbk', full: true, lang: 'zh' }))(fs.createWriteStream(csvPath))));
  figures.push({ name: 'registry.export_rate', value: Math.round((exp.result.result / exp.result.ms) * 1000), unit: 'rows/s', note: `${exp.result.result} rows, ${round(fs.statSync(csvPath).size / 2 ** 20, 1)} MiB GBK CSV; bench process peak RSS ${Math.round(exp.peakMiB)} MiB` });

  // Raw COPY reference: the same rows, already clean, into a table shaped like residents.
  const tsvPath = path.join(workDir, 'residents.tsv');
  {
    const c = await pool.connect();
    try {
      await pipeline(c.query(copyTo(`COPY (select * from residents where area_code like '${root}%') TO STDOUT`)), fs.createWriteStream(tsvPath));
      await c.query('drop table if exists bench_copy, bench_copy_plain');
      await c.query('create table bench_copy (like residents including all)');
      await c.query('create table bench_copy_plain (like residents)');
    } finally {
      c.release();
    }
  }
  await pool.query(`delete from residents where area_code like $1`, [root + '%']);
  await pool.query(`delete from households where area_code like $1`, [root + '%']);
  await pool.query('vacuum analyze residents');

  log('registry: importing the GBK CSV (new rows)…');
  const base = process.memoryUsage().rss / 2 ** 20;
  const imp = await peakRss(() => timed(() => runImport(db, pool, { kind: 'residents', path: csvPath, filename: 'bench.csv', actor: null })));
  const s = imp.result.result;
  const importRate = Math.round((s.imported / imp.result.ms) * 1000);

  log('registry: raw COPY of the same rows…');
  /** rows per second of a raw COPY of the TSV into `table` */
  const copyRateInto = async (table: string) => {
    const t = await timed(async () => {
      const c = await pool.connect();
      try {
        await pipeline(fs.createReadStream(tsvPath), c.query(copyFrom(`COPY ${table} FROM STDIN`)));
      } finally {
        c.release();
      }
    });
    return Math.round((residents / t.ms) * 1000);
  };
  const copyRate = await copyRateInto('bench_copy');
  const plainRate = await copyRateInto('bench_copy_plain');
  await pool.query('drop table bench_copy, bench_copy_plain');
  figures.push({
    name: 'registry.import_rate', value: importRate, unit: 'rows/s', reference: copyRate, referenceName: 'raw COPY, same rows and indexes', ratio: round(importRate / copyRate, 2),
    goal: '>= 50000 and ratio >= 0.25', pass: importRate >= 50_000 && importRate / copyRate >= 0.25,
    note: `${s.imported} imported, ${s.rejected} rejected in ${round(imp.result.ms / 1000, 1)} s; importing process peak RSS ${Math.round(imp.peakMiB)} MiB (${Math.round(imp.peakMiB - base)} MiB above its start)`,
  });
  figures.push({
    name: 'registry.copy_unindexed_rate', value: plainRate, unit: 'rows/s',
    note: 'context: raw COPY of the same rows into a table without indexes; the residents table keeps 6 (primary key, reversed ID number for the exact ID and its tail, area with household, name, initials, phone tail)',
  });
  figures.push({ name: 'registry.import_peak_rss_mib', value: Math.round(imp.peakMiB), unit: 'MiB', note: 'the whole bench process while it streamed the file' });

  log('registry: importing the same file again (updates)…');
  const again = await timed(() => runImport(db, pool, { kind: 'residents', path: csvPath, filename: 'bench.csv', actor: null }));
  figures.push({ name: 'registry.reimport_rate', value: Math.round((again.result.updated / again.ms) * 1000), unit: 'rows/s', note: `${again.result.imported} new, ${again.result.updated} updated: a second import never duplicates` });

  // the same as the district's commander: every row checked against the importer's scope in its batch's upsert
  log('registry: importing the same file again as the district commander (updates, inside a scope)…');
  const bossId = await addAccount(db, { username: 'bench-import-commander', password: 'bench-password', role: 'commander', areaCode: root });
  const boss = { accountId: bossId, username: 'bench-import-commander', displayName: '', role: 'commander' as const, areaCode: root, staffId: null };
  const scoped = await timed(() => runImport(db, pool, { kind: 'residents', path: csvPath, filename: 'bench.csv', actor: boss }));
  figures.push({
    name: 'registry.reimport_scoped_rate', value: Math.round((scoped.result.updated / scoped.ms) * 1000), unit: 'rows/s',
    note: `${scoped.result.updated} updated, ${scoped.result.rejected} rejected: the re-import by an account with an area, whose rows are written only where the records are inside it`,
  });
  await pool.query('vacuum analyze residents');

  log('registry: searching through the HTTP server…');
  await addAccount(db, { username: 'bench-commander', password: 'bench-password', role: 'commander', areaCode: root });
  const { child, base: url } = await startServerProcess(d.url, workDir);
  try {
    const cookie = await signIn(url, 'bench-commander', 'bench-password');
    const sample = (await pool.query(`select name, name_initials, id_number, phone from residents where area_code like $1 order by random() limit 300`, [root + '%'])).rows;
    const village = (await pool.query(`select code from areas where level = 'village' and code like $1 order by code limit 1`, [root + '%'])).rows[0].code;
    const paths: string[] = [];
    for (const r of sample) {
      paths.push(`/api/v1/registry/residents?q=${encodeURIComponent(r.name_initials)}&limit=20`);
      paths.push(`/api/v1/registry/residents?q=${encodeURIComponent(r.name)}&limit=20`);
      paths.push(`/api/v1/registry/residents?q=${r.id_number.slice(-4)}&limit=20`);
      if (r.phone) paths.push(`/api/v1/registry/residents?q=${r.phone.slice(-4)}&limit=20`);
      paths.push(`/api/v1/registry/residents?q=${encodeURIComponent(r.name_initials.slice(0, 2))}&area=${village}&limit=20`);
    }
    await drive(url, paths.slice(0, 200), 200, 4, { headers: { cookie } }); // warm-up
    const run = await driveApart(url, paths, 4000, 8, { headers: { cookie } });
    const p95 = run.latency.p95;
    figures.push({ name: 'registry.search_p50_ms', value: round(run.latency.p50, 2), unit: 'ms' });
    figures.push({
      name: 'registry.search_p95_ms', value: round(p95, 2), unit: 'ms', goal: '< 20', pass: p95 < 20,
      note: `${run.latency.count} searches (initials, names, ID tails, phone tails; district and village scope), 8 concurrent: ${Math.round(run.rate)} req/s, statuses ${JSON.stringify(run.statuses)}`,
    });
    const mem = procMemory(child.pid!);
    figures.push({ name: 'registry.server_rss_mib', value: Math.round(mem.rssMiB), unit: 'MiB', note: `server process after the searches; its peak ${Math.round(mem.peakMiB)} MiB` });
  } finally {
    await stopServerProcess(child);
  }
  return figures;
}
