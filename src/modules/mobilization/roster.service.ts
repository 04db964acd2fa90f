import type pg from 'pg';
import { inTransaction } from '../../db/transaction.js';
import { shanghaiText } from '../../lib/time.js';
import type { Writable } from 'node:stream';
import { AppError, invalid, notFound } from '../../lib/errors.js';
import { writeTable, type TableFormat, type TableValue } from '../../lib/tabular.js';
import { audit, scopedArea, scopePattern, type Actor } from '../access/index.js';
import { staffInArea } from '../registry/index.js';
import type { MobilizationDeps } from './callups.service.js';
import { linkIds } from './presence.service.js';
import { assertCan } from './mobilization.policy.js';
import { checkShift, DEFAULT_RULES } from './roster.rules.js';

export const POSTS = ['gate_duty', 'sampling_support', 'door_to_door', 'delivery_escort', 'traffic_checkpoint'] as const;
export type Post = (typeof POSTS)[number];

export interface ShiftInput {
  clientId: string;
  staffId: number;
  areaCode: string;
  post: Post;
  startsAt: string;
  endsAt: string;
}

interface ShiftRow {
  id: number;
  staffId: number;
  staffName: string;
  areaCode: string;
  post: string;
  startsAt: Date;
  endsAt: Date;
}
const COLS = `id, staff_id as "staffId", staff_name as "staffName", area_code as "areaCode", post, starts_at as "startsAt", ends_at as "endsAt"`;
const shape = (r: ShiftRow) => ({ ...r, startsAt: r.startsAt.toISOString(), endsAt: r.endsAt.toISOString(), hours: Math.round(((r.endsAt.getTime() - r.startsAt.getTime()) / 3600_000) * 10) / 10 });
const shanghai = shanghaiText;

/**
 * Puts a cadre of the lead's area on a post for a shift, under the roster rules
 * (no two places at once, a longest stretch on duty, a shortest rest). One
 * cadre's shifts are judged one assignment at a time (a transaction lock on the
 * cadre), and a retried assignment with the same client id is the same shift.
 */
export async function assignShift(d: MobilizationDeps, actor: Actor, input: ShiftInput) {
  assertCan(actor, 'markPresent');
  scopedArea(actor, input.areaCode, 'areaCode');
  const startsAt = new Date(input.startsAt);
  const endsAt = new Date(input.endsAt);
  if (Number.isNaN(startsAt.getTime())) throw invalid('startsAt', 'DATE_INVALID');
  if (Number.isNaN(endsAt.getTime()) || endsAt <= startsAt) throw invalid('endsAt', 'ENDS_BEFORE_START');
  const cadre = await staffInArea(d.pool, input.staffId, actor.areaCode);
  if (!cadre) throw notFound('cadre');
  const rules = d.rules ?? DEFAULT_RULES;
  const { row, created } = await inTransaction(d.pool, async (client) => {
    await client.query('select pg_advisory_xact_lock(7146003, $1::int)', [input.staffId % 2147483647]);
    const again = (await client.query<ShiftRow>(`select ${COLS} from shifts where client_id = $1`, [input.clientId])).rows[0];
    if (again) return { row: again, created: false };
    const window = (rules.maxContinuousHours + rules.minRestHours) * 3600_000;
    const existing = (
      await client.query<ShiftRow>(`select ${COLS} from shifts where staff_id = $1 and ends_at > $2 and starts_at < $3`, [
        input.staffId,
        new Date(startsAt.getTime() - window),
        new Date(endsAt.getTime() + window),
      ])
    ).rows;
    const problem = checkShift(existing, { startsAt, endsAt }, rules);
    if (problem) {
      const params: Record<string, unknown> = { ...problem, name: cadre.name };
      if (problem.code === 'DOUBLE_BOOKED') Object.assign(params, { from: shanghai(problem.from), to: shanghai(problem.to) });
      if (problem.code === 'SHIFT_INVALID') throw invalid('endsAt', 'ENDS_BEFORE_START');
      throw new AppError(problem.code, `${cadre.name}: ${problem.code}`, 'startsAt', params);
    }
    const row = (
      await client.query<ShiftRow>(
        `insert into shifts (client_id, staff_id, staff_name, staff_phone, area_code, post, starts_at, ends_at, created_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning ${COLS}`,
        [input.clientId, input.staffId, cadre.name, cadre.phone, input.areaCode, input.post, startsAt, endsAt, actor.accountId],
      )
    ).rows[0];
    return { row, created: true };
  });
  if (created) await audit(d.db, actor, 'roster.assign', 'shift', row.id, { staffId: row.staffId, post: row.post, startsAt: row.startsAt, endsAt: row.endsAt });
  return shape(row);
}

