import crypto from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { closeTestDb, databaseUrl, testDb } from '../../../test/helpers.js';
import type { Gateway, OutgoingSms, SendResult } from './gateways/gateway.js';
import { SimulatorGateway } from './gateways/simulator.js';
import { Dispatcher } from './notify.dispatcher.js';
import { enqueueSms, recordReceipts, recordReply } from './notify.service.js';
import { smsParts } from './notify.sms.js';

afterAll(closeTestDb);

/** Each test drains a queue of its own, so no other dispatcher (another test, a test server) takes its messages. */
const queue = () => `sim-${crypto.randomUUID().slice(0, 8)}`;
const phone = (i: number) => `139${String(i).padStart(8, '0')}`;
const requests = (topic: string, n: number) => Array.from({ length: n }, (_, i) => ({ dedupeKey: `${topic}:${i}`, to: phone(i), body: `集结号：请于今晨5时前到分包村报到。${i}`, topic }));
const simulator = (name: string) => {
  const { pool } = testDb();
  return new SimulatorGateway(pool, (r) => recordReceipts(pool, r).then(() => {}), name);
};

async function statuses(topic: string) {
  const { rows } = await testDb().pool.query(`select status, count(*)::int as n from notify_messages where topic = $1 group by 1`, [topic]);
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

/** Runs the dispatcher until no message of the topic is waiting, then stops it. */
async function drain(d: Dispatcher | Dispatcher[], topic: string) {
  const all = [d].flat();
  for (const x of all) x.start();
  await expect
    .poll(async () => {
      const s = await statuses(topic);
      return (s.queued ?? 0) + (s.sending ?? 0);
    }, { timeout: 15_000, interval: 50 })
    .toBe(0);
  await Promise.all(all.map((x) => x.stop()));
}

describe('SMS parts', () => {
  it('counts 70 Chinese characters as one part and 67 a part beyond', () => {
    expect(smsParts('测'.repeat(70))).toBe(1);
    expect(smsParts('测'.repeat(71))).toBe(2);
    expect(smsParts('测'.repeat(134))).toBe(2);
    expect(smsParts('a'.repeat(160))).toBe(1);
  });
});

describe('the queue', () => {
  it('queues a message once per dedupe key and refuses numbers that are not mobiles', async () => {
    const { pool } = testDb();
    const topic = `t-${crypto.randomUUID()}`;
    const q = queue();
    const first = await enqueueSms(pool, q, [...requests(topic, 3), { dedupeKey: `${topic}:bad`, to: '0311-888', body: 'x', topic }]);
    expect(first).toEqual({ queued: 3, duplicates: 0, invalid: [`${topic}:bad`] });
    expect(await enqueueSms(pool, q, requests(topic, 3))).toMatchObject({ queued: 0, duplicates: 3 });
  });

  it('delivers every message once, and delivery receipts mark them delivered', async () => {
    const { pool } = testDb();
    const topic = `t-${crypto.randomUUID()}`;
    const q = queue();
    await enqueueSms(pool, q, requests(topic, 1200));
    await drain(new Dispatcher(pool, simulator(q), { ratePerSecond: 0, idleMs: 10 }), topic);
    await expect.poll(() => statuses(topic), { timeout: 10_000 }).toEqual({ delivered: 1200 });
    const inbox = await pool.query(`select count(*)::int as n, max(handovers) as h from notify_simulator_inbox i join notify_messages m on m.id = i.message_id where m.topic = $1`, [topic]);
    expect(inbox.rows[0]).toEqual({ n: 1200, h: 1 });
  });

  it('reports a delivery again when its receipt could not be recorded (the database restarting), as a provider retries its webhook', async () => {
    const { pool } = testDb();
    const topic = `t-${crypto.randomUUID()}`;
    const q = queue();
    await enqueueSms(pool, q, requests(topic, 3));
    let refused = 0;
    const gateway = new SimulatorGateway(pool, async (r) => {
      if (refused++ < 2) throw new Error('Connection terminated unexpectedly');
      await recordReceipts(pool, r);
    }, q);
    await drain(new Dispatcher(pool, gateway, { ratePerSecond: 0, idleMs: 10 }), topic);
    await expect.poll(() => statuses(topic), { timeout: 10_000 }).toEqual({ delivered: 3 });
    expect(refused).toBe(3);
  });

  it('gets everything through a gateway that fails 30% of hand-overs, within the retries', async () => {
    const { pool } = testDb();
    const topic = `t-${crypto.randomUUID()}`;
    const q = queue();
    const sim = simulator(q);
    let calls = 0;
    const flaky: Gateway = {
      name: q,
      async send(batch: OutgoingSms[]): Promise<SendResult[]> {
        // fails a deterministic 30% of all hand-overs, the rest go to the simulator
        const fail = batch.map(() => calls++ % 10 < 3);
        const ok = await sim.send(batch.filter((_, i) => !fail[i]));
        let j = 0;
        return fail.map((f) => (f ? { ok: false, temporary: true, reason: 'HTTP 503' } : ok[j++]));
      },
    };
    await enqueueSms(pool, q, requests(topic, 500));
    await drain(new Dispatcher(pool, flaky, { ratePerSecond: 0, idleMs: 5, backoffMs: 5, maxAttempts: 10, batchSize: 50 }), topic);
    await expect.poll(() => statuses(topic), { timeout: 10_000 }).toEqual({ delivered: 500 });
    const attempts = await pool.query(`select a.outcome, count(*)::int as n from notify_attempts a join notify_messages m on m.id = a.message_id where m.topic = $1 group by 1`, [topic]);
    const by = Object.fromEntries(attempts.rows.map((r) => [r.outcome, r.n]));
    expect(by.sent).toBe(500);
    expect(by.temporary).toBeGreaterThan(100);
  });

  it('fails a message after the last attempt, with the provider’s reason', async () => {
    const { pool } = testDb();
    const topic = `t-${crypto.randomUUID()}`;
    const q = queue();
    const dead: Gateway = { name: q, send: async (b) => b.map(() => ({ ok: false, temporary: true, reason: 'HTTP 503' })) };
    await enqueueSms(pool, q, requests(topic, 5));
    await drain(new Dispatcher(pool, dead, { ratePerSecond: 0, idleMs: 5, backoffMs: 1, maxAttempts: 3 }), topic);
    const rows = (await pool.query(`select status, attempts, failure from notify_messages where topic = $1`, [topic])).rows;
    expect(rows).toHaveLength(5);
    for (const r of rows) expect(r).toEqual({ status: 'failed', attempts: 3, failure: 'HTTP 503' });
  });

  /** 300 messages at 100 a second through `dispatchers` of one gateway: a full bucket at once, the rest at the rate. */
  async function rateHolds(dispatchers: number) {
    const { pool } = testDb();
    const topic = `t-${crypto.randomUUID()}`;
    const q = queue();
    await enqueueSms(pool, q, requests(topic, 300));
    const t0 = Date.now();
    await drain(Array.from({ length: dispatchers }, () => new Dispatcher(pool, simulator(q), { ratePerSecond: 100, idleMs: 10 })), topic);
    // a bucket each would let three dispatchers finish in one second
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1900);
    const perSecond = await pool.query(
      `select count(*)::int as n from notify_messages where topic = $1 group by date_trunc('second', sent_at) order by 1 desc limit 1`,
      [topic],
    );
    expect(perSecond.rows[0].n).toBeLessThanOrEqual(200);
  }

  it('holds the rate limit', () => rateHolds(1));

  it('holds the rate limit across processes: dispatchers of one gateway share its bucket', () => rateHolds(3));

  it('ties a reply to the last message sent to that number', async () => {
    const { pool } = testDb();
    const topic = `t-${crypto.randomUUID()}`;
    const q = queue();
    await enqueueSms(pool, q, requests(topic, 2));
    await drain(new Dispatcher(pool, simulator(q), { ratePerSecond: 0, idleMs: 5 }), topic);
    const heard: string[] = [];
    const r = await recordReply(pool, [async (x) => void heard.push(`${x.topic}:${x.body}`)], { gateway: q, providerId: null, fromPhone: phone(1), body: '1' });
    expect(r.topic).toBe(topic);
    expect(heard).toEqual([`${topic}:1`]);
    expect(await statuses(topic)).toEqual({ delivered: 1, replied: 1 });
  });

  it('ties a reply that does not say what it answers only to a message still open: not answered yet, sent within 24 hours', async () => {
    const { pool } = testDb();
    const q = queue();
    const to = `1360${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
    const send = async (topic: string) => {
      await enqueueSms(pool, q, [{ dedupeKey: topic, to, body: '集结号', topic }]);
      await drain(new Dispatcher(pool, simulator(q), { ratePerSecond: 0, idleMs: 5 }), topic);
      return topic;
    };
    const heard: string[] = [];
    const reply = (body: string) => recordReply(pool, [async (x) => void heard.push(`${x.topic}:${x.body}`)], { gateway: q, providerId: null, fromPhone: to, body });
    const a = await send(`t-${crypto.randomUUID()}`);
    expect((await reply('1')).topic).toBe(a);
    // a second answer to the same message answers nothing
    expect(await reply('1')).toMatchObject({ messageId: null, topic: null });
    // a message sent 24 hours and a minute ago is closed; 23 h 59 min ago, open
    const b = await send(`t-${crypto.randomUUID()}`);
    await pool.query(`update notify_messages set sent_at = now() - interval '24 hours 1 minute' where topic = $1`, [b]);
    expect(await reply('1')).toMatchObject({ messageId: null, topic: null });
    await pool.query(`update notify_messages set sent_at = now() - interval '23 hours 59 minutes' where topic = $1`, [b]);
    expect((await reply('1')).topic).toBe(b);
    // every reply is heard, the ones that answer nothing without a topic
    expect(heard).toEqual([`${a}:1`, 'null:1', 'null:1', `${b}:1`]);
  });

  it('ties a reply to a message the gateway has handed over but the dispatcher has not yet recorded as sent', async () => {
    const { pool } = testDb();
    const q = queue();
    const to = `1361${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
    const topic = `t-${crypto.randomUUID()}`;
    await enqueueSms(pool, q, [{ dedupeKey: topic, to, body: '集结号', topic }]);
    // as between the phone's receiving it and the gateway's answer being recorded
    await pool.query(`update notify_messages set status = 'sending' where topic = $1`, [topic]);
    expect((await recordReply(pool, [], { gateway: q, providerId: null, fromPhone: to, body: '1' })).topic).toBe(topic);
    expect((await pool.query(`select status from notify_messages where topic = $1`, [topic])).rows[0].status).toBe('replied');
  });
});

describe('a crash in the middle of a send', () => {
  it('loses no message and puts none on a phone twice', async () => {
    const { pool } = testDb();
    const topic = `t-${crypto.randomUUID()}`;
    const q = queue();
    const N = 10_000;
    await enqueueSms(pool, q, requests(topic, N));
    const inboxCount = async () =>
      (await pool.query(`select count(*)::int as n from notify_simulator_inbox i join notify_messages m on m.id = i.message_id where m.topic = $1`, [topic])).rows[0].n as number;
    const worker = () =>
      new Promise<ChildProcess>((resolve, reject) => {
        const c = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/dispatch-worker.ts', databaseUrl(), q, '2000', '500'], { stdio: ['ignore', 'pipe', 'inherit'] });
        c.stdout!.once('data', () => resolve(c));
        c.once('error', reject);
      });

    const first = await worker();
    await expect.poll(inboxCount, { timeout: 30_000, interval: 20 }).toBeGreaterThan(2000);
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    const atCrash = await inboxCount();
    expect(atCrash).toBeLessThan(N);

    const second = await worker();
    try {
      await expect.poll(async () => (await statuses(topic)).delivered ?? 0, { timeout: 60_000, interval: 100 }).toBe(N);
    } finally {
      second.kill('SIGKILL');
    }
    expect(await inboxCount()).toBe(N);
    const twice = await pool.query(`select count(*)::int as n from notify_simulator_inbox i join notify_messages m on m.id = i.message_id where m.topic = $1 and i.handovers > 1`, [topic]);
    // only messages in hand at the moment of the kill were handed over again, and the gateway kept one copy
    expect(twice.rows[0].n).toBeLessThanOrEqual(400);
  });
});
