import { inject } from 'vitest';
import pg from 'pg';
import { drizzle } from 'drizzle-orm/node-postgres';
import type { FastifyInstance } from 'fastify';
import type { Db } from '../src/db/connection.js';
import { buildApp } from '../src/server/app.js';
import type { AppSettings } from '../src/lib/fastify.js';
import { checkDigit } from '../src/lib/idcard.js';
import crypto from 'node:crypto';
import { addAccount, issueApiToken, type Role } from '../src/modules/access/index.js';
import { NotifyRuntime } from '../src/modules/notify/index.js';
import { EventBus } from '../src/db/events.js';
import '../src/db/connection.js'; // type parsers

export const databaseUrl = () => inject('databaseUrl');

let shared: { pool: pg.Pool; db: Db } | null = null;
export function testDb() {
  if (!shared) {
    const pool = new pg.Pool({ connectionString: databaseUrl(), max: 6 });
    shared = { pool, db: drizzle(pool) as Db };
  }
  return shared;
}
export async function closeTestDb() {
  await shared?.pool.end();
  shared = null;
}

/**
 * Points the helpers at another database: a test's private server (one it kills), migrated
 * already. Its connections may die under the test, which is no news to the test.
 */
export async function useDatabase(url: string) {
  await closeTestDb();
  const pool = new pg.Pool({ connectionString: url, max: 6 });
  pool.on('error', () => {});
  await pool.query('create sequence if not exists test_area_seq');
  shared = { pool, db: drizzle(pool) as Db };
  return shared;
}

export interface TestArea {
  district: string;
  town: string;
  villages: [string, string];
  grids: [string, string];
  names: Record<string, string>;
}

/** A district of its own for one test: 1 town, 2 villages, a grid in each. Codes never repeat, even across runs. */
export async function makeArea(): Promise<TestArea> {
  const { pool } = testDb();
  const n = Number((await pool.query(`select nextval('test_area_seq') as n`)).rows[0].n);
  const district = '9' + String(n % 100000).padStart(5, '0');
  const town = district + '101';
  const villages: [string, string] = [town + '201', town + '202'];
  const grids: [string, string] = [villages[0] + '001', villages[1] + '001'];
  const names: Record<string, string> = {
    [district]: `测试区${n}`,
    [town]: `测试镇${n}`,
    [villages[0]]: `东村${n}村民委员会`,
    [villages[1]]: `西村${n}村民委员会`,
    [grids[0]]: '第1网格',
    [grids[1]]: '第1网格',
  };
  const rows = [
    [district, 'district', null, null],
    [town, 'town', district, null],
    [villages[0], 'village', town, 'village'],
    [villages[1], 'village', town, 'village'],
    [grids[0], 'grid', villages[0], null],
    [grids[1], 'grid', villages[1], null],
  ];
  for (const [code, level, parent, kind] of rows)
    await pool.query(`insert into areas (code, name, level, parent_code, kind) values ($1, $2, $3, $4, $5)`, [code, names[code!], level, parent, kind]);
  return { district, town, villages, grids, names };
}

/** A valid 18-digit ID in the test's own region, distinct for each `n`. */
export function idFor(region: string, n: number, sex: 'M' | 'F' = 'M', birth = '19800101'): string {
  const d = new Date(Date.UTC(Number(birth.slice(0, 4)), Number(birth.slice(4, 6)) - 1, Number(birth.slice(6)) + Math.floor(n / 500)));
  const b = d.toISOString().slice(0, 10).replace(/-/g, '');
  const seq = (n % 500) * 2 + (sex === 'M' ? 1 : 0);
  const first17 = region.slice(0, 6) + b + String(seq).padStart(3, '0');
  return first17 + checkDigit(first17);
}

let seq = 0;
export async function makeAccount(role: Role, areaCode: string) {
  const username = `t-${role}-${areaCode}-${process.pid}-${++seq}`;
  const password = 'test-password-1';
  const id = await addAccount(testDb().db, { username, password, role, areaCode });
  return { id, username, password };
}

