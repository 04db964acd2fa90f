import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, sessionAt } from './processes.js';
import { addResidents, addStaff, closeTestDb, databaseUrl, makeAccount, makeArea, testDb, type TestArea } from './helpers.js';
import { sharedSecret } from '../src/db/secrets.js';
import { signPersonalCode } from '../src/modules/testing/index.js';

let server: ChildProcess;
/** a queue of this test's own: no other test's server sends its messages */
const queue = `sim-${crypto.randomUUID().slice(0, 8)}`;
let base: string;
let area: TestArea;

/** A request over a connection of its own: the cluster gives each new connection to the next process. */
function call(method: string, p: string, opts: { cookie?: string; body?: unknown } = {}) {
  return new Promise<{ status: number; by: string; json: () => any }>((resolve, reject) => {
    const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    const req = http.request(base + p, { method, agent: false, headers: { ...(opts.cookie ? { cookie: opts.cookie } : {}), ...(body ? { 'content-type': 'application/json' } : {}) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, by: String(res.headers['x-bastion-process']), json: () => JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}


beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = spawn(process.execPath, ['bin/bastion.js', 'serve', '--workers', '2'], {
    env: { ...process.env, DATABASE_URL: databaseUrl(), PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', BASTION_SMS_QUEUE: queue, BASTION_SMS_RATE: '0', BASTION_DATA: fs.mkdtempSync(path.join(os.tmpdir(), 'bastion-mp-')) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    server.stdout!.on('data', (d) => String(d).includes('running at') && resolve());
    server.on('exit', (c) => reject(new Error(`server exited ${c}`)));
  });
  area = await makeArea();
}, 60_000);

afterAll(async () => {
  if (server.exitCode === null) {
    server.kill('SIGTERM');
    await new Promise((r) => server.on('exit', r));
  }
  await closeTestDb();
});

describe('two app processes on one PostgreSQL', () => {
  it('share sessions, live-board events and the SMS queue as one process would', async () => {
    const commander = await makeAccount('commander', area.district);
    const cookie = await sessionAt(base, commander);

    // a session made by one process is honoured by both
    const mine = await Promise.all(Array.from({ length: 8 }, () => call('GET', '/api/v1/access/me', { cookie })));
    expect(mine.every((r) => r.status === 200)).toBe(true);
    expect(new Set(mine.map((r) => r.by)).size).toBe(2);

    // a live board held by one process hears a swab recorded by the other
    const people = await addResidents(area.villages[0], [{ name: '双进程', initials: 'sjc', n: 1 }], area.district);
    const campaign = (await call('POST', '/api/v1/testing/campaigns', { cookie, body: { title: '双进程', poolSize: 10, startsAt: new Date().toISOString(), targetEnd: new Date(Date.now() + 3600e3).toISOString() } })).json();
    const heard = new Promise<string>((resolve) => {
      const req = http.get(base + `/api/v1/testing/campaigns/${campaign.id}/events`, { agent: false, headers: { cookie } }, (res) => {
        const boardBy = String(res.headers['x-bastion-process']);
        res.setEncoding('utf8');
        res.on('data', (c: string) => c.includes('testing.sampled') && (req.destroy(), resolve(boardBy)));
      });
    });
    await new Promise((r) => setTimeout(r, 200)); // the stream is open before the swab
    const secret = await sharedSecret(testDb().pool, 'personal-codes');
    const station = await makeAccount('sampler', area.villages[0]);
    const stationCookie = await sessionAt(base, station);
    // swabs through both processes: whichever holds the board, the other records one
    const scans = await Promise.all(
      [0, 1, 2, 3].map(() => call('POST', '/api/v1/testing/scans', { cookie: stationCookie, body: { scans: [{ id: crypto.randomUUID(), campaignId: campaign.id, tube: `MP${area.district}`, person: signPersonalCode(secret, people[0]) }] } })),
    );
    expect(new Set(scans.map((s) => s.by)).size).toBe(2);
    const boardBy = await heard;
    expect(scans.some((s) => s.by !== boardBy)).toBe(true);

    // the SMS queue: both processes dispatch, each message goes once
    const phones = Array.from({ length: 30 }, (_, i) => `136${area.district}${String(i).padStart(2, '0')}`);
    await addStaff(area.villages[0], phones.map((phone, i) => ({ name: `干部${i}`, n: i + 1, phone })));
    const callup = (await call('POST', '/api/v1/mobilization/callups', { cookie, body: { title: '双进程集结', template: '{name}：请到{area}报到 {link}', deadline: new Date(Date.now() + 3600e3).toISOString(), target: { area: area.district } } })).json();
    expect((await call('POST', `/api/v1/mobilization/callups/${callup.id}/send`, { cookie })).status).toBe(200);
    const delivered = async () =>
      (await testDb().pool.query(`select count(*)::int as n, max(handovers)::int as most from notify_simulator_inbox where to_phone = any($1)`, [phones])).rows[0];
    await expect.poll(async () => (await delivered()).n, { timeout: 20_000 }).toBe(30);
    expect((await delivered()).most).toBe(1);
    // a dispatcher records its attempts after the gateway took the messages: wait for them too
    const attempts = async () =>
      (await testDb().pool.query(`select count(*)::int as n from notify_attempts a join notify_messages m on m.id = a.message_id where m.topic = $1`, [`callup:${callup.id}`])).rows[0].n;
    await expect.poll(attempts, { timeout: 10_000 }).toBe(30);

    // the sign-in limit is counted across both processes: ten tries a minute, not ten each
    const guessed = await makeAccount('lead', area.villages[0]);
    const tries = [];
    for (let i = 0; i < 12; i++) tries.push(await call('POST', '/api/v1/access/session', { body: { username: guessed.username, password: 'wrong-password' } }));
    expect(new Set(tries.map((r) => r.by)).size).toBe(2);
    expect(tries.slice(0, 10).every((r) => r.status === 401)).toBe(true);
    expect(tries.slice(10).map((r) => r.status)).toEqual([429, 429]);
  });
});
