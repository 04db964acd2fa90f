import type pg from 'pg';
import { EVENTS_CHANNEL } from '../../db/events.js';
import { scopePattern } from '../access/index.js';

export interface CallupRow {
  id: number;
  title: string;
  template: string;
  deadline: Date;
  areaCode: string;
  target: { area?: string; workUnit?: string; partyMember?: boolean };
  escalation: { resendAfterMin?: number; escalateAfterMin?: number };
  status: 'draft' | 'sent' | 'closed';
  createdAt: Date;
  sentAt: Date | null;
}

export interface MemberRow {
  callupId: number;
  staffId: number;
  name: string;
  phone: string | null;
  workUnit: string;
  areaCode: string;
  areaName: string;
  ackAt: Date | null;
  ackMethod: string | null;
  checkinAt: Date | null;
  checkinMethod: string | null;
}

const CALLUP = `id, title, template, deadline, area_code as "areaCode", target, escalation, status, created_at as "createdAt", sent_at as "sentAt"`;
const member = (a = '') =>
  `${a}callup_id as "callupId", ${a}staff_id as "staffId", ${a}name, ${a}phone, ${a}work_unit as "workUnit", ${a}area_code as "areaCode",
   ${a}area_name as "areaName", ${a}ack_at as "ackAt", ${a}ack_method as "ackMethod", ${a}checkin_at as "checkinAt", ${a}checkin_method as "checkinMethod"`;
const MEMBER = member();

type Q = pg.Pool | pg.PoolClient;

/** Parameters $n, $n+1, $n+2: the actor's scope pattern, their area, whether they see drafts (only where they were made). */
const visible = (n: number) =>
  `(area_code like $${n} or ($${n + 1} like area_code || '%' and status <> 'draft')) and (status <> 'draft' or $${n + 2}::boolean)`;

export interface CheckinWrite {
  callupId: number;
  staffId: number;
  method: 'qr' | 'location' | 'lead';
  by: number | null;
  distance: number | null;
  /** by code: the village whose code was scanned; the write happens only if it is the member's */
  village: string | null;
}

/** The domain event of a changed member (see db/events.ts), sent with the write that made it. */
const notifyEvent = (name: string) =>
  `pg_notify('${EVENTS_CHANNEL}', json_build_object('name', '${name}', 'areaCode', u.area_code,
     'data', json_build_object('callupId', u.callup_id, 'staffId', u.staff_id))::text) as "_event"`;

