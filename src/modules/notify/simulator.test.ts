import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { asRole, closeTestDb, makeArea, testDb, NO_SHEDDING, type TestArea } from '../../../test/helpers.js';
import { buildApp } from '../../server/app.js';
import { NotifyRuntime, SimulatorGateway } from './index.js';

let app: FastifyInstance;
let area: TestArea;
let phone: string;
const cookies: Record<'commander' | 'lead' | 'cadre', string> = { commander: '', lead: '', cadre: '' };

beforeAll(async () => {
  const { db, pool } = testDb();
  const notify = new NotifyRuntime(pool, { gateway: 'simulator', queue: `sim-${crypto.randomUUID().slice(0, 8)}`, ratePerSecond: 0, leaseMs: 5000 });
  app = await buildApp({ db, pool, settings: { sessionHours: 1, uploadLimitMb: 5, dataDir: '/tmp/bastion-test-uploads' }, logLevel: 'silent', web: false, notify, shedding: NO_SHEDDING });
  await app.ready();
  area = await makeArea();
  // a cadre's phone holding a personal link, as a call-up leaves it
  phone = `135${area.district.slice(1)}001`;
  await new SimulatorGateway(pool, async () => {}).send([{ messageId: crypto.randomUUID(), attemptId: crypto.randomUUID(), to: phone, body: '请到东村报到 http://127.0.0.1/m/secret-link' }]);
  cookies.commander = await asRole(app, 'commander', area.district);
  cookies.lead = await asRole(app, 'lead', area.villages[0]);
  cookies.cadre = await asRole(app, 'cadre', area.villages[0]);
});

afterAll(async () => {
  await app.close();
  await closeTestDb();
});

const as = (who: keyof typeof cookies | null) => (who ? { headers: { cookie: cookies[who] } } : {});

describe("the simulator's phones", () => {
  it('show a number’s inbox, with its personal link, to a signed-in commander only', async () => {
    const read = (who: keyof typeof cookies | null) => app.inject({ url: `/api/v1/notify/simulator/inbox/${phone}`, ...as(who) });
    const anonymous = await read(null);
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.body).not.toContain('secret-link');
    for (const who of ['lead', 'cadre'] as const) {
      const res = await read(who);
      expect(res.statusCode).toBe(403);
      expect(res.body).not.toContain('secret-link');
    }
    const commander = await read('commander');
    expect(commander.statusCode).toBe(200);
    expect(commander.json().map((m: { body: string }) => m.body)).toEqual(['请到东村报到 http://127.0.0.1/m/secret-link']);
  });

  it('send a reply (an acknowledgement, "1") for a commander only', async () => {
    const reply = (who: keyof typeof cookies | null) => app.inject({ method: 'POST', url: `/api/v1/notify/simulator/inbox/${phone}/reply`, payload: { body: '1' }, ...as(who) });
    expect((await reply(null)).statusCode).toBe(401);
    expect((await reply('lead')).statusCode).toBe(403);
    expect((await reply('cadre')).statusCode).toBe(403);
    const replies = async () => (await testDb().pool.query(`select count(*)::int as n from notify_replies where from_phone = $1`, [phone])).rows[0].n;
    expect(await replies()).toBe(0);
    expect((await reply('commander')).statusCode).toBe(200);
    expect(await replies()).toBe(1);
  });

  it('are listed for a commander only', async () => {
    const list = (who: keyof typeof cookies | null) => app.inject({ url: '/api/v1/notify/simulator/phones', ...as(who) });
    expect((await list(null)).statusCode).toBe(401);
    expect((await list('lead')).statusCode).toBe(403);
    expect((await list('commander')).json().map((p: { phone: string }) => p.phone)).toContain(phone);
  });
});
