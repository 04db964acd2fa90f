import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { closeTestDb, testDb, NO_SHEDDING } from '../../../test/helpers.js';
import { buildApp } from '../../server/app.js';
import { DEFAULT_HTTP_BODY, HttpGateway } from './gateways/http.js';
import { Dispatcher } from './notify.dispatcher.js';
import { NotifyRuntime } from './notify.runtime.js';
import { enqueueSms } from './notify.service.js';
import { signWebhook } from './notify.webhooks.js';

/** A local stand-in for an SMS provider's API: keeps one copy per Idempotency-Key, fails every 4th call, refuses 13000000000. */
let fake: http.Server;
let url: string;
let calls = 0;
const kept = new Map<string, { to: string; content: string; auth: string | undefined }>();
beforeAll(async () => {
  fake = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      calls++;
      const j = JSON.parse(body);
      if (calls % 4 === 0) return res.writeHead(503).end('busy');
      if (j.to === '13000000000') return res.writeHead(400).end('invalid number');
      const key = String(req.headers['idempotency-key']);
      if (!kept.has(key)) kept.set(key, { to: j.to, content: j.content, auth: req.headers.authorization });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: `p-${key.slice(0, 8)}` }));
    });
  });
  await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(fake.address() as AddressInfo).port}/sms`;
});
afterAll(async () => {
  fake.close();
  await closeTestDb();
});

const settings = () => ({ url, token: 'secret-token', bodyTemplate: DEFAULT_HTTP_BODY, concurrency: 8, timeoutMs: 5000 });

describe('the HTTP gateway', () => {
  it('posts each message once per message id, retries 5xx, and fails a refused number with the provider’s words', async () => {
    const { pool } = testDb();
    const q = `http-${crypto.randomUUID().slice(0, 8)}`;
    const topic = `t-${crypto.randomUUID()}`;
    const msgs = Array.from({ length: 40 }, (_, i) => ({ dedupeKey: `${topic}:${i}`, to: `1390000${String(i).padStart(4, '0')}`, body: `通知 "${i}" \\ 换行\n`, topic }));
    msgs.push({ dedupeKey: `${topic}:bad`, to: '13000000000', body: 'x', topic });
    await enqueueSms(pool, q, msgs);
    const d = new Dispatcher(pool, new HttpGateway(settings(), q), { ratePerSecond: 0, idleMs: 5, backoffMs: 5, maxAttempts: 8, batchSize: 10 });
    d.start();
    await expect
      .poll(async () => (await pool.query(`select count(*)::int as n from notify_messages where topic = $1 and status in ('queued','sending')`, [topic])).rows[0].n, { timeout: 20_000, interval: 50 })
      .toBe(0);
    await d.stop();
    const rows = (await pool.query(`select to_phone, status, provider_id, failure from notify_messages where topic = $1 order by to_phone`, [topic])).rows;
    expect(rows.filter((r) => r.status === 'sent')).toHaveLength(40);
    expect(rows.find((r) => r.to_phone === '13000000000')).toMatchObject({ status: 'failed', failure: 'HTTP 400: invalid number' });
    const got = [...kept.values()].filter((k) => k.to.startsWith('1390000'));
    expect(got.length).toBeGreaterThanOrEqual(40);
    const one = got.find((k) => k.to === '13900000007')!;
    expect(one).toMatchObject({ content: '通知 "7" \\ 换行\n', auth: 'Bearer secret-token' });
    expect(rows.every((r) => r.status !== 'sent' || r.provider_id.startsWith('p-'))).toBe(true);
  });
});

describe('the webhooks', () => {
  let app: FastifyInstance;
  let runtime: NotifyRuntime;
  const secret = 'a-webhook-secret-of-some-length';
  beforeAll(async () => {
    const { db, pool } = testDb();
    runtime = new NotifyRuntime(pool, { gateway: 'http', http: settings(), webhookSecret: secret, queue: `http-${crypto.randomUUID().slice(0, 8)}`, ratePerSecond: 0, leaseMs: 5000 });
    app = await buildApp({ db, pool, settings: { sessionHours: 1, uploadLimitMb: 5, dataDir: '/tmp/bastion-test-uploads' }, logLevel: 'silent', web: false, notify: runtime, shedding: NO_SHEDDING });
    await app.ready();
  });
  afterAll(() => app.close());

  const post = (path: string, body: unknown, sign = true) => {
    const raw = JSON.stringify(body);
    return app.inject({ method: 'POST', url: `/api/v1/notify/webhooks/${path}`, payload: raw, headers: { 'content-type': 'application/json', ...(sign ? { 'x-bastion-signature': signWebhook(secret, raw) } : { 'x-bastion-signature': 'sha256=00' }) } });
  };

  it('take signed delivery receipts and replies, and refuse an unsigned one naming the header', async () => {
    const { pool } = testDb();
    const topic = `t-${crypto.randomUUID()}`;
    const phone = `1380000${String(Math.floor(Math.random() * 1e4)).padStart(4, '0')}`;
    await runtime.enqueue([{ dedupeKey: topic, to: phone, body: 'x', topic }]);
    runtime.start();
    await expect.poll(async () => (await pool.query(`select status from notify_messages where topic = $1`, [topic])).rows[0].status, { timeout: 10_000 }).toBe('sent');
    await runtime.stop();
    const { provider_id: ref } = (await pool.query(`select provider_id from notify_messages where topic = $1`, [topic])).rows[0];

    const forged = await post('receipts', { receipts: [{ ref, status: 'delivered' }] }, false);
    expect(forged.statusCode).toBe(401);
    expect(forged.json()).toMatchObject({ code: 'UNAUTHENTICATED', field: 'x-bastion-signature' });

    expect((await post('receipts', { receipts: [{ ref, status: 'delivered' }] })).json()).toEqual({ updated: 1 });
    expect((await post('replies', { from: phone, body: '1' })).json().messageId).not.toBeNull();
    expect((await pool.query(`select status from notify_messages where topic = $1`, [topic])).rows[0].status).toBe('replied');
    expect((await post('receipts', { receipts: [{ ref, status: 'bogus' }] })).json()).toMatchObject({ code: 'VALIDATION_FAILED', field: 'receipts.0.status' });
  });
});
