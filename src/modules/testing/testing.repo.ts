import type pg from 'pg';
import { EVENTS_CHANNEL } from '../../db/events.js';
import { scopePattern } from '../access/index.js';

type Q = pg.Pool | pg.PoolClient;

export interface CampaignRow {
  id: number;
  title: string;
  areaCode: string;
  poolSize: number;
  startsAt: Date;
  targetEnd: Date;
  status: 'running' | 'closed';
  createdAt: Date;
}

export interface TubeRow {
  code: string;
  campaignId: number;
  areaCode: string;
  station: string;
  status: 'open' | 'sealed' | 'packed' | 'in_transit' | 'received' | 'resulted';
  members: number;
  boxCode: string | null;
  labId: number | null;
  result: string | null;
}

export interface LabRow {
  id: number;
  name: string;
  accountId: number | null;
  capacityPerDay: number;
}

const CAMPAIGN = `id::int, title, area_code as "areaCode", pool_size as "poolSize", starts_at as "startsAt", target_end as "targetEnd", status, created_at as "createdAt"`;
const LAB = `id::int, name, account_id::int as "accountId", capacity_per_day as "capacityPerDay"`;
const TUBE = `code, campaign_id::int as "campaignId", area_code as "areaCode", station, status, members, box_code as "boxCode", lab_id::int as "labId", result`;
const arr = <T, K extends keyof T>(rows: T[], k: K) => rows.map((r) => r[k]);

/** A domain event sent by the statement that makes the change: delivered on commit only (see db/events.ts). */
export const notifyEvents = (q: Q, events: { name: string; areaCode: string; data: Record<string, unknown> }[]) =>
  events.length
    ? q.query(`select pg_notify($1, e) from unnest($2::text[]) as e`, [EVENTS_CHANNEL, events.map((e) => JSON.stringify(e))])
    : Promise.resolve();

