import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { afterAll, describe, expect, it, onTestFailed } from 'vitest';
import { alive, childrenOf, freePort, jsonClient, PG15_BIN, postmasterOf, privateCluster, serveProcess, sessionAt, stopProcess, type Answer } from './processes.js';
import { addResidents, addStaff, closeTestDb, makeAccount, makeArea, useDatabase } from './helpers.js';
import { sharedSecret } from '../src/db/secrets.js';
import { signPersonalCode } from '../src/modules/testing/index.js';
import { signMemberToken, signVillageToken } from '../src/modules/mobilization/index.js';

/**
 * PostgreSQL itself dies (SIGKILL of the postmaster) while swabs and check-ins stream in, and
 * comes back on the same data directory and port. The app process lives through it: requests
 * meanwhile are answered 503 DATABASE_UNAVAILABLE with Retry-After, never 500 and never a dropped
 * connection; stations and phones send the same writes again (their own ids) until answered; every
 * answered write is there once; the live board hears `events.resumed`, then swabs again; the SMS
 * send in progress finishes, each message once at the provider.
 */

interface Target {
  /** the app's database settings */
  env: Record<string, string>;
  /** the server's data directory (postmaster.pid) */
  pgData: string;
  /** the database the app uses, for the test's own reads and set-up (once the app has migrated it) */
  url: () => string;
  /** after the kill: brings the server back (nothing to do when the app owns it) */
  restart(killed: { pid: number; backends: number[] }): Promise<void>;
}

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
  await closeTestDb();
});

/** A live board's stream: the names of the "changed" events it hears, in order. */
function openBoard(url: string, cookie: string) {
  const board = { status: 0, closed: false, events: [] as string[], close: () => req.destroy() };
  const req = http.get(url, { agent: false, headers: { cookie, accept: 'text/event-stream' } }, (res) => {
    board.status = res.statusCode!;
    res.setEncoding('utf8');
    let buf = '';
    res.on('data', (c: string) => {
      buf += c;
      for (let i = buf.indexOf('\n\n'); i >= 0; i = buf.indexOf('\n\n')) {
        const block = buf.slice(0, i).split('\n');
        buf = buf.slice(i + 2);
        const data = block.find((l) => l.startsWith('data: '));
        if (block.includes('event: changed') && data) board.events.push(JSON.parse(data.slice(6)).name);
      }
    });
    res.on('close', () => (board.closed = true));
  });
  req.on('error', () => (board.closed = true));
  return board;
}

