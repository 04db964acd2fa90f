import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { closeTestDb, testDb, NO_SHEDDING } from '../../../test/helpers.js';
import { buildApp } from '../../server/app.js';
import { twilioSignature } from './gateways/twilio.js';
import { NotifyRuntime } from './notify.runtime.js';

/** A local stand-in for Twilio's Messages API: checks the account's Basic auth, answers with a message SID. */
let fake: http.Server;
const seen: Record<string, string>[] = [];
const SID = 'AC' + '0'.repeat(32);
const TOKEN = 'twilio-auth-token';
const PUBLIC = 'https://bastion.example.cn';

let app: FastifyInstance;
let runtime: NotifyRuntime;
beforeAll(async () => {
  fake = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const auth = Buffer.from(String(req.headers.authorization).replace('Basic ', ''), 'base64').toString();
      if (auth !== `${SID}:${TOKEN}` || req.url !== `/2010-04-01/Accounts/${SID}/Messages.json`) return res.writeHead(401).end('{"code":20003,"message":"Authenticate"}');
      const form = Object.fromEntries(new URLSearchParams(body));
      if (form.To === '+8613000000000') return res.writeHead(400, { 'content-type': 'application/json' }).end('{"code":21211,"message":"Invalid To Phone Number"}');
      seen.push(form);
      res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ sid: 'SM' + crypto.randomBytes(16).toString('hex'), status: 'queued' }));
    });
  });
  await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r));
  const apiBase = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
  const { db, pool } = testDb();
  runtime = new NotifyRuntime(pool, {
    gateway: 'twilio',
    twilio: { accountSid: SID, authToken: TOKEN, from: '+15005550006', apiBase, publicUrl: PUBLIC, concurrency: 4 },
    queue: `twilio-${crypto.randomUUID().slice(0, 8)}`,
    ratePerSecond: 0,
    leaseMs: 5000,
  });
  app = await buildApp({ db, pool, settings: { sessionHours: 1, uploadLimitMb: 5, dataDir: '/tmp/bastion-test-uploads' }, logLevel: 'silent', web: false, notify: runtime, shedding: NO_SHEDDING });
  await app.ready();
});
afterAll(async () => {
  await app.close();
  fake.close();
  await closeTestDb();
});

const signedPost = (path: string, params: Record<string, string>, valid = true) => {
  const body = new URLSearchParams(params).toString();
  const url = `/api/v1/notify/webhooks/twilio/${path}`;
  return app.inject({
    method: 'POST',
    url,
    payload: body,
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': valid ? twilioSignature(TOKEN, PUBLIC + url, params) : 'forged' },
  });
};

describe('the Twilio gateway', () => {
  it('sends with the account’s credentials and our message id in the callback; a refused number fails with Twilio’s code', async () => {
    const { pool } = testDb();
    const topic = `t-${crypto.randomUUID()}`;
    const phone = `1350000${String(Math.floor(Math.random() * 1e4)).padStart(4, '0')}`;
    await runtime.enqueue([
      { dedupeKey: `${topic}:a`, to: phone, body: '集结号', topic },
      { dedupeKey: `${topic}:b`, to: '13000000000', body: 'x', topic },
    ]);
    runtime.start();
    await expect.poll(async () => (await pool.query(`select count(*)::int as n from notify_messages where topic = $1 and status in ('queued','sending')`, [topic])).rows[0].n, { timeout: 10_000 }).toBe(0);
    await runtime.stop();
    const rows = (await pool.query(`select id, to_phone, status, provider_id, failure from notify_messages where topic = $1 order by to_phone`, [topic])).rows;
    expect(rows[0]).toMatchObject({ to_phone: '13000000000', status: 'failed', failure: 'Twilio 400 21211: Invalid To Phone Number' });
    const sent = rows[1];
    expect(sent).toMatchObject({ status: 'sent' });
    expect(sent.provider_id).toMatch(/^SM/);
    const form = seen.find((f) => f.To === `+86${phone}`)!;
    expect(form).toMatchObject({ Body: '集结号', From: '+15005550006', StatusCallback: `${PUBLIC}/api/v1/notify/webhooks/twilio/status?mid=${sent.id}` });

    // Twilio reports delivery, signed; a forged report is refused
    const path = `status?mid=${sent.id}`;
    expect((await signedPost(path, { MessageSid: sent.provider_id, MessageStatus: 'delivered' }, false)).statusCode).toBe(401);
    expect((await signedPost(path, { MessageSid: sent.provider_id, MessageStatus: 'delivered' })).statusCode).toBe(200);
    expect((await pool.query(`select status from notify_messages where id = $1`, [sent.id])).rows[0].status).toBe('delivered');

    // the cadre answers 1 to our Twilio number
    expect((await signedPost('inbound', { From: `+86${phone}`, Body: '1', MessageSid: 'SMreply' })).statusCode).toBe(200);
    expect((await pool.query(`select status from notify_messages where id = $1`, [sent.id])).rows[0].status).toBe('replied');
  });
});

