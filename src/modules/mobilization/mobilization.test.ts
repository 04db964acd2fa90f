import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { addStaff, asRole, closeTestDb, makeArea, testDb, type TestArea, NO_SHEDDING } from '../../../test/helpers.js';
import { buildApp } from '../../server/app.js';
import { EventBus } from '../../db/events.js';
import { NotifyRuntime } from '../notify/index.js';

let app: FastifyInstance;
let notify: NotifyRuntime;
let bus: EventBus;
let area: TestArea;
let commander: string;
let eastLead: string;
let base: string;
let callupId: number;
let phones: string[];
/** Numbers of this run only: the simulator's inboxes outlive a test run on a kept database. */
const phoneOf = (district: string, i: number) => `137${district.slice(1)}${String(i).padStart(3, '0')}`;

beforeAll(async () => {
  const { db, pool } = testDb();
  notify = new NotifyRuntime(pool, { gateway: 'simulator', queue: `sim-${crypto.randomUUID().slice(0, 8)}`, ratePerSecond: 0, leaseMs: 5000 });
  bus = new EventBus(pool);
  await bus.start();
  app = await buildApp({ db, pool, settings: { sessionHours: 1, uploadLimitMb: 5, dataDir: '/tmp/bastion-test-uploads' }, logLevel: 'silent', web: false, notify, bus, linkBase: () => base, shedding: NO_SHEDDING });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  notify.start();
  area = await makeArea();
  phones = [1, 2, 3, 4].map((i) => phoneOf(area.district, i));
  await addStaff(area.villages[0], [
    { name: '东甲', n: 1, phone: phones[0] },
    { name: '东乙', n: 2, phone: phones[1], partyMember: false },
    { name: '东丙', n: 3, phone: null },
  ]);
  await addStaff(area.villages[1], [{ name: '西甲', n: 4, phone: phones[2] }, { name: '西乙', n: 5, phone: phones[3] }]);
  commander = await asRole(app, 'commander', area.district);
  eastLead = await asRole(app, 'lead', area.villages[0]);
});

afterAll(async () => {
  await notify.stop();
  await app.close();
  await bus.stop();
  await closeTestDb();
});

const as = (cookie: string) => ({ headers: { cookie } });
const TEMPLATE = '{name}同志：请于{deadline}前到{area}报到，收到请点 {link}';

async function inbox(phone: string) {
  const res = await app.inject({ url: `/api/v1/notify/simulator/inbox/${phone}`, ...as(commander) });
  return res.json() as { kind: string; body: string }[];
}
async function linkOf(phone: string) {
  await expect.poll(async () => (await inbox(phone)).length, { timeout: 10_000 }).toBeGreaterThan(0);
  return (await inbox(phone)).filter((m) => m.kind === 'in')[0].body.match(/\/m\/([\w.-]+)/)![1];
}

