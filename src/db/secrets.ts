import crypto from 'node:crypto';
import type pg from 'pg';

/**
 * A secret shared by every app process (for signing links), made once and kept
 * in the database so processes behind a load balancer agree on it.
 */
export async function sharedSecret(pool: pg.Pool, name: string): Promise<Buffer> {
  await pool.query(`insert into app_secrets (name, value) values ($1, $2) on conflict (name) do nothing`, [name, crypto.randomBytes(32).toString('base64')]);
  const { rows } = await pool.query<{ value: string }>(`select value from app_secrets where name = $1`, [name]);
  return Buffer.from(rows[0].value, 'base64');
}
