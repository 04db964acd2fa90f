import crypto from 'node:crypto';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { addResidents, addStaff, asRole, closeTestDb, idFor, makeAccount, makeArea, makeToken, signIn, testDb, type TestArea, NO_SHEDDING } from '../../../test/helpers.js';
import { buildApp } from '../../server/app.js';
import { EventBus, type DomainEvent } from '../../db/events.js';
import { sharedSecret } from '../../db/secrets.js';
import { NotifyRuntime } from '../notify/index.js';
import { signPersonalCode } from './testing.codes.js';
import { sitesRepo, testingRepo } from './testing.repo.js';

let app: FastifyInstance;
let notify: NotifyRuntime;
let bus: EventBus;
let secret: Buffer;
let area: TestArea;
let commander: string;
let sampler: string;
let lab: string;
let otherLab: string;
/** the labs' ids: a box names the lab it is packed for */
let labId: number;
let otherLabId: number;
let courier: string;
/** residents: 12 in the east village's grid, 3 in the west village */
let east: number[];
let west: number[];

const as = (cookie: string) => ({ headers: { cookie } });
const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });
const codeOf = (id: number) => signPersonalCode(secret, id);
const uuid = () => crypto.randomUUID();
let tubeSeq = 0;
const newTube = () => `T${area.district}${String(++tubeSeq).padStart(4, '0')}`;

beforeAll(async () => {
  const { db, pool } = testDb();
  notify = new NotifyRuntime(pool, { gateway: 'simulator', queue: `sim-${crypto.randomUUID().slice(0, 8)}`, ratePerSecond: 0, leaseMs: 5000 });
  bus = new EventBus(pool);
  await bus.start();
  app = await buildApp({ db, pool, settings: { sessionHours: 1, uploadLimitMb: 5, dataDir: '/tmp/bastion-test-uploads' }, logLevel: 'silent', web: false, notify, bus, shedding: NO_SHEDDING });
  await app.ready();
  notify.start();
  secret = await sharedSecret(pool, 'personal-codes');
  area = await makeArea();
  east = await addResidents(area.grids[0], Array.from({ length: 12 }, (_, i) => ({ name: `东${i}`, initials: 'd', n: i + 1, phone: `1390000${String(i).padStart(4, '0')}` })), area.district);
  west = await addResidents(area.villages[1], Array.from({ length: 3 }, (_, i) => ({ name: `西${i}`, initials: 'x', n: 100 + i })), area.district);
  commander = await asRole(app, 'commander', area.district);
  sampler = await asRole(app, 'sampler', area.villages[0]);
  courier = await asRole(app, 'courier', area.town);
  for (const [name, capacity] of [[`检测所${area.district}`, 50_000], [`另一所${area.district}`, 1000]] as const) {
    const username = `lab-${capacity}-${area.district}-${process.pid}`;
    const res = await app.inject({ method: 'POST', url: '/api/v1/testing/labs', ...as(commander), payload: { name, username, password: 'lab-password-1', capacityPerDay: capacity } });
    expect(res.statusCode, res.body).toBe(201);
    const cookie = await signIn(app, username, 'lab-password-1');
    if (name.startsWith('检测所')) [lab, labId] = [cookie, res.json().id];
    else [otherLab, otherLabId] = [cookie, res.json().id];
  }
});

afterAll(async () => {
  await notify.stop();
  await app.close();
  await bus.stop();
  await closeTestDb();
});

async function campaign(poolSize = 10) {
  const res = await app.inject({
    method: 'POST', url: '/api/v1/testing/campaigns', ...as(commander),
    payload: { title: `全员核酸${poolSize}`, poolSize, startsAt: new Date().toISOString(), targetEnd: new Date(Date.now() + 24 * 3600e3).toISOString() },
  });
  expect(res.statusCode).toBe(201);
  return res.json().id as number;
}

async function scan(campaignId: number, tube: string, residentIds: number[], ids = residentIds.map(() => uuid()), who = sampler) {
  const res = await app.inject({ method: 'POST', url: '/api/v1/testing/scans', ...as(who), payload: { scans: residentIds.map((r, i) => ({ id: ids[i], campaignId, tube, person: codeOf(r) })) } });
  expect(res.statusCode).toBe(200);
  return res.json().results as { id: string; outcome: string; code?: string; members?: number; repeat?: boolean }[];
}

const post = (url: string, cookie: string, payload?: object) => app.inject({ method: 'POST', url, ...as(cookie), ...(payload ? { payload } : {}) });

/** Scans, seals, ships and receives a tube at the first lab: ready for a result (by the east village's station, or the one given). */
async function tubeAtLab(campaignId: number, residentIds: number[], station = { sampler, courier }) {
  const tube = newTube();
  await scan(campaignId, tube, residentIds, undefined, station.sampler);
  expect((await post(`/api/v1/testing/tubes/${tube}/seal`, station.sampler)).statusCode).toBe(200);
  const box = `B${tube}`;
  expect((await post(`/api/v1/testing/boxes/${box}/ship`, station.sampler, { tubes: [tube], lab: labId })).statusCode).toBe(200);
  expect((await post(`/api/v1/testing/boxes/${box}/pickup`, station.courier)).statusCode).toBe(200);
  expect((await post(`/api/v1/testing/boxes/${box}/receive`, lab)).statusCode).toBe(200);
  return tube;
}
const results = (cookie: string, rows: { tube: string; result: string }[]) => post('/api/v1/testing/results', cookie, { results: rows });

describe('sampling at a station', () => {
  it('fills a tube up to the pooling ratio, refuses a full, sealed or foreign tube and an unknown code', async () => {
    const c = await campaign(10);
    const tube = newTube();
    const first = await scan(c, tube, east.slice(0, 10));
    expect(first.map((r) => r.outcome)).toEqual(Array(10).fill('recorded'));
    expect(first[9].members).toBe(10);
    expect((await scan(c, tube, [east[10]]))[0]).toMatchObject({ outcome: 'refused', code: 'TUBE_FULL' });

    const small = newTube();
    await scan(c, small, [east[10]]);
    expect((await post(`/api/v1/testing/tubes/${small}/seal`, sampler)).json()).toMatchObject({ status: 'sealed', members: 1 });
    expect((await scan(c, small, [east[11]]))[0]).toMatchObject({ outcome: 'refused', code: 'TUBE_SEALED' });

    const other = await campaign(10);
    expect((await scan(other, tube, [east[11]]))[0]).toMatchObject({ outcome: 'refused', code: 'WRONG_CAMPAIGN' });
    const forged = await app.inject({ method: 'POST', url: '/api/v1/testing/scans', ...as(sampler), payload: { scans: [{ id: uuid(), campaignId: c, tube: newTube(), person: `p.${east[0].toString(36)}.AAAAAAAAAAAAAAAA` }] } });
    expect(forged.json().results[0]).toMatchObject({ outcome: 'refused', code: 'CODE_INVALID' });
    const { rows } = await testDb().pool.query(`select count(*)::int as n from samples where campaign_id = $1`, [c]);
    expect(rows[0].n).toBe(11);
  });

  it('answers a repeated scan (a retried sync) with the same sample, once', async () => {
    const c = await campaign(10);
    const tube = newTube();
    const ids = [uuid(), uuid()];
    await scan(c, tube, east.slice(0, 2), ids);
    const again = await scan(c, tube, east.slice(0, 2), ids);
    expect(again.map((r) => r.outcome)).toEqual(['already_recorded', 'already_recorded']);
    // the same scan twice inside one request, too
    const id = uuid();
    const twice = await app.inject({ method: 'POST', url: '/api/v1/testing/scans', ...as(sampler), payload: { scans: [0, 1].map(() => ({ id, campaignId: c, tube, person: codeOf(east[2]) })) } });
    expect(twice.json().results.map((r: { outcome: string }) => r.outcome).sort()).toEqual(['already_recorded', 'recorded']);
    const { rows } = await testDb().pool.query(`select members from tubes where code = $1`, [tube]);
    expect(rows[0].members).toBe(3);
    // a station that sends its backlog twice at once (two syncs racing): each scan is one sample
    const backlog = [uuid(), uuid(), uuid()];
    const answers = await Promise.all([0, 1, 2, 3].map(() => scan(c, tube, east.slice(3, 6), backlog)));
    expect(answers.flat().filter((a) => a.outcome === 'recorded')).toHaveLength(3);
    const after = await testDb().pool.query(`select t.members, (select count(*)::int from samples s where s.tube_code = t.code) as n, (select count(*)::int from samples s where s.tube_code = t.code and s.repeat) as repeats from tubes t where code = $1`, [tube]);
    expect(after.rows[0]).toEqual({ members: 6, n: 6, repeats: 0 });
  });

  it('keeps both samples when two stations sampled one person while offline, and marks the second', async () => {
    const c = await campaign(5);
    const other = await asRole(app, 'sampler', area.villages[0]);
    const [a, b] = [newTube(), newTube()];
    expect((await scan(c, a, [east[0]]))[0]).toMatchObject({ outcome: 'recorded', repeat: false });
    expect((await scan(c, b, [east[0]], undefined, other))[0]).toMatchObject({ outcome: 'recorded', repeat: true });
    const { rows } = await testDb().pool.query(`select tube_code, repeat from samples where campaign_id = $1 order by recorded_at`, [c]);
    expect(rows).toEqual([{ tube_code: a, repeat: false }, { tube_code: b, repeat: true }]);
    // and the board shows the conflict, with both swabs
    const board = (await app.inject({ url: `/api/v1/testing/campaigns/${c}/board`, ...as(commander) })).json();
    expect(board.conflicts).toBe(1);
    const list = (await app.inject({ url: `/api/v1/testing/campaigns/${c}/conflicts`, ...as(commander) })).json();
    expect(list.conflicts).toEqual([expect.objectContaining({ residentId: east[0], name: '东0', swabs: [expect.objectContaining({ tube: a }), expect.objectContaining({ tube: b })] })]);
  });

  it('never overfills a tube when 60 stations scan into 5 tubes at once', async () => {
    const c = await campaign(10);
    const people = await addResidents(area.villages[1], Array.from({ length: 60 }, (_, i) => ({ name: `并发${i}`, initials: 'bf', n: 200 + i })), area.district);
    const tubes = Array.from({ length: 5 }, newTube);
    const answers = (await Promise.all(people.map((p, i) => scan(c, tubes[i % 5], [p])))).flat();
    expect(answers.filter((a) => a.outcome === 'recorded')).toHaveLength(50);
    expect(answers.filter((a) => a.outcome === 'refused').every((a) => a.code === 'TUBE_FULL')).toBe(true);
    const { rows } = await testDb().pool.query(`select t.members, (select count(*)::int from samples s where s.tube_code = t.code) as n from tubes t where code = any($1)`, [tubes]);
    expect(rows).toEqual(Array(5).fill({ members: 10, n: 10 }));
  });
});

