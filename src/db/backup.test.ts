import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { closeTestDb, databaseUrl, testDb } from '../../test/helpers.js';
import { bastion, demoDatabase, emptyDatabase, tableDigests, type PrivateDb } from '../../test/private-db.js';
import { freePort } from '../lib/ports.js';
import { findTools, pickTool, toolDirs } from './backup.js';
import { openDatabase } from './connection.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bastion-backup-'));
// as root the embedded server runs as the postgres user, who must reach the data folder inside
fs.chmodSync(dir, 0o711);
const made: PrivateDb[] = [];
// a machine may have no pg_dump as new as the server (a newer external server than Debian's client programs)
const serverMajor = Math.floor(Number((await testDb().pool.query(`select current_setting('server_version_num') as n`)).rows[0].n) / 10000);
const dumpable = (await findTools('pg_dump', await toolDirs())).some((t) => t.major >= serverMajor);
afterAll(async () => {
  for (const d of made) await d.drop();
  await closeTestDb();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('choosing pg_dump and pg_restore', () => {
  const found = [
    { path: '/usr/lib/postgresql/17/bin/pg_dump', major: 17, version: '17.2' },
    { path: '/usr/lib/postgresql/15/bin/pg_dump', major: 15, version: '15.20' },
  ];
  it('takes the newest at least as new as the server, and says in one line what is missing otherwise', () => {
    expect(pickTool('pg_dump', 15, found, 'x').major).toBe(17);
    expect(pickTool('pg_dump', 17, found, 'x').major).toBe(17);
    expect(() => pickTool('pg_dump', 18, found, 'this PostgreSQL 18.4 server')).toThrow(
      /^pg_dump 18 or newer is needed for this PostgreSQL 18\.4 server; found only pg_dump 17\.2 \(\/usr\/lib\/postgresql\/17\/bin\/pg_dump\), pg_dump 15\.20 .*put their bin folder on PATH\.$/,
    );
    expect(() => pickTool('pg_restore', 15, [], 'x')).toThrow(/found no pg_restore/);
  });
});

describe('bastion backup and restore', () => {
  it.runIf(dumpable)('round-trips the village demo with its campaign part-way: every table, every row, the sequences; a second restore is refused', { timeout: 240_000 }, async () => {
    const source = await demoDatabase('backup_src');
    made.push(source);
    const before = await tableDigests(source.pool);
    expect(before.samples.rows).toBeGreaterThan(1000);
    expect(before.recalls.rows).toBeGreaterThan(0);
    const file = path.join(dir, 'village.dump');

    const b = await bastion(['backup', '--out', file], { DATABASE_URL: source.url });
    expect(b.stderr).toBe('');
    expect(b.stdout).toMatch(/^backup of PostgreSQL \d+\.\d+ written to .*village\.dump/);
    expect(b.code).toBe(0);
    expect(fs.readdirSync(dir)).toEqual(['village.dump']); // no partial file left beside it

    const target = await emptyDatabase('backup_dst');
    made.push(target);
    const r = await bastion(['restore', file], { DATABASE_URL: target.url });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(await tableDigests(target.pool)).toEqual(before);
    const seqs = `select sequencename as s, last_value as v from pg_sequences where schemaname = 'public' order by 1`;
    expect((await target.pool.query(seqs)).rows).toEqual((await source.pool.query(seqs)).rows);
    expect((await target.pool.query(`select count(*)::int as n from drizzle.__drizzle_migrations`)).rows[0].n).toBeGreaterThan(20);

    // a database with data is never written over
    const again = await bastion(['restore', file], { DATABASE_URL: target.url });
    expect(again.code).toBe(2);
    expect(again.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^the database bastion_backup_dst_\w+ is not empty \(\d+ tables, views or sequences\): bastion restore writes only into an empty database/)]);
    expect(await tableDigests(target.pool)).toEqual(before);

    // a file cut short fails whole: the empty database stays empty
    const cut = path.join(dir, 'cut.dump');
    fs.writeFileSync(cut, fs.readFileSync(file).subarray(0, Math.floor(fs.statSync(file).size * 0.6)));
    const empty = await emptyDatabase('backup_cut');
    made.push(empty);
    const failed = await bastion(['restore', cut], { DATABASE_URL: empty.url });
    expect(failed.code).toBe(2);
    expect(failed.stderr).toMatch(/^pg_restore failed, nothing was restored: /);
    expect(failed.stderr.trim().split('\n')).toHaveLength(1);
    expect((await empty.pool.query(`select count(*)::int as n from pg_tables where schemaname not in ('pg_catalog', 'information_schema')`)).rows[0].n).toBe(0);

    // not a backup at all
    const junk = path.join(dir, 'junk.dump');
    fs.writeFileSync(junk, 'PGDMX not a dump');
    expect((await bastion(['restore', junk], { DATABASE_URL: empty.url })).stderr.trim()).toBe(`${junk} is not a backup written by bastion backup (pg_dump's custom format)`);

    // into an empty data folder: a new embedded server takes the backup
    const data = path.join(dir, 'data');
    const port = await freePort();
    const e = await bastion(['restore', file], { DATABASE_URL: undefined, BASTION_DATA: data, BASTION_PG_PORT: String(port) });
    expect(e.stderr).toBe('');
    expect(e.stdout).toContain(`restored ${file} into ${data}`);
    const embedded = await openDatabase({ databaseUrl: null, dataDir: data, embeddedPgPort: port, log: () => {} });
    try {
      expect(await tableDigests(embedded.pool)).toEqual(before);
    } finally {
      await embedded.close();
    }
  });

  it.runIf(!dumpable)('says in one line which pg_dump is missing for this server, and writes no file', async () => {
    const file = path.join(dir, 'none.dump');
    const b = await bastion(['backup', '--out', file], { DATABASE_URL: databaseUrl() });
    expect(b.code).toBe(2);
    expect(b.stderr.trim().split('\n')).toEqual([expect.stringMatching(new RegExp(`^pg_dump ${serverMajor} or newer is needed for this PostgreSQL ${serverMajor}\\.\\d+ server; found .*put their bin folder on PATH\\.$`))]);
    expect(fs.existsSync(file)).toBe(false);
  });
});