export const testingRepo = {
  insertCampaign: async (q: Q, c: { title: string; areaCode: string; poolSize: number; startsAt: Date; targetEnd: Date; createdBy: number | null }) =>
    (
      await q.query<CampaignRow>(
        `insert into campaigns (title, area_code, pool_size, starts_at, target_end, status, created_by) values ($1, $2, $3, $4, $5, 'running', $6) returning ${CAMPAIGN}`,
        [c.title, c.areaCode, c.poolSize, c.startsAt, c.targetEnd, c.createdBy],
      )
    ).rows[0],

  /** The campaign if it reaches the area: over it, or inside it (see reaches() of access). */
  campaign: async (q: Q, id: number, area: string) =>
    (await q.query<CampaignRow>(`select ${CAMPAIGN} from campaigns where id = $1 and (area_code like $2 or $3 like area_code || '%')`, [id, scopePattern(area), area])).rows[0],

  /** Campaigns over the area, or over a larger area that holds it. */
  campaignsFor: async (q: Q, area: string) =>
    (await q.query<CampaignRow>(`select ${CAMPAIGN} from campaigns where area_code like $1 or $2 like area_code || '%' order by id desc`, [scopePattern(area), area])).rows,

  closeCampaign: (q: Q, id: number) => q.query(`update campaigns set status = 'closed' where id = $1`, [id]),

  /** A new laboratory; none when the name is taken (that lab is left as it was). */
  insertLab: async (q: Q, l: { name: string; accountId: number | null; capacityPerDay: number }) =>
    (
      await q.query<LabRow>(
        `insert into labs (name, account_id, capacity_per_day) values ($1, $2, $3) on conflict (name) do nothing returning ${LAB}`,
        [l.name, l.accountId, l.capacityPerDay],
      )
    ).rows[0] as LabRow | undefined,

  lab: async (q: Q, id: number) => (await q.query<LabRow>(`select ${LAB} from labs where id = $1`, [id])).rows[0],
  labNamed: async (q: Q, name: string) => (await q.query<LabRow>(`select ${LAB} from labs where name = $1`, [name])).rows[0],

  labOfAccount: async (q: Q, accountId: number) =>
    (await q.query<LabRow>(`select ${LAB} from labs where account_id = $1`, [accountId])).rows[0],

  /** What a lab received and has not resulted (tubes_lab_queue_idx holds only those). */
  labQueue: async (q: Q, labId: number, limit: number) =>
    (
      await q.query<{ code: string; boxCode: string | null; members: number; receivedAt: Date }>(
        `select code, box_code as "boxCode", members, received_at as "receivedAt" from tubes
         where lab_id = $1 and status = 'received' order by received_at, code limit $2`,
        [labId, limit],
      )
    ).rows,

  labQueueCounts: async (q: Q, labId: number) =>
    (await q.query<{ backlog: number; oldest: Date | null }>(`select count(*)::int as backlog, min(received_at) as oldest from tubes where lab_id = $1 and status = 'received'`, [labId])).rows[0],

  labs: async (q: Q) => (await q.query<LabRow>(`select ${LAB} from labs order by id`)).rows,

  // --- scans: one batch inside one transaction (see scans.service.ts) ---

  /**
   * A batch of swabs in arrival order, judged and written by one statement (the function of
   * migrations 0019 and 0022: residents looked up, tubes opened and locked, swabs recorded, counts raised,
   * events sent). One answer per swab, in order.
   */
  recordScans: async (q: Q, scans: { scanId: string; campaignId: number; poolSize: number; tube: string; residentId: number; station: string; stationArea: string; scannedAt: Date }[]) =>
    (
      await q.query<{ outcome: 'recorded' | 'already_recorded' | 'refused'; tube: string; members: number | null; repeat: boolean | null; refusal: string | null }>({
        name: 'testing.recordScans',
        text: `select r_outcome as outcome, r_tube as tube, r_members as members, r_repeat as repeat, r_refusal as refusal
               from testing_record_scans($1::uuid[], $2::bigint[], $3::int[], $4::text[], $5::bigint[], $6::text[], $7::text[], $8::timestamptz[], $9) order by r_ord`,
        values: [arr(scans, 'scanId'), arr(scans, 'campaignId'), arr(scans, 'poolSize'), arr(scans, 'tube'), arr(scans, 'residentId'), arr(scans, 'station'), arr(scans, 'stationArea'), arr(scans, 'scannedAt'), EVENTS_CHANNEL],
      })
    ).rows,

  /** A tube of a station inside the area. */
  tube: async (q: Q, code: string, area: string) => (await q.query<TubeRow>(`select ${TUBE} from tubes where code = $1 and area_code like $2`, [code, scopePattern(area)])).rows[0],

  seal: async (q: Q, code: string, area: string) =>
    (await q.query<TubeRow>(`update tubes set status = 'sealed', sealed_at = now() where code = $1 and area_code like $2 and status = 'open' returning ${TUBE}`, [code, scopePattern(area)])).rows[0],

  /** Tubes of stations inside the area, locked in one order. */
  lockTubes: async (q: Q, codes: string[], area: string) =>
    (await q.query<TubeRow>(`select ${TUBE} from tubes where code = any($1::text[]) and area_code like $2 order by code for update`, [codes, scopePattern(area)])).rows,

  /** Tubes a box names this lab for, locked in one order. */
  lockLabTubes: async (q: Q, codes: string[], labId: number) =>
    (await q.query<TubeRow>(`select ${TUBE} from tubes where code = any($1::text[]) and lab_id = $2 order by code for update`, [codes, labId])).rows,

  /** The labs the other tubes of a box (packed before, not among `codes`) are for. */
  boxLabs: async (q: Q, boxCode: string, codes: string[]) =>
    (await q.query<{ labId: number | null }>(`select distinct lab_id::int as "labId" from tubes where box_code = $1 and code <> all($2::text[])`, [boxCode, codes])).rows.map((r) => r.labId),

  /** Packed into the box, which names the lab that is to receive it. */
  pack: (q: Q, boxCode: string, codes: string[], labId: number) =>
    q.query(`update tubes set status = 'packed', box_code = $1, lab_id = $3, packed_at = now() where code = any($2::text[]) and status = 'sealed'`, [boxCode, codes, labId]),

  pickUp: (q: Q, boxCode: string, area: string) =>
    q.query(`update tubes set status = 'in_transit', shipped_at = now() where box_code = $1 and area_code like $2 and status = 'packed'`, [boxCode, scopePattern(area)]),

  /** Boxes transport has taken and no lab has received, inside the area, longest on the road first (tubes_in_transit_idx). */
  boxesInTransit: async (q: Q, area: string, limit: number) =>
    (
      await q.query<{ box: string; areaCode: string; tubes: number; swabs: number; shippedAt: Date; lab: string | null }>(
        `select t.box_code as box, min(t.area_code) as "areaCode", count(*)::int as tubes, sum(t.members)::int as swabs, min(t.shipped_at) as "shippedAt",
                min(l.name) as lab
         from tubes t left join labs l on l.id = t.lab_id
         where t.status = 'in_transit' and t.area_code like $1 group by t.box_code order by 5, 1 limit $2`,
        [scopePattern(area), limit],
      )
    ).rows,

  /** A box's tubes, locked, when every one is of a station inside the area; otherwise none (a box is taken whole). */
  boxTubes: async (q: Q, boxCode: string, area: string) =>
    (
      await q.query<TubeRow>(
        `select ${TUBE} from tubes where box_code = $1 and area_code like $2
           and not exists (select from tubes o where o.box_code = $1 and o.area_code not like $2) order by code for update`,
        [boxCode, scopePattern(area)],
      )
    ).rows,

  /** The tubes of a box packed for this lab, locked. */
  labBoxTubes: async (q: Q, boxCode: string, labId: number) =>
    (await q.query<TubeRow>(`select ${TUBE} from tubes where box_code = $1 and lab_id = $2 order by code for update`, [boxCode, labId])).rows,

  receive: (q: Q, boxCode: string, labId: number) =>
    q.query(`update tubes set status = 'received', received_at = now() where box_code = $1 and lab_id = $2 and status = 'in_transit'`, [boxCode, labId]),

  // --- results and recalls ---

  setResults: (q: Q, rows: { code: string; result: string; previous: string | null }[], labId: number, accountId: number) =>
    q.query(
      `with v as (select * from unnest($1::text[], $2::text[], $3::text[]) as v(code, result, previous)),
       u as (update tubes t set result = v.result, status = 'resulted', resulted_at = now() from v where t.code = v.code and t.lab_id = $4 returning t.code)
       insert into tube_results (tube_code, lab_id, result, previous, recorded_by) select code, $4, result, previous, $5 from v`,
      [arr(rows, 'code'), arr(rows, 'result'), arr(rows, 'previous'), labId, accountId],
    ),

  /** The members of positive or invalid pooled tubes go on the recall list, each once. */
  recallMembers: async (q: Q, tubes: { code: string; reason: string }[]) =>
    (
      await q.query<{ areaCode: string; campaignId: number; tubeCode: string; n: number }>(
        `with r as (
           insert into recalls (campaign_id, tube_code, resident_id, area_code, reason, status)
           select s.campaign_id, s.tube_code, s.resident_id, s.area_code, v.reason, 'pending_retest'
           from unnest($1::text[], $2::text[]) as v(code, reason) join samples s on s.tube_code = v.code
           on conflict (tube_code, resident_id) do nothing
           returning area_code, campaign_id, tube_code)
         select area_code as "areaCode", campaign_id::int as "campaignId", tube_code as "tubeCode", count(*)::int as n from r group by 1, 2, 3`,
        [arr(tubes, 'code'), arr(tubes, 'reason')],
      )
    ).rows,

  /** A single-tube result closes the member's pending recalls with that result. */
  closeRecalls: (q: Q, tubes: { code: string; result: string }[]) =>
    q.query(
      `update recalls r set status = v.result, closed_at = now()
       from unnest($1::text[], $2::text[]) as v(code, result) join samples s on s.tube_code = v.code
       where r.resident_id = s.resident_id and r.status = 'pending_retest' and r.tube_code <> v.code`,
      [arr(tubes, 'code'), arr(tubes, 'result')],
    ),

  /** A pooled tube corrected to negative: its recalls are no longer needed. */
  cancelRecalls: (q: Q, codes: string[]) =>
    q.query(`update recalls set status = 'cancelled', closed_at = now() where tube_code = any($1::text[]) and status = 'pending_retest'`, [codes]),

  recalls: async (q: Q, campaignId: number, area: string, limit: number) =>
    (
      await q.query<{ id: number; tubeCode: string; residentId: number; areaCode: string; reason: string; status: string; createdAt: Date; closedAt: Date | null }>(
        `select id::int, tube_code as "tubeCode", resident_id::int as "residentId", area_code as "areaCode", reason, status, created_at as "createdAt", closed_at as "closedAt"
         from recalls where campaign_id = $1 and area_code like $2 order by status = 'pending_retest' desc, created_at desc, id limit $3`,
        [campaignId, scopePattern(area), limit],
      )
    ).rows,

  recallCounts: async (q: Q, campaignId: number, area: string) =>
    (
      await q.query<{ pending: number; total: number }>(
        `select count(*) filter (where status = 'pending_retest')::int as pending, count(*)::int as total from recalls where campaign_id = $1 and area_code like $2`,
        [campaignId, scopePattern(area)],
      )
    ).rows[0],

  // --- coverage and the board ---

  /**
   * Per child area (codes cut to `len`; a resident registered above the children keeps their own, shorter code)
   * and for the whole area (code null): residents sampled, with a result back; positive pooled tubes (a pool is
   * not a person); members of a positive pool not yet retested alone (their recall pending); residents confirmed
   * positive by a single-tube result (a tube holding one swab).
   */
  coverage: async (q: Q, campaignId: number, area: string, len: number) =>
    (
      await q.query<{ code: string | null; sampled: number; resulted: number; positivePools: number; toRetest: number; confirmed: number }>(
        `with s as (
           select substr(s.area_code, 1, $3) as code, s.resident_id, s.tube_code, t.result, t.members
           from samples s join tubes t on t.code = s.tube_code where s.campaign_id = $1 and s.area_code like $2),
         c as (
           select code, count(distinct resident_id)::int as sampled,
                  count(distinct resident_id) filter (where result is not null)::int as resulted,
                  count(distinct tube_code) filter (where result = 'positive' and members > 1)::int as "positivePools",
                  count(distinct resident_id) filter (where result = 'positive' and members = 1)::int as confirmed
           from s group by grouping sets ((code), ())),
         r as (
           select code, count(distinct resident_id)::int as n from (
             select substr(area_code, 1, $3) as code, resident_id from recalls
             where campaign_id = $1 and area_code like $2 and status = 'pending_retest' and reason = 'positive') x
           group by grouping sets ((code), ()))
         -- every recalled member was sampled: c holds each code r does; the whole area's row has no code, '' in the join
         select c.code, c.sampled, c.resulted, c."positivePools", coalesce(r.n, 0) as "toRetest", c.confirmed
         from c left join r on coalesce(r.code, '') = coalesce(c.code, '')`,
        [campaignId, scopePattern(area), len],
      )
    ).rows,

  sampledAmong: async (q: Q, campaignId: number, residentIds: number[]) =>
    new Set(
      (await q.query<{ id: number }>(`select distinct resident_id::int as id from samples where campaign_id = $1 and resident_id = any($2::bigint[])`, [campaignId, residentIds])).rows.map((r) => r.id),
    ),

  /** Tubes per stage inside the area, with the age of the oldest at each. */
  pipeline: async (q: Q, campaignId: number, area: string) =>
    (
      await q.query<{ status: string; tubes: number; swabs: number; oldest: Date | null }>(
        `select status, count(*)::int as tubes, sum(members)::int as swabs,
                min(case status when 'open' then opened_at when 'sealed' then sealed_at when 'packed' then packed_at when 'in_transit' then shipped_at
                                when 'received' then received_at else resulted_at end) as oldest
         from tubes where campaign_id = $1 and area_code like $2 group by status`,
        [campaignId, scopePattern(area)],
      )
    ).rows,

  labBacklog: async (q: Q, campaignId: number) =>
    (
      await q.query<{ labId: number; name: string; capacityPerDay: number; backlog: number; resulted24h: number }>(
        `select l.id::int as "labId", l.name, l.capacity_per_day as "capacityPerDay",
                count(t.code) filter (where t.status = 'received')::int as backlog,
                count(t.code) filter (where t.status = 'resulted' and t.resulted_at > now() - interval '24 hours')::int as "resulted24h"
         from labs l left join tubes t on t.lab_id = l.id and t.campaign_id = $1 group by l.id order by l.id`,
        [campaignId],
      )
    ).rows,

  /** Swabs per hour over the last day, inside the area. */
  hourly: async (q: Q, campaignId: number, area: string) =>
    (
      await q.query<{ hour: Date; n: number }>(
        `select date_trunc('hour', recorded_at) as hour, count(*)::int as n from samples
         where campaign_id = $1 and area_code like $2 and recorded_at > now() - interval '24 hours' group by 1 order by 1`,
        [campaignId, scopePattern(area)],
      )
    ).rows,

  /** Residents' samples across campaigns, newest first (twenty each at most), with the tube's result and any recall. */
  /** Residents' own pages as JSON text, {name, areaName, samples}, built by PostgreSQL, with each resident's area (migration 0021). */
  residentPages: async (q: Q, residentIds: number[]) =>
    (await q.query<{ id: string; areaCode: string; page: string }>({ name: 'testing.residentPages', text: 'select id, area_code as "areaCode", page from testing_resident_pages($1::bigint[])', values: [residentIds] })).rows,
};