export const mobilizationRepo = {
  /** `bastion purge`: the cadres' names and phones as call-ups and shifts kept them (what each did stays, to be counted) */
  erasePeople: async (q: Q, staffIds: number[], erased: string) => {
    const members = await q.query(`update callup_members set name = $2, phone = null where staff_id = any($1::bigint[]) and (phone is not null or name <> $2)`, [staffIds, erased]);
    const shifts = await q.query(`update shifts set staff_name = $2, staff_phone = null where staff_id = any($1::bigint[]) and (staff_phone is not null or staff_name <> $2)`, [staffIds, erased]);
    return (members.rowCount ?? 0) + (shifts.rowCount ?? 0);
  },
  insertCallup: async (q: Q, c: { title: string; template: string; deadline: Date; areaCode: string; target: object; escalation: object; createdBy: number }) =>
    (
      await q.query<CallupRow>(
        `insert into callups (title, template, deadline, area_code, target, escalation, status, created_by) values ($1, $2, $3, $4, $5, $6, 'draft', $7) returning ${CALLUP}`,
        [c.title, c.template, c.deadline, c.areaCode, JSON.stringify(c.target), JSON.stringify(c.escalation), c.createdBy],
      )
    ).rows[0],

  /** Sent call-ups with escalation rules whose deadline is less than a day past. */
  escalating: async (q: Q) =>
    (await q.query<CallupRow>(`select ${CALLUP} from callups where status = 'sent' and escalation <> '{}'::jsonb and deadline > now() - interval '1 day'`)).rows,

  /** Members silent for `minutes` since the send, not yet chased this way; marks them as chased. */
  chase: async (q: Q, callupId: number, column: 'resent_at' | 'escalated_at', minutes: number) =>
    (
      await q.query<MemberRow>(
        `update callup_members m set ${column} = now() from callups c
         where c.id = m.callup_id and m.callup_id = $1 and m.ack_at is null and m.${column} is null
           and c.sent_at + make_interval(mins => $2) <= now()
         returning ${member('m.')}`,
        [callupId, minutes],
      )
    ).rows,

  /**
   * A call-up the actor may see: made in their area, or reaching into it once sent. A draft is
   * seen only where it was made (drafts: false for a lead, who never sees one).
   */
  getCallup: async (q: Q, id: number, scope: string, drafts: boolean, lock = false) =>
    (
      await q.query<CallupRow>(
        `select ${CALLUP} from callups where id = $1 and ${visible(2)} ${lock ? 'for update' : ''}`,
        [id, scopePattern(scope), scope, drafts],
      )
    ).rows[0],

  listCallups: async (q: Q, scope: string, drafts: boolean) =>
    (await q.query<CallupRow>(`select ${CALLUP} from callups where ${visible(1)} order by id desc limit 100`, [scopePattern(scope), scope, drafts])).rows,

  /** A draft changed in place (the caller holds it locked and has checked it is a draft). */
  updateDraft: async (q: Q, id: number, c: { title: string; template: string; deadline: Date; target: object; escalation: object }) =>
    (
      await q.query<CallupRow>(
        `update callups set title = $2, template = $3, deadline = $4, target = $5, escalation = $6 where id = $1 and status = 'draft' returning ${CALLUP}`,
        [id, c.title, c.template, c.deadline, JSON.stringify(c.target), JSON.stringify(c.escalation)],
      )
    ).rows[0],

  deleteDraft: async (q: Q, id: number) => (await q.query(`delete from callups where id = $1 and status = 'draft'`, [id])).rowCount === 1,

  close: async (q: Q, id: number) =>
    (await q.query<CallupRow>(`update callups set status = 'closed' where id = $1 and status = 'sent' returning ${CALLUP}`, [id])).rows[0],

  markSent: (q: Q, id: number, by: number) => q.query(`update callups set status = 'sent', sent_at = now(), sent_by = $2 where id = $1`, [id, by]),

  insertMembers: async (q: Q, callupId: number, rows: { staffId: number; name: string; phone: string | null; workUnit: string; areaCode: string; areaName: string }[]) => {
    for (let i = 0; i < rows.length; i += 5000) {
      const c = rows.slice(i, i + 5000);
      await q.query(
        `insert into callup_members (callup_id, staff_id, name, phone, work_unit, area_code, area_name)
         select $1, * from unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) on conflict do nothing`,
        [callupId, c.map((r) => r.staffId), c.map((r) => r.name), c.map((r) => r.phone), c.map((r) => r.workUnit), c.map((r) => r.areaCode), c.map((r) => r.areaName)],
      );
    }
  },

  /** The member behind a personal link and their call-up, in one read. */
  memberWithCallup: async (q: Q, callupId: number, staffId: number) =>
    (
      await q.query<MemberRow & { title: string; deadline: Date; status: string }>(
        `select ${member('m.')}, c.title, c.deadline, c.status from callup_members m join callups c on c.id = m.callup_id
         where m.callup_id = $1 and m.staff_id = $2`,
        [callupId, staffId],
      )
    ).rows[0],

  member: async (q: Q, callupId: number, staffId: number) =>
    (await q.query<MemberRow>(`select ${MEMBER} from callup_members where callup_id = $1 and staff_id = $2`, [callupId, staffId])).rows[0],

  /** A member of a call-up assigned inside the area. */
  memberInScope: async (q: Q, callupId: number, staffId: number, scope: string) =>
    (await q.query<MemberRow>(`select ${MEMBER} from callup_members where callup_id = $1 and staff_id = $2 and area_code like $3`, [callupId, staffId, scopePattern(scope)])).rows[0],

  memberByPhone: async (q: Q, callupId: number, phone: string) =>
    (await q.query<MemberRow>(`select ${MEMBER} from callup_members where callup_id = $1 and phone = $2 limit 1`, [callupId, phone])).rows[0],

  /**
   * First acknowledgement wins; returns the member only when this call set it.
   * The board's event is sent by the same statement, so it exists iff the write commits.
   */
  acknowledge: async (q: Q, callupId: number, staffId: number, method: string) =>
    (
      await q.query<MemberRow>(
        `with u as (update callup_members set ack_at = now(), ack_method = $3 where callup_id = $1 and staff_id = $2 and ack_at is null
                      and exists (select 1 from callups c where c.id = $1 and c.status = 'sent') returning *)
         select ${member('u.')}, ${notifyEvent('mobilization.cadre_acknowledged')} from u`,
        [callupId, staffId, method],
      )
    ).rows[0],

  /** First check-ins win (and acknowledge, if not yet): the members this call set, with their event. */
  checkIn: async (q: Q, rows: CheckinWrite[]) =>
    (
      await q.query<MemberRow>(
        `with t as (select * from unnest($1::bigint[], $2::bigint[], $3::text[], $4::bigint[], $5::int[], $6::text[]) as t(c, s, method, by_, dist, village)),
         u as (update callup_members m set checkin_at = now(), checkin_method = t.method, checkin_by = t.by_, distance_m = t.dist,
                 ack_at = coalesce(m.ack_at, now()), ack_method = coalesce(m.ack_method, 'checkin')
               from t where m.callup_id = t.c and m.staff_id = t.s and m.checkin_at is null
                 and exists (select 1 from callups c where c.id = t.c and c.status = 'sent')
                 and (t.village is null or m.area_code = t.village) returning m.*)
         select ${member('u.')}, ${notifyEvent('mobilization.cadre_arrived')} from u`,
        [rows.map((r) => r.callupId), rows.map((r) => r.staffId), rows.map((r) => r.method), rows.map((r) => r.by), rows.map((r) => r.distance), rows.map((r) => r.village)],
      )
    ).rows,

  membersInScope: async (q: Q, callupId: number, scope: string) =>
    (await q.query<MemberRow>(`select ${MEMBER} from callup_members where callup_id = $1 and area_code like $2 order by area_code, staff_id`, [callupId, scopePattern(scope)])).rows,

  checkinPoint: async (q: Q, areaCode: string) =>
    (await q.query<{ lat: number; lng: number; radiusM: number }>(`select lat, lng, radius_m as "radiusM" from checkin_points where area_code = $1`, [areaCode])).rows[0],

  setCheckinPoint: (q: Q, areaCode: string, p: { lat: number; lng: number; radiusM: number }) =>
    q.query(
      `insert into checkin_points (area_code, lat, lng, radius_m) values ($1, $2, $3, $4)
       on conflict (area_code) do update set lat = excluded.lat, lng = excluded.lng, radius_m = excluded.radius_m, updated_at = now()`,
      [areaCode, p.lat, p.lng, p.radiusM],
    ),

  seedCheckinPoints: (q: Q, rows: { code: string; lat: number; lng: number }[]) =>
    q.query(
      `insert into checkin_points (area_code, lat, lng) select * from unnest($1::text[], $2::float8[], $3::float8[]) on conflict do nothing`,
      [rows.map((r) => r.code), rows.map((r) => r.lat), rows.map((r) => r.lng)],
    ),
};