describe('from the site to the lab', () => {
  it('takes a box through packing, the transport scan and the lab, each step once, in order', async () => {
    const c = await campaign(10);
    const tube = newTube();
    await scan(c, tube, [east[0]]);
    const box = `B${tube}`;
    // not sealed yet: not packed
    expect((await post(`/api/v1/testing/boxes/${box}/ship`, sampler, { tubes: [tube], lab: labId })).json()).toMatchObject({ code: 'TUBE_NOT_SEALED', field: 'tubes/0' });
    await post(`/api/v1/testing/tubes/${tube}/seal`, sampler);
    expect((await post(`/api/v1/testing/boxes/${box}/ship`, sampler, { tubes: [tube], lab: labId })).statusCode).toBe(200);
    expect((await post(`/api/v1/testing/boxes/${box}/ship`, sampler, { tubes: [tube], lab: labId })).statusCode).toBe(200); // a retry
    // the lab cannot receive what transport has not taken
    expect((await post(`/api/v1/testing/boxes/${box}/receive`, lab)).json()).toMatchObject({ code: 'CONFLICT', field: 'box' });
    const status = async () => (await testDb().pool.query(`select status from tubes where code = $1`, [tube])).rows[0].status;
    expect(await status()).toBe('packed');
    expect((await post(`/api/v1/testing/boxes/${box}/pickup`, courier)).json()).toMatchObject({ box, tubes: 1 });
    expect(await status()).toBe('in_transit');
    // on the road: transport's list holds it until a lab receives it
    const onTheRoad = async (cookie: string) => (await app.inject({ url: '/api/v1/testing/boxes/in-transit', ...as(cookie) })).json() as { box: string; tubes: number; swabs: number; areaName: string | null; lab: string | null }[];
    expect((await onTheRoad(courier)).find((b) => b.box === box)).toMatchObject({ tubes: 1, swabs: 1, areaName: expect.any(String), lab: `检测所${area.district}` });
    const elsewhere = await makeArea();
    const otherCourier = await asRole(app, 'courier', elsewhere.town);
    expect((await onTheRoad(otherCourier)).map((b) => b.box)).not.toContain(box);
    await post(`/api/v1/testing/boxes/${box}/receive`, lab);
    expect(await status()).toBe('received');
    expect((await onTheRoad(courier)).map((b) => b.box)).not.toContain(box);
    // a courier of another town sees no such box
    expect((await post(`/api/v1/testing/boxes/${box}/pickup`, otherCourier)).statusCode).toBe(404);
  });
});

describe('labs and stations stay in their lane', () => {
  it('a box is received, and its tubes resulted, only by the lab it was packed for', async () => {
    const c = await campaign(10);
    const tube = newTube();
    await scan(c, tube, [east[0], east[1]]);
    await post(`/api/v1/testing/tubes/${tube}/seal`, sampler);
    const box = `L${tube}`;
    // the box names a lab that exists
    expect((await post(`/api/v1/testing/boxes/${box}/ship`, sampler, { tubes: [tube], lab: 2_000_000_000 })).json()).toMatchObject({ code: 'NOT_FOUND', field: 'lab' });
    expect((await post(`/api/v1/testing/boxes/${box}/ship`, sampler, { tubes: [tube] })).json()).toMatchObject({ code: 'VALIDATION_FAILED', field: 'lab' });
    expect((await post(`/api/v1/testing/boxes/${box}/ship`, sampler, { tubes: [tube], lab: labId })).json()).toMatchObject({ box, tubes: 1, lab: `检测所${area.district}` });
    // packed again for another lab: refused, and the box still goes to the first
    expect((await post(`/api/v1/testing/boxes/${box}/ship`, sampler, { tubes: [tube], lab: otherLabId })).json()).toMatchObject({ code: 'CONFLICT', field: 'lab' });
    const more = newTube();
    await scan(c, more, [east[2]]);
    await post(`/api/v1/testing/tubes/${more}/seal`, sampler);
    expect((await post(`/api/v1/testing/boxes/${box}/ship`, sampler, { tubes: [more], lab: otherLabId })).json()).toMatchObject({ code: 'CONFLICT', field: 'lab' });
    expect((await post(`/api/v1/testing/boxes/${box}/pickup`, courier)).statusCode).toBe(200);
    // another lab: the box is not found, as one that does not exist; nothing changes
    const wrong = await post(`/api/v1/testing/boxes/${box}/receive`, otherLab);
    const none = await post(`/api/v1/testing/boxes/NO-SUCH-${box}/receive`, otherLab);
    expect([wrong.statusCode, wrong.json().code]).toEqual([404, 'NOT_FOUND']);
    expect([none.statusCode, none.json().code]).toEqual([404, 'NOT_FOUND']);
    const state = async () => (await testDb().pool.query(`select status, lab_id::int as lab, result from tubes where code = $1`, [tube])).rows[0];
    expect(await state()).toEqual({ status: 'in_transit', lab: labId, result: null });
    expect((await post(`/api/v1/testing/boxes/${box}/receive`, lab)).json()).toMatchObject({ box, tubes: 1 });
    // another lab's results for its tubes are refused as for unknown tubes, and change nothing
    expect((await results(otherLab, [{ tube, result: 'positive' }])).json()).toMatchObject({ recorded: 0, rejected: [{ tube, reason: 'TUBE_UNKNOWN' }] });
    expect(await state()).toEqual({ status: 'received', lab: labId, result: null });
    expect((await results(lab, [{ tube, result: 'negative' }])).json()).toMatchObject({ recorded: 1 });
    expect(await state()).toEqual({ status: 'resulted', lab: labId, result: 'negative' });
    // the station picks among the labs
    const choices = (await app.inject({ url: '/api/v1/testing/labs/choices', ...as(sampler) })).json() as { id: number; name: string }[];
    expect(choices).toEqual(expect.arrayContaining([{ id: labId, name: `检测所${area.district}` }, { id: otherLabId, name: `另一所${area.district}` }]));
  });

  it('a tube takes swabs only from the stations of its own site', async () => {
    const c = await campaign(10);
    const tube = newTube();
    expect((await scan(c, tube, [east[0]]))[0]).toMatchObject({ outcome: 'recorded', members: 1 });
    // a station of the other village, and one of the town over both: not this tube's site
    const westStation = await asRole(app, 'sampler', area.villages[1]);
    const townStation = await asRole(app, 'sampler', area.town);
    expect((await scan(c, tube, [west[0]], undefined, westStation))[0]).toMatchObject({ outcome: 'refused', code: 'WRONG_SITE' });
    expect((await scan(c, tube, [east[1]], undefined, townStation))[0]).toMatchObject({ outcome: 'refused', code: 'WRONG_SITE' });
    // refused before the tube's state is told: a sealed tube of another site is refused the same way
    const sealed = newTube();
    await scan(c, sealed, [east[2]]);
    await post(`/api/v1/testing/tubes/${sealed}/seal`, sampler);
    expect((await scan(c, sealed, [west[1]], undefined, westStation))[0]).toMatchObject({ outcome: 'refused', code: 'WRONG_SITE' });
    // another station of the same site shares it
    const neighbour = await asRole(app, 'sampler', area.villages[0]);
    expect((await scan(c, tube, [east[3]], undefined, neighbour))[0]).toMatchObject({ outcome: 'recorded', members: 2 });
    const { rows } = await testDb().pool.query(`select members, (select count(*)::int from samples where tube_code = $1) as n from tubes where code = $1`, [tube]);
    expect(rows[0]).toEqual({ members: 2, n: 2 });
    // the west station's own tube takes its swabs
    expect((await scan(c, newTube(), [west[0]], undefined, westStation))[0]).toMatchObject({ outcome: 'recorded' });
  });
});

