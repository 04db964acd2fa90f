import cluster from 'node:cluster';
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError, databaseOptions, loadConfig, type Config } from '../server/config.js';
import { openDatabase, type Database } from '../db/connection.js';
import { runMigrations } from '../db/migrate.js';
import { startServer } from '../server/start.js';
import { ROLES, accountsNamed, addAccount, anyAccount, createAccount, issueApiToken, type Role } from '../modules/access/index.js';
import { disableAccount, listApiTokens, revokeApiTokens } from '../modules/access/index.js';
import {
  DEMO_PASSWORD,
  SCALES,
  areaName,
  importRepo,
  loadDemo,
  prepareExport,
  runImport,
  writeRejectionReport,
  type DemoResult,
  type ExportList,
  type Scale,
} from '../modules/registry/index.js';
import { AppError, StartFailure } from '../lib/errors.js';
import { seedDemoCheckinPoints } from '../modules/mobilization/index.js';
import { seedDemoTesting } from '../modules/testing/index.js';
import { NotifyRuntime } from '../modules/notify/index.js';
import { message } from '../lib/messages.js';
import { backupCommand, restoreCommand } from './backup.js';
import { purgeCommand } from './purge.js';

const USAGE = `bastion — 疫情防控指挥平台

  bastion start [--demo village|district|city] [--workers N]   migrate, load the demo when asked, serve
  bastion serve [--workers N]                    migrate and serve (N app processes on one port; default BASTION_WORKERS or 1)
  bastion demo --scale village|district|city [--seed N]
  bastion import residents|staff FILE [--report errors.xlsx]
  bastion export residents|staff|areas [--area CODE] [--full] --out FILE.xlsx|FILE.csv
  bastion user add --username U --password P --role ROLE --area CODE [--name NAME] [--reset]
                                                 create an account; --reset: reset an existing one's password, role, area
  bastion user disable --username U              end its sessions and tokens; user add --reset enables it again
  bastion token add --username U --label LABEL   print a bearer API token for a device or lab
  bastion token list --username U                its tokens: label, created, last used, revoked (never the token)
  bastion token revoke --username U --label LABEL | --all
  bastion migrate
  bastion backup --out FILE                      a consistent backup of the running database (pg_dump, custom format)
  bastion restore FILE                           into an empty BASTION_DATA or an empty DATABASE_URL; refuses one with data
  bastion purge --area CODE --before YYYY-MM-DD  the emergency over: erase the ID numbers, names, phones and addresses of
                                                 the area's people registered or changed before that day (counts stay)

Configuration (environment): PORT, HOST, DATABASE_URL, BASTION_DATA, BASTION_PG_PORT, BASTION_PG_HOME, BASTION_WAL_ARCHIVE,
BASTION_DEMO, LOG_LEVEL, BASTION_PUBLIC_URL, BASTION_TRUSTED_PROXIES, BASTION_SESSION_HOURS,
BASTION_SESSION_IDLE_MINUTES, BASTION_UPLOAD_LIMIT_MB, BASTION_DB_POOL`;

class UsageError extends Error {}

const open = (config: Config, databaseUrl: string | null, poolSize: number) => openDatabase(databaseOptions(config, poolSize, databaseUrl));

async function withDb<T>(config: Config, fn: (d: Database) => Promise<T>): Promise<T> {
  const d = await open(config, config.databaseUrl, 4);
  try {
    await runMigrations(d.pool);
    return await fn(d);
  } finally {
    await d.close();
  }
}

function scaleOf(v: string | undefined, def: Scale): Scale {
  const s = (v ?? def) as Scale;
  if (!(s in SCALES)) throw new UsageError(`--scale must be one of ${Object.keys(SCALES).join(', ')}`);
  return s;
}

/** What the other modules add to a demo district: check-in points, a testing campaign, a lab and a station. */
async function seedModules(db: Database['db'], pool: Database['pool'], r: DemoResult, config: Config) {
  await seedDemoCheckinPoints({ pool }, r.villages);
  const root = r.accounts[0];
  // not started: the SMS the demo's results queue (to 山尹村's secretary) are sent by the server
  const notify = new NotifyRuntime(pool, config.sms);
  await seedDemoTesting(db, pool, { code: root.areaCode, name: root.areaName }, r.villages, DEMO_PASSWORD, notify);
}

/**
 * `serve --workers N`: N app processes share the port (node:cluster hands out the connections
 * in turn). They share nothing but PostgreSQL — sessions, queues, escalation rounds and live-board
 * events all live there — so N behave as one. This process keeps the embedded database (when
 * there is one) and starts a worker again if one dies. A worker that ends before all listen (a
 * port in use) fails the start with its one line.
 */