describe('Twilio’s webhooks posted again', () => {
  /** Sends one message to `phone` through the Twilio stand-in; its id and Twilio's SID. */
  async function sent(phone: string) {
    const { pool } = testDb();
    const topic = `t-${crypto.randomUUID()}`;
    await runtime.enqueue([{ dedupeKey: topic, to: phone, body: '集结号', topic }]);
    runtime.start();
    await expect.poll(async () => (await pool.query(`select status from notify_messages where topic = $1`, [topic])).rows[0].status, { timeout: 10_000 }).toBe('sent');
    await runtime.stop();
    const m = (await pool.query(`select id, provider_id from notify_messages where topic = $1`, [topic])).rows[0];
    return { id: m.id as string, sid: m.provider_id as string, topic };
  }
  const row = async (id: string) => (await testDb().pool.query(`select status, delivered_at, failure from notify_messages where id = $1`, [id])).rows[0];
  const phone = () => `1350000${String(Math.floor(Math.random() * 1e4)).padStart(4, '0')}`;

  it('take a status callback sent twice (same MessageSid, valid signature) once', async () => {
    const m = await sent(phone());
    const callback = { MessageSid: m.sid, MessageStatus: 'delivered' };
    expect((await signedPost(`status?mid=${m.id}`, callback)).statusCode).toBe(200);
    const first = await row(m.id);
    expect(first.status).toBe('delivered');
    const again = await signedPost(`status?mid=${m.id}`, callback);
    expect(again.statusCode).toBe(200);
    expect(await row(m.id)).toEqual(first);
    const taken = await testDb().pool.query(`select provider_message_id, status from notify_receipts where message_id = $1`, [m.id]);
    expect(taken.rows).toEqual([{ provider_message_id: m.sid, status: 'delivered' }]);
  });

  it('take an inbound message posted again once: an old "1" does not answer a newer message to that number', async () => {
    const heard: string[] = [];
    runtime.onReply(async (r) => void heard.push(`${r.topic}:${r.body}`));
    const p = phone();
    const older = await sent(p);
    const inbound = { From: `+86${p}`, Body: '1', MessageSid: 'SM' + crypto.randomBytes(16).toString('hex') };
    expect((await signedPost('inbound', inbound)).statusCode).toBe(200);
    expect((await row(older.id)).status).toBe('replied');
    const newer = await sent(p);
    // Twilio's copy of the same message, or one caught on the way and posted again
    expect((await signedPost('inbound', inbound)).statusCode).toBe(200);
    expect((await row(newer.id)).status).toBe('sent');
    expect(heard).toEqual([`${older.topic}:1`]);
    // an inbound message without its SID could not be told from a copy: it is not taken
    expect((await signedPost('inbound', { From: `+86${p}`, Body: '1' })).statusCode).toBe(200);
    expect((await row(newer.id)).status).toBe('sent');
  });
});