export interface SiteRow {
  id: number;
  campaignId: number;
  areaCode: string;
  name: string;
  address: string;
  tables: number;
  samplers: number;
  opensAt: Date;
  closesAt: Date;
  notifiedAt: Date | null;
}
const SITE = `id::int, campaign_id::int as "campaignId", area_code as "areaCode", name, address, tables, samplers, opens_at as "opensAt", closes_at as "closesAt", notified_at as "notifiedAt"`;

export const sitesRepo = {
  upsert: async (q: Q, s: Omit<SiteRow, 'id' | 'notifiedAt'>) =>
    (
      await q.query<SiteRow>(
        `insert into sampling_sites (campaign_id, area_code, name, address, tables, samplers, opens_at, closes_at) values ($1, $2, $3, $4, $5, $6, $7, $8)
         on conflict (campaign_id, area_code, name) do update set address = excluded.address, tables = excluded.tables, samplers = excluded.samplers,
           opens_at = excluded.opens_at, closes_at = excluded.closes_at returning ${SITE}`,
        [s.campaignId, s.areaCode, s.name, s.address, s.tables, s.samplers, s.opensAt, s.closesAt],
      )
    ).rows[0],
  list: async (q: Q, campaignId: number, area: string) =>
    (await q.query<SiteRow>(`select ${SITE} from sampling_sites where campaign_id = $1 and area_code like $2 order by area_code, name`, [campaignId, scopePattern(area)])).rows,
  /** A site inside the area. */
  get: async (q: Q, id: number, area: string) => (await q.query<SiteRow>(`select ${SITE} from sampling_sites where id = $1 and area_code like $2`, [id, scopePattern(area)])).rows[0],
  notified: (q: Q, id: number) => q.query(`update sampling_sites set notified_at = now() where id = $1`, [id]),
};