describe('a call-up', () => {
  it('refuses a template without the personal link, naming the field', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/v1/mobilization/callups', ...as(commander), payload: { title: 't', template: '请报到', deadline: new Date(Date.now() + 3600e3).toISOString(), target: {} } });
    expect(res.statusCode).toBe(400);
    expect(res.json().field).toBe('template');
  });

  it('previews its reach, the cadres without a phone, one message as sent and its SMS parts', async () => {
    const res = await app.inject({
      method: 'POST', url: '/api/v1/mobilization/callups', ...as(commander),
      payload: { title: '集结号', template: TEMPLATE, deadline: new Date(Date.now() + 5 * 3600e3).toISOString(), target: { area: area.district } },
    });
    expect(res.statusCode).toBe(201);
    callupId = res.json().id;
    expect(res.json().actions).toContain('send');
    const p = (await app.inject({ url: `/api/v1/mobilization/callups/${callupId}/preview`, ...as(commander) })).json();
    expect(p).toMatchObject({ reach: 5, withoutPhone: 1, parts: 2 });
    expect(p.example).toMatch(/^东甲同志：请于\d+月\d+日 \d\d:\d\d前到东村\d+村民委员会报到，收到请点 http:\/\/127\.0\.0\.1:\d+\/m\//);
  });

  it('is sent to everyone once, however often the button is pressed', async () => {
    const first = await app.inject({ method: 'POST', url: `/api/v1/mobilization/callups/${callupId}/send`, ...as(commander) });
    expect(first.json()).toEqual({ id: callupId, members: 5, withoutPhone: 1 });
    const again = await app.inject({ method: 'POST', url: `/api/v1/mobilization/callups/${callupId}/send`, ...as(commander) });
    expect(again.json()).toEqual(first.json());
    for (const p of phones) expect((await linkOf(p)).length).toBeGreaterThan(20);
    expect((await inbox(phones[0])).length).toBe(1);
  });

  it('is acknowledged from the personal link, and a forged link is refused', async () => {
    const token = await linkOf(phones[0]);
    const page = (await app.inject({ url: `/api/v1/mobilization/me/${token}` })).json();
    expect(page.me).toMatchObject({ name: '东甲', areaCode: area.villages[0], ackAt: null });
    const ack = await app.inject({ method: 'POST', url: `/api/v1/mobilization/me/${token}/ack` });
    expect(ack.json().ackAt).not.toBeNull();
    const forged = token.slice(0, -2) + (token.endsWith('AA') ? 'BB' : 'AA');
    const res = await app.inject({ url: `/api/v1/mobilization/me/${forged}` });
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('TOKEN_INVALID');
  });

  it('is acknowledged by an SMS reply of 1', async () => {
    await app.inject({ method: 'POST', url: `/api/v1/notify/simulator/inbox/${phones[1]}/reply`, ...as(commander), payload: { body: '1' } });
    const token = await linkOf(phones[1]);
    const page = (await app.inject({ url: `/api/v1/mobilization/me/${token}` })).json();
    expect(page.me.ackAt).not.toBeNull();
  });
});

describe('checking in', () => {
  it('by the village code works at the right village and is refused at another, naming the right one', async () => {
    const token = await linkOf(phones[2]); // 西甲, of the second village
    const eastCode = (await app.inject({ url: `/api/v1/mobilization/villages/${area.villages[0]}/code`, ...as(commander) })).json().token;
    const wrong = await app.inject({ method: 'POST', url: `/api/v1/mobilization/me/${token}/checkin`, payload: { village: eastCode } });
    expect(wrong.statusCode).toBe(409);
    expect(wrong.json()).toMatchObject({ code: 'WRONG_VILLAGE', field: 'village' });
    expect(wrong.json().title).toContain(area.names[area.villages[1]]);
    const westCode = (await app.inject({ url: `/api/v1/mobilization/villages/${area.villages[1]}/code`, ...as(commander) })).json().token;
    const ok = await app.inject({ method: 'POST', url: `/api/v1/mobilization/me/${token}/checkin`, payload: { village: westCode } });
    expect(ok.json()).toMatchObject({ checkinMethod: 'qr' });
    expect(ok.json().ackAt).not.toBeNull();
  });

  it('by location counts within the radius of the check-in point only', async () => {
    await app.inject({ method: 'PUT', url: `/api/v1/mobilization/villages/${area.villages[1]}/checkin-point`, ...as(commander), payload: { lat: 38.08, lng: 114.31, radiusM: 300 } });
    const token = await linkOf(phones[3]); // 西乙
    const far = await app.inject({ method: 'POST', url: `/api/v1/mobilization/me/${token}/checkin`, payload: { lat: 38.09, lng: 114.31 } });
    expect(far.statusCode).toBe(409);
    expect(far.json()).toMatchObject({ code: 'TOO_FAR' });
    const near = await app.inject({ method: 'POST', url: `/api/v1/mobilization/me/${token}/checkin`, payload: { lat: 38.0805, lng: 114.3102 } });
    expect(near.json().checkinMethod).toBe('location');
  });

  it('can be marked by the secretary of that village only', async () => {
    const board = (await app.inject({ url: `/api/v1/mobilization/callups/${callupId}/board`, ...as(commander) })).json();
    const east = board.notArrived.find((p: { name: string }) => p.name === '东乙');
    const westLead = await asRole(app, 'lead', area.villages[1]);
    expect((await app.inject({ method: 'POST', url: `/api/v1/mobilization/callups/${callupId}/members/${east.staffId}/present`, ...as(westLead) })).statusCode).toBe(404);
    const ok = await app.inject({ method: 'POST', url: `/api/v1/mobilization/callups/${callupId}/members/${east.staffId}/present`, ...as(eastLead) });
    expect(ok.json().checkinMethod).toBe('lead');
  });
});

