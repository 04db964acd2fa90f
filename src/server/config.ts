import net from 'node:net';
import path from 'node:path';
import { DEFAULT_HTTP_BODY } from '../modules/notify/index.js';
import { DEFAULT_PG_HOME } from '../db/connection.js';

/**
 * Configuration comes from the environment and is validated at start: the
 * process refuses to start and lists every bad variable at once.
 */
export interface Config {
  host: string;
  port: number;
  databaseUrl: string | null;
  dataDir: string;
  embeddedPgPort: number;
  /** as root: where the embedded PostgreSQL goes when the postgres user cannot reach dataDir */
  pgHome: string;
  /** the embedded server copies each finished WAL segment here (point-in-time recovery) */
  walArchive: string | null;
  /** BASTION_DEMO=1: a demo, which may serve the simulator SMS gateway beyond this machine */
  demo: boolean;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  publicUrl: string | null;
  sessionHours: number;
  /** a session unused this long ends */
  sessionIdleMinutes: number;
  /** the proxies whose X-Forwarded-For (and -Proto, -Host) are believed: addresses, CIDRs, or loopback/linklocal/uniquelocal */
  trustedProxies: string[];
  uploadLimitMb: number;
  dbPoolSize: number;
  roster: { maxContinuousHours: number; minRestHours: number };
  /** load shedding: see server/shedding.ts */
  shedding: { maxInFlight: number; maxEventLoopDelayMs: number };
  /** app processes `bastion serve` runs on this machine */
  workers: number;
  sms: {
    gateway: 'simulator' | 'http' | 'twilio';
    ratePerSecond: number;
    leaseMs: number;
    /** the queue this deployment drains (default: the gateway's name) */
    queue?: string;
    http?: { url: string; token: string | null; bodyTemplate: string; concurrency: number; timeoutMs: number };
    webhookSecret?: string;
    twilio?: { accountSid: string; authToken: string; from: string; apiBase: string; publicUrl: string; concurrency: number };
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    // one line for one bad variable, a line each for more
    super(problems.length === 1 ? `Bad configuration: ${problems[0]}` : 'Bad configuration:\n' + problems.map((p) => `  - ${p}`).join('\n'));
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function int(env: Env, name: string, def: number, min: number, max: number, problems: string[]): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    problems.push(`${name}=${JSON.stringify(raw)}: must be a whole number from ${min} to ${max}`);
    return def;
  }
  return n;
}

/** An address, a CIDR or one of the names proxy-addr (Fastify's trustProxy) knows. */
function isProxyAddress(p: string): boolean {
  if (['loopback', 'linklocal', 'uniquelocal'].includes(p)) return true;
  const [addr, bits, extra] = p.split('/');
  const family = net.isIP(addr);
  if (!family || extra !== undefined) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}

