import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { databaseUrl } from '../../test/helpers.js';
import { alive, freePort, postmasterOf } from '../../test/processes.js';
import { databaseUnavailable, openDatabase } from './connection.js';
import { StartFailure } from '../lib/errors.js';

describe('the embedded PostgreSQL', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bastion-embedded-'));
  const taken = net.createServer();
  afterAll(() => {
    taken.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('is started again on the same data and port when its postmaster is killed, by whichever process has it open; the one that started it stops it at close', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bastion-embedded-'));
    const port = await freePort();
    const logs: string[] = [];
    const owner = await openDatabase({ databaseUrl: null, dataDir: dir, embeddedPgPort: port, poolSize: 2, log: (m) => logs.push(m) });
    try {
      // a CLI command beside the server: it joins, and races the owner to start the server again
      const joined = await openDatabase({ databaseUrl: null, dataDir: dir, embeddedPgPort: port, poolSize: 2, log: (m) => logs.push(m) });
      await owner.pool.query('create table kept (n int)');
      await owner.pool.query('insert into kept values (1)');
      const first = postmasterOf(path.join(dir, 'pg'))!;
      process.kill(first.pid, 'SIGKILL');
      // a new postmaster on the same data and port (an old backend may still answer until it sees its postmaster gone)
      await expect.poll(() => { const p = postmasterOf(path.join(dir, 'pg')); return p && p.pid !== first.pid && alive(p.pid) ? p.port : null; }, { timeout: 60_000, interval: 50 }).toBe(port);
      const second = postmasterOf(path.join(dir, 'pg'))!;
      const answers = async (d: typeof owner) => (await d.pool.query('select count(*)::int as n from kept').catch(() => null))?.rows[0].n ?? null;
      await expect.poll(() => answers(owner), { timeout: 30_000, interval: 100 }).toBe(1);
      await expect.poll(() => answers(joined), { timeout: 10_000, interval: 100 }).toBe(1);
      expect(logs.filter((m) => m.startsWith('embedded postgres: started again')), logs.join('\n')).toHaveLength(1);
      await joined.close();
      expect(alive(second.pid)).toBe(true);
      await owner.close();
      expect(alive(second.pid)).toBe(false);
    } finally {
      await owner.close().catch(() => {});
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('says which port it could not start on, and which setting chooses another', async () => {
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as net.AddressInfo;
    const failure = openDatabase({ databaseUrl: null, dataDir, embeddedPgPort: port, log: () => {} });
    await expect(failure).rejects.toThrow(new StartFailure(`port ${port} is in use: BASTION_PG_PORT chooses another for the embedded PostgreSQL`));
    // an empty folder under /tmp, as mkdtemp leaves it (mode 0700): opened for the postgres user
    // to pass through, so the cluster stays in it rather than under BASTION_PG_HOME
    expect(fs.lstatSync(path.join(dataDir, 'pg')).isDirectory()).toBe(true);
    expect(fs.existsSync(path.join(dataDir, 'pg', 'PG_VERSION'))).toBe(true);
  }, 120_000);

  it('archives each finished WAL segment into BASTION_WAL_ARCHIVE, for point-in-time recovery', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bastion-wal-'));
    fs.chmodSync(dir, 0o711); // as root the server's user writes the archive inside
    const archive = path.join(dir, 'wal');
    const d = await openDatabase({ databaseUrl: null, dataDir: path.join(dir, 'data'), embeddedPgPort: 0, walArchive: archive, poolSize: 1, log: () => {} });
    try {
      await d.pool.query('create table archived (n int)');
      const { rows } = await d.pool.query<{ segment: string }>('select pg_walfile_name(pg_switch_wal()) as segment');
      await expect.poll(() => fs.existsSync(path.join(archive, rows[0].segment)), { timeout: 30_000, interval: 50 }).toBe(true);
      expect((await d.pool.query(`select current_setting('archive_mode') as m`)).rows[0].m).toBe('on');
    } finally {
      await d.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('refuses, in one line, a data folder made by another major version of PostgreSQL', async () => {
    // as a folder of the earlier Bastion, whose embedded server was PostgreSQL 18, would be
    const older = fs.mkdtempSync(path.join(os.tmpdir(), 'bastion-embedded-'));
    try {
      fs.mkdirSync(path.join(older, 'pg'));
      fs.writeFileSync(path.join(older, 'pg', 'PG_VERSION'), '18\n');
      // within reach of the postgres user, as a cluster of its own would be
      fs.chmodSync(older, 0o711);
      fs.chmodSync(path.join(older, 'pg'), 0o777);
      await expect(openDatabase({ databaseUrl: null, dataDir: older, embeddedPgPort: 0, log: () => {} })).rejects.toThrow(
        new StartFailure(`${path.join(older, 'pg')} holds a PostgreSQL 18 database and this Bastion runs PostgreSQL 15: move ${older} away to start afresh (or set BASTION_DATA to another folder)`),
      );
      expect(fs.readdirSync(path.join(older, 'pg'))).toEqual(['PG_VERSION']);
    } finally {
      fs.rmSync(older, { recursive: true, force: true });
    }
  });
});

describe('a lost connection', () => {
  it('fails what was sent on a connection checked out of the pool, and never ends the process with an unhandled error event', async () => {
    const d = await openDatabase({ databaseUrl: databaseUrl(), dataDir: '', embeddedPgPort: 0, poolSize: 2, log: () => {} });
    try {
      const client = await d.pool.connect();
      const pid = (await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0].pid;
      const lost = new Promise((resolve) => client.once('error', resolve));
      // as when the server is killed or restarted under a transaction in progress
      await d.pool.query('select pg_terminate_backend($1)', [pid]);
      expect(databaseUnavailable(await lost)).toBe(true);
      const failed = await client.query('select 1').catch((e: unknown) => e);
      expect(databaseUnavailable(failed)).toBe(true);
      client.release();
      // the pool dropped it and serves from a new connection
      expect((await d.pool.query('select 1 as one')).rows[0].one).toBe(1);
    } finally {
      await d.close();
    }
  });

  it('is told apart from a statement that failed: the one may be sent again, the other not', async () => {
    const { port } = await new Promise<net.AddressInfo>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const a = s.address() as net.AddressInfo;
        s.close(() => resolve(a));
      });
    });
    const nowhere = new pg.Pool({ connectionString: `postgres://x@127.0.0.1:${port}/x` });
    expect(databaseUnavailable(await nowhere.query('select 1').catch((e: unknown) => e))).toBe(true);
    await nowhere.end();
    const d = await openDatabase({ databaseUrl: databaseUrl(), dataDir: '', embeddedPgPort: 0, poolSize: 1, log: () => {} });
    try {
      expect(databaseUnavailable(await d.pool.query('selec 1').catch((e: unknown) => e))).toBe(false);
      expect(databaseUnavailable(await d.pool.query('select 1/0').catch((e: unknown) => e))).toBe(false);
      // Drizzle wraps the driver's error
      expect(databaseUnavailable(Object.assign(new Error('Failed query'), { cause: Object.assign(new Error('the database system is starting up'), { code: '57P03' }) }))).toBe(true);
    } finally {
      await d.close();
    }
  });
});
