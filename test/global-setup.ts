import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { openDatabase, type Database } from '../src/db/connection.js';
import { runMigrations } from '../src/db/migrate.js';
import { loadDemo } from '../src/modules/registry/index.js';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}

let database: Database | null = null;
let dataDir: string | null = null;

/**
 * One database for the whole run: the PostgreSQL at DATABASE_URL, or a fresh
 * embedded one. Migrations run once, and the real 山尹村镇 is loaded once;
 * every test then makes its own areas and accounts, so none needs truncation.
 */
export async function setup(project: TestProject) {
  const external = process.env.DATABASE_URL || null;
  if (!external) dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bastion-test-'));
  database = await openDatabase({
    databaseUrl: external,
    dataDir: dataDir ?? '',
    embeddedPgPort: 0,
    log: () => {},
  });
  await runMigrations(database.pool);
  await database.pool.query('create sequence if not exists test_area_seq');
  await loadDemo(database.db, database.pool, 'village', 1);
  console.log(`tests use ${external ? 'the external PostgreSQL at DATABASE_URL' : 'an embedded PostgreSQL'}: ${(await database.pool.query('select version()')).rows[0].version.split(' on ')[0]}`);
  project.provide('databaseUrl', database.url);
}

export async function teardown() {
  await database?.close();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
}
