import crypto from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { asRole, closeTestDb, makeArea, NO_SHEDDING, testDb, type TestArea } from '../../test/helpers.js';
import { EventBus } from '../db/events.js';
import { NotifyRuntime } from '../modules/notify/index.js';
import { buildApp } from './app.js';

/**
 * Hostile input on every write endpoint: random and malicious bodies (wrong types,
 * huge strings, deep nesting, unicode edge cases, SQL and HTML fragments) must be
 * refused cleanly — never a 500, always problem+json with a code (and, for a 400,
 * the field) — and a refused write leaves no row behind.
 */
let app: FastifyInstance;
let notify: NotifyRuntime;
let bus: EventBus;
let area: TestArea;
const cookies: Record<string, string> = {};

beforeAll(async () => {
  const { db, pool } = testDb();
  notify = new NotifyRuntime(pool, { gateway: 'simulator', queue: `sim-${crypto.randomUUID().slice(0, 8)}`, ratePerSecond: 0, leaseMs: 5000 });
  bus = new EventBus(pool);
  await bus.start();
  app = await buildApp({ db, pool, settings: { sessionHours: 1, uploadLimitMb: 1, dataDir: '/tmp/bastion-test-uploads' }, logLevel: 'silent', web: false, notify, bus, shedding: NO_SHEDDING });
  await app.ready();
  area = await makeArea();
  for (const role of ['commander', 'lead', 'sampler', 'lab'] as const) cookies[role] = await asRole(app, role, role === 'commander' ? area.district : area.villages[0]);
});

afterAll(async () => {
  await app.close();
  await bus.stop();
  await closeTestDb();
});

/** Every write endpoint, with the role that may use it (so bodies reach validation, not the guard). */
const WRITES: { url: string; role: keyof typeof cookies | null; method?: 'POST' | 'PUT' | 'DELETE' }[] = [
  { url: '/api/v1/access/session', role: null },
  { url: '/api/v1/registry/residents/1/pii', role: 'commander' },
  { url: '/api/v1/notify/simulator/inbox/13900000000/reply', role: 'commander' },
  { url: '/api/v1/mobilization/callups', role: 'commander' },
  { url: '/api/v1/mobilization/callups/1/send', role: 'commander' },
  { url: '/api/v1/mobilization/callups/1', role: 'commander', method: 'PUT' },
  { url: '/api/v1/mobilization/callups/1', role: 'commander', method: 'DELETE' },
  { url: '/api/v1/mobilization/callups/1/close', role: 'commander' },
  { url: '/api/v1/mobilization/callups/1/members/1/present', role: 'lead' },
  { url: '/api/v1/mobilization/me/m.1.1.zzzzzz.AAAA/ack', role: null },
  { url: '/api/v1/mobilization/me/m.1.1.zzzzzz.AAAA/checkin', role: null },
  { url: '/api/v1/mobilization/shifts', role: 'lead' },
  { url: '/api/v1/mobilization/shifts/1', role: 'lead', method: 'DELETE' },
  { url: '/api/v1/mobilization/villages/130110108201/checkin-point', role: 'lead', method: 'PUT' },
  { url: '/api/v1/testing/campaigns', role: 'commander' },
  { url: '/api/v1/testing/campaigns/1/close', role: 'commander' },
  { url: '/api/v1/testing/labs', role: 'commander' },
  { url: '/api/v1/testing/scans', role: 'sampler' },
  { url: '/api/v1/testing/tubes/T0001/seal', role: 'sampler' },
  { url: '/api/v1/testing/boxes/B0001/ship', role: 'sampler' },
  { url: '/api/v1/testing/boxes/B0001/receive', role: 'lab' },
  { url: '/api/v1/testing/results', role: 'lab' },
  { url: '/api/v1/testing/campaigns/1/sites', role: 'lead' },
  { url: '/api/v1/testing/campaigns/1/sites/1/notify', role: 'lead' },
  { url: '/api/v1/testing/campaigns/1/home-visits', role: 'lead' },
  { url: '/api/v1/testing/campaigns/1/walk-ins', role: 'sampler' },
  { url: '/api/v1/testing/lookup', role: null },
];

