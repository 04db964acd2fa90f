import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { asRole, closeTestDb, makeArea, testDb } from '../../test/helpers.js';
import { buildApp } from './app.js';
import { isPressure } from './shedding.js';

let app: FastifyInstance;
let base: string;
let cookie: string;
let district: string;

beforeAll(async () => {
  const { db, pool } = testDb();
  app = await buildApp({ db, pool, settings: { sessionHours: 1, uploadLimitMb: 5, dataDir: '/tmp/bastion-test-uploads' }, logLevel: 'silent', web: false, shedding: { maxInFlight: 20, maxEventLoopDelayMs: 1000 } });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  district = (await makeArea()).district;
  cookie = await asRole(app, 'commander', district);
});

afterAll(async () => {
  await app.close();
  await closeTestDb();
});

/** One GET (of this file's app, unless told): status, headers, body and how long it took. */
function get(path: string, agent: http.Agent, headers: Record<string, string> = {}, root = base) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string; ms: number }>((resolve, reject) => {
    const t0 = performance.now();
    http
      .get(root + path, { agent, headers }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body, ms: performance.now() - t0 }));
      })
      .on('error', reject);
  });
}

describe('a surge', () => {
  it('is shed at once with 503 and Retry-After beyond what the process holds, and passes', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 400, maxFreeSockets: 400 });
    const path = `/api/v1/registry/residents?area=${district}&q=zh&limit=20`;
    // 400 connections open first (health is never shed), so the surge arrives all at once
    await Promise.all(Array.from({ length: 400 }, () => get('/api/health', agent)));
    const answers = await Promise.all(Array.from({ length: 400 }, () => get(path, agent, { cookie })));
    const statuses = new Set(answers.map((a) => a.status));
    expect([...statuses].every((s) => s === 200 || s === 503)).toBe(true);
    const shed = answers.filter((a) => a.status === 503);
    expect(shed.length).toBeGreaterThan(0);
    expect(answers.filter((a) => a.status === 200).length).toBeGreaterThanOrEqual(20);
    for (const a of shed) {
      expect(Number(a.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(a.headers['content-type']).toContain('application/problem+json');
      expect(JSON.parse(a.body).code).toBe('OVERLOADED');
    }
    // the excess is answered at once, not after the admitted ones
    const slowestShed = Math.max(...shed.map((a) => a.ms));
    const slowestServed = Math.max(...answers.filter((a) => a.status === 200).map((a) => a.ms));
    expect(slowestShed).toBeLessThanOrEqual(slowestServed);
    // and when it has passed, the process serves again by itself
    expect((await get(path, agent, { cookie })).status).toBe(200);
    agent.destroy();
  });
});

describe('what is shed', () => {
  it("is the API only: the app's own files are served whatever the load, health too", async () => {
    const { db, pool } = testDb();
    // a process that admits no request at all
    const full = await buildApp({ db, pool, settings: { sessionHours: 1, uploadLimitMb: 5, dataDir: '/tmp/bastion-test-uploads' }, logLevel: 'silent', web: false, shedding: { maxInFlight: 0, maxEventLoopDelayMs: 1000 } });
    const url = await full.listen({ host: '127.0.0.1', port: 0 });
    const agent = new http.Agent();
    try {
      const at = (p: string) => get(p, agent, {}, url).then((a) => a.status);
      expect(await at('/api/v1/access/me')).toBe(503);
      // the query is not the path: it cannot make a request look like a live board's stream
      expect(await at('/api/v1/registry/residents?x=/events')).toBe(503);
      expect(await at('/api/health?x=1')).toBe(200);
      expect(await at('/api/health')).toBe(200);
      // (no web app is built into this process: a file it does not have is a 404, not a 503)
      expect(await at('/assets/index-0000.js')).toBe(404);
      expect(await at('/campaigns/1')).toBe(404);
    } finally {
      agent.destroy();
      await full.close();
    }
  });

  it('is not everything after a stall the event-loop histogram took no sample in; a measured delay over the bar is', () => {
    expect(isPressure('eventLoopDelay', Infinity)).toBe(false);
    expect(isPressure('eventLoopDelay', 1500)).toBe(true);
    expect(isPressure('heapUsedBytes', 4e9)).toBe(true);
  });
});

describe('idle connections', () => {
  it('are kept as long as Fastify keeps them (72 s), not 5 s as Node would, though the server is our own', async () => {
    const agent = new http.Agent({ keepAlive: true });
    expect((await get('/api/health', agent)).headers['keep-alive']).toBe('timeout=72');
    agent.destroy();
  });
});

describe('the browser boundary', () => {
  it("sends security headers: the pages' policy, and API answers that nothing may load or frame", async () => {
    const page = await app.inject({ url: '/api/docs/' });
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['x-frame-options']).toBe('SAMEORIGIN');
    const api = await app.inject({ url: '/api/health' });
    expect(api.headers['content-security-policy']).toBe("default-src 'none';frame-ancestors 'none'");
    expect(api.headers['x-frame-options']).toBe('DENY');
    for (const res of [page, api]) expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('refuses a write carried by the session cookie from another site (CSRF)', async () => {
    const host = new URL(base).host;
    const forged = await app.inject({ method: 'DELETE', url: '/api/v1/access/session', headers: { cookie, host, origin: 'https://evil.example' } });
    expect(forged.statusCode).toBe(403);
    expect(forged.json()).toMatchObject({ code: 'FORBIDDEN', field: 'origin' });
    expect((await app.inject({ method: 'DELETE', url: '/api/v1/access/session', headers: { cookie, host, 'sec-fetch-site': 'cross-site' } })).statusCode).toBe(403);
    // still signed in: the forged requests changed nothing
    expect((await app.inject({ url: '/api/v1/access/me', headers: { cookie } })).statusCode).toBe(200);
    // from our own page it goes through
    expect((await app.inject({ method: 'DELETE', url: '/api/v1/access/session', headers: { cookie, host, origin: `http://${host}`, 'sec-fetch-site': 'same-origin' } })).statusCode).toBeLessThan(300);
  });
});