describe('the arrival board', () => {
  it('counts by village for the commander, and shows a lead only their village', async () => {
    const all = (await app.inject({ url: `/api/v1/mobilization/callups/${callupId}/board`, ...as(commander) })).json();
    expect(all.totals).toMatchObject({ total: 5, acknowledged: 4, arrived: 3, unreachable: 1 });
    expect(all.villages.map((v: { code: string; arrived: number }) => [v.code, v.arrived])).toEqual([[area.villages[0], 1], [area.villages[1], 2]]);
    expect(all.unreachable.map((p: { name: string; note: string }) => [p.name, p.note])).toEqual([['东丙', 'NO_PHONE']]);
    expect(all.curve.at(-1).arrived).toBe(3);
    const mine = (await app.inject({ url: `/api/v1/mobilization/callups/${callupId}/board`, ...as(eastLead) })).json();
    expect(mine.totals.total).toBe(3);
    expect(mine.villages.map((v: { code: string }) => v.code)).toEqual([area.villages[0]]);
    expect(JSON.stringify(mine)).not.toContain('西');
  });

  it('tells a watching lead within a second that someone arrived', async () => {
    // a fresh call-up to the east village alone, so the arrival below is news
    const c = await app.inject({ method: 'POST', url: '/api/v1/mobilization/callups', ...as(commander), payload: { title: '二次集结', template: TEMPLATE, deadline: new Date(Date.now() + 3600e3).toISOString(), target: { area: area.villages[0] } } });
    const id = c.json().id;
    await app.inject({ method: 'POST', url: `/api/v1/mobilization/callups/${id}/send`, ...as(commander) });
    const got: string[] = [];
    const req = http.get(`${base}/api/v1/mobilization/callups/${id}/events`, { headers: { cookie: eastLead } });
    const res = await new Promise<http.IncomingMessage>((r) => req.once('response', r));
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => got.push(chunk));
    await expect.poll(() => got.join(''), { timeout: 5000 }).toContain(': connected');
    const board = (await app.inject({ url: `/api/v1/mobilization/callups/${id}/board`, ...as(eastLead) })).json();
    const t0 = Date.now();
    await app.inject({ method: 'POST', url: `/api/v1/mobilization/callups/${id}/members/${board.notArrived[0].staffId}/present`, ...as(eastLead) });
    await expect.poll(() => got.join(''), { timeout: 2000, interval: 10 }).toContain('mobilization.cadre_arrived');
    expect(Date.now() - t0).toBeLessThan(1000);
    req.destroy();
  });
});