/** The shifts in the actor's area (or an area inside it; any other is not found), and the hours each cadre has served or is rostered for. */
export async function listShifts(d: MobilizationDeps, actor: Actor, area?: string) {
  assertCan(actor, 'readBoard');
  const scope = scopedArea(actor, area);
  const rows = (await d.pool.query<ShiftRow>(`select ${COLS} from shifts where area_code like $1 order by starts_at, id limit 5000`, [scopePattern(scope)])).rows.map(shape);
  const hours = new Map<number, { staffId: number; name: string; shifts: number; hours: number }>();
  for (const r of rows) {
    const h = hours.get(r.staffId) ?? { staffId: r.staffId, name: r.staffName, shifts: 0, hours: 0 };
    h.shifts++;
    h.hours = Math.round((h.hours + r.hours) * 10) / 10;
    hours.set(r.staffId, h);
  }
  return { shifts: rows, hours: [...hours.values()].sort((a, b) => b.hours - a.hours), rules: d.rules ?? DEFAULT_RULES };
}

/** "My shifts" on the cadre's phone page. */
export async function myShifts(d: MobilizationDeps, token: string) {
  const t = linkIds(d, token);
  return (await d.pool.query<ShiftRow>(`select ${COLS} from shifts where staff_id = $1 and ends_at > now() - interval '1 day' order by starts_at`, [t.staffId])).rows.map(shape);
}

const POST_WORDS: Record<string, string> = {
  gate_duty: '卡口值守',
  sampling_support: '采样点支援',
  door_to_door: '入户服务',
  delivery_escort: '配送护送',
  traffic_checkpoint: '交通卡口',
};

/** SMS reminders for shifts that start within `aheadMin` minutes; each shift is reminded once. */
export async function remindShifts(d: MobilizationDeps, aheadMin = 30) {
  const due = (
    await d.pool.query<ShiftRow & { staffPhone: string }>(
      `update shifts set reminded_at = now() where reminded_at is null and staff_phone is not null
         and starts_at > now() and starts_at <= now() + make_interval(mins => $1)
       returning ${COLS}, staff_phone as "staffPhone"`,
      [aheadMin],
    )
  ).rows;
  const r = await d.notify.enqueue(
    due.map((s) => ({
      dedupeKey: `shift:${s.id}:reminder`,
      to: s.staffPhone,
      body: `【排班提醒】${s.staffName}同志：您${shanghai(s.startsAt)}至${shanghai(s.endsAt)}在${POST_WORDS[s.post] ?? s.post}值班，请准时到岗。`,
      topic: `shift:${s.id}`,
    })),
  );
  return r.queued;
}

/** Hours per cadre and every shift, as a spreadsheet: two sheets' worth in one table, cadre by cadre. */
export async function exportShifts(d: MobilizationDeps, actor: Actor, out: Writable, format: TableFormat, area?: string) {
  const { shifts } = await listShifts(d, actor, area);
  const byCadre = [...shifts].sort((a, b) => a.staffId - b.staffId || a.startsAt.localeCompare(b.startsAt));
  const total = new Map<number, number>();
  for (const s of byCadre) total.set(s.staffId, Math.round(((total.get(s.staffId) ?? 0) + s.hours) * 10) / 10);
  async function* pages(): AsyncGenerator<TableValue[][]> {
    yield byCadre.map((s) => [s.staffName, POST_WORDS[s.post] ?? s.post, shanghai(new Date(s.startsAt)), shanghai(new Date(s.endsAt)), s.hours, total.get(s.staffId)!, s.areaCode]);
  }
  return writeTable(out, format, ['姓名', '岗位', '开始', '结束', '小时', '累计小时', '区划代码'], pages(), '排班');
}

/** Takes a shift off the roster (to move it, cancel and assign again); audited. */
export async function cancelShift(d: MobilizationDeps, actor: Actor, id: number) {
  assertCan(actor, 'readBoard');
  const row = (await d.pool.query<ShiftRow>(`delete from shifts where id = $1 and area_code like $2 returning ${COLS}`, [id, scopePattern(actor.areaCode)])).rows[0];
  if (!row) throw notFound('shift');
  await audit(d.db, actor, 'roster.cancel', 'shift', row.id, { staffId: row.staffId, post: row.post, startsAt: row.startsAt, endsAt: row.endsAt });
  return shape(row);
}

/** Cadres on a post in an area (its subtree) during a window: who staffs a sampling site, a gate. */
export async function cadresOnPost(pool: pg.Pool, area: string, post: string, from: Date, to: Date) {
  const rows = (
    await pool.query<ShiftRow>(
      `select ${COLS} from shifts where area_code like $1 and post = $2 and starts_at < $4 and ends_at > $3 order by starts_at, staff_name`,
      [scopePattern(area), post, from, to],
    )
  ).rows;
  return rows.map((r) => ({ staffId: r.staffId, name: r.staffName, areaCode: r.areaCode, startsAt: r.startsAt.toISOString(), endsAt: r.endsAt.toISOString() }));
}
