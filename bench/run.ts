/**
 * npm run bench [-- --scale village|district] [--quick]
 * Runs every benchmark scenario on a private PostgreSQL (embedded, or a fresh
 * database on the server at DATABASE_URL) and writes bench/results/latest.{md,json}.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { openDatabase, type Database } from '../src/db/connection.js';
import { runMigrations } from '../src/db/migrate.js';
import { loadDemo, type Scale } from '../src/modules/registry/index.js';
import { machine, writeResults, type Figure } from './lib.js';
import { registryBench } from './registry.bench.js';
import { mobilizationBench } from './mobilization.bench.js';
import { testingBench } from './testing.bench.js';
import { resilienceBench } from './resilience.bench.js';

const { values } = parseArgs({ options: { scale: { type: 'string' }, quick: { type: 'boolean' }, only: { type: 'string' } }, allowPositionals: true });
const only = values.only ?? 'all';
if (!['all', 'registry', 'mobilization', 'testing', 'resilience'].includes(only)) throw new Error('--only registry|mobilization|testing|resilience');
const scale = (values.quick ? 'village' : (values.scale ?? 'district')) as Scale;
if (!['village', 'district', 'city'].includes(scale)) throw new Error('--scale village|district|city');
const log = (m: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${m}`);

const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bastion-bench-'));
let database: Database;
let dropDb: (() => Promise<void>) | null = null;
if (process.env.DATABASE_URL) {
  // a fresh database on that server, dropped afterwards: the bench truncates what it loads
  const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await admin.connect();
  const name = `bastion_bench_${process.pid}`;
  await admin.query(`create database ${name}`);
  const url = new URL(process.env.DATABASE_URL);
  url.pathname = '/' + name;
  database = await openDatabase({ databaseUrl: url.toString(), dataDir: workDir, embeddedPgPort: 0, poolSize: 10 });
  dropDb = async () => {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  };
} else {
  database = await openDatabase({ databaseUrl: null, dataDir: workDir, embeddedPgPort: 0, poolSize: 10 });
}

const figures: Figure[] = [];
try {
  await runMigrations(database.pool);
  if (only === 'all' || only === 'registry') figures.push(...(await registryBench(database, scale, workDir, log)));
  else await loadDemo(database.db, database.pool, scale, 1);
  if (only === 'all' || only === 'mobilization') figures.push(...(await mobilizationBench(database, scale, workDir, log)));
  if (only === 'all' || only === 'testing') figures.push(...(await testingBench(database, scale, workDir, log)));
  if (only === 'all' || only === 'resilience') figures.push(...(await resilienceBench(database, scale, workDir, log)));
} finally {
  await database.close();
  await dropDb?.();
  fs.rmSync(workDir, { recursive: true, force: true });
}

const meta = {
  date: new Date().toISOString(),
  command: `npm run bench${process.argv.length > 2 ? ' -- ' + process.argv.slice(2).join(' ') : ''}`,
  scale,
  database: process.env.DATABASE_URL ? 'external PostgreSQL (fresh database)' : 'embedded PostgreSQL 15 (fsync on)',
  machine: machine(),
};
// a partial run, or one at another scale (--quick: village; --scale city), writes beside the full report, never over it
const out = path.resolve(import.meta.dirname, 'results', scale === 'district' ? '' : scale, only === 'all' ? '' : only);
console.log('\n' + writeResults(out, meta, figures));