describe('escalation', () => {
  it('resends to the silent, tells their village secretary and unit head the names, and flags numbers no SMS reached', async () => {
    const { db, pool } = testDb();
    const { sharedSecret } = await import('../../db/secrets.js');
    const { runEscalations } = await import('./escalation.service.js');
    const deps = { db, pool, notify, secret: await sharedSecret(pool, 'links'), linkBase: () => base };
    const a = await makeArea();
    const p = (i: number) => phoneOf(a.district, i);
    const [lead] = await addStaff(a.villages[0], [{ name: '书记', n: 1, phone: p(1) }]);
    await pool.query(`update staff set role = 'lead' where id = $1`, [lead]);
    const [quiet, gone, ok] = await addStaff(a.villages[0], [
      { name: '沉默者', n: 2, phone: p(2) },
      { name: '停机者', n: 3, phone: p(3) },
      { name: '确认者', n: 4, phone: p(4) },
    ]);
    // the head of their unit took another village, outside this call-up; another unit's head hears nothing
    const [head, otherHead] = await addStaff(a.villages[1], [{ name: '局长', n: 5, phone: p(5) }, { name: '别局长', n: 6, phone: p(6), workUnit: '区教育局' }]);
    await pool.query(`update staff set unit_head = true where id = any($1::bigint[])`, [[head, otherHead]]);
    const boss = await asRole(app, 'commander', a.district);
    const c = await app.inject({
      method: 'POST', url: '/api/v1/mobilization/callups', ...as(boss),
      payload: { title: '升级测试', template: TEMPLATE, deadline: new Date(Date.now() + 3600e3).toISOString(), target: { area: a.villages[0], partyMember: true }, escalation: { resendAfterMin: 10, escalateAfterMin: 20 } },
    });
    const id = c.json().id;
    await app.inject({ method: 'POST', url: `/api/v1/mobilization/callups/${id}/send`, ...as(boss) });
    await linkOf(p(4)); // the SMS has arrived; its reply answers it
    await app.inject({ method: 'POST', url: `/api/v1/notify/simulator/inbox/${p(4)}/reply`, ...as(boss), payload: { body: '1' } });

    // nothing yet: the send was just now
    expect(await runEscalations(deps)).toMatchObject({ resent: 0, escalated: 0, flagged: 0 });

    // 25 minutes later, and one number turned out dead
    await pool.query(`update callups set sent_at = now() - interval '25 minutes' where id = $1`, [id]);
    await pool.query(`update notify_messages set status = 'failed', failure = 'number does not exist' where dedupe_key = $1`, [`callup:${id}:staff:${gone}`]);
    const r = await runEscalations(deps);
    // the secretary, the silent one and the dead number are resent; one note to the secretary, one to the unit head
    expect(r).toMatchObject({ resent: 3, escalated: 2, flagged: 1 });
    await expect.poll(async () => (await inbox(p(1))).map((m) => m.body).join('\n'), { timeout: 10_000 }).toMatch(/【集结号未确认】.*沉默者、停机者|【集结号未确认】.*停机者、沉默者/);
    const note = (await inbox(p(1))).find((m) => m.body.startsWith('【集结号未确认】'))!;
    expect(note.body).not.toContain('确认者同');
    expect(note.body).not.toMatch(/、确认者|确认者、/);
    // the unit head hears of all three of the unit's silent, the secretary among them
    await expect.poll(async () => (await inbox(p(5))).map((m) => m.body).join('\n'), { timeout: 10_000 }).toMatch(/^【集结号未确认】区卫生健康局：.*请督促本单位干部尽快到岗。$/);
    expect((await inbox(p(5)))[0].body.match(/书记|沉默者|停机者|确认者/g)!.sort()).toEqual(['书记', '停机者', '沉默者']);
    expect(await inbox(p(6))).toEqual([]);
    const flagged = await pool.query(`select id from staff where phone_undeliverable_at is not null and id = any($1::bigint[])`, [[quiet, gone, ok]]);
    expect(flagged.rows.map((x) => Number(x.id))).toEqual([gone]);

    // a second round chases nobody twice
    expect(await runEscalations(deps)).toMatchObject({ resent: 0, escalated: 0 });
  });
});