export async function makeToken(role: Role, areaCode: string) {
  const a = await makeAccount(role, areaCode);
  return issueApiToken(testDb().db, a.id, 'test');
}

/**
 * Shedding for the apps of tests that are not about shedding: an event loop that stalls for a
 * minute. The test runner shares two cores with PostgreSQL and Chromium, and its own stalls, not
 * the app's load, once had requests of the hostile-input test shed with 503. (The surge test and
 * the bench keep the real settings.)
 */
export const NO_SHEDDING = { maxInFlight: 1024, maxEventLoopDelayMs: 60_000 };

let apps = 0;
/**
 * An app for API tests. Its sign-in limits count apart from every other app's (`limitScope`): the
 * limit on all sign-ins together would otherwise be shared by every test signing in on the same
 * database at the same time.
 */
export async function testApp(opts: { settings?: Partial<AppSettings>; trustedProxies?: string[]; everyModule?: boolean } = {}): Promise<FastifyInstance> {
  const { db, pool } = testDb();
  const settings = { sessionHours: 1, uploadLimitMb: 5, dataDir: '/tmp/bastion-test-uploads', limitScope: `t${process.pid}-${Date.now()}-${++apps}:`, ...opts.settings };
  // everyModule: the mobilization and testing routes too, which need an SMS channel (the simulator,
  // on a queue of its own, not started: nothing is sent) and the event bus (stopped with the app)
  const notify = opts.everyModule ? new NotifyRuntime(pool, { gateway: 'simulator', queue: `sim-${crypto.randomUUID().slice(0, 8)}`, ratePerSecond: 0, leaseMs: 5000 }) : undefined;
  const bus = opts.everyModule ? new EventBus(pool) : undefined;
  await bus?.start();
  const app = await buildApp({ db, pool, settings, trustedProxies: opts.trustedProxies, logLevel: 'silent', web: false, shedding: NO_SHEDDING, notify, bus });
  if (bus) app.addHook('onClose', () => bus.stop());
  await app.ready();
  return app;
}

/** Signs in through the API and returns the cookie header to send. */
export async function signIn(app: FastifyInstance, username: string, password: string): Promise<string> {
  const res = await app.inject({ method: 'POST', url: '/api/v1/access/session', payload: { username, password } });
  if (res.statusCode !== 200) throw new Error(`sign-in failed: ${res.statusCode} ${res.body}`);
  const c = res.cookies.find((x) => x.name === 'bastion_session')!;
  return `bastion_session=${c.value}`;
}

export async function asRole(app: FastifyInstance, role: Role, areaCode: string) {
  const a = await makeAccount(role, areaCode);
  return signIn(app, a.username, a.password);
}

/** Inserts residents directly (bypassing import) for read tests. */
export async function addResidents(area: string, rows: { name: string; initials: string; n: number; phone?: string }[], region = area) {
  const { pool } = testDb();
  const ids: number[] = [];
  for (const r of rows) {
    const res = await pool.query(
      `insert into residents (id_number, name, name_initials, sex, birth_date, phone, address, area_code)
       values ($1, $2, $3, 'M', '1980-01-01', $4, '测试地址', $5) returning id`,
      [idFor(region, r.n), r.name, r.initials, r.phone ?? null, area],
    );
    ids.push(res.rows[0].id);
  }
  return ids;
}

/** Inserts cadres assigned to a village, for call-up tests. */
export async function addStaff(area: string, rows: { name: string; n: number; phone: string | null; workUnit?: string; partyMember?: boolean }[], region = area) {
  const { pool } = testDb();
  const ids: number[] = [];
  for (const r of rows) {
    const res = await pool.query(
      `insert into staff (id_number, name, name_initials, sex, birth_date, phone, work_unit, party_member, role, assigned_area_code)
       values ($1, $2, 'x', 'M', '1980-01-01', $3, $4, $5, 'cadre', $6) returning id`,
      [idFor(region, 400 + r.n), r.name, r.phone, r.workUnit ?? '区卫生健康局', r.partyMember ?? true, area],
    );
    ids.push(res.rows[0].id);
  }
  return ids;
}