describe('adding a laboratory', () => {
  it('never touches an existing account or lab: a user name or lab name taken is a conflict naming the field, and nothing is written', async () => {
    const victim = await makeAccount('lead', area.villages[0]);
    const before = (await testDb().pool.query(`select password_hash, role, area_code, disabled from accounts where id = $1`, [victim.id])).rows[0];
    const add = (body: object) => post('/api/v1/testing/labs', commander, { password: 'taken-over-1', capacityPerDay: 10, ...body });
    const taken = await add({ name: `接管所${area.district}`, username: victim.username });
    expect([taken.statusCode, taken.json().code, taken.json().field]).toEqual([409, 'CONFLICT', 'username']);
    expect((await testDb().pool.query(`select password_hash, role, area_code, disabled from accounts where id = $1`, [victim.id])).rows[0]).toEqual(before);
    expect((await app.inject({ method: 'POST', url: '/api/v1/access/session', payload: { username: victim.username, password: victim.password } })).statusCode).toBe(200);
    // no lab was made by the refused request: its name is free
    expect((await testDb().pool.query(`select count(*)::int as n from labs where name = $1`, [`接管所${area.district}`])).rows[0].n).toBe(0);

    // an existing lab's name: refused, its account stays its own, and the new account is not left behind
    const labsBefore = (await testDb().pool.query(`select id::int, account_id::int, capacity_per_day from labs where name = $1`, [`检测所${area.district}`])).rows;
    const username = `lab-new-${area.district}-${process.pid}`;
    const renamed = await add({ name: `检测所${area.district}`, username });
    expect([renamed.statusCode, renamed.json().code, renamed.json().field]).toEqual([409, 'CONFLICT', 'name']);
    expect((await testDb().pool.query(`select id::int, account_id::int, capacity_per_day from labs where name = $1`, [`检测所${area.district}`])).rows).toEqual(labsBefore);
    expect((await testDb().pool.query(`select count(*)::int as n from accounts where username = $1`, [username])).rows[0].n).toBe(0);
    // a new name and a new user name: created
    expect((await add({ name: `新所${area.district}`, username })).statusCode).toBe(201);
  });
});

describe('a lab’s own queue', () => {
  it('lists the tubes it received and has no result for, oldest first, and no other lab’s', async () => {
    const mine = async (cookie: string) => (await app.inject({ url: '/api/v1/testing/labs/mine', ...as(cookie) })).json();
    expect(await mine(otherLab)).toMatchObject({ backlog: 0, oldestReceivedAt: null, tubes: [], capacityPerDay: 1000 });
    const c = await campaign(10);
    const tubes = [newTube(), newTube()];
    for (const [i, tube] of tubes.entries()) {
      await scan(c, tube, east.slice(i * 2, i * 2 + 2));
      await post(`/api/v1/testing/tubes/${tube}/seal`, sampler);
      await post(`/api/v1/testing/boxes/Q${tube}/ship`, sampler, { tubes: [tube], lab: otherLabId });
      await post(`/api/v1/testing/boxes/Q${tube}/pickup`, courier);
      expect((await post(`/api/v1/testing/boxes/Q${tube}/receive`, otherLab)).statusCode).toBe(200);
    }
    const queue = await mine(otherLab);
    expect(queue).toMatchObject({ backlog: 2, tubes: tubes.map((code) => ({ code, boxCode: `Q${code}`, members: 2 })) });
    expect(queue.oldestReceivedAt).toBe(queue.tubes[0].receivedAt);
    expect((await mine(lab)).tubes.map((t: { code: string }) => t.code)).not.toContain(tubes[0]);
    // a result takes the tube off the queue
    expect((await results(otherLab, [{ tube: tubes[0], result: 'negative' }])).json()).toMatchObject({ recorded: 1 });
    expect(await mine(otherLab)).toMatchObject({ backlog: 1, tubes: [{ code: tubes[1] }] });
    // nobody else has a lab's queue
    expect((await app.inject({ url: '/api/v1/testing/labs/mine', ...as(commander) })).statusCode).toBe(403);
  });
});