describe('the roster', () => {
  it('puts present cadres on posts under the rules, answers a retry with the same shift, and shows my shifts', async () => {
    const at = (h: number) => new Date(Date.UTC(2030, 0, 7) + h * 3600_000).toISOString();
    const staffId = (await testDb().pool.query(`select staff_id from callup_members where callup_id = $1 and name = '东甲'`, [callupId])).rows[0].staff_id;
    const assign = (body: object) => app.inject({ method: 'POST', url: '/api/v1/mobilization/shifts', ...as(eastLead), payload: { clientId: crypto.randomUUID(), staffId, areaCode: area.villages[0], post: 'gate_duty', ...body } });
    const first = await assign({ startsAt: at(0), endsAt: at(8), clientId: `c-${staffId}-first` });
    expect(first.statusCode).toBe(201);
    const retry = await assign({ startsAt: at(0), endsAt: at(8), clientId: `c-${staffId}-first` });
    expect(retry.json().id).toBe(first.json().id);
    const clash = await assign({ startsAt: at(4), endsAt: at(10) });
    expect(clash.statusCode).toBe(409);
    expect(clash.json()).toMatchObject({ code: 'DOUBLE_BOOKED', field: 'startsAt' });
    expect(clash.json().title).toContain('东甲');
    expect((await assign({ startsAt: at(11), endsAt: at(14) })).json()).toMatchObject({ code: 'REST_TOO_SHORT' });
    expect((await assign({ startsAt: at(8), endsAt: at(14), post: 'door_to_door' })).json()).toMatchObject({ code: 'DUTY_TOO_LONG' });
    expect((await assign({ startsAt: at(8), endsAt: at(12), post: 'door_to_door' })).statusCode).toBe(201);
    // a cadre of another village is not this secretary's to roster
    const west = (await testDb().pool.query(`select staff_id from callup_members where callup_id = $1 and name = '西甲'`, [callupId])).rows[0].staff_id;
    expect((await assign({ staffId: west, startsAt: at(0), endsAt: at(4) })).statusCode).toBe(404);

    // a secretary of another village cannot cancel it; after a cancel the hours are free again
    const extra = (await assign({ startsAt: at(30), endsAt: at(34), post: 'sampling_support' })).json();
    const westLead = await asRole(app, 'lead', area.villages[1]);
    expect((await app.inject({ method: 'DELETE', url: `/api/v1/mobilization/shifts/${extra.id}`, ...as(westLead) })).statusCode).toBe(404);
    expect((await app.inject({ method: 'DELETE', url: `/api/v1/mobilization/shifts/${extra.id}`, ...as(eastLead) })).statusCode).toBe(200);
    expect((await assign({ startsAt: at(30), endsAt: at(34), post: 'sampling_support' })).statusCode).toBe(201);
    expect((await testDb().pool.query(`select count(*)::int as n from audit_log where action = 'roster.cancel' and subject_id = $1`, [String(extra.id)])).rows[0].n).toBe(1);

    const roster = (await app.inject({ url: '/api/v1/mobilization/shifts', ...as(eastLead) })).json();
    expect(roster.hours.find((h: { staffId: number }) => h.staffId === Number(staffId))).toMatchObject({ shifts: 3, hours: 16 });
    const csv = await app.inject({ url: '/api/v1/mobilization/shifts/export?format=csv', ...as(eastLead) });
    expect(csv.body).toContain('姓名,岗位,开始,结束,小时,累计小时');
    expect(csv.body).toMatch(/东甲,卡口值守,.*,8,16,/);
    const audit = await testDb().pool.query(`select count(*)::int as n from audit_log where action = 'roster.assign' and (detail->>'staffId')::bigint = $1`, [staffId]);
    expect(audit.rows[0].n).toBe(4);
    const token = await linkOf(phones[0]);
    const mine = (await app.inject({ url: `/api/v1/mobilization/me/${token}/shifts` })).json();
    expect(mine.map((s: { post: string }) => s.post)).toEqual(['gate_duty', 'door_to_door', 'sampling_support']);

    // half an hour before a shift, its cadre gets an SMS, once
    const { remindShifts } = await import('./roster.service.js');
    const { db, pool } = testDb();
    const deps = { db, pool, notify, secret: Buffer.alloc(32), linkBase: () => base };
    const soon = new Date(Date.now() + 20 * 60_000);
    await assign({ startsAt: soon.toISOString(), endsAt: new Date(soon.getTime() + 4 * 3600_000).toISOString(), post: 'traffic_checkpoint' });
    expect(await remindShifts(deps)).toBeGreaterThanOrEqual(1);
    expect(await remindShifts(deps)).toBe(0);
    await expect.poll(async () => (await inbox(phones[0])).some((m) => m.body.startsWith('【排班提醒】东甲同志') && m.body.includes('交通卡口')), { timeout: 10_000 }).toBe(true);
  });
});

