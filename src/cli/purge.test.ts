import crypto from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { NO_SHEDDING, closeTestDb } from '../../test/helpers.js';
import { bastion, demoDatabase, tableDigests, type PrivateDb } from '../../test/private-db.js';
import { EventBus } from '../db/events.js';
import { sharedSecret } from '../db/secrets.js';
import { buildApp } from '../server/app.js';
import { NotifyRuntime } from '../modules/notify/index.js';
import { prepareExport } from '../modules/registry/index.js';
import { signPersonalCode } from '../modules/testing/index.js';
import { dayStart, purgeArea } from './purge.js';

const SHANYIN = '130110108201'; // 山尹村: resulted, one positive pool recalled, its secretary's SMS queued
const ID = '[0-9]{17}[0-9Xx]';
const MOBILE = '(^|[^0-9])1[3-9][0-9]{9}([^0-9]|$)';

let d: PrivateDb;
let app: FastifyInstance;
let bus: EventBus;
let other: string;

beforeAll(async () => {
  d = await demoDatabase('purge');
  bus = new EventBus(d.pool);
  await bus.start();
  const notify = new NotifyRuntime(d.pool, { gateway: 'simulator', queue: `purge-${crypto.randomUUID().slice(0, 8)}`, ratePerSecond: 0, leaseMs: 5000 });
  app = await buildApp({ db: d.db, pool: d.pool, settings: { sessionHours: 1, uploadLimitMb: 5, dataDir: '/tmp/bastion-test-uploads' }, logLevel: 'silent', web: false, notify, bus, shedding: NO_SHEDDING });
  await app.ready();
  other = (await d.pool.query(`select code from areas where level = 'village' and code like '130110108%' and code <> $1 order by code limit 1`, [SHANYIN])).rows[0].code;
}, 240_000);
afterAll(async () => {
  await app?.close();
  await bus?.stop();
  await d?.drop();
  await closeTestDb();
});

/** Every text-like column of every table: [table, column, the table's area column or null]. */
async function textColumns() {
  const { rows } = await d.pool.query<{ t: string; c: string; area: string | null }>(
    `select c.table_name as t, c.column_name as c,
       (select a.column_name from information_schema.columns a where a.table_schema = 'public' and a.table_name = c.table_name
         and a.column_name in ('area_code', 'assigned_area_code') order by a.column_name limit 1) as area
     from information_schema.columns c join information_schema.tables t on t.table_name = c.table_name and t.table_schema = c.table_schema
     where c.table_schema = 'public' and t.table_type = 'BASE TABLE' and c.data_type in ('text', 'character varying', 'jsonb', 'json') order by 1, 2`,
  );
  return rows;
}

/** Rows of the village whose text matches the pattern, by "table.column". */
async function matchesInVillage(village: string, pattern: string) {
  const out: Record<string, number> = {};
  for (const { t, c, area } of await textColumns()) {
    if (!area) continue;
    const { rows } = await d.pool.query(`select count(*)::int as n from "${t}" where "${area}" like $1 and "${c}"::text ~ $2`, [village + '%', pattern]);
    if (rows[0].n) out[`${t}.${c}`] = rows[0].n;
  }
  return out;
}

/** Rows anywhere holding any of these values, by "table.column". */
async function holding(values: string[]) {
  const out: Record<string, number> = {};
  const likes = values.map((v) => `%${v}%`);
  for (const { t, c } of await textColumns()) {
    const { rows } = await d.pool.query(`select count(*)::int as n from "${t}" where "${c}"::text like any($1::text[])`, [likes]);
    if (rows[0].n) out[`${t}.${c}`] = rows[0].n;
  }
  return out;
}

async function fullExport(area: string) {
  let text = '';
  const write = await prepareExport(d.db, d.pool, null, 'residents', { area, format: 'csv', full: true, lang: 'zh' });
  await write(new Writable({ write: (chunk, _e, cb) => ((text += chunk.toString()), cb()) }));
  return text;
}

