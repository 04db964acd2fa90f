import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { admitted, freePort, jsonClient, serveProcess, sessionAt, stopProcess } from './processes.js';
import { addResidents, addStaff, closeTestDb, databaseUrl, makeAccount, makeArea, testDb } from './helpers.js';
import { sharedSecret } from '../src/db/secrets.js';
import { signPersonalCode } from '../src/modules/testing/index.js';
import { signMemberToken, signVillageToken } from '../src/modules/mobilization/index.js';

let server: ChildProcess | null = null;
/** a queue of this test's own: no other test's server sends its messages */
const queue = `sim-${crypto.randomUUID().slice(0, 8)}`;
let client: ReturnType<typeof jsonClient> | null = null;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bastion-crash-'));

async function start(port: number) {
  server = (await serveProcess(port, { DATABASE_URL: databaseUrl(), BASTION_SMS_QUEUE: queue, BASTION_SMS_RATE: '20', BASTION_SMS_LEASE_MS: '1000', BASTION_DATA: dataDir })).child;
}

const post = (p: string, body: unknown, cookie?: string) => client!.post(p, body, cookie);

afterAll(async () => {
  if (server) await stopProcess(server);
  client?.close();
  await closeTestDb();
});

describe('kill -9 in the middle of sampling, check-ins and an SMS send', () => {
  it('loses nothing that was answered, records nothing twice, and the send resumes', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    client = jsonClient(base);
    await start(port);
    const { pool } = testDb();
    const area = await makeArea();
    const people = await addResidents(area.villages[0], Array.from({ length: 400 }, (_, i) => ({ name: `崩溃${i}`, initials: 'bk', n: i + 1 })), area.district);
    const phone = (i: number) => `135${String(Number(area.district) % 100000).padStart(5, '0')}${String(i).padStart(3, '0')}`;
    const cadres = await addStaff(area.villages[0], Array.from({ length: 150 }, (_, i) => ({ name: `干部${i}`, n: i + 1, phone: phone(i) })));
    const commander = await sessionAt(base, await makeAccount('commander', area.district));
    const station = await sessionAt(base, await makeAccount('sampler', area.villages[0]));
    const campaign = (await post('/api/v1/testing/campaigns', { title: '崩溃测试', poolSize: 10, startsAt: new Date().toISOString(), targetEnd: new Date(Date.now() + 3600e3).toISOString() }, commander)).json;
    const callup = (await post('/api/v1/mobilization/callups', { title: '崩溃集结', template: '{name}：请到{area}报到 {link}', deadline: new Date(Date.now() + 3600e3).toISOString(), target: { area: area.district } }, commander)).json;
    expect((await post(`/api/v1/mobilization/callups/${callup.id}/send`, {}, commander)).status).toBe(200);

    const codes = await sharedSecret(pool, 'personal-codes');
    const links = await sharedSecret(pool, 'links');
    const scans = people.map((p, i) => ({ id: crypto.randomUUID(), campaignId: campaign.id, tube: `K${area.district}-${Math.floor(i / 10)}`, person: signPersonalCode(codes, p) }));
    const village = signVillageToken(links, area.villages[0]);
    const expires = new Date(Date.now() + 24 * 3600e3);
    const checkins = cadres.map((s) => `/api/v1/mobilization/me/${signMemberToken(links, callup.id, s, expires)}/checkin`);

    // swabs and check-ins stream in; the server is killed while they do
    const answeredScans = new Set<string>();
    const answeredCheckins = new Set<number>();
    let killed = false;
    const stream = Promise.all([
      (async () => {
        for (const s of scans) {
          if (killed) return;
          const r = await post('/api/v1/testing/scans', { scans: [s] }, station).catch(() => null);
          if (r?.status === 200 && r.json.results[0].outcome === 'recorded') answeredScans.add(s.id);
        }
      })(),
      (async () => {
        for (const [i, url] of checkins.entries()) {
          if (killed) return;
          const r = await post(url, { village }).catch(() => null);
          if (r?.status === 200) answeredCheckins.add(cadres[i]);
        }
      })(),
    ]);
    await expect.poll(() => answeredScans.size, { timeout: 20_000, interval: 5 }).toBeGreaterThan(100);
    server!.kill('SIGKILL');
    killed = true;
    await new Promise((r) => server!.on('exit', r));
    await stream;
    expect(answeredScans.size).toBeLessThan(scans.length); // it really died in the middle
    const sentBefore = (await pool.query(`select count(*)::int as n from notify_messages where topic = $1 and status in ('sent', 'delivered')`, [`callup:${callup.id}`])).rows[0].n;
    expect(sentBefore).toBeLessThan(150); // and in the middle of the send (20 a second)

    // every answered swab and check-in is there, once
    const recorded = await pool.query<{ scan_id: string }>(`select scan_id from samples where campaign_id = $1`, [campaign.id]);
    const ids = recorded.rows.map((r) => r.scan_id);
    expect(ids.length).toBe(new Set(ids).size);
    for (const id of answeredScans) expect(ids).toContain(id);
    const arrived = await pool.query<{ staff_id: string }>(`select staff_id from callup_members where callup_id = $1 and checkin_at is not null`, [callup.id]);
    const present = new Set(arrived.rows.map((r) => Number(r.staff_id)));
    for (const id of answeredCheckins) expect(present.has(id)).toBe(true);

    // after a restart the stations sync everything again (same scan ids): nothing doubles
    await start(port);
    for (let i = 0; i < scans.length; i += 100) expect((await admitted(() => post('/api/v1/testing/scans', { scans: scans.slice(i, i + 100) }, station))).status).toBe(200);
    const after = await pool.query(`select count(*)::int as n, count(distinct scan_id)::int as d, count(distinct resident_id)::int as r from samples where campaign_id = $1`, [campaign.id]);
    expect(after.rows[0]).toEqual({ n: 400, d: 400, r: 400 });
    const tubes = await pool.query(`select count(*)::int as n from tubes t where campaign_id = $1 and members <> (select count(*) from samples s where s.tube_code = t.code)`, [campaign.id]);
    expect(tubes.rows[0].n).toBe(0);

    // and the call-up's SMS: every one delivered, each message once at the provider
    await expect
      .poll(async () => (await pool.query(`select count(*)::int as n from notify_messages where topic = $1 and status = 'delivered'`, [`callup:${callup.id}`])).rows[0].n, { timeout: 30_000 })
      .toBe(150);
    const inbox = await pool.query(`select count(*)::int as n, count(distinct i.to_phone)::int as phones from notify_simulator_inbox i join notify_messages m on m.id = i.message_id where m.topic = $1`, [`callup:${callup.id}`]);
    expect(inbox.rows[0]).toEqual({ n: 150, phones: 150 });
  }, 120_000);
});