/** the addresses of this machine only */
const LOCAL_HOSTS = ['127.0.0.1', 'localhost', '::1'];

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const port = int(env, 'PORT', 8080, 0, 65535, problems); // 0: any free port
  const embeddedPgPort = int(env, 'BASTION_PG_PORT', 54320, 1, 65535, problems);
  const sessionHours = int(env, 'BASTION_SESSION_HOURS', 12, 1, 24 * 30, problems);
  const sessionIdleMinutes = int(env, 'BASTION_SESSION_IDLE_MINUTES', 120, 5, 24 * 60 * 30, problems);
  const trustedProxies = (env.BASTION_TRUSTED_PROXIES ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  for (const p of trustedProxies)
    if (!isProxyAddress(p)) problems.push(`BASTION_TRUSTED_PROXIES: ${JSON.stringify(p)} is not an address, a CIDR (10.0.0.0/8) or loopback/linklocal/uniquelocal`);
  const uploadLimitMb = int(env, 'BASTION_UPLOAD_LIMIT_MB', 200, 1, 2048, problems);
  const dbPoolSize = int(env, 'BASTION_DB_POOL', 10, 1, 200, problems);
  const shedding = {
    maxInFlight: int(env, 'BASTION_MAX_IN_FLIGHT', 1024, 1, 1_000_000, problems),
    maxEventLoopDelayMs: int(env, 'BASTION_MAX_EVENT_LOOP_DELAY_MS', 1000, 10, 60_000, problems),
  };
  const workers = int(env, 'BASTION_WORKERS', 1, 1, 64, problems);
  const roster = {
    maxContinuousHours: int(env, 'BASTION_ROSTER_MAX_HOURS', 12, 1, 72, problems),
    minRestHours: int(env, 'BASTION_ROSTER_MIN_REST_HOURS', 8, 0, 48, problems),
  };
  const smsRate = int(env, 'BASTION_SMS_RATE', 200, 0, 100_000, problems);
  const smsLeaseMs = int(env, 'BASTION_SMS_LEASE_MS', 30_000, 100, 600_000, problems);
  const smsGateway = env.BASTION_SMS_GATEWAY ?? 'simulator';
  const smsQueue = env.BASTION_SMS_QUEUE || undefined;
  if (smsQueue && !/^[\w.-]{1,64}$/.test(smsQueue)) problems.push(`BASTION_SMS_QUEUE=${JSON.stringify(smsQueue)}: 1–64 letters, digits, . _ -`);
  if (!['simulator', 'http', 'twilio'].includes(smsGateway)) problems.push(`BASTION_SMS_GATEWAY=${JSON.stringify(smsGateway)}: "simulator", "http" or "twilio"`);
  let twilio: Config['sms']['twilio'];
  if (smsGateway === 'twilio') {
    for (const k of ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_FROM'] as const) if (!env[k]) problems.push(`${k}: needed by the twilio gateway`);
    if (!env.BASTION_PUBLIC_URL) problems.push('BASTION_PUBLIC_URL: the twilio gateway needs the public address Twilio calls back');
    twilio = {
      accountSid: env.TWILIO_ACCOUNT_SID ?? '',
      authToken: env.TWILIO_AUTH_TOKEN ?? '',
      from: env.TWILIO_FROM ?? '',
      apiBase: (env.TWILIO_API_BASE || 'https://api.twilio.com').replace(/\/$/, ''),
      publicUrl: (env.BASTION_PUBLIC_URL ?? '').replace(/\/$/, ''),
      concurrency: 16,
    };
  }
  let smsHttp: Config['sms']['http'];
  let webhookSecret: string | undefined;
  if (smsGateway === 'http') {
    try {
      const u = new URL(env.BASTION_SMS_HTTP_URL ?? '');
      if (!/^https?:$/.test(u.protocol)) throw new Error();
    } catch {
      problems.push('BASTION_SMS_HTTP_URL: the http gateway needs the URL of the SMS API (http or https)');
    }
    const bodyTemplate = env.BASTION_SMS_HTTP_BODY || DEFAULT_HTTP_BODY;
    if (!bodyTemplate.includes('{to}') || !bodyTemplate.includes('{body}')) problems.push('BASTION_SMS_HTTP_BODY: the request template must contain {to} and {body}');
    webhookSecret = env.BASTION_SMS_WEBHOOK_SECRET;
    if (!webhookSecret || webhookSecret.length < 16) problems.push('BASTION_SMS_WEBHOOK_SECRET: at least 16 characters, to verify delivery receipts and replies');
    smsHttp = { url: env.BASTION_SMS_HTTP_URL ?? '', token: env.BASTION_SMS_HTTP_TOKEN || null, bodyTemplate, concurrency: int(env, 'BASTION_SMS_HTTP_CONCURRENCY', 16, 1, 256, problems), timeoutMs: 10_000 };
  }

  let databaseUrl: string | null = null;
  if (env.DATABASE_URL) {
    try {
      const u = new URL(env.DATABASE_URL);
      if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') throw new Error('protocol');
      if (!u.pathname || u.pathname === '/') throw new Error('database');
      databaseUrl = env.DATABASE_URL;
    } catch {
      problems.push('DATABASE_URL: must look like postgres://user@host:5432/database');
    }
  }
  const host = env.HOST || '127.0.0.1';
  if (!/^[\w.:-]+$/.test(host)) problems.push(`HOST=${JSON.stringify(host)}: not a host name or address`);
  const demo = env.BASTION_DEMO === '1';
  if (![undefined, '', '0', '1'].includes(env.BASTION_DEMO)) problems.push(`BASTION_DEMO=${JSON.stringify(env.BASTION_DEMO)}: 1 for a demo, else unset`);
  // the simulator sends nothing and shows every SMS, personal links included, to commanders
  if (smsGateway === 'simulator' && !demo && !LOCAL_HOSTS.includes(host))
    problems.push(`HOST=${host}: the simulator SMS gateway (BASTION_SMS_GATEWAY's default) sends no SMS and serves beyond this machine only a demo: set BASTION_DEMO=1 for one, or a real gateway (http, twilio)`);
  const pgHome = env.BASTION_PG_HOME || DEFAULT_PG_HOME;
  if (!path.isAbsolute(pgHome)) problems.push(`BASTION_PG_HOME=${JSON.stringify(pgHome)}: an absolute path`);
  const walArchive = env.BASTION_WAL_ARCHIVE || null;
  // it goes into the server's archive_command, inside quotes
  if (walArchive && !(path.isAbsolute(walArchive) && /^[\w./-]+$/.test(walArchive))) problems.push(`BASTION_WAL_ARCHIVE=${JSON.stringify(walArchive)}: an absolute path of letters, digits, . _ - /`);
  if (walArchive && env.DATABASE_URL) problems.push('BASTION_WAL_ARCHIVE: for the embedded PostgreSQL only; with DATABASE_URL set archive_mode and archive_command in that server\'s postgresql.conf');

  const logLevel = (env.LOG_LEVEL ?? 'info') as Config['logLevel'];
  if (!LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL=${JSON.stringify(env.LOG_LEVEL)}: one of ${LEVELS.join(', ')}`);

  let publicUrl: string | null = null;
  if (env.BASTION_PUBLIC_URL) {
    try {
      publicUrl = new URL(env.BASTION_PUBLIC_URL).toString().replace(/\/$/, '');
    } catch {
      problems.push('BASTION_PUBLIC_URL: must be an absolute URL such as https://bastion.example.gov.cn');
    }
  }
  if (problems.length) throw new ConfigError(problems);
  return {
    host,
    port,
    databaseUrl,
    dataDir: path.resolve(env.BASTION_DATA || 'data'),
    embeddedPgPort,
    pgHome,
    walArchive,
    demo,
    logLevel,
    publicUrl,
    sessionHours,
    sessionIdleMinutes,
    trustedProxies,
    uploadLimitMb,
    dbPoolSize,
    roster,
    shedding,
    workers,
    sms: { gateway: smsGateway as 'simulator' | 'http' | 'twilio', ratePerSecond: smsRate, leaseMs: smsLeaseMs, queue: smsQueue, http: smsHttp, webhookSecret, twilio },
  };
}

/** What openDatabase takes of the configuration (a worker of `serve --workers N` passes its supervisor's URL). */
export const databaseOptions = (c: Config, poolSize = c.dbPoolSize, databaseUrl = c.databaseUrl) => ({
  databaseUrl,
  dataDir: c.dataDir,
  embeddedPgPort: c.embeddedPgPort,
  pgHome: c.pgHome,
  walArchive: c.walArchive,
  poolSize,
});
