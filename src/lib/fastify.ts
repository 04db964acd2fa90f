import type pg from 'pg';
import type { Db } from '../db/connection.js';

/** What every module's routes may use from the assembled app. */
export interface AppSettings {
  sessionHours: number;
  /** a session unused this long ends (default 120) */
  sessionIdleMinutes?: number;
  /** BASTION_PUBLIC_URL: the session cookie is Secure when it is https (not from X-Forwarded-Proto, which anyone can send) */
  publicUrl?: string | null;
  /** prefixes the keys of the limits counted in PostgreSQL (src/db/limits.ts), so that apps sharing one database (tests) keep apart */
  limitScope?: string;
  uploadLimitMb: number;
  dataDir: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    db: Db;
    pool: pg.Pool;
    settings: AppSettings;
  }
}

export const problemRef = { $ref: 'Problem#' } as const;