describe('lab results and recalls', () => {
  it('refuses unknown, unreceived, repeated and unreadable rows, records the rest, and audits a correction', async () => {
    const c = await campaign(10);
    const good = await tubeAtLab(c, east.slice(0, 3));
    const inTransit = newTube();
    await scan(c, inTransit, [east[3]]);
    await post(`/api/v1/testing/tubes/${inTransit}/seal`, sampler);
    await post(`/api/v1/testing/boxes/B${inTransit}/ship`, sampler, { tubes: [inTransit], lab: labId });
    const res = await results(lab, [
      { tube: good, result: '阴性' },
      { tube: 'NO-SUCH-TUBE', result: '阴性' },
      { tube: inTransit, result: 'negative' },
      { tube: good, result: 'positive' },
      { tube: 'X' + good, result: '待定' },
    ]);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ recorded: 1, corrected: 0 });
    expect(res.json().rejected.map((r: { row: number; reason: string }) => [r.row, r.reason])).toEqual([
      [1, 'TUBE_UNKNOWN'],
      [2, 'TUBE_NOT_RECEIVED'],
      [3, 'DUPLICATE_IN_FILE'],
      [4, 'RESULT_INVALID'],
    ]);
    // to another lab it is unknown; the same result again is a duplicate
    expect((await results(otherLab, [{ tube: good, result: 'negative' }])).json().rejected[0].reason).toBe('TUBE_UNKNOWN');
    expect((await results(lab, [{ tube: good, result: 'negative' }])).json().rejected[0].reason).toBe('DUPLICATE_RESULT');
    // a different result is a correction: both are kept, and the audit log has it
    expect((await results(lab, [{ tube: good, result: 'invalid' }])).json()).toMatchObject({ recorded: 0, corrected: 1 });
    const { pool } = testDb();
    expect((await pool.query(`select result, previous from tube_results where tube_code = $1 order by id`, [good])).rows).toEqual([
      { result: 'negative', previous: null },
      { result: 'invalid', previous: 'negative' },
    ]);
    expect((await pool.query(`select detail from audit_log where action = 'testing.result_corrected' and subject_id = $1`, [good])).rows[0].detail).toEqual({ from: 'negative', to: 'invalid' });
  });

  it('reads a result file in GBK and XLSX', async () => {
    const c = await campaign(10);
    const [t1, t2] = [await tubeAtLab(c, [east[0]]), await tubeAtLab(c, [east[1]])];
    const iconv = (await import('iconv-lite')).default;
    const gbk = iconv.encode(`管号,检测结果\r\n${t1},阴性\r\nNOPE,阴性\r\n`, 'gbk');
    const upload = async (body: Buffer, name: string) => {
      const form = new FormData();
      form.append('file', new Blob([new Uint8Array(body)]), name);
      const req = new Request('http://x/', { method: 'POST', body: form });
      return app.inject({ method: 'POST', url: '/api/v1/testing/results/file', headers: { ...as(lab).headers, 'content-type': req.headers.get('content-type')! }, payload: Buffer.from(await req.arrayBuffer()) });
    };
    const r1 = await upload(gbk, 'results.csv');
    expect(r1.json()).toMatchObject({ recorded: 1, rejected: [{ row: 3, tube: 'NOPE', reason: 'TUBE_UNKNOWN' }] });
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('结果').addRows([['序号', '试管编号', '结果'], [1, t2, '阳性']]);
    const r2 = await upload(Buffer.from(await wb.xlsx.writeBuffer()), 'results.xlsx');
    expect(r2.json()).toMatchObject({ recorded: 1, rejected: [] });
  });

  it('puts exactly the members of a positive pool on the recall list, once, and closes each with their single retest', async () => {
    const c = await campaign(10);
    const pooled = await tubeAtLab(c, east.slice(0, 4));
    await tubeAtLab(c, east.slice(4, 8)); // a negative neighbour
    const r = await results(lab, [{ tube: pooled, result: 'positive' }]);
    expect(r.json()).toMatchObject({ recorded: 1, recalled: 4 });
    // a pooled positive is not the member's own result: their page shows none, and the recall
    const recalled = await app.inject({ url: `/api/v1/testing/me/${codeOf(east[1])}` });
    expect(recalled.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(recalled.json().samples[0]).toMatchObject({ pooled: true, result: null, recall: 'pending_retest' });
    const list = async (cookie = commander, q = '') => (await app.inject({ url: `/api/v1/testing/campaigns/${c}/recalls${q}`, ...as(cookie) })).json();
    const recalls = (await list()).recalls as { residentId: number; status: string; phone: string; tube: string }[];
    expect(recalls.map((x) => x.residentId).sort()).toEqual(east.slice(0, 4).sort());
    expect(recalls.every((x) => x.status === 'pending_retest' && x.tube === pooled && x.phone.startsWith('139'))).toBe(true);
    // a correction to invalid does not recall anyone twice
    await results(lab, [{ tube: pooled, result: 'invalid' }]);
    expect((await list()).recalls).toHaveLength(4);
    // their own single tube, negative, closes the recall of one of them
    const single = await campaign(1);
    const retest = await tubeAtLab(single, [east[0]]);
    await results(lab, [{ tube: retest, result: 'negative' }]);
    const after = (await list()).recalls as { residentId: number; status: string }[];
    expect(after.find((x) => x.residentId === east[0])!.status).toBe('negative');
    expect(after.filter((x) => x.status === 'pending_retest')).toHaveLength(3);
    // the resident's own page: the pooled positive is not their result; their retest is
    const me = (await app.inject({ url: `/api/v1/testing/me/${codeOf(east[0])}` })).json();
    expect(me.code).toBe(codeOf(east[0])); // the code the page shows (as a QR code) is the one issued
    // the page as PostgreSQL builds it is what the schema says, with the times as JavaScript writes them
    const { rows: mine } = await testDb().pool.query(
      `select p.name, a.name as area, c.title, s.scanned_at, t.members, t.result, t.resulted_at, rc.status as recall
       from samples s join residents p on p.id = s.resident_id join areas a on a.code = p.area_code join tubes t on t.code = s.tube_code
       join campaigns c on c.id = s.campaign_id left join recalls rc on rc.resident_id = s.resident_id and rc.tube_code = s.tube_code
       where s.resident_id = $1 order by s.scanned_at desc limit 20`,
      [east[0]],
    );
    expect(me).toEqual({
      code: codeOf(east[0]),
      name: mine[0].name,
      areaName: mine[0].area,
      samples: mine.map((x) => ({
        campaign: x.title,
        scannedAt: x.scanned_at.toISOString(),
        pooled: x.members > 1,
        result: x.result === 'positive' && x.members > 1 ? null : x.result,
        resultedAt: x.resulted_at?.toISOString() ?? null,
        recall: x.recall,
      })),
    });
    expect(me.samples.slice(0, 2).map((s: { pooled: boolean; result: string | null; recall: string | null }) => [s.pooled, s.result, s.recall])).toEqual([
      [false, 'negative', null],
      [true, 'invalid', 'negative'],
    ]);
    // pages asked for at the same moment are read together, and each gets its own
    const pages = await Promise.all(east.slice(0, 8).map(async (id) => (await app.inject({ url: `/api/v1/testing/me/${codeOf(id)}` })).json()));
    expect(pages.map((p) => p.code)).toEqual(east.slice(0, 8).map(codeOf));
    const counts = (await testDb().pool.query(`select resident_id::int as id, count(*)::int as n from samples where resident_id = any($1) group by 1`, [east.slice(0, 8)])).rows;
    expect(pages.map((p) => p.samples.length)).toEqual(east.slice(0, 8).map((id) => counts.find((c) => c.id === id)!.n));
    expect(pages.slice(0, 4).every((p) => p.samples.some((x: { recall: string | null }) => x.recall))).toBe(true);
    expect(pages.slice(4).every((p) => p.samples.every((x: { recall: string | null }) => !x.recall))).toBe(true);
    // a page kept by the process is still only for its own code: the same resident with a forged signature is refused
    const forged = codeOf(east[0]).slice(0, -1) + (codeOf(east[0]).endsWith('A') ? 'B' : 'A');
    expect((await app.inject({ url: `/api/v1/testing/me/${forged}` })).json()).toMatchObject({ code: 'TOKEN_INVALID', field: 'code' });
  });

  it('tells the village secretary by SMS who must be retested', async () => {
    const c = await campaign(10);
    const phone = `1370${area.district}9`;
    const [secretary] = await addStaff(area.villages[0], [{ name: '书记', n: 9, phone }]);
    await testDb().pool.query(`update staff set role = 'lead' where id = $1`, [secretary]);
    const tube = await tubeAtLab(c, east.slice(8, 11));
    await results(lab, [{ tube, result: '阳性' }]);
    await expect
      .poll(async () => (await app.inject({ url: `/api/v1/notify/simulator/inbox/${phone}`, ...as(commander) })).json().map((m: { body: string }) => m.body).join('\n'), { timeout: 10_000 })
      .toContain(`混管${tube}（阳性），本村3人需单管复检`);
  });
});

describe('coverage and scope', () => {
  it('counts expected, sampled, resulted and positive per village and grid', async () => {
    const c = await campaign(5);
    const pos = await tubeAtLab(c, east.slice(0, 5));
    await tubeAtLab(c, east.slice(5, 7)); // sampled, no result yet
    await scan(c, newTube(), [west[0]]);
    await results(lab, [{ tube: pos, result: 'positive' }]);
    const cov = (await app.inject({ url: `/api/v1/testing/campaigns/${c}/coverage?area=${area.town}`, ...as(commander) })).json();
    const byCode = Object.fromEntries(cov.children.map((x: { code: string }) => [x.code, x]));
    expect(byCode[area.villages[0]]).toMatchObject({ expected: 12, sampled: 7, resulted: 5, positivePools: 1, toRetest: 5, confirmed: 0 });
    expect(byCode[area.villages[1]]).toMatchObject({ sampled: 1, resulted: 0, positivePools: 0, toRetest: 0 });
    expect(byCode[area.villages[1]].expected).toBeGreaterThanOrEqual(3);
    const grid = (await app.inject({ url: `/api/v1/testing/campaigns/${c}/coverage?area=${area.villages[0]}`, ...as(commander) })).json();
    expect(grid.children).toEqual([expect.objectContaining({ code: area.grids[0], expected: 12, sampled: 7 })]);
    // the untested of the east village: the other 5, and as a spreadsheet
    const un = (await app.inject({ url: `/api/v1/testing/campaigns/${c}/untested?area=${area.villages[0]}`, ...as(commander) })).json();
    expect(un.residents.map((r: { id: number }) => r.id)).toEqual(east.slice(7));
    const xlsx = await app.inject({ url: `/api/v1/testing/campaigns/${c}/untested?area=${area.villages[0]}&format=xlsx`, ...as(commander) });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    expect(wb.worksheets[0].rowCount).toBe(6);
    // the board shows the pipeline
    const board = (await app.inject({ url: `/api/v1/testing/campaigns/${c}/board`, ...as(commander) })).json();
    expect(board.areaName).toBe((await testDb().pool.query(`select name from areas where code = $1`, [area.district])).rows[0].name);
    expect(Object.fromEntries(board.stages.map((s: { status: string; tubes: number }) => [s.status, s.tubes]))).toMatchObject({ open: 1, received: 1, resulted: 1 });
    expect(board.recalls.pending).toBe(5);
  });

  it('shows a village lead only their village; a lab token reads no residents', async () => {
    const c = await campaign(10);
    await tubeAtLab(c, [east[0]]);
    const westLead = await asRole(app, 'lead', area.villages[1]);
    const own = await app.inject({ url: `/api/v1/testing/campaigns/${c}/coverage`, ...as(westLead) });
    expect(own.json().area).toBe(area.villages[1]);
    expect(own.json().totals.sampled).toBe(0);
    for (const url of [`coverage?area=${area.villages[0]}`, `recalls?area=${area.villages[0]}`, `untested?area=${area.villages[0]}`]) {
      expect((await app.inject({ url: `/api/v1/testing/campaigns/${c}/${url}`, ...as(westLead) })).statusCode).toBe(404);
    }
    const un = (await app.inject({ url: `/api/v1/testing/campaigns/${c}/untested`, ...as(westLead) })).json();
    expect(un.residents.every((r: { areaCode: string }) => r.areaCode.startsWith(area.villages[1]))).toBe(true);
    expect((await app.inject({ url: `/api/v1/testing/residents/${east[0]}/code`, ...as(westLead) })).statusCode).toBe(404);
    const labToken = await makeToken('lab', area.district);
    expect((await app.inject({ url: `/api/v1/registry/residents?area=${area.district}`, ...bearer(labToken) })).statusCode).toBe(403);
    expect((await app.inject({ url: `/api/v1/testing/campaigns/${c}/recalls`, ...bearer(labToken) })).statusCode).toBe(403);
  });
});

