import type pg from 'pg';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../lib/errors.js';

/**
 * Limits that must hold across every app process (sign-in attempts, the public lookup by
 * ID number): a fixed window per key in PostgreSQL (`rate_limits`). One upsert per request,
 * so it is for endpoints that see a few requests a second, not thousands; those keep the
 * per-process limits of @fastify/rate-limit.
 */
export async function hitLimit(pool: pg.Pool, key: string, max: number, windowMs: number): Promise<{ allowed: boolean; retryAfterS: number }> {
  const { rows } = await pool.query<{ hits: number; left: number }>(
    `insert into rate_limits as r (key, hits, window_ends) values ($1, 1, now() + make_interval(secs => $2::float8 / 1000))
     on conflict (key) do update set
       hits = case when r.window_ends <= now() then 1 else r.hits + 1 end,
       window_ends = case when r.window_ends <= now() then excluded.window_ends else r.window_ends end
     returning hits, extract(epoch from window_ends - now())::float8 as left`,
    [key, windowMs],
  );
  return { allowed: rows[0].hits <= max, retryAfterS: Math.max(1, Math.ceil(rows[0].left)) };
}

/** Whether `key` has had `max` hits in its current window (counting none). */
export async function limitReached(pool: pg.Pool, key: string, max: number): Promise<boolean> {
  const { rows } = await pool.query(`select 1 from rate_limits where key = $1 and window_ends > now() and hits >= $2`, [key, max]);
  return rows.length > 0;
}

/** Windows that have ended; run now and then. */
export const sweepLimits = (pool: pg.Pool) => pool.query(`delete from rate_limits where window_ends < now() - interval '1 minute'`);

/** A preHandler that answers 429 with Retry-After beyond `max` requests per key per window, in all processes together. */
export function sharedLimit(pool: () => pg.Pool, max: number, windowMs: number, keyOf: (req: FastifyRequest) => string) {
  return async (req: FastifyRequest, reply: { header(k: string, v: string): unknown }) => {
    const { allowed, retryAfterS } = await hitLimit(pool(), keyOf(req), max, windowMs);
    if (!allowed) {
      reply.header('retry-after', String(retryAfterS));
      throw new AppError('RATE_LIMITED', 'too many requests, try again later');
    }
  };
}
