import fs from 'node:fs';
import { BackupError, backupDatabase, restoreDatabase } from '../db/backup.js';
import { openDatabase, type Database } from '../db/connection.js';
import { databaseOptions, type Config } from '../server/config.js';
import { runMigrations } from '../db/migrate.js';

/** The database a command works on; migrated only if asked (a backup reads as it is, a restore needs it empty). Prints its line. */
export async function onDatabase(config: Config, fn: (d: Database) => Promise<string>, opts: { migrate?: boolean } = {}): Promise<number> {
  const d = await openDatabase(databaseOptions(config, 2));
  try {
    if (opts.migrate) await runMigrations(d.pool);
    console.log(await fn(d));
    return 0;
  } catch (e) {
    if (!(e instanceof BackupError)) throw e;
    console.error(e.message);
    return 2;
  } finally {
    await d.close();
  }
}

const mb = (n: number) => `${(n / 1048576).toFixed(1)} MB`;

/** `bastion backup --out FILE`: the running database (embedded, joined while the server runs, or DATABASE_URL). */
export function backupCommand(config: Config, out: string | undefined): Promise<number> {
  if (!out) return Promise.resolve(usage('bastion backup --out FILE'));
  return onDatabase(config, async (d) => {
    const r = await backupDatabase(d.url, out);
    return `backup of PostgreSQL ${r.server} written to ${r.file} (${mb(r.bytes)}, pg_dump ${r.tool.version})`;
  });
}

/** `bastion restore FILE`: into an empty BASTION_DATA folder (a new embedded server) or an empty DATABASE_URL. */
export function restoreCommand(config: Config, file: string | undefined): Promise<number> {
  if (!file) return Promise.resolve(usage('bastion restore FILE'));
  if (!fs.existsSync(file)) return Promise.resolve(usage(`no such file: ${file}`));
  return onDatabase(config, async (d) => {
    const r = await restoreDatabase(d.url, file);
    return `restored ${file} into ${d.embedded ? config.dataDir : r.database}: ${r.tables} tables (pg_restore ${r.tool.version}); the next start applies any newer migrations`;
  });
}

export function usage(line: string) {
  console.error(line);
  return 2;
}