async function superviseWorkers(config: Config, database: Database) {
  let stopping = false;
  const fork = () => cluster.fork({ BASTION_WORKER_DB: database.url });
  const stopWorkers = async () => {
    const workers = Object.values(cluster.workers ?? {}).filter((w) => w && !w.isDead());
    await Promise.all(workers.map((w) => new Promise((r) => (w!.once('exit', r), w!.process.kill('SIGTERM')))));
  };
  await new Promise<void>((resolve, reject) => {
    let listening = 0;
    let failure: string | null = null;
    const told = (m: { startFailure?: string }) => m?.startFailure && (failure = m.startFailure);
    const early = (w: import('node:cluster').Worker, code: number, signal: string) => {
      cluster.off('listening', heard);
      cluster.off('exit', early);
      stopping = true;
      void stopWorkers().then(() => reject(new StartFailure(failure ?? `an app process ended while starting (${signal ?? code})`)));
    };
    const heard = () => {
      if (++listening < config.workers) return;
      cluster.off('listening', heard);
      cluster.off('exit', early);
      resolve();
    };
    cluster.on('message', (_w, m) => told(m));
    cluster.on('listening', heard);
    cluster.on('exit', early);
    for (let i = 0; i < config.workers; i++) fork();
  });
  cluster.on('exit', (w, code, signal) => {
    if (stopping) return;
    console.error(`worker ${w.process.pid} ended (${signal ?? code}); starting another`);
    fork();
  });
  return {
    async stop() {
      stopping = true;
      await stopWorkers();
    },
  };
}

/** One app process of `serve --workers N`, on the database its supervisor opened. */
async function serveWorker(config: Config): Promise<number> {
  const database = await open(config, process.env.BASTION_WORKER_DB ?? config.databaseUrl, config.dbPoolSize);
  const running = await startServer({ ...config, workers: 1 }, { database }).catch(async (e) => {
    await database.close();
    throw e;
  });
  stopOnSignal(running, database);
  return -1;
}

/**
 * SIGINT or SIGTERM before the server serves (a demo loading, migrations): stop the embedded
 * PostgreSQL, then exit. Returns what takes the handler off once the server runs.
 */
