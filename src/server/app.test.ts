import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { drizzle } from 'drizzle-orm/node-postgres';
import { asRole, closeTestDb, databaseUrl, NO_SHEDDING, signIn, testApp } from '../../test/helpers.js';
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
  it('creates an account that can sign in, and refuses a bad role', () => {
    const username = `cli-user-${process.pid}`;
    const env = { ...process.env, DATABASE_URL: databaseUrl() };
    const ok = spawnSync(process.execPath, ['bin/bastion.js', 'user', 'add', '--username', username, '--password', 'cli-password-1', '--role', 'lead', '--area', '130110108202'], { env, encoding: 'utf8' });
    expect(ok.status).toBe(0);
    const bad = spawnSync(process.execPath, ['bin/bastion.js', 'user', 'add', '--username', username, '--password', 'cli-password-1', '--role', 'king', '--area', '1'], { env, encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--role');
    return signIn(app, username, 'cli-password-1').then((cookie) => expect(cookie).toMatch(/^bastion_session=/));
  });
});

describe('the log', () => {
  it('never carries a search string, a cookie or a body', async () => {
    const lines: string[] = [];
    const { testDb } = await import('../../test/helpers.js');
    const { buildApp } = await import('./app.js');
    const { Writable } = await import('node:stream');
    const { db, pool } = testDb();
    const logged = await buildApp({ db, pool, settings: { sessionHours: 1, uploadLimitMb: 5, dataDir: '/tmp/bastion-test-uploads' }, logLevel: 'info', web: false, logStream: new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) }) });
    await logged.inject({ url: '/api/v1/registry/residents?q=13811112222', headers: { cookie: 'bastion_session=secret-token' } });
    await logged.inject({ method: 'POST', url: '/api/v1/access/session', payload: { username: 'someone', password: 'pw-in-body' } });
    await logged.close();
    const all = lines.join('');
    expect(all).toContain('/api/v1/registry/residents');
    for (const secret of ['13811112222', 'secret-token', 'pw-in-body']) expect(all).not.toContain(secret);
  });
});
