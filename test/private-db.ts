import crypto from 'node:crypto';
import { execFile } from 'node:child_process';
import pg from 'pg';
import { drizzle } from 'drizzle-orm/node-postgres';
import type { Db } from '../src/db/connection.js';
import { runMigrations } from '../src/db/migrate.js';
import { seedDemoCheckinPoints } from '../src/modules/mobilization/index.js';
import { NotifyRuntime } from '../src/modules/notify/index.js';
import { DEMO_PASSWORD, loadDemo } from '../src/modules/registry/index.js';
import { seedDemoTesting } from '../src/modules/testing/index.js';
import { databaseUrl } from './helpers.js';

export interface PrivateDb {
  url: string;
  name: string;
  pool: pg.Pool;
  db: Db;
  /** ends the pool and drops this database (only this one: it was made for the test) */
  drop(): Promise<void>;
}

const admin = async <T>(fn: (c: pg.Client) => Promise<T>) => {
  const c = new pg.Client({ connectionString: databaseUrl() });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
};

/** A new, empty database of the test's own on the server the tests use (never the shared one). */
export async function emptyDatabase(label: string): Promise<PrivateDb> {
  const name = `bastion_${label}_${crypto.randomUUID().slice(0, 8)}`;
  await admin((c) => c.query(`create database ${name}`));
  const u = new URL(databaseUrl());
  u.pathname = `/${name}`;
  const url = u.toString();
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  return {
    url,
    name,
    pool,
    db: drizzle(pool) as Db,
    async drop() {
      await pool.end();
      await admin((c) => c.query(`drop database if exists ${name} with (force)`));
    },
  };
}

/** A private database holding the village demo (山尹村镇) with its testing campaign part-way through, as `bastion demo` loads it. */
export async function demoDatabase(label: string): Promise<PrivateDb> {
  const d = await emptyDatabase(label);
  await runMigrations(d.pool);
  const r = await loadDemo(d.db, d.pool, 'village', 1);
  await seedDemoCheckinPoints({ pool: d.pool }, r.villages);
  const root = r.accounts[0];
  // not started: the SMS the results queue stay queued
  const notify = new NotifyRuntime(d.pool, { gateway: 'simulator', queue: `demo-${label}`, ratePerSecond: 0, leaseMs: 5000 });
  await seedDemoTesting(d.db, d.pool, { code: root.areaCode, name: root.areaName }, r.villages, DEMO_PASSWORD, notify);
  return d;
}

/** Every table of the public schema with its row count and a digest of all its rows. */
export async function tableDigests(pool: pg.Pool): Promise<Record<string, { rows: number; md5: string | null }>> {
  const tables = (await pool.query<{ t: string }>(`select tablename as t from pg_tables where schemaname = 'public' order by 1`)).rows.map((r) => r.t);
  const out: Record<string, { rows: number; md5: string | null }> = {};
  for (const t of tables) {
    const { rows } = await pool.query(`select count(*)::int as rows, md5(string_agg(x::text, '|' order by x::text)) as md5 from "${t}" x`);
    out[t] = rows[0];
  }
  return out;
}

/** Runs `bastion ARGS` in a process of its own; its exit code and what it printed. */
export function bastion(args: string[], env: Record<string, string | undefined>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/bastion.js', ...args], { env: { ...process.env, ...env }, encoding: 'utf8' }, (e, stdout, stderr) =>
      resolve({ code: e ? Number((e as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}
