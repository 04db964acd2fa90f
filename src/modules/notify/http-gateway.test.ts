import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { addStaff, asRole, closeTestDb, makeArea, testDb, NO_SHEDDING } from '../../../test/helpers.js';
import { EventBus } from '../../db/events.js';
import { buildApp } from '../../server/app.js';
import { DEFAULT_HTTP_BODY, HttpGateway } from './gateways/http.js';
import { Dispatcher } from './notify.dispatcher.js';
import { NotifyRuntime } from './notify.runtime.js';
import { enqueueSms } from './notify.service.js';
import { webhookHeaders } from './notify.webhooks.js';

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
  let bus: EventBus;
  const secret = 'a-webhook-secret-of-some-length';
  const heard: string[] = [];
  beforeAll(async () => {
    const { db, pool } = testDb();
    runtime = new NotifyRuntime(pool, { gateway: 'http', http: settings(), webhookSecret: secret, queue: `http-${crypto.randomUUID().slice(0, 8)}`, ratePerSecond: 0, leaseMs: 5000 });
    runtime.onReply(async (r) => void heard.push(`${r.topic}:${r.body}`));
    bus = new EventBus(pool);
    await bus.start();
    app = await buildApp({ db, pool, settings: { sessionHours: 1, uploadLimitMb: 5, dataDir: '/tmp/bastion-test-uploads' }, logLevel: 'silent', web: false, notify: runtime, bus, shedding: NO_SHEDDING });
    await app.ready();
  });
  afterAll(async () => {
    await runtime.stop();
    await app.close();
    await bus.stop();
  });
  /** Posts exactly these bytes and headers: what a provider sent, or a copy of it. */
  const postRaw = (path: string, raw: string, headers: Record<string, string>) =>
    app.inject({ method: 'POST', url: `/api/v1/notify/webhooks/${path}`, payload: raw, headers: { 'content-type': 'application/json', ...headers } });
  /** Signs `body` as posted at `at` (default now) and posts it; `forged` signs with another secret. */
  const post = (path: string, body: unknown, o: { at?: number; forged?: boolean } = {}) => {
    const raw = JSON.stringify(body);
    return postRaw(path, raw, webhookHeaders(o.forged ? 'not-the-secret' : secret, raw, o.at));
  };
  const randomPhone = () => `1380${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
  /** Queues one message to `phone` and waits until the provider has it; its ids. */
  async function sent(phone: string, topic = `t-${crypto.randomUUID()}`) {
    const { pool } = testDb();
    await runtime.enqueue([{ dedupeKey: topic, to: phone, body: 'x', topic }]);
    runtime.start();
    await expect.poll(async () => (await pool.query(`select status from notify_messages where topic = $1`, [topic])).rows[0].status, { timeout: 10_000 }).toBe('sent');
    const m = (await pool.query(`select id, provider_id from notify_messages where topic = $1`, [topic])).rows[0];
    return { id: m.id as string, ref: m.provider_id as string, topic };
  }
  const status = async (id: string) => (await testDb().pool.query(`select status from notify_messages where id = $1`, [id])).rows[0].status;

  it('take signed delivery receipts and replies, and refuse an unsigned one naming the header', async () => {
    const phone = randomPhone();
    const m = await sent(phone);
    const unsigned = await app.inject({ method: 'POST', url: '/api/v1/notify/webhooks/receipts', payload: { receipts: [{ ref: m.ref, status: 'delivered' }] } });
    expect(unsigned.statusCode).toBe(401);
    expect(unsigned.json()).toMatchObject({ code: 'UNAUTHENTICATED', field: 'x-bastion-timestamp' });
    const forged = await post('receipts', { receipts: [{ ref: m.ref, status: 'delivered' }] }, { forged: true });
    expect(forged.statusCode).toBe(401);
    expect(forged.json()).toMatchObject({ code: 'UNAUTHENTICATED', field: 'x-bastion-signature' });
    expect((await post('receipts', { receipts: [{ ref: m.ref, status: 'delivered' }] })).json()).toEqual({ updated: 1 });
    expect((await post('replies', { id: `r-${crypto.randomUUID()}`, from: phone, body: '1' })).json().messageId).toBe(m.id);
    expect(await status(m.id)).toBe('replied');
    expect((await post('receipts', { receipts: [{ ref: m.ref, status: 'bogus' }] })).json()).toMatchObject({ code: 'VALIDATION_FAILED', field: 'receipts.0.status' });
    expect((await post('replies', { from: phone, body: '1' })).json()).toMatchObject({ code: 'VALIDATION_FAILED', field: 'id' });
  });

  it('take a receipt or a reply posted again once: the copy is answered 200 and changes nothing', async () => {
    const { pool } = testDb();
    const phone = randomPhone();
    const m = await sent(phone);
    const receipt = JSON.stringify({ receipts: [{ ref: m.ref, status: 'failed', reason: 'no such subscriber' }] });
    const signed = webhookHeaders(secret, receipt);
    expect((await postRaw('receipts', receipt, signed)).json()).toEqual({ updated: 1 });
    const copy = await postRaw('receipts', receipt, signed);
    expect(copy.statusCode).toBe(200);
    expect(copy.json()).toEqual({ updated: 0 });
    expect((await pool.query(`select count(*)::int as n from notify_receipts where message_id = $1`, [m.id])).rows[0].n).toBe(1);

    const n = await sent(phone);
    const reply = JSON.stringify({ id: `r-${crypto.randomUUID()}`, from: phone, body: '好的', inReplyTo: n.id });
    const replySigned = webhookHeaders(secret, reply);
    const before = heard.length;
    expect((await postRaw('replies', reply, replySigned)).json()).toEqual({ messageId: n.id });
    const again = await postRaw('replies', reply, replySigned);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ messageId: n.id });
    expect(heard.slice(before)).toEqual([`${n.topic}:好的`]);
    expect((await pool.query(`select count(*)::int as n from notify_replies where gateway = $1 and from_phone = $2`, [runtime.gateway.name, phone])).rows[0].n).toBe(1);
  });

  it('refuse a receipt signed 6 minutes ago or 6 minutes ahead, naming the timestamp; one signed 4 min 50 s ago is taken', async () => {
    const phone = randomPhone();
    const m = await sent(phone);
    const body = { receipts: [{ ref: m.ref, status: 'delivered' }] };
    for (const at of [Date.now() - 6 * 60_000, Date.now() + 6 * 60_000]) {
      const late = await post('receipts', body, { at });
      expect(late.statusCode).toBe(401);
      expect(late.headers['content-type']).toContain('application/problem+json');
      expect(late.json()).toMatchObject({ code: 'UNAUTHENTICATED', field: 'x-bastion-timestamp' });
    }
    expect(await status(m.id)).toBe('sent');
    expect((await post('receipts', body, { at: Date.now() - 290_000 })).json()).toEqual({ updated: 1 });
    expect(await status(m.id)).toBe('delivered');
  });

  it('an old "1" posted again after a newer call-up does not acknowledge the newer one', async () => {
    const { pool } = testDb();
    const area = await makeArea();
    const phone = randomPhone();
    await addStaff(area.villages[0], [{ name: '东甲', n: 1, phone }]);
    const cookie = await asRole(app, 'commander', area.district);
    const callUp = async (title: string) => {
      const id = (await app.inject({
        method: 'POST', url: '/api/v1/mobilization/callups', headers: { cookie },
        payload: { title, template: '{name}同志：请于{deadline}前到{area}报到，收到请回复1或点 {link}', deadline: new Date(Date.now() + 5 * 3600e3).toISOString(), target: { area: area.district } },
      })).json().id as number;
      expect((await app.inject({ method: 'POST', url: `/api/v1/mobilization/callups/${id}/send`, headers: { cookie } })).statusCode).toBe(200);
      runtime.start();
      await expect.poll(async () => (await pool.query(`select status from notify_messages where topic = $1`, [`callup:${id}`])).rows[0]?.status, { timeout: 10_000 }).toBe('sent');
      const m = (await pool.query(`select id, provider_id from notify_messages where topic = $1`, [`callup:${id}`])).rows[0];
      return { id, message: m.id as string, ref: m.provider_id as string };
    };
    const acked = async (callup: number) => (await pool.query(`select ack_method from callup_members where callup_id = $1`, [callup])).rows[0].ack_method;

    const first = await callUp('集结号一');
    // the cadre answers 1, in a reply that does not say what it answers: the latest message
    const reply = JSON.stringify({ id: `r-${crypto.randomUUID()}`, from: phone, body: '1' });
    const signed = webhookHeaders(secret, reply);
    expect((await postRaw('replies', reply, signed)).json()).toEqual({ messageId: first.message });
    expect(await acked(first.id)).toBe('sms');

    const second = await callUp('集结号二');
    // the same request, caught on the way and posted again within the 5 minutes
    const copy = await postRaw('replies', reply, signed);
    expect(copy.statusCode).toBe(200);
    expect(copy.json()).toEqual({ messageId: first.message });
    expect(await acked(second.id)).toBeNull();
    expect(await status(second.message)).toBe('sent');

    // a reply that names the message it answers (by the provider's id) goes to that one, once
    const named = JSON.stringify({ id: `r-${crypto.randomUUID()}`, from: phone, body: '1', inReplyTo: second.ref });
    const namedSigned = webhookHeaders(secret, named);
    expect((await postRaw('replies', named, namedSigned)).json()).toEqual({ messageId: second.message });
    expect(await acked(second.id)).toBe('sms');
    const third = await callUp('集结号三');
    expect((await postRaw('replies', named, namedSigned)).json()).toEqual({ messageId: second.message });
    expect(await acked(third.id)).toBeNull();
    expect(await status(third.message)).toBe('sent');
  });
});