describe('another village’s records', () => {
  it('are not found by a village’s lead, station or transport, exactly as ids that do not exist, and their SQL reads only the actor’s area', async () => {
    const [east0, west1] = area.villages;
    const westBoss = await asRole(app, 'commander', west1);
    const eastLead = await asRole(app, 'lead', east0);
    const eastStation = sampler;
    const eastCourier = await asRole(app, 'courier', east0);
    const westStation = await asRole(app, 'sampler', west1);
    const day = { startsAt: new Date().toISOString(), targetEnd: new Date(Date.now() + 24 * 3600e3).toISOString() };
    const westCampaign = (await post('/api/v1/testing/campaigns', westBoss, { title: '西村', poolSize: 5, ...day })).json();
    expect(westCampaign.areaCode).toBe(west1);
    const site = (await post(`/api/v1/testing/campaigns/${westCampaign.id}/sites`, westBoss, { areaCode: west1, name: '西村广场', address: '西村', tables: 1, samplers: 1, opensAt: day.startsAt, closesAt: day.targetEnd })).json();
    const tube = newTube();
    await scan(westCampaign.id, tube, [west[0]], undefined, westStation);
    await post(`/api/v1/testing/tubes/${tube}/seal`, westStation);
    const box = `W${tube}`;
    expect((await post(`/api/v1/testing/boxes/${box}/ship`, westStation, { tubes: [tube], lab: labId })).statusCode).toBe(200);

    const answer = async (r: Promise<{ statusCode: number; json: () => { code: string } }>) => {
      const res = await r;
      return [res.statusCode, res.json().code];
    };
    const notFound = [404, 'NOT_FOUND'];
    const missing = 2_000_000_000;
    for (const [theirs, none] of [
      [app.inject({ url: `/api/v1/testing/campaigns/${westCampaign.id}`, ...as(eastLead) }), app.inject({ url: `/api/v1/testing/campaigns/${missing}`, ...as(eastLead) })],
      [post(`/api/v1/testing/campaigns/${westCampaign.id}/sites/${site.id}/notify`, westBoss).then(() => post(`/api/v1/testing/campaigns/${westCampaign.id}/sites/${site.id}/notify`, eastLead)), post(`/api/v1/testing/campaigns/${westCampaign.id}/sites/${missing}/notify`, eastLead)],
      [post(`/api/v1/testing/tubes/${tube}/seal`, eastStation), post(`/api/v1/testing/tubes/NO${tube}/seal`, eastStation)],
      [post(`/api/v1/testing/boxes/${box}/pickup`, eastCourier), post(`/api/v1/testing/boxes/NO${box}/pickup`, eastCourier)],
    ] as const)
      expect([await answer(theirs), await answer(none)]).toEqual([notFound, notFound]);
    // a list filtered by another village, or by a larger area than one's own: not found, never one's own area instead
    const bigCampaign = await campaign(10);
    for (const url of [`campaigns/${bigCampaign}/sites?area=${west1}`, `campaigns/${bigCampaign}/home-visits?area=${west1}`, `campaigns/${bigCampaign}/board?area=${area.town}`, `codes?area=${area.town}`])
      expect(await answer(app.inject({ url: `/api/v1/testing/${url}`, ...as(eastLead) }))).toEqual(notFound);
    // a site or a campaign of another area is not made
    expect((await post(`/api/v1/testing/campaigns/${bigCampaign}/sites`, eastLead, { areaCode: west1, name: '越界', address: '西村', tables: 1, samplers: 1, opensAt: day.startsAt, closesAt: day.targetEnd })).json()).toMatchObject({ code: 'NOT_FOUND', field: 'areaCode' });
    expect((await post('/api/v1/testing/campaigns', westBoss, { title: '越界', poolSize: 5, areaCode: east0, ...day })).json()).toMatchObject({ code: 'NOT_FOUND', field: 'areaCode' });

    // the reads by id filter by area in their SQL, not only in the code that calls them
    const { pool } = testDb();
    expect(await testingRepo.tube(pool, tube, east0)).toBeUndefined();
    expect(await testingRepo.tube(pool, tube, west1)).toMatchObject({ code: tube });
    expect(await testingRepo.campaign(pool, westCampaign.id, east0)).toBeUndefined();
    expect(await testingRepo.campaign(pool, westCampaign.id, area.district)).toMatchObject({ id: westCampaign.id });
    expect(await sitesRepo.get(pool, site.id, east0)).toBeUndefined();
    expect(await sitesRepo.get(pool, site.id, west1)).toMatchObject({ id: site.id });
    expect(await testingRepo.boxTubes(pool, box, east0)).toEqual([]);
    expect(await testingRepo.lockTubes(pool, [tube], east0)).toEqual([]);
    expect(await testingRepo.lockLabTubes(pool, [tube], otherLabId)).toEqual([]);
  });
});

describe('printable personal codes', () => {
  it('gives a lead the codes of their village only, and audits it', async () => {
    const lead = await asRole(app, 'lead', area.villages[0]);
    const page = (await app.inject({ url: `/api/v1/testing/codes?area=${area.villages[0]}&limit=5`, ...as(lead) })).json();
    expect(page.codes).toHaveLength(5);
    expect(page.codes[0]).toMatchObject({ residentId: east[0], code: codeOf(east[0]) });
    expect(page.next).toBe(east[4]);
    expect((await app.inject({ url: `/api/v1/testing/codes?area=${area.villages[1]}`, ...as(lead) })).statusCode).toBe(404);
    const audited = await testDb().pool.query(`select count(*)::int as n from audit_log where action = 'testing.codes_printed' and subject_id = $1`, [area.villages[0]]);
    expect(audited.rows[0].n).toBeGreaterThan(0);
  });
});

describe('the public lookup', () => {
  it('answers only when ID number, name and phone match, and limits how often an address may ask', async () => {
    const { rows } = await testDb().pool.query(`select id_number, name, phone from residents where id = $1`, [east[1]]);
    const q = { idNumber: rows[0].id_number, name: rows[0].name, phone: rows[0].phone };
    const ask = (body: object) => app.inject({ method: 'POST', url: '/api/v1/testing/lookup', payload: body, remoteAddress: `10.9.${area.district.slice(-2)}.1` });
    expect((await ask(q)).json()).toMatchObject({ name: rows[0].name, code: codeOf(east[1]) });
    expect((await ask({ ...q, phone: '13900009999' })).statusCode).toBe(404);
    expect((await ask({ ...q, idNumber: idFor(area.district, 999) })).statusCode).toBe(404);
    const statuses = [];
    for (let i = 0; i < 10; i++) statuses.push((await ask(q)).statusCode);
    expect(statuses).toContain(429);
    const limited = await ask(q);
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBeDefined();
  });
});

describe('accounts', () => {
  it('a sampler of another district cannot scan into this campaign', async () => {
    const c = await campaign(10);
    const elsewhere = await makeArea();
    const far = await makeAccount('sampler', elsewhere.villages[0]);
    const cookie = await signIn(app, far.username, far.password);
    expect((await scan(c, newTube(), [east[0]], undefined, cookie))[0]).toMatchObject({ outcome: 'refused', code: 'CAMPAIGN_UNKNOWN' });
  });
});

