import type pg from 'pg';
import type { Db } from '../db/connection.js';

/** What every module's routes may use from the assembled app. */
export interface AppSettings {
  sessionHours: number;
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
