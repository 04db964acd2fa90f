import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import crypto from 'node:crypto';
import { Writable } from 'node:stream';
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import { asRole, closeTestDb, databaseUrl, NO_SHEDDING, signIn, testApp, testDb } from '../../test/helpers.js';
import { EventBus } from '../db/events.js';
import { NotifyRuntime } from '../modules/notify/index.js';
import { freePort } from '../lib/ports.js';
import type { Db } from '../db/connection.js';
import { buildApp } from './app.js';

let app: FastifyInstance;
beforeAll(async () => {
  app = await testApp();
});
afterAll(async () => {
  await app.close();
  await closeTestDb();
});

describe('the API', () => {
  it('is described by OpenAPI at /api/docs', async () => {
    const res = await app.inject({ url: '/api/docs/json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toMatch(/^3\./);
    for (const p of ['/api/v1/access/session', '/api/v1/registry/{kind}', '/api/v1/registry/imports', '/api/v1/registry/export/{list}']) expect(doc.paths).toHaveProperty([p]);
  });

  it('answers an unknown route with problem+json', async () => {
    const res = await app.inject({ url: '/api/v1/nothing' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toContain('application/problem+json');
  });

  it('lists the organisations that serve a village: its branch, its town, the district, not a neighbour’s branch', async () => {
    const lead = await asRole(app, 'lead', '130110108201');
    const orgs = (await app.inject({ url: '/api/v1/registry/organisations', headers: { cookie: lead } })).json() as { name: string; kind: string }[];
    const names = orgs.map((o) => o.name);
    expect(names).toContain('山尹村党支部');
    expect(names).toContain('山尹村镇人民政府');
    expect(names).toContain('鹿泉区疫情防控指挥部');
    expect(names).not.toContain('南平同村党支部');
    expect(orgs.filter((o) => o.kind === 'working_group').length).toBeGreaterThan(3);
  });
});

describe('a database that cannot be reached (restarting, or its connection lost)', () => {
  it('is answered 503 DATABASE_UNAVAILABLE with Retry-After, so the client sends the same request again; never 500', async () => {
    const pool = new pg.Pool({ connectionString: `postgres://nobody@127.0.0.1:${await freePort()}/none` }); // nothing listens there
    const down = await buildApp({ db: drizzle(pool) as Db, pool, settings: { sessionHours: 1, uploadLimitMb: 5, dataDir: '/tmp/bastion-test-uploads' }, logLevel: 'silent', web: false, shedding: NO_SHEDDING });
    try {
      const res = await down.inject({ method: 'POST', url: '/api/v1/access/session', headers: { 'accept-language': 'en' }, payload: { username: 'someone', password: 'something' } });
      expect(res.statusCode).toBe(503);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(res.json()).toMatchObject({ status: 503, code: 'DATABASE_UNAVAILABLE', title: 'The database cannot be reached right now: retry shortly' });
    } finally {
      await down.close();
      await pool.end();
    }
  });
});

describe('bastion user add', () => {
  it('creates an account that can sign in, resets an existing one only when asked, and refuses a bad role', () => {
    const username = `cli-user-${process.pid}-${Date.now().toString(36)}`;
    const env = { ...process.env, DATABASE_URL: databaseUrl() };
    const add = (password: string, ...more: string[]) =>
      spawnSync(process.execPath, ['bin/bastion.js', 'user', 'add', '--username', username, '--password', password, '--role', 'lead', '--area', '130110108202', ...more], { env, encoding: 'utf8' });
    expect(add('cli-password-0').status).toBe(0);
    const again = add('cli-password-x');
    expect(again.status).toBe(2);
    expect(again.stderr).toContain('--reset');
    const ok = add('cli-password-1', '--reset');
    expect(ok.status).toBe(0);
    const bad = spawnSync(process.execPath, ['bin/bastion.js', 'user', 'add', '--username', username, '--password', 'cli-password-1', '--role', 'king', '--area', '1'], { env, encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--role');
    return signIn(app, username, 'cli-password-1').then((cookie) => expect(cookie).toMatch(/^bastion_session=/));
  });
});

describe('the log', () => {
  /** An app with every module that logs to `lines`; `extra` adds routes before it is ready. */
  async function loggedApp(lines: string[], extra?: (app: FastifyInstance) => void) {
    const { db, pool } = testDb();
    const notify = new NotifyRuntime(pool, { gateway: 'simulator', queue: `sim-${crypto.randomUUID().slice(0, 8)}`, ratePerSecond: 0, leaseMs: 5000 });
    const bus = new EventBus(pool);
    await bus.start();
    const logged = await buildApp({
      db, pool, notify, bus, shedding: NO_SHEDDING, logLevel: 'info', web: false,
      settings: { sessionHours: 1, uploadLimitMb: 5, dataDir: '/tmp/bastion-test-uploads' },
      logStream: new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) }),
    });
    extra?.(logged);
    logged.addHook('onClose', () => bus.stop());
    await logged.ready();
    return logged;
  }
  /** The log's lines as objects, without the clock's numbers (a 13-digit time, a response time's fraction). */
  const entries = (lines: string[]) =>
    lines.join('').split('\n').filter(Boolean).map((l) => {
      const { time: _t, responseTime: _r, ...rest } = JSON.parse(l);
      return rest as Record<string, unknown>;
    });
  const ID = '130110198503141234';
  const PHONE = '13812345678';

  it('never carries a search string, a cookie or a body', async () => {
    const lines: string[] = [];
    const logged = await loggedApp(lines);
    await logged.inject({ url: '/api/v1/registry/residents?q=13811112222', headers: { cookie: 'bastion_session=secret-token' } });
    await logged.inject({ method: 'POST', url: '/api/v1/access/session', payload: { username: 'someone', password: 'pw-in-body' } });
    await logged.close();
    const all = lines.join('');
    expect(all).toContain('/api/v1/registry/:kind');
    for (const secret of ['13811112222', 'secret-token', 'pw-in-body']) expect(all).not.toContain(secret);
  });

  it('names the route’s pattern, not the path: no personal link’s token, personal code or phone', async () => {
    const lines: string[] = [];
    const logged = await loggedApp(lines);
    const token = 'Zm9yZ2VkLXRva2VuLW9mLWEtY2FkcmU.c2lnbmF0dXJl';
    const code = 'PC7Q4K2M9X3B';
    for (const url of [`/api/v1/mobilization/me/${token}`, `/api/v1/testing/me/${code}`, `/api/v1/notify/simulator/inbox/${PHONE}`]) await logged.inject({ url });
    // matching no route: the first segment at most (the web app's own pages: /r/<code>, /m/<token>)
    for (const url of [`/r/${code}`, `/m/${token}`, `/api/v1/nothing/${ID}`, `/${PHONE}`]) expect((await logged.inject({ url })).statusCode).toBe(404);
    await logged.close();
    const incoming = entries(lines).filter((e) => e.msg === 'incoming request').map((e) => e.req);
    expect(incoming).toEqual([
      expect.objectContaining({ method: 'GET', route: '/api/v1/mobilization/me/:token' }),
      expect.objectContaining({ method: 'GET', route: '/api/v1/testing/me/:code' }),
      expect.objectContaining({ method: 'GET', route: '/api/v1/notify/simulator/inbox/:phone' }),
      expect.objectContaining({ route: null, under: '/r' }),
      expect.objectContaining({ route: null, under: '/m' }),
      expect.objectContaining({ route: null, under: '/api' }),
      expect.objectContaining({ route: null, under: '/' }),
    ]);
    const all = lines.join('');
    for (const secret of [token, code, PHONE, ID]) expect(all).not.toContain(secret);
  });

  it('keeps a database error’s code and message, not its detail or the query’s parameters', async () => {
    const lines: string[] = [];
    const logged = await loggedApp(lines, (app) =>
      // a unique violation nobody caught: PostgreSQL's detail quotes the key, Drizzle's message the parameters
      app.post('/api/test/duplicate', async () =>
        app.db.transaction(async (tx) => {
          await tx.execute(sql`create temp table logged_people (id_number text primary key) on commit drop`);
          await tx.execute(sql`insert into logged_people values (${ID}), (${ID})`);
        }),
      ),
    );
    const res = await logged.inject({ method: 'POST', url: '/api/test/duplicate' });
    await logged.close();
    expect(res.statusCode).toBe(500);
    expect(res.headers['content-type']).toContain('application/problem+json');
    const logged500 = entries(lines).find((e) => e.msg === 'unhandled error')!;
    expect(logged500.err).toMatchObject({ code: '23505', message: 'duplicate key value violates unique constraint "logged_people_pkey"' });
    expect(Object.keys(logged500.err as object).sort()).toEqual(['code', 'message', 'stack', 'type']);
    const all = lines.join('');
    expect(all).not.toContain(ID);
    expect(all).not.toContain('already exists');
    expect(all).not.toContain('insert into logged_people');
  });

  it('has no line with an ID number or a phone, across requests that carry them in every place', async () => {
    const lines: string[] = [];
    const logged = await loggedApp(lines);
    const requests = [
      { url: `/api/v1/registry/residents?q=${ID}` },
      { url: `/api/v1/registry/residents?q=${PHONE}` },
      { url: `/api/v1/notify/simulator/inbox/${PHONE}` },
      { method: 'POST' as const, url: `/api/v1/notify/simulator/inbox/${PHONE}/reply`, payload: { body: ID } },
      { method: 'POST' as const, url: '/api/v1/testing/lookup', payload: { idNumber: ID, name: '张三', phone: PHONE } },
      { url: `/api/v1/testing/me/${ID}` },
      { url: `/api/v1/mobilization/me/${PHONE}` },
      { url: `/api/v1/registry/residents/${ID}` },
      { url: `/${ID}` },
      { url: `/r/${PHONE}?id=${ID}` },
      { method: 'POST' as const, url: '/api/v1/access/session', payload: { username: PHONE, password: ID } },
    ];
    for (const r of requests) await logged.inject(r);
    await logged.close();
    const found = entries(lines).map((e) => JSON.stringify(e)).filter((l) => /(?<!\d)(\d{17}[\dX]|1[3-9]\d{9})(?!\d)/.test(l));
    expect(entries(lines).filter((e) => e.msg === 'incoming request')).toHaveLength(requests.length);
    expect(found).toEqual([]);
  });
});