describe('planning', () => {
  async function plannedArea() {
    const a = await makeArea();
    const people = await addResidents(a.villages[0], Array.from({ length: 20 }, (_, i) => ({ name: `计划${i}`, initials: 'jh', n: i + 1, phone: `138${a.district}${String(i).padStart(2, '0')}` })), a.district);
    const boss = await asRole(app, 'commander', a.district);
    const start = new Date(Date.UTC(2030, 0, 1, 0, 0));
    const create = async (hours: number) =>
      (await app.inject({ method: 'POST', url: '/api/v1/testing/campaigns', ...as(boss), payload: { title: '测算', poolSize: 5, startsAt: start.toISOString(), targetEnd: new Date(start.getTime() + hours * 3600e3).toISOString() } })).json().id as number;
    return { a, people, boss, start, create };
  }
  const at = (start: Date, h: number) => new Date(start.getTime() + h * 3600e3).toISOString();
  const q = '?residentsPerTable=10&swabsPerTableHour=5&turnaroundHours=2&labTubesPerDay=24';

  it('works out when sampling and results finish, per village and for the campaign, and what is missing', async () => {
    const { a, boss, start, create } = await plannedArea();
    const roomy = await create(24);
    const res = await app.inject({ url: `/api/v1/testing/campaigns/${roomy}/plan${q}`, ...as(boss) });
    expect(res.statusCode, res.body).toBe(200);
    const p = res.json();
    const [east, west] = a.villages.map((v) => p.villages.find((x: { code: string }) => x.code === v));
    // 20 residents, 2 tables of 5 an hour: 2 h; 4 tubes at 1 an hour: results at 4 h + 2 h
    // no site registered: the guidance's tables give the times, and what is missing is not checked (null), not 0
    expect(east).toMatchObject({ residents: 20, tables: 2, tubes: 4, samplingHours: 2, samplingEnd: at(start, 2), resultsEnd: at(start, 6), missingTables: null, missingSamplers: null });
    expect(west).toMatchObject({ residents: 0, tubes: 0, samplingEnd: at(start, 0) });
    expect(p.area).toBe(a.district);
    expect(p.campaign).toMatchObject({ residents: 20, tubes: 4, samplingEnd: at(start, 2), resultsEnd: at(start, 6), onTime: true, missingTables: null, missingSamplers: null, villagesUnchecked: 2, missingLabTubesPerDay: 0 });
    // a village's lead: their own village planned, in the queue of the whole campaign's tubes
    const westLead = await asRole(app, 'lead', a.villages[1]);
    const theirs = (await app.inject({ url: `/api/v1/testing/campaigns/${roomy}/plan${q}`, ...as(westLead) })).json();
    expect(theirs.villages.map((v: { code: string }) => v.code)).toEqual([a.villages[1]]);
    expect(theirs.campaign).toMatchObject({ residents: 0, tubes: 0, villagesUnchecked: 1, missingLabTubesPerDay: 0 });

    // a site with one table: the village's own plan replaces the guidance
    const site = await app.inject({ method: 'POST', url: `/api/v1/testing/campaigns/${roomy}/sites`, ...as(boss), payload: { areaCode: a.villages[0], name: '村委会广场', address: '村委会', tables: 1, samplers: 1, opensAt: at(start, 0), closesAt: at(start, 8) } });
    expect(site.statusCode).toBe(200);
    // a cadre the roster put on sampling support there while it is open is on its staff
    const [cadre] = await addStaff(a.villages[0], [{ name: '支援干部', n: 1, phone: null }], a.district);
    await testDb().pool.query(
      `insert into shifts (client_id, staff_id, staff_name, area_code, post, starts_at, ends_at) values ($1, $2, '支援干部', $3, 'sampling_support', $4, $5)`,
      [crypto.randomUUID(), cadre, a.villages[0], at(start, 1), at(start, 5)],
    );
    const sites = (await app.inject({ url: `/api/v1/testing/campaigns/${roomy}/sites`, ...as(boss) })).json();
    expect(sites[0].cadres).toEqual([expect.objectContaining({ name: '支援干部', startsAt: at(start, 1) })]);
    const again = (await app.inject({ url: `/api/v1/testing/campaigns/${roomy}/plan${q}`, ...as(boss) })).json();
    expect(again.villages.find((x: { code: string }) => x.code === a.villages[0])).toMatchObject({ sitesPlanned: true, tables: 1, samplingHours: 4, missingTables: 0, missingSamplers: 0 });
    // one site registered: its village is checked, the other is not (null, and counted as such)
    expect(again.villages.find((x: { code: string }) => x.code === a.villages[1])).toMatchObject({ sitesPlanned: false, missingTables: null, missingSamplers: null });
    expect(again.campaign).toMatchObject({ missingTables: 0, missingSamplers: 0, villagesUnchecked: 1 });

    // three hours to the target: one hour to sample, so 4 tables and 96 tubes a day (72 missing)
    const tight = await create(3);
    const t = (await app.inject({ url: `/api/v1/testing/campaigns/${tight}/plan${q}`, ...as(boss) })).json();
    expect(t.campaign).toMatchObject({ onTime: false, missingTables: null, missingSamplers: null, villagesUnchecked: 2, missingLabTubesPerDay: 72 });
    // its site: 1 table and 1 sampler registered against 4 needed, so 3 of each missing
    const tightSite = await app.inject({ method: 'POST', url: `/api/v1/testing/campaigns/${tight}/sites`, ...as(boss), payload: { areaCode: a.villages[0], name: '村委会广场', address: '村委会', tables: 1, samplers: 1, opensAt: at(start, 0), closesAt: at(start, 3) } });
    expect(tightSite.statusCode).toBe(200);
    const t2 = (await app.inject({ url: `/api/v1/testing/campaigns/${tight}/plan${q}&area=${a.villages[0]}`, ...as(boss) })).json();
    expect(t2.villages).toEqual([expect.objectContaining({ code: a.villages[0], missingTables: 3, missingSamplers: 3 })]);
    expect(t2.campaign).toMatchObject({ missingTables: 3, missingSamplers: 3, villagesUnchecked: 0 });
  });

  it('plans the area the board is drilled into, the labs’ queue still the whole campaign’s', async () => {
    const { a, boss, create } = await plannedArea();
    const roomy = await create(24);
    await addResidents(a.villages[1], Array.from({ length: 5 }, (_, i) => ({ name: `西计划${i}`, initials: 'xjh', n: 200 + i })), a.district);
    // the east village, or its grid: the east village only, its results when the whole campaign's plan has them (the labs take every village's tubes)
    const whole = (await app.inject({ url: `/api/v1/testing/campaigns/${roomy}/plan${q}`, ...as(boss) })).json();
    expect(whole.villages.map((v: { code: string }) => v.code)).toEqual(a.villages);
    for (const shown of [a.villages[0], a.grids[0]]) {
      const east = (await app.inject({ url: `/api/v1/testing/campaigns/${roomy}/plan${q}&area=${shown}`, ...as(boss) })).json();
      expect(east.area).toBe(shown);
      expect(east.villages).toEqual([whole.villages[0]]);
      expect(east.campaign).toMatchObject({ residents: 20, tubes: 4, sites: 1, resultsEnd: whole.villages[0].resultsEnd, villagesUnchecked: 1 });
    }
    expect(whole.campaign).toMatchObject({ residents: 25, tubes: 5, villagesUnchecked: 2 });
    // an area outside the reader's is not found
    const westLead = await asRole(app, 'lead', a.villages[1]);
    expect((await app.inject({ url: `/api/v1/testing/campaigns/${roomy}/plan?area=${a.villages[0]}`, ...as(westLead) })).statusCode).toBe(404);
  });

  it('gives households time slots at their site and tells each by one SMS', async () => {
    const { a, people, boss, start, create } = await plannedArea();
    const c = await create(24);
    // five households of four
    for (let h = 0; h < 5; h++) await testDb().pool.query(`update residents set household_no = $1 where id = any($2::bigint[])`, [`H${a.district}${h}`, people.slice(h * 4, h * 4 + 4)]);
    const site = (await app.inject({ method: 'POST', url: `/api/v1/testing/campaigns/${c}/sites`, ...as(boss), payload: { areaCode: a.villages[0], name: '东村小学', address: '东村小学操场', tables: 2, samplers: 2, opensAt: at(start, 0), closesAt: at(start, 2) } })).json();
    const r = (await post(`/api/v1/testing/campaigns/${c}/sites/${site.id}/notify`, boss)).json();
    expect(r).toMatchObject({ households: 5, people: 20, slots: 4, perSlot: 5, queued: 5, withoutPhone: 0 });
    expect((await post(`/api/v1/testing/campaigns/${c}/sites/${site.id}/notify`, boss)).json().queued).toBe(0);
    const first = `138${a.district}00`;
    await expect
      .poll(async () => (await app.inject({ url: `/api/v1/notify/simulator/inbox/${first}`, ...as(boss) })).json().map((m: { body: string }) => m.body).join(''), { timeout: 10_000 })
      .toMatch(/请您家4人于1月1日 08:00–08:30到东村小学（东村小学操场）采样/);
  });

  it('lists the residents to sample at home, assigns them, and marks them done once sampled', async () => {
    const { a, people, boss, create } = await plannedArea();
    const c = await create(24);
    await testDb().pool.query(`update residents set bedridden = true where id = $1`, [people[0]]);
    await testDb().pool.query(`update residents set elderly_alone = true where id = $1`, [people[1]]);
    const list = async () => (await app.inject({ url: `/api/v1/testing/campaigns/${c}/home-visits`, ...as(boss) })).json();
    expect(await list()).toMatchObject({ total: 2, done: 0 });
    expect((await post(`/api/v1/testing/campaigns/${c}/home-visits`, boss, { residentIds: [people[0]], sampler: 'door-sampler' })).statusCode).toBe(200);
    expect((await post(`/api/v1/testing/campaigns/${c}/home-visits`, boss, { residentIds: [people[5]] })).statusCode).toBe(404);
    const station = await asRole(app, 'sampler', a.villages[0]);
    await scan(c, `HV${a.district}`, [people[0]], undefined, station);
    const after = await list();
    expect(after).toMatchObject({ total: 2, done: 1 });
    expect(after.visits.find((v: { residentId: number }) => v.residentId === people[0])).toMatchObject({ sampler: 'door-sampler', done: true });
  });

  it('registers someone not in the registry at the table, once, with the registry’s rules', async () => {
    const c = await campaign(10);
    const walk = (body: object) => post(`/api/v1/testing/campaigns/${c}/walk-ins`, sampler, body);
    const person = { idNumber: idFor(area.district, 480).replace(/.$/, (x) => x.toLowerCase()), name: '临时来人', phone: '13900001111', address: '东村外来务工宿舍' };
    const first = await walk(person);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ created: true });
    expect((await walk(person)).json()).toMatchObject({ created: false, residentId: first.json().residentId });
    const bad = await walk({ ...person, idNumber: person.idNumber.slice(0, 17) + (person.idNumber[17] === '1' ? '2' : '1') });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'VALIDATION_FAILED', field: 'idNumber' });
    expect((await walk({ ...person, idNumber: idFor(area.district, 481), phone: '12345' })).json()).toMatchObject({ field: 'phone' });
    const scanned = await app.inject({ method: 'POST', url: '/api/v1/testing/scans', ...as(sampler), payload: { scans: [{ id: uuid(), campaignId: c, tube: newTube(), person: first.json().code }] } });
    expect(scanned.json().results[0]).toMatchObject({ outcome: 'recorded' });
  });
});