async function killUnderLoad(target: Target) {
  const started = Date.now();
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const queue = `sim-${crypto.randomUUID().slice(0, 8)}`;
  const app = await serveProcess(port, { ...target.env, BASTION_SMS_QUEUE: queue, BASTION_SMS_RATE: '20', BASTION_SMS_LEASE_MS: '1000' });
  let appExited = false;
  app.child.once('exit', () => (appExited = true));
  cleanups.push(async () => void (await stopProcess(app.child)));
  onTestFailed(() => console.log(`the app's stderr:\n${app.stderr().slice(-4000)}`));
  const client = jsonClient(base);
  cleanups.push(async () => client.close());
  const { pool } = await useDatabase(target.url());

  const area = await makeArea();
  const people = await addResidents(area.villages[0], Array.from({ length: 241 }, (_, i) => ({ name: `停库${i}`, initials: 'tk', n: i + 1 })), area.district);
  const phone = (i: number) => `136${String(Number(area.district) % 100000).padStart(5, '0')}${String(i).padStart(3, '0')}`;
  const cadres = await addStaff(area.villages[0], Array.from({ length: 80 }, (_, i) => ({ name: `干部${i}`, n: i + 1, phone: phone(i) })));
  const commander = await sessionAt(base, await makeAccount('commander', area.district));
  const station = await sessionAt(base, await makeAccount('sampler', area.villages[0]));
  const campaign = (await client.post('/api/v1/testing/campaigns', { title: '停库测试', poolSize: 10, startsAt: new Date().toISOString(), targetEnd: new Date(Date.now() + 3600e3).toISOString() }, commander)).json;
  const callup = (await client.post('/api/v1/mobilization/callups', { title: '停库集结', template: '{name}：请到{area}报到 {link}', deadline: new Date(Date.now() + 3600e3).toISOString(), target: { area: area.district } }, commander)).json;
  expect((await client.post(`/api/v1/mobilization/callups/${callup.id}/send`, {}, commander)).status).toBe(200);
  const delivered = async () => (await pool.query(`select count(*)::int as n from notify_messages where topic = $1 and status = 'delivered'`, [`callup:${callup.id}`])).rows[0].n as number;

  const board = openBoard(`${base}/api/v1/testing/campaigns/${campaign.id}/events`, commander);
  cleanups.push(async () => void board.close());
  await expect.poll(() => board.status, { timeout: 10_000 }).toBe(200);

  const codes = await sharedSecret(pool, 'personal-codes');
  const links = await sharedSecret(pool, 'links');
  const village = signVillageToken(links, area.villages[0]);
  const expires = new Date(Date.now() + 24 * 3600e3);
  // four stations of 60 swabs (six tubes of ten each), two phones checking in 40 cadres each
  const stations = [0, 1, 2, 3].map((s) =>
    people.slice(s * 60, s * 60 + 60).map((p, i) => ({ id: crypto.randomUUID(), campaignId: campaign.id, tube: `K${area.district}-${s}-${Math.floor(i / 10)}`, person: signPersonalCode(codes, p) })),
  );
  const phones = [0, 1].map((h) => cadres.slice(h * 40, h * 40 + 40).map((id) => ({ id, url: `/api/v1/mobilization/me/${signMemberToken(links, callup.id, id, expires)}/checkin` })));

  // Stations and phones as they are: a write that is not answered 200 is sent again, the same
  // write with the same id, until answered, backing off from 0.1 s to 1 s (sooner than Retry-After
  // says, to keep the test short; a phone's link takes 30 a minute).
  const refusals: string[] = [];
  let unavailable = 0;
  let dropped = 0;
  const deadline = Date.now() + 45_000;
  async function untilAnswered(send: () => Promise<Answer>) {
    for (let attempt = 0; ; attempt++) {
      if (appExited) throw new Error(`the app process ended:\n${app.stderr().slice(-2000)}`);
      const r = await send().catch(() => null);
      if (r?.status === 200) return r;
      if (!r) dropped++;
      else if (r.status === 503 && r.json?.code === 'DATABASE_UNAVAILABLE' && r.retryAfter >= 1) unavailable++;
      else if (!(r.status === 503 && r.json?.code === 'OVERLOADED')) refusals.push(`${r.status} ${r.json?.code}: ${r.json?.detail}`);
      if (Date.now() > deadline) throw new Error(`no answer in time; refusals: ${refusals.slice(0, 3).join(' | ')}`);
      await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 100 * 2 ** attempt) * (0.5 + Math.random())));
    }
  }
  const scanAnswers = new Map<string, { outcome: string; at: number }>();
  const checkinAnswers = new Map<number, { checkinAt: string; at: number }>();
  const stream = Promise.all([
    ...stations.map(async (scans) => {
      for (const s of scans) {
        const r = await untilAnswered(() => client.post('/api/v1/testing/scans', { scans: [s] }, station));
        scanAnswers.set(s.id, { outcome: r.json.results[0].outcome, at: Date.now() });
      }
    }),
    ...phones.map(async (members) => {
      for (const m of members) {
        const r = await untilAnswered(() => client.post(m.url, { village }));
        checkinAnswers.set(m.id, { checkinAt: r.json.checkinAt, at: Date.now() });
      }
    }),
  ]);
  stream.catch(() => {}); // awaited below; a failure before that is the test's

  // the kill: SIGKILL of the postmaster, in the middle of the swabs, the check-ins and the send
  await expect.poll(() => scanAnswers.size, { timeout: 20_000, interval: 5 }).toBeGreaterThanOrEqual(40);
  const killed = postmasterOf(target.pgData)!;
  const backends = childrenOf(killed.pid);
  const deliveredBefore = await delivered();
  process.kill(killed.pid, 'SIGKILL');
  const killedAt = Date.now();
  const answeredBefore = { scans: scanAnswers.size, checkins: checkinAnswers.size };
  expect(answeredBefore.scans).toBeLessThan(240);
  expect(answeredBefore.checkins).toBeLessThan(80);
  expect(deliveredBefore).toBeLessThan(80);

  await target.restart({ pid: killed.pid, backends });
  // the same data directory, on the same port, under a new postmaster
  await expect.poll(() => { const p = postmasterOf(target.pgData); return p && p.pid !== killed.pid && alive(p.pid) ? p.port : null; }, { timeout: 30_000, interval: 50 }).toBe(killed.port);
  await stream;
  const restored = Date.now();

  // the process never went down, and every request that met the outage was answered 503
  expect(appExited).toBe(false);
  expect(dropped).toBe(0);
  expect(refusals).toEqual([]);
  expect(unavailable).toBeGreaterThan(0);
  expect(app.stderr()).not.toMatch(/Uncaught|Unhandled|\n\s+at /);

  // every answered swab and check-in is there, once, as it was answered
  const samples = await pool.query<{ scan_id: string }>(`select scan_id from samples where campaign_id = $1`, [campaign.id]);
  const ids = samples.rows.map((r) => r.scan_id);
  expect(ids.length).toBe(240);
  expect(new Set(ids)).toEqual(new Set(stations.flat().map((s) => s.id)));
  expect([...scanAnswers.values()].every((a) => a.outcome === 'recorded' || a.outcome === 'already_recorded')).toBe(true);
  const tubes = await pool.query(`select count(*)::int as n, count(*) filter (where members = 10 and members = (select count(*) from samples s where s.tube_code = t.code))::int as full from tubes t where campaign_id = $1`, [campaign.id]);
  expect(tubes.rows[0]).toEqual({ n: 24, full: 24 });
  const arrived = await pool.query<{ staff_id: number; checkin_at: Date }>(`select staff_id, checkin_at from callup_members where callup_id = $1 and checkin_at is not null`, [callup.id]);
  expect(new Map(arrived.rows.map((r) => [Number(r.staff_id), r.checkin_at.toISOString()]))).toEqual(new Map([...checkinAnswers].map(([id, a]) => [id, a.checkinAt])));

  // the live board hears that the bus listens again (it retries with back-off), then a swab after it;
  // its stream never closed
  await expect.poll(() => board.events.includes('events.resumed'), { timeout: 15_000 }).toBe(true);
  const extra = { id: crypto.randomUUID(), campaignId: campaign.id, tube: `K${area.district}-after`, person: signPersonalCode(codes, people[240]) };
  expect((await client.post('/api/v1/testing/scans', { scans: [extra] }, station)).json.results[0].outcome).toBe('recorded');
  await expect.poll(() => board.events.slice(board.events.indexOf('events.resumed') + 1).filter((e) => e.startsWith('testing.')).length, { timeout: 5_000 }).toBeGreaterThan(0);
  expect(board.closed).toBe(false);

  // the SMS send went on: every message delivered, once at the provider
  await expect.poll(delivered, { timeout: 30_000 }).toBe(80);
  const inbox = await pool.query(`select count(*)::int as n, count(distinct i.to_phone)::int as phones from notify_simulator_inbox i join notify_messages m on m.id = i.message_id where m.topic = $1`, [`callup:${callup.id}`]);
  expect(inbox.rows[0]).toEqual({ n: 80, phones: 80 });

  // and the process stops cleanly on SIGTERM, its own database server with it
  board.close();
  await closeTestDb();
  expect(await stopProcess(app.child)).toBe(0);
  return { answeredBefore, unavailable, outageMs: restored - killedAt, totalMs: Date.now() - started, postmaster: postmasterOf(target.pgData) };
}