describe('another village’s records and areas', () => {
  it('are not found by a village’s lead, exactly as ids that do not exist; a list never falls back to the lead’s own area', async () => {
    const [east0, west1] = area.villages;
    const westBoss = await asRole(app, 'commander', west1);
    const deadline = new Date(Date.now() + 3600e3).toISOString();
    const theirs = (await app.inject({ method: 'POST', url: '/api/v1/mobilization/callups', ...as(westBoss), payload: { title: '西村集结', template: TEMPLATE, deadline, target: {} } })).json();
    expect(theirs.areaCode).toBe(west1);
    const answer = async (url: string, method: 'GET' | 'POST' | 'PUT' = 'GET', payload?: object) => {
      const res = await app.inject({ method, url: `/api/v1/mobilization/${url}`, ...as(eastLead), ...(payload ? { payload } : {}) });
      return [res.statusCode, res.json().code, res.json().field];
    };
    const notFound = [404, 'NOT_FOUND', undefined];
    for (const [url, none] of [[`callups/${theirs.id}`, 'callups/2000000000'], [`callups/${theirs.id}/board`, 'callups/2000000000/board']])
      expect([await answer(url), await answer(none)]).toEqual([notFound, notFound]);
    // the roster of another village, or of the town over the lead's own: not found, not the lead's own roster instead
    expect(await answer(`shifts?area=${west1}`)).toEqual([404, 'NOT_FOUND', 'area']);
    expect(await answer(`shifts?area=${area.town}`)).toEqual([404, 'NOT_FOUND', 'area']);
    expect((await answer(`shifts?area=${east0}`))[0]).toBe(200);
    // another village's check-in code and point, and a shift there
    expect(await answer(`villages/${west1}/code`)).toEqual([404, 'NOT_FOUND', 'code']);
    expect(await answer(`villages/${west1}/checkin-point`, 'PUT', { lat: 38, lng: 114, radiusM: 300 })).toEqual([404, 'NOT_FOUND', 'code']);
    const staffId = (await testDb().pool.query(`select id from staff where assigned_area_code = $1 limit 1`, [east0])).rows[0].id;
    const shift = { clientId: crypto.randomUUID(), staffId, areaCode: west1, post: 'gate_duty', startsAt: new Date(Date.UTC(2031, 0, 1)).toISOString(), endsAt: new Date(Date.UTC(2031, 0, 1, 4)).toISOString() };
    expect(await answer('shifts', 'POST', shift)).toEqual([404, 'NOT_FOUND', 'areaCode']);
    // a call-up over another area is not written
    const elsewhere = await makeArea();
    const far = (await app.inject({ method: 'POST', url: '/api/v1/mobilization/callups', ...as(commander), payload: { title: '越界', template: TEMPLATE, deadline, target: { area: elsewhere.district } } })).json();
    expect([far.status, far.code, far.field]).toEqual([404, 'NOT_FOUND', 'target.area']);
    // a member is read by id inside the area in the SQL
    const { mobilizationRepo } = await import('./mobilization.repo.js');
    const west = (await testDb().pool.query(`select staff_id::int as id from callup_members where callup_id = $1 and area_code = $2 limit 1`, [callupId, west1])).rows[0].id;
    expect(await mobilizationRepo.memberInScope(testDb().pool, callupId, west, east0)).toBeUndefined();
    expect(await mobilizationRepo.memberInScope(testDb().pool, callupId, west, west1)).toMatchObject({ staffId: west });
  });
});