const nasty = fc.constantFrom(
  "'; drop table residents; --",
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '\u0000\u0001',
  '\ud800',
  '\u202e\u200b\u00ad',
  '𠀀𠀁'.repeat(50),
  '١٢٣',
  '1e309',
  'x'.repeat(100_000),
  '{"$where": "1"}',
);
const deep = fc.integer({ min: 10, max: 200 }).map((n) => {
  let v: unknown = 'x';
  for (let i = 0; i < n; i++) v = i % 2 ? [v] : { a: v };
  return v;
});
const field = fc.constantFrom('title', 'template', 'deadline', 'target', 'scans', 'tubes', 'results', 'idNumber', 'name', 'phone', 'address', 'areaCode', 'poolSize', 'startsAt', 'targetEnd', 'username', 'password', 'village', 'lat', 'lng', 'staffId', 'post', 'residentIds', 'body', 'capacityPerDay', 'tables', 'opensAt');
const value = fc.oneof(fc.anything(), nasty, deep, fc.double(), fc.bigInt().map(String), fc.array(fc.anything(), { maxLength: 3 }));
const body = fc.oneof(
  fc.anything(),
  nasty,
  deep,
  fc.dictionary(field, value, { maxKeys: 8 }),
  fc.record({ scans: fc.array(fc.dictionary(fc.constantFrom('id', 'campaignId', 'tube', 'person', 'at'), value), { maxLength: 3 }) }),
  fc.record({ results: fc.array(fc.dictionary(fc.constantFrom('tube', 'result'), value), { maxLength: 3 }) }),
);

/** Rows inside the fuzz's own district: a refused write must add none. */
async function rowsInArea() {
  const p = area.district + '%';
  const { rows } = await testDb().pool.query(
    `select (select count(*) from campaigns where area_code like $1) + (select count(*) from callups where area_code like $1)
          + (select count(*) from shifts where area_code like $1) + (select count(*) from samples where area_code like $1)
          + (select count(*) from tubes where area_code like $1) + (select count(*) from residents where area_code like $1)
          + (select count(*) from sampling_sites where area_code like $1) + (select count(*) from checkin_points where area_code like $1) as n`,
    [p],
  );
  return Number(rows[0].n);
}

describe('hostile input on every write endpoint', () => {
  it('is refused with problem+json naming the field, never a 500, and writes nothing', async () => {
    const before = await rowsInArea();
    const seen = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...WRITES), body, async (w, b) => {
        const res = await app.inject({
          method: w.method ?? 'POST',
          url: w.url,
          headers: { 'content-type': 'application/json', ...(w.role ? { cookie: cookies[w.role] } : {}) },
          payload: JSON.stringify(b) ?? 'null',
          remoteAddress: `10.77.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`, // past the per-address limits
        });
        expect(res.statusCode, `${w.url} ${res.body.slice(0, 300)}`).toBeLessThan(500);
        seen.set(res.statusCode, (seen.get(res.statusCode) ?? 0) + 1);
        if (res.statusCode >= 400) {
          expect(res.headers['content-type']).toContain('application/problem+json');
          const p = res.json();
          expect(typeof p.code).toBe('string');
          if (res.statusCode === 400) expect(typeof p.field).toBe('string');
        }
      }),
      { numRuns: 600 },
    );
    expect(await rowsInArea()).toBe(before);
    // the bodies reached validation, not only the sign-in guard
    expect(seen.get(400) ?? 0).toBeGreaterThan(300);
  }, 120_000);

  it('refuses bodies that are not JSON, in another encoding, or too large', async () => {
    for (const w of WRITES.filter((x) => x.role !== 'lab' || true).slice(0, 12)) {
      const headers = w.role ? { cookie: cookies[w.role] } : {};
      const bad = [
        { 'content-type': 'application/json', payload: '{"title": "unterminated' },
        { 'content-type': 'application/json; charset=gbk', payload: Buffer.from([0xd5, 0xc5, 0xc8, 0xfd]) },
        { 'content-type': 'text/plain', payload: 'hello' },
        { 'content-type': 'application/json', payload: JSON.stringify({ title: 'x'.repeat(2 * 1024 * 1024) }) },
      ];
      for (const { payload, ...h } of bad) {
        const res = await app.inject({ method: w.method ?? 'POST', url: w.url, headers: { ...headers, ...h }, payload, remoteAddress: '10.78.0.1' });
        expect(res.statusCode, `${w.url} ${res.body.slice(0, 200)}`).toBeGreaterThanOrEqual(400);
        expect(res.statusCode).toBeLessThan(500);
        expect(res.headers['content-type']).toContain('application/problem+json');
      }
    }
  });
});