describe('PostgreSQL killed (SIGKILL of the postmaster) while swabs and check-ins stream in', () => {
  it('embedded: the app notices, starts its server again on the same data and port, and nothing answered is lost or doubled', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bastion-pgkill-'));
    cleanups.push(async () => fs.rmSync(dataDir, { recursive: true, force: true }));
    const pgPort = await freePort();
    const r = await killUnderLoad({
      env: { DATABASE_URL: '', BASTION_DATA: dataDir, BASTION_PG_PORT: String(pgPort) },
      pgData: path.join(dataDir, 'pg'),
      url: () => `postgres://postgres:bastion@127.0.0.1:${pgPort}/bastion`,
      // the app owns its server: the test does nothing but wait
      restart: async () => {},
    });
    // the server the app started again stopped with it
    expect(r.postmaster === null || !alive(r.postmaster.pid)).toBe(true);
    console.log(`embedded: killed after ${r.answeredBefore.scans} swabs and ${r.answeredBefore.checkins} check-ins; ${r.unavailable} requests answered 503 meanwhile; all answered ${r.outageMs} ms after the kill; ${r.totalMs} ms in all`);
  }, 120_000);

  it.skipIf(!fs.existsSync(path.join(PG15_BIN, 'postgres')))('PostgreSQL 15, a private cluster: the test restarts it, the app carries on without a restart', async () => {
    const cluster = await privateCluster(PG15_BIN);
    cleanups.push(() => cluster.remove());
    await cluster.start();
    const r = await killUnderLoad({
      env: { DATABASE_URL: cluster.url },
      pgData: cluster.pgData,
      url: () => cluster.url,
      // as an administrator or a supervisor would: once the old server's processes are gone, the same data dir on the same port
      restart: async ({ pid, backends }) => {
        await expect.poll(() => [pid, ...backends].filter(alive).length, { timeout: 15_000, interval: 20 }).toBe(0);
        await cluster.start();
      },
    });
    console.log(`PostgreSQL 15: killed after ${r.answeredBefore.scans} swabs and ${r.answeredBefore.checkins} check-ins; ${r.unavailable} requests answered 503 meanwhile; all answered ${r.outageMs} ms after the kill; ${r.totalMs} ms in all`);
  }, 120_000);
});