const villageRows = async (village: string) =>
  (await d.pool.query(
    `select (select md5(string_agg(r::text, '|' order by r.id)) from residents r where area_code like $1) as residents,
            (select md5(string_agg(s::text, '|' order by s.id)) from staff s where assigned_area_code like $1) as staff,
            (select md5(string_agg(h::text, '|' order by h.household_no)) from households h where area_code like $1) as households`,
    [village + '%'],
  )).rows[0];

/** What must still be counted after a purge: people per area, swabs, tubes, results, recalls, SMS. */
const aggregates = async () =>
  (await d.pool.query(
    `select (select json_agg(x order by x.a) from (select area_code as a, count(*)::int as n, count(*) filter (where sex = 'F')::int as f from residents group by 1) x) as residents,
            (select json_agg(x order by x.a) from (select area_code as a, count(*)::int as n from households group by 1) x) as households,
            (select json_agg(x order by x.a, x.r) from (select area_code as a, repeat as r, count(*)::int as n, count(distinct resident_id)::int as people from samples group by 1, 2) x) as samples,
            (select json_agg(x order by x.s, x.r) from (select status as s, coalesce(result, '') as r, count(*)::int as n, sum(members)::int as m from tubes group by 1, 2) x) as tubes,
            (select json_agg(x order by x.a, x.s) from (select area_code as a, status as s, count(*)::int as n from recalls group by 1, 2) x) as recalls,
            (select count(*)::int from tube_results) as results, (select count(*)::int from notify_messages) as sms`,
  )).rows[0];