export const homeVisitsRepo = {
  assign: (q: Q, campaignId: number, rows: { residentId: number; areaCode: string }[], sampler: string | null, cadreStaffId: number | null, by: number) =>
    q.query(
      `insert into home_visits (campaign_id, resident_id, area_code, sampler, cadre_staff_id, assigned_by)
       select $1, r, a, $4, $5, $6 from unnest($2::bigint[], $3::text[]) as t(r, a)
       on conflict (campaign_id, resident_id) do update set sampler = excluded.sampler, cadre_staff_id = excluded.cadre_staff_id,
         assigned_by = excluded.assigned_by, assigned_at = now()`,
      [campaignId, arr(rows, 'residentId'), arr(rows, 'areaCode'), sampler, cadreStaffId, by],
    ),
  of: async (q: Q, campaignId: number, residentIds: number[]) =>
    (
      await q.query<{ residentId: number; sampler: string | null; cadreStaffId: number | null; assignedAt: Date }>(
        `select resident_id::int as "residentId", sampler, cadre_staff_id::int as "cadreStaffId", assigned_at as "assignedAt" from home_visits where campaign_id = $1 and resident_id = any($2::bigint[])`,
        [campaignId, residentIds],
      )
    ).rows,
};

export const conflictsRepo = {
  /** Residents sampled more than once in the campaign (two stations offline), with each swab. */
  list: async (q: Q, campaignId: number, area: string, limit: number) =>
    (
      await q.query<{ residentId: number; swabs: { tube: string; station: string; scannedAt: string }[] }>(
        `select resident_id::int as "residentId",
                json_agg(json_build_object('tube', tube_code, 'station', station, 'scannedAt', scanned_at) order by scanned_at) as swabs
         from samples where campaign_id = $1 and area_code like $2
           and resident_id in (select resident_id from samples where campaign_id = $1 and area_code like $2 and repeat)
         group by resident_id order by min(scanned_at) limit $3`,
        [campaignId, scopePattern(area), limit],
      )
    ).rows,
  count: async (q: Q, campaignId: number, area: string) =>
    Number((await q.query(`select count(distinct resident_id) as n from samples where campaign_id = $1 and area_code like $2 and repeat`, [campaignId, scopePattern(area)])).rows[0].n),
};