describe('walk-ins of people already registered', () => {
  const walkIn = (c: number, who: string, body: object) => post(`/api/v1/testing/campaigns/${c}/walk-ins`, who, body);
  const person = (n: number, name: string) => ({ idNumber: idFor(area.district, n), name, address: '东村外来务工宿舍' });
  const residentsWith = async (n: number) => (await testDb().pool.query(`select id, name, area_code from residents where id_number = $1`, [idFor(area.district, n)])).rows;

  it('give a resident’s code only with their name and inside the station’s area, and one refusal for the rest', async () => {
    const c = await campaign(10);
    const [here] = await addResidents(area.grids[0], [{ name: '东村居民', initials: 'dcjm', n: 493 }], area.district);
    await addResidents(area.villages[1], [{ name: '西村居民', initials: 'xcjm', n: 492 }], area.district);
    const before = await residentsWith(492);
    // a resident of the west village, outside this station's (the east village), with their own name
    const elsewhere = await walkIn(c, sampler, person(492, '西村居民'));
    expect(elsewhere.statusCode).toBe(400);
    expect(elsewhere.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(elsewhere.json()).toMatchObject({ code: 'VALIDATION_FAILED', field: 'idNumber' });
    expect(elsewhere.json()).not.toHaveProperty('residentId');
    // a resident of this village, under another name: the same answer, word for word
    const wrongName = await walkIn(c, sampler, person(493, '冒名'));
    expect(wrongName.statusCode).toBe(400);
    expect(wrongName.json()).toEqual(elsewhere.json());
    expect(await residentsWith(492)).toEqual(before);
    expect((await residentsWith(493))[0].name).toBe('东村居民');
    const right = await walkIn(c, sampler, person(493, '东村居民'));
    expect(right.statusCode).toBe(200);
    expect(right.json()).toEqual({ residentId: here, created: false, code: codeOf(here) });

    // someone new, the request sent twice at once (a retry that crossed the first): registered once, one code
    const twice = await Promise.all([walkIn(c, sampler, person(490, '新来的')), walkIn(c, sampler, person(490, '新来的'))]);
    expect(twice.map((r) => r.statusCode)).toEqual([200, 200]);
    const [a, b] = twice.map((r) => r.json());
    expect(b.residentId).toBe(a.residentId);
    expect(b.code).toBe(a.code);
    expect([a.created, b.created].sort()).toEqual([false, true]);
    expect(await residentsWith(490)).toEqual([{ id: a.residentId, name: '新来的', area_code: area.villages[0] }]);
    expect((await walkIn(c, sampler, person(490, '新来的'))).json()).toEqual({ residentId: a.residentId, created: false, code: a.code });
  });

  it('register no one for the rest of the hour from an account refused 20 times', async () => {
    const c = await campaign(10);
    const station = await asRole(app, 'sampler', area.villages[0]);
    for (let i = 0; i < 20; i++) {
      const r = await walkIn(c, station, person(100 + (i % 3), '猜一猜'));
      expect(r.statusCode, `refusal ${i + 1}`).toBe(400);
      expect(r.json().field).toBe('idNumber');
    }
    // the 21st, even someone new, is not answered: trying IDs one after another learns nothing more
    const limited = await walkIn(c, station, person(491, '又来一个'));
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toMatchObject({ code: 'RATE_LIMITED' });
    expect(await residentsWith(491)).toEqual([]);
    // another station is not held up
    expect((await walkIn(c, sampler, person(491, '又来一个'))).json()).toMatchObject({ created: true });
  });
});

describe('when the connection that hears events is lost', () => {
  it('forgets the kept residents’ pages and tells live boards to reload, once it listens again', async () => {
    const { pool } = testDb();
    const c = await campaign(10);
    const tube = newTube();
    // the swab's event comes after its answer, and makes the west village's kept pages stale
    const sampled = new Promise<void>((resolve) => {
      const hear = (e: DomainEvent) => e.name === 'testing.sampled' && e.data.campaignId === c && (bus.off('event', hear), resolve());
      bus.on('event', hear);
    });
    await scan(c, tube, [west[2]]);
    await sampled;
    const page = async () => (await app.inject({ url: `/api/v1/testing/me/${codeOf(west[2])}` })).json().samples[0].result;
    expect(await page()).toBeNull(); // now kept
    // a result whose event this process never heard (as when it came while the connection was down)
    await pool.query(`update tubes set result = 'negative', resulted_at = now() where code = $1`, [tube]);
    expect(await page()).toBeNull();

    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    const board = await fetch(`${base}/api/v1/testing/campaigns/${c}/events`, { headers: { cookie: commander } });
    const reader = board.body!.pipeThrough(new TextDecoderStream()).getReader();
    const until = async (text: string) => {
      for (let seen = ''; !seen.includes(text); ) {
        const { done, value } = await reader.read();
        if (done) throw new Error(`the stream ended before ${text}`);
        seen += value;
      }
    };
    try {
      await until(': connected');

      const resumed = new Promise((resolve) => bus.once('resumed', resolve));
      const before = bus.backendPid;
      await pool.query(`select pg_terminate_backend($1)`, [before]);
      await resumed;
      expect(bus.backendPid).not.toBe(before);
      await until('"name":"events.resumed"');
      expect(await page()).toBe('negative');
    } finally {
      await reader.cancel();
    }
  });
});

describe('someone without a phone of their own', () => {
  it('is reached through their household’s phone, on the untested list, its spreadsheet, the door-to-door list and the recall list', async () => {
    const { pool } = testDb();
    // west[0] (a child, no phone) lives with west[1], the eldest with a phone; west[2] has no household
    const household = `H${area.district}`;
    await pool.query(`update residents set household_no = $1 where id = any($2)`, [household, [west[0], west[1]]]);
    await pool.query(`update residents set phone = '13800000001', birth_date = '1950-01-01' where id = $1`, [west[1]]);
    const c = await campaign(10);
    type Reached = { id?: number; residentId?: number; phone: string | null; householdPhone: string | null };
    const un = (await app.inject({ url: `/api/v1/testing/campaigns/${c}/untested?area=${area.villages[1]}`, ...as(commander) })).json().residents as Reached[];
    const untested = (id: number) => un.find((r) => r.id === id);
    expect(untested(west[0])).toMatchObject({ phone: null, householdPhone: '13800000001' });
    expect(untested(west[1])).toMatchObject({ phone: '13800000001', householdPhone: null });
    expect(untested(west[2])).toMatchObject({ phone: null, householdPhone: null });
    const csv = (await app.inject({ url: `/api/v1/testing/campaigns/${c}/untested?area=${area.villages[1]}&format=csv`, ...as(commander) })).body;
    expect(csv).toContain('家庭联系电话');
    expect(csv.split('\n').find((line) => line.startsWith(`西0,`))).toMatch(/^西0,,13800000001,/);
    // phones and addresses in full: the page read and the download are in the audit log
    const audited = await pool.query(`select action, detail from audit_log where subject_type = 'untested' and subject_id = $1 order by id`, [String(c)]);
    expect(audited.rows).toEqual([
      { action: 'pii.list', detail: { area: area.villages[1], after: 0, count: un.length } },
      { action: 'pii.export', detail: { area: area.villages[1], format: 'csv' } },
    ]);

    // bed-ridden: on the door-to-door list, with the household's phone too
    await pool.query(`update residents set bedridden = true where id = $1`, [west[0]]);
    const visits = (await app.inject({ url: `/api/v1/testing/campaigns/${c}/home-visits?area=${area.villages[1]}`, ...as(commander) })).json().visits as Reached[];
    expect(visits.find((v) => v.residentId === west[0])).toMatchObject({ phone: null, householdPhone: '13800000001' });

    const tube = await tubeAtLab(c, [west[0], west[2]]);
    await results(lab, [{ tube, result: 'positive' }]);
    const recalls = (await app.inject({ url: `/api/v1/testing/campaigns/${c}/recalls`, ...as(commander) })).json().recalls as Reached[];
    expect(recalls.find((r) => r.residentId === west[0])).toMatchObject({ phone: null, householdPhone: '13800000001' });
    expect(recalls.find((r) => r.residentId === west[2])).toMatchObject({ phone: null, householdPhone: null });
  });
});

describe('a pool is not a person', () => {
  it('counts positive pools, their members still to retest and people confirmed by a single tube apart, on the board, coverage and the recall list', async () => {
    const a = await makeArea();
    const people = await addResidents(a.grids[0], Array.from({ length: 21 }, (_, i) => ({ name: `混${i}`, initials: 'h', n: i + 1, phone: `136${a.district}${String(i).padStart(2, '0')}` })), a.district);
    const boss = await asRole(app, 'commander', a.district);
    const station = { sampler: await asRole(app, 'sampler', a.villages[0]), courier: await asRole(app, 'courier', a.town) };
    const c = (await post('/api/v1/testing/campaigns', boss, { title: '混管', poolSize: 10, startsAt: new Date().toISOString(), targetEnd: new Date(Date.now() + 24 * 3600e3).toISOString() })).json().id as number;
    const pools = [await tubeAtLab(c, people.slice(0, 10), station), await tubeAtLab(c, people.slice(10, 20), station)];
    const single = await tubeAtLab(c, [people[20]], station); // a tube with one swab: that person's own result
    expect((await results(lab, [...pools, single].map((tube) => ({ tube, result: 'positive' })))).json()).toMatchObject({ recorded: 3, recalled: 20 });
    const counts = async () => {
      const board = (await app.inject({ url: `/api/v1/testing/campaigns/${c}/board`, ...as(boss) })).json();
      const town = (await app.inject({ url: `/api/v1/testing/campaigns/${c}/coverage?area=${a.town}`, ...as(boss) })).json();
      const recalls = (await app.inject({ url: `/api/v1/testing/campaigns/${c}/recalls`, ...as(boss) })).json();
      const village = town.children.find((x: { code: string }) => x.code === a.villages[0]);
      return { board: board.totals, village, recalls: { toRetest: recalls.toRetest, confirmed: recalls.confirmed, pending: recalls.pending } };
    };
    const first = await counts();
    expect(first.board).toEqual({ expected: 21, sampled: 21, resulted: 21, positivePools: 2, toRetest: 20, confirmed: 1 });
    expect(first.village).toMatchObject({ positivePools: 2, toRetest: 20, confirmed: 1 });
    expect(first.board).not.toHaveProperty('positive');
    expect(first.recalls).toEqual({ toRetest: 20, confirmed: 0, pending: 20 });
    // one member retested alone, positive: confirmed, no longer to retest; the pools are still two
    const retest = (await post('/api/v1/testing/campaigns', boss, { title: '单管复检', poolSize: 1, startsAt: new Date().toISOString(), targetEnd: new Date(Date.now() + 24 * 3600e3).toISOString() })).json().id as number;
    await results(lab, [{ tube: await tubeAtLab(retest, [people[3]], station), result: 'positive' }]);
    const after = await counts();
    expect(after.board).toMatchObject({ positivePools: 2, toRetest: 19, confirmed: 1 }); // this campaign's own tubes: the retest was in another
    expect(after.recalls).toEqual({ toRetest: 19, confirmed: 1, pending: 19 });
    const retestBoard = (await app.inject({ url: `/api/v1/testing/campaigns/${retest}/board`, ...as(boss) })).json();
    expect(retestBoard.totals).toMatchObject({ positivePools: 0, toRetest: 0, confirmed: 1 });
  });
});

describe('expected, one definition everywhere', () => {
  it('counts a village’s residents in and outside its grids alike in the area tree, the board’s rows, the untested list and its export', async () => {
    const a = await makeArea();
    const inGrid = await addResidents(a.grids[0], Array.from({ length: 6 }, (_, i) => ({ name: `格${i}`, initials: 'g', n: i + 1 })), a.district);
    const atVillage = await addResidents(a.villages[0], Array.from({ length: 3 }, (_, i) => ({ name: `村${i}`, initials: 'c', n: 50 + i })), a.district);
    const boss = await asRole(app, 'commander', a.district);
    const station = await asRole(app, 'sampler', a.villages[0]);
    const c = (await post('/api/v1/testing/campaigns', boss, { title: '应检', poolSize: 10, startsAt: new Date().toISOString(), targetEnd: new Date(Date.now() + 24 * 3600e3).toISOString() })).json().id as number;
    await scan(c, newTube(), [inGrid[0], inGrid[1], atVillage[0]], undefined, station);
    const tree = (await app.inject({ url: `/api/v1/registry/areas/${a.town}/children`, ...as(boss) })).json();
    const treeCount = tree.children.find((x: { code: string }) => x.code === a.villages[0]).residents;
    expect(treeCount).toBe(9);
    const town = (await app.inject({ url: `/api/v1/testing/campaigns/${c}/board?area=${a.town}`, ...as(boss) })).json();
    expect(town.children.find((x: { code: string }) => x.code === a.villages[0])).toMatchObject({ expected: 9, sampled: 3 });
    const village = (await app.inject({ url: `/api/v1/testing/campaigns/${c}/board?area=${a.villages[0]}`, ...as(boss) })).json();
    expect(village.totals).toMatchObject({ expected: 9, sampled: 3 });
    // the grid's row and a row for those in no grid: the rows add up to the village
    expect(village.children).toEqual([
      expect.objectContaining({ code: a.grids[0], level: 'grid', expected: 6, sampled: 2 }),
      expect.objectContaining({ code: a.villages[0], level: 'unassigned', expected: 3, sampled: 1 }),
    ]);
    const untested = (await app.inject({ url: `/api/v1/testing/campaigns/${c}/untested?area=${a.villages[0]}&limit=100`, ...as(boss) })).json();
    expect(untested.residents).toHaveLength(village.totals.expected - village.totals.sampled);
    const csv = await app.inject({ url: `/api/v1/testing/campaigns/${c}/untested?area=${a.villages[0]}&format=csv`, ...as(boss) });
    expect(csv.body.trim().split(/\r?\n/)).toHaveLength(1 + 6);
    // a village whose only grid is empty: its residents at the village are its rows' whole
    const west = await addResidents(a.villages[1], [{ name: '西0', initials: 'x', n: 90 }], a.district);
    expect(west).toHaveLength(1);
    const noGrid = (await app.inject({ url: `/api/v1/testing/campaigns/${c}/board?area=${a.villages[1]}`, ...as(boss) })).json();
    expect(noGrid.totals.expected).toBe(1);
    expect(noGrid.children.reduce((n: number, x: { expected: number }) => n + x.expected, 0)).toBe(1);
  });
});