function stopWhileStarting(database: Database) {
  const stop = () => {
    console.error('stopped before serving');
    void database.close().finally(() => process.exit(1));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return () => {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  };
}

/** SIGINT or SIGTERM: finish what is in hand, close the database (stopping an embedded one), exit. */
function stopOnSignal(running: { stop(): Promise<void> }, database: Database) {
  const stop = async () => {
    await running.stop();
    await database.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

const demoAccounts = (accounts: { username: string; role: string; areaName: string }[]) => [
  `Demo sign-in (password ${DEMO_PASSWORD}):`,
  ...accounts.map((a) => `  ${a.username.padEnd(12)} ${a.role.padEnd(10)} ${a.areaName}`),
];

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      scale: { type: 'string' }, seed: { type: 'string' }, demo: { type: 'string' }, report: { type: 'string' },
      area: { type: 'string' }, out: { type: 'string' }, full: { type: 'boolean' }, username: { type: 'string' },
      password: { type: 'string' }, role: { type: 'string' }, name: { type: 'string' }, label: { type: 'string' },
      workers: { type: 'string' }, before: { type: 'string' }, all: { type: 'boolean' }, reset: { type: 'boolean' },
    },
  });
  if (!cmd || cmd === 'help' || cmd === '--help') {
    console.log(USAGE);
    return 0;
  }
  const config = loadConfig();
  if (values.workers !== undefined) {
    const n = Number(values.workers);
    if (!Number.isInteger(n) || n < 1 || n > 64) throw new UsageError('--workers must be a whole number from 1 to 64');
    config.workers = n;
  }
  // A worker of `serve --workers N`: the first process has migrated and loaded the demo.
  if (cluster.isWorker) return serveWorker(config);

  switch (cmd) {
    case 'start':
    case 'serve': {
      if (cmd === 'serve' && values.demo) throw new UsageError('--demo goes with start: bastion start --demo village|district|city');
      // the demo loads only when asked: its accounts share one public password
      const demo = cmd === 'start' && values.demo !== undefined ? scaleOf(values.demo, 'district') : null;
      const database = await open(config, config.databaseUrl, config.dbPoolSize);
      const { pool, db } = database;
      const started = stopWhileStarting(database);
      let running: { url: string; stop(): Promise<void> };
      try {
        await runMigrations(pool);
        if (demo) {
          // the demo is in place before the first page is served
          console.log(`Loading the ${demo} demo (real geography, synthetic people)…`);
          const t0 = Date.now();
          const r = await loadDemo(db, pool, demo, 1, (m) => console.log(m));
          await seedModules(db, pool, r, config);
          const took = `${((Date.now() - t0) / 1000).toFixed(1)} s`;
          console.log(r.townsLoaded ? `Loaded ${r.residents} residents and ${r.staff} cadres in ${took}` : `The ${demo} demo was loaded already (${r.townsSkipped} towns; checked in ${took})`);
        }
        if (config.workers > 1) {
          const workers = await superviseWorkers(config, database);
          const host = config.host === '0.0.0.0' ? '127.0.0.1' : config.host.includes(':') ? `[${config.host}]` : config.host;
          running = { url: config.publicUrl ?? `http://${host}:${config.port}`, stop: () => workers.stop() };
        } else running = await startServer(config, { database });
      } catch (e) {
        started();
        await database.close();
        throw e;
      }
      started();
      stopOnSignal(running, database);
      // one write: whoever waits for the URL has what follows it too
      const said = [`\nBastion is running at ${running.url}`];
      // the personal links in SMS carry this address: 127.0.0.1 reaches no phone
      if (!config.publicUrl) said.push(`SMS links point to ${running.url}, which no phone can reach: set BASTION_PUBLIC_URL to the address phones reach`);
      if (demo) {
        const accounts = [];
        for (const a of await accountsNamed(db, ['commander', 'shanyin', 'nanpingtong', 'sampler', 'courier', 'lab']))
          accounts.push({ username: a.username, role: a.role, areaName: (await areaName(db, a.areaCode)) ?? a.areaCode });
        said.push(...demoAccounts(accounts));
      } else if (!(await anyAccount(db))) {
        said.push(
          'No account yet. Create the first commander (CODE: the division code of the area it commands, e.g. 130110), or start with --demo district:',
          '  npx bastion user add --username NAME --password PASSWORD --role commander --area CODE',
        );
      }
      console.log(said.join('\n'));
      return -1; // keep running
    }
    case 'migrate':
      await withDb(config, async () => console.log('migrations applied'));
      return 0;
    case 'demo': {
      const scale = scaleOf(values.scale, 'village');
      const seed = Number(values.seed ?? 1);
      if (!Number.isInteger(seed)) throw new UsageError('--seed must be a whole number');
      return withDb(config, async ({ db, pool }) => {
        const t0 = Date.now();
        const r = await loadDemo(db, pool, scale, seed, (m) => console.log(m));
        await seedModules(db, pool, r, config);
        console.log(`${scale}: ${r.areas} official areas; loaded ${r.townsLoaded} towns (${r.residents} residents, ${r.staff} cadres), ${r.townsSkipped} already there; ${((Date.now() - t0) / 1000).toFixed(1)} s`);
        console.log(demoAccounts(r.accounts).join('\n'));
        return 0;
      });
    }
    case 'import': {
      const [kind, file] = positionals;
      if ((kind !== 'residents' && kind !== 'staff') || !file) throw new UsageError('bastion import residents|staff FILE [--report errors.xlsx]');
      if (!fs.existsSync(file)) throw new UsageError(`no such file: ${file}`);
      return withDb(config, async ({ db, pool }) => {
        const s = await runImport(db, pool, { kind, path: file, filename: file, actor: null });
        if (values.report) {
          const fmt = values.report.endsWith('.csv') ? 'csv' : 'xlsx';
          await writeRejectionReport(pool, s.jobId, fs.createWriteStream(values.report), fmt, 'zh');
        } else if (s.rejected) {
          for (const r of await importRepo.rejections(pool, s.jobId, 20)) console.error(`  row ${r.rowNo} ${r.field}: ${message(r.reason, 'zh')}`);
          if (s.rejected > 20) console.error('  … (--report FILE.xlsx lists every rejection)');
        }
        console.log(`imported ${s.imported}, updated ${s.updated}, rejected ${s.rejected}`);
        return s.rejected > 0 ? 1 : 0;
      });
    }
    case 'export': {
      const [list] = positionals;
      if (!['residents', 'staff', 'areas'].includes(list) || !values.out) throw new UsageError('bastion export residents|staff|areas [--area CODE] --out FILE.xlsx|FILE.csv');
      const format = values.out.endsWith('.xlsx') ? 'xlsx' : values.out.toLowerCase().endsWith('.gbk.csv') ? 'csv-gbk' : 'csv';
      return withDb(config, async ({ db, pool }) => {
        const write = await prepareExport(db, pool, null, list as ExportList, { area: values.area, format, full: values.full ?? true, lang: 'zh' });
        const n = await write(fs.createWriteStream(values.out!));
        console.log(`exported ${n} rows to ${values.out}`);
        return 0;
      });
    }
    case 'user': {
      if (positionals[0] === 'disable' && values.username)
        return withDb(config, async ({ db }) => (await disableAccount(db, values.username!), console.log(`account ${values.username} disabled`), 0));
      if (positionals[0] !== 'add') throw new UsageError('bastion user add --username U --password P --role ROLE --area CODE');
      const role = values.role as Role;
      if (!values.username || !values.password || !ROLES.includes(role) || !values.area)
        throw new UsageError(`bastion user add --username U --password P --role ${ROLES.join('|')} --area CODE [--name NAME]`);
      return withDb(config, async ({ db, pool }) => {
        const account = { username: values.username!, password: values.password!, role, areaCode: values.area!, displayName: values.name };
        // an existing account is reset only when the operator says so
        const id = values.reset
          ? await addAccount(db, account)
          : await createAccount(pool, account).catch((e) => {
              if (e instanceof AppError && e.code === 'CONFLICT') throw new UsageError(`account ${values.username} exists: add --reset to reset its password, role and area`);
              throw e;
            });
        console.log(`account ${values.username} (${role}, ${values.area}) ${values.reset ? 'saved' : 'created'}, id ${id}`);
        return 0;
      });
    }
    case 'token': {
      if (positionals[0] === 'list' && values.username)
        return withDb(config, async ({ db }) => {
          const when = (d: Date | null) => (d ? d.toISOString().slice(0, 16).replace('T', ' ') + 'Z' : '-');
          for (const t of await listApiTokens(db, values.username!))
            console.log(`${t.label}\tcreated ${when(t.createdAt)}\tlast used ${when(t.lastUsedAt)}${t.revokedAt ? `\trevoked ${when(t.revokedAt)}` : ''}`);
          return 0;
        });
      if (positionals[0] === 'revoke' && values.username && (values.label !== undefined) !== (values.all === true))
        return withDb(config, async ({ db }) => {
          const n = await revokeApiTokens(db, values.username!, values.all ? null : values.label!);
          console.log(`revoked ${n} token(s) of ${values.username}`);
          return n > 0 ? 0 : 1;
        });
      if (positionals[0] === 'revoke') throw new UsageError('bastion token revoke --username U --label LABEL | --all');
      if (positionals[0] !== 'add' || !values.username) throw new UsageError('bastion token add --username U --label LABEL');
      return withDb(config, async ({ db }) => {
        const [acc] = await accountsNamed(db, [values.username!]);
        if (!acc) throw new UsageError(`no account ${values.username}`);
        console.log(await issueApiToken(db, acc.id, values.label ?? 'device'));
        return 0;
      });
    }
    case 'backup':
      return backupCommand(config, values.out);
    case 'restore':
      return restoreCommand(config, positionals[0]);
    case 'purge':
      return purgeCommand(config, values.area, values.before);
    default:
      throw new UsageError(`unknown command ${cmd}\n\n${USAGE}`);
  }
}

/**
 * What went wrong, in one line (a bad configuration: one line per bad variable). No stack trace:
 * LOG_LEVEL=debug (or trace) adds it for an error nothing here foresaw.
 */
function oneLine(e: unknown): string {
  if (e instanceof ConfigError || e instanceof UsageError || e instanceof StartFailure) return e.message;
  if (e instanceof AppError) return `${e.code}${e.field ? ` (${e.field})` : ''}: ${e.message}`;
  const err = e as (Error & { code?: string }) | undefined;
  const first = (err?.message || String(e)).split('\n')[0];
  return `bastion: ${first}${err?.code ? ` (${err.code})` : ''}`;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (e) => {
    const line = oneLine(e);
    if (['debug', 'trace'].includes(process.env.LOG_LEVEL ?? '') && e instanceof Error && !(e instanceof StartFailure)) console.error(e.stack);
    // a worker of `serve --workers N` tells its supervisor, which says it once
    if (cluster.isWorker && process.send) process.send({ startFailure: line }, () => process.exit(2));
    else {
      console.error(line);
      process.exit(2);
    }
  },
);