describe('a call-up is aimed at a real area, drafted, resumed, deleted and closed', () => {
  const body = (target: object, title = '草稿') => ({ title, template: TEMPLATE, deadline: new Date(Date.now() + 5 * 3600e3).toISOString(), target });
  const post = (payload: object) => app.inject({ method: 'POST', url: '/api/v1/mobilization/callups', ...as(commander), payload });

  it('refuses a code that names no area, a village code cut short among them, naming the field', async () => {
    // 1301101082 of 130110108205: inside the commander's area, yet no area, and it would reach the whole town
    for (const code of [area.villages[0].slice(0, -1), area.district + '999']) {
      const res = await post(body({ area: code }));
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'AREA_UNKNOWN', field: 'target.area' });
    }
    const draft = (await post(body({ area: area.villages[0] }))).json();
    const put = await app.inject({ method: 'PUT', url: `/api/v1/mobilization/callups/${draft.id}`, ...as(commander), payload: body({ area: area.town.slice(0, -1) }) });
    expect(put.json()).toMatchObject({ code: 'AREA_UNKNOWN', field: 'target.area' });
  });

  it('finds areas for the picker by a part of their name, inside the account’s area only', async () => {
    const n = area.names[area.villages[0]].match(/\d+/)![0];
    const hits = (await app.inject({ url: `/api/v1/registry/areas/search?q=${encodeURIComponent(`东村${n}`)}`, ...as(commander) })).json();
    expect(hits).toEqual([{ code: area.villages[0], name: area.names[area.villages[0]], level: 'village', kind: 'village', parentCode: area.town, path: [area.names[area.district], area.names[area.town]] }]);
    const other = await makeArea();
    const outsider = await asRole(app, 'commander', other.district);
    expect((await app.inject({ url: `/api/v1/registry/areas/search?q=${encodeURIComponent(`东村${n}`)}`, ...as(outsider) })).json()).toEqual([]);
  });

  it('previews the area by name with its count of cadres', async () => {
    const draft = (await post(body({ area: area.villages[0] }))).json();
    const p = (await app.inject({ url: `/api/v1/mobilization/callups/${draft.id}/preview`, ...as(commander) })).json();
    expect(p).toMatchObject({ draftId: draft.id, area: { code: area.villages[0], name: area.names[area.villages[0]] }, reach: 3 });
  });

  it('keeps drafts to commanders: a lead lists none and gets 404 for one, in its area or not', async () => {
    const draft = (await post(body({ area: area.villages[0] }, '东村草稿'))).json();
    const mine = (await app.inject({ url: '/api/v1/mobilization/callups', ...as(commander) })).json() as { id: number }[];
    expect(mine.map((c) => c.id)).toContain(draft.id);
    const listed = (await app.inject({ url: '/api/v1/mobilization/callups', ...as(eastLead) })).json() as { id: number; status: string }[];
    expect(listed.filter((c) => c.status === 'draft')).toEqual([]);
    expect(listed.map((c) => c.id)).toContain(callupId); // the sent one reaching the village
    for (const url of [`/api/v1/mobilization/callups/${draft.id}`, `/api/v1/mobilization/callups/${draft.id}/board`])
      expect((await app.inject({ url, ...as(eastLead) })).statusCode).toBe(404);
  });

  it('resumes a draft: changed and previewed again under the same id, then deleted', async () => {
    const draft = (await post(body({ area: area.villages[0] }))).json();
    const before = ((await app.inject({ url: '/api/v1/mobilization/callups', ...as(commander) })).json() as unknown[]).length;
    const put = await app.inject({ method: 'PUT', url: `/api/v1/mobilization/callups/${draft.id}`, ...as(commander), payload: body({ area: area.villages[1] }, '改过') });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toMatchObject({ id: draft.id, title: '改过', status: 'draft', target: { area: area.villages[1] } });
    const p = (await app.inject({ url: `/api/v1/mobilization/callups/${draft.id}/preview`, ...as(commander) })).json();
    expect(p).toMatchObject({ draftId: draft.id, area: { name: area.names[area.villages[1]] }, reach: 2 });
    expect(((await app.inject({ url: '/api/v1/mobilization/callups', ...as(commander) })).json() as unknown[]).length).toBe(before);
    const del = await app.inject({ method: 'DELETE', url: `/api/v1/mobilization/callups/${draft.id}`, ...as(commander) });
    expect(del.statusCode).toBe(200);
    expect((await app.inject({ url: `/api/v1/mobilization/callups/${draft.id}`, ...as(commander) })).statusCode).toBe(404);
    expect((await app.inject({ method: 'DELETE', url: `/api/v1/mobilization/callups/${draft.id}`, ...as(eastLead) })).statusCode).toBe(403);
  });

  it('cannot delete or change a sent call-up', async () => {
    const del = await app.inject({ method: 'DELETE', url: `/api/v1/mobilization/callups/${callupId}`, ...as(commander) });
    expect(del.statusCode).toBe(409);
    expect(del.json().code).toBe('CALLUP_NOT_DRAFT');
    const put = await app.inject({ method: 'PUT', url: `/api/v1/mobilization/callups/${callupId}`, ...as(commander), payload: body({ area: area.villages[0] }) });
    expect(put.json().code).toBe('CALLUP_NOT_DRAFT');
    expect((await app.inject({ url: `/api/v1/mobilization/callups/${callupId}`, ...as(commander) })).json().status).toBe('sent');
  });

  it('closes a sent call-up: acknowledgements and check-ins are refused under it, the board stays', async () => {
    const phone = phoneOf(area.district, 9);
    const village = await makeArea(); // a village of its own: no other test's cadre is reached
    await addStaff(village.villages[0], [{ name: '闭甲', n: 1, phone }]);
    const chief = await asRole(app, 'commander', village.district);
    const c = (await app.inject({ method: 'POST', url: '/api/v1/mobilization/callups', ...as(chief), payload: { ...body({ area: village.villages[0] }), escalation: { resendAfterMin: 1, escalateAfterMin: 2 } } })).json();
    expect(c.actions).toContain('delete');
    await app.inject({ method: 'POST', url: `/api/v1/mobilization/callups/${c.id}/send`, ...as(chief) });
    expect((await app.inject({ url: `/api/v1/mobilization/callups/${c.id}`, ...as(chief) })).json().actions).toContain('close');
    const token = await linkOf(phone);
    const closed = await app.inject({ method: 'POST', url: `/api/v1/mobilization/callups/${c.id}/close`, ...as(chief) });
    expect(closed.json()).toMatchObject({ id: c.id, status: 'closed' });
    expect((await app.inject({ method: 'POST', url: `/api/v1/mobilization/callups/${c.id}/close`, ...as(chief) })).json().status).toBe('closed');
    const ack = await app.inject({ method: 'POST', url: `/api/v1/mobilization/me/${token}/ack` });
    expect(ack.statusCode).toBe(409);
    expect(ack.json().code).toBe('CONFLICT');
    const code = (await app.inject({ url: `/api/v1/mobilization/villages/${village.villages[0]}/code`, ...as(chief) })).json().token;
    expect((await app.inject({ method: 'POST', url: `/api/v1/mobilization/me/${token}/checkin`, payload: { village: code } })).statusCode).toBe(409);
    // no one is chased under it: its silent cadre, 25 minutes after the send, is neither resent to nor escalated
    const { db, pool } = testDb();
    const { sharedSecret } = await import('../../db/secrets.js');
    const { runEscalations } = await import('./escalation.service.js');
    await pool.query(`update callups set sent_at = now() - interval '25 minutes' where id = $1`, [c.id]);
    await runEscalations({ db, pool, notify, secret: await sharedSecret(pool, 'links'), linkBase: () => base });
    expect((await pool.query(`select resent_at, escalated_at from callup_members where callup_id = $1`, [c.id])).rows).toEqual([{ resent_at: null, escalated_at: null }]);
    const board = (await app.inject({ url: `/api/v1/mobilization/callups/${c.id}/board`, ...as(chief) })).json();
    expect(board).toMatchObject({ callup: { status: 'closed' }, totals: { total: 1, acknowledged: 0, arrived: 0 } });
    // a draft is deleted, not closed
    const draft = (await app.inject({ method: 'POST', url: '/api/v1/mobilization/callups', ...as(chief), payload: body({ area: village.villages[0] }) })).json();
    expect((await app.inject({ method: 'POST', url: `/api/v1/mobilization/callups/${draft.id}/close`, ...as(chief) })).statusCode).toBe(409);
  });
});
