import type { FastifyInstance } from 'fastify';
import { openDatabase, type Database } from '../db/connection.js';
import { runMigrations } from '../db/migrate.js';
import { importRepo } from '../modules/registry/index.js';
import { NotifyRuntime } from '../modules/notify/index.js';
import { EventBus } from '../db/events.js';
import { sweepLimits } from '../db/limits.js';
import { buildApp } from './app.js';
import { databaseOptions, type Config } from './config.js';
import { StartFailure } from '../lib/errors.js';

export interface Running {
  app: FastifyInstance;
  database: Database;
  notify: NotifyRuntime;
  url: string;
  stop(): Promise<void>;
}

/** Opens the database (embedded or external), migrates it, and serves. */
export async function startServer(config: Config, opts: { web?: boolean; database?: Database } = {}): Promise<Running> {
  const database =
    opts.database ??
    (await openDatabase(databaseOptions(config)));
  try {
    return await serve(config, database, opts);
  } catch (e) {
    if (!opts.database) await database.close();
    throw e;
  }
}

/** Why a listening socket could not be had, in one line that says what to do. */
function listenFailure(e: unknown, config: Config): unknown {
  const code = (e as NodeJS.ErrnoException).code;
  const at = `${config.host}:${config.port}`;
  if (code === 'EADDRINUSE') return new StartFailure(`${at} is in use (another Bastion?): PORT chooses another port`);
  if (code === 'EACCES') return new StartFailure(`${at}: this user may not listen on port ${config.port}: PORT chooses another (1024 or above)`);
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new StartFailure(`HOST=${config.host} is not an address of this machine`);
  return e;
}

async function serve(config: Config, database: Database, opts: { web?: boolean; database?: Database }): Promise<Running> {
  await runMigrations(database.pool);
  await importRepo.failInterrupted(database.pool);
  const sweep = setInterval(() => {
    void importRepo.failInterrupted(database.pool).catch(() => {});
    void sweepLimits(database.pool).catch(() => {});
  }, 60_000);
  sweep.unref();
  const notify = new NotifyRuntime(database.pool, config.sms, (m) => console.error(m));
  const bus = new EventBus(database.pool, (m) => console.error(m));
  await bus.start();
  const undo = async () => {
    clearInterval(sweep);
    await bus.stop();
  };
  let base = config.publicUrl ?? `http://127.0.0.1:${config.port}`;
  let app: FastifyInstance;
  let address: string;
  try {
    app = await buildApp({
      notify,
      bus,
      linkBase: () => base,
      background: true,
      rosterRules: config.roster,
      shedding: config.shedding,
      processTag: config.workers > 1 || process.env.BASTION_WORKER_DB ? String(process.pid) : undefined,
      db: database.db,
      pool: database.pool,
      trustedProxies: config.trustedProxies,
      settings: { sessionHours: config.sessionHours, sessionIdleMinutes: config.sessionIdleMinutes, publicUrl: config.publicUrl, uploadLimitMb: config.uploadLimitMb, dataDir: config.dataDir },
      logLevel: config.logLevel,
      web: opts.web,
    });
    // A surge is also a crowd of new connections: beyond the backlog (Node's default is 511) the
    // kernel drops their SYNs, and the phones try again only after 1 s, then 3 s.
    address = await app.listen({ host: config.host, port: config.port, backlog: 4096 }).catch(async (e) => {
      await app.close();
      throw listenFailure(e, config);
    });
  } catch (e) {
    await undo();
    throw e;
  }
  notify.start();
  const url = config.publicUrl ?? address.replace('0.0.0.0', '127.0.0.1').replace('[::]', '127.0.0.1');
  base = url;
  return {
    app,
    database,
    notify,
    url,
    async stop() {
      clearInterval(sweep);
      await notify.stop();
      await app.close();
      await bus.stop();
      if (!opts.database) await database.close();
    },
  };
}