describe('bastion purge', () => {
  it('refuses an unknown area and a day that is not one, in one line, and changes nothing', async () => {
    await expect(purgeArea(d, '999999999999', '2026-01-01')).rejects.toMatchObject({ code: 'AREA_UNKNOWN', field: 'area' });
    await expect(purgeArea(d, SHANYIN, '2026-02-30')).rejects.toMatchObject({ code: 'VALIDATION_FAILED', field: 'before' });
    await expect(purgeArea(d, SHANYIN, 'yesterday')).rejects.toMatchObject({ code: 'VALIDATION_FAILED', field: 'before' });
    expect(dayStart('2026-03-01').toISOString()).toBe('2026-02-28T16:00:00.000Z'); // the day starts in Asia/Shanghai
    const cli = await bastion(['purge', '--area', '999999999999', '--before', '2026-01-01'], { DATABASE_URL: d.url });
    expect(cli.code).toBe(2);
    expect(cli.stderr.trim().split('\n')).toEqual(['AREA_UNKNOWN (area): no area "999999999999" (--area takes a division code)']);
    expect((await d.pool.query(`select count(*)::int as n from residents where purged_at is not null`)).rows[0].n).toBe(0);
  });

  it('erases the village’s ID numbers, names, phones and addresses, its codes and SMS, keeping every count; audited once; a second run changes nothing', { timeout: 180_000 }, async () => {
    // what the village's people are known by, before
    const ids = (await d.pool.query(`select id_number as v from residents where area_code like $1 union select id_number from staff where assigned_area_code like $1`, [SHANYIN + '%'])).rows.map((r) => r.v);
    const phones = (await d.pool.query(`select phone as v from residents where area_code like $1 and phone is not null union select phone from staff where assigned_area_code like $1 and phone is not null`, [SHANYIN + '%'])).rows.map((r) => r.v);
    expect(ids.length).toBeGreaterThan(500);
    expect(await matchesInVillage(SHANYIN, ID)).toMatchObject({ 'residents.id_number': expect.any(Number), 'staff.id_number': expect.any(Number) });
    expect(Object.keys(await holding(phones))).toContain('notify_messages.to_phone'); // the secretary's recall SMS
    expect(await fullExport(SHANYIN)).toMatch(new RegExp(ID));

    // a resident of 山尹村 with swabs: their code opens their page
    const sampled = Number((await d.pool.query(`select resident_id from samples where area_code like $1 order by resident_id limit 1`, [SHANYIN + '%'])).rows[0].resident_id);
    const code = signPersonalCode(await sharedSecret(d.pool, 'personal-codes'), sampled);
    const page = async () => app.inject({ url: `/api/v1/testing/me/${code}` });
    expect((await page()).statusCode).toBe(200);
    expect((await page()).json().samples.length).toBeGreaterThan(0);

    const residents = (await d.pool.query(`select count(*)::int as n from residents where area_code like $1`, [SHANYIN + '%'])).rows[0].n;
    const counts = await tableDigests(d.pool).then((t) => Object.fromEntries(Object.entries(t).map(([k, v]) => [k, v.rows])));
    const aggregatesBefore = await aggregates();
    const otherBefore = await villageRows(other);

    // a day before anyone was registered: nobody was registered before it
    const early = await bastion(['purge', '--area', SHANYIN, '--before', '2020-01-01'], { DATABASE_URL: d.url });
    expect(early.stdout.trim()).toBe(`nothing left to purge in ${SHANYIN} before 2020-01-01`);

    const tomorrow = new Date(Date.now() + 8 * 3600_000 + 86_400_000).toISOString().slice(0, 10);
    const run = await bastion(['purge', '--area', SHANYIN, '--before', tomorrow], { DATABASE_URL: d.url });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^purged in ${SHANYIN} \\(registered or changed before ${tomorrow}\\): ${residents} residents, \\d+ cadres, \\d+ households, 0 call-up and shift rows, [1-9]\\d* SMS rows`));

    // nothing in the village looks like an ID number or a mobile, in any column of any table
    expect(await matchesInVillage(SHANYIN, ID)).toEqual({});
    expect(await matchesInVillage(SHANYIN, MOBILE)).toEqual({});
    // and none of the village's numbers is left anywhere (SMS, replies, the simulator's inbox, the audit log)
    expect(await holding([...ids, ...phones])).toEqual({});
    const exported = await fullExport(SHANYIN);
    expect(exported.split('\n').length).toBeGreaterThan(500);
    expect(exported).not.toMatch(new RegExp(ID));
    expect(exported).not.toMatch(new RegExp(MOBILE, 'm'));
    // no address or name either
    expect((await d.pool.query(`select count(*)::int as n from residents where area_code like $1 and (address is not null or name <> '（已清除）' or to_char(birth_date, 'MM-DD') <> '01-01')`, [SHANYIN + '%'])).rows[0].n).toBe(0);
    expect((await d.pool.query(`select count(*)::int as n from households where area_code like $1 and address <> '（已清除）'`, [SHANYIN + '%'])).rows[0].n).toBe(0);

    // the code names no one now, also in the page this process had kept (the purge's event emptied it)
    await vi.waitFor(async () => expect((await page()).json()).toMatchObject({ code: 'TOKEN_INVALID' }), { timeout: 5000, interval: 50 });

    // every row is still there, every count and coverage figure the same; the other village untouched
    expect(await tableDigests(d.pool).then((t) => Object.fromEntries(Object.entries(t).map(([k, v]) => [k, v.rows])))).toEqual({ ...counts, audit_log: counts.audit_log + 2 }); // the purge's and the full export's
    expect(await aggregates()).toEqual(aggregatesBefore);
    expect(await villageRows(other)).toEqual(otherBefore);
    expect(await matchesInVillage(other, ID)).toMatchObject({ 'residents.id_number': expect.any(Number) });

    // one audit row, with what was done
    const audits = (await d.pool.query(`select account_id, subject_type, subject_id, detail from audit_log where action = 'pii.purge'`)).rows;
    expect(audits).toEqual([{ account_id: null, subject_type: 'area', subject_id: SHANYIN, detail: expect.objectContaining({ before: tomorrow, residents: expect.any(Number), staff: expect.any(Number) }) }]);

    // a second run finds nothing and writes nothing
    const whole = await tableDigests(d.pool);
    const second = await bastion(['purge', '--area', SHANYIN, '--before', tomorrow], { DATABASE_URL: d.url });
    expect(second.stdout.trim()).toBe(`nothing left to purge in ${SHANYIN} before ${tomorrow}`);
    expect(await tableDigests(d.pool)).toEqual(whole);
  });
});
