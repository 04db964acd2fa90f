import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { StartFailure } from '../lib/errors.js';

const MIGRATIONS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');
const LOCK_KEY = 7_146_001; // any constant: serialises migrations of concurrent starts

/**
 * Applies pending migrations, all in one transaction (drizzle's migrator): a failing one leaves the
 * database as it was and stops the start with PostgreSQL's words. Several processes starting at
 * once take turns.
 */
export async function runMigrations(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [LOCK_KEY]);
    await migrate(drizzle(client), { migrationsFolder: MIGRATIONS }).catch((e: Error & { code?: string; cause?: Error & { code?: string } }) => {
      // drizzle wraps PostgreSQL's error ("Failed query: …") with it as the cause
      const pgError = e.cause ?? e;
      throw new StartFailure(`the database's migrations failed and none was applied: ${pgError.message.split('\n')[0]}${pgError.code ? ` (${pgError.code})` : ''}`);
    });
  } finally {
    await client.query('select pg_advisory_unlock($1)', [LOCK_KEY]).catch(() => {});
    client.release();
  }
}
