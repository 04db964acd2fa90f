import { errorLine } from '../../lib/logging.js';
import { flagUndeliverablePhones, unitHeads, unitKey, villageLeads, type StaffTarget } from '../registry/index.js';
import { statusByKey } from '../notify/index.js';
import { messageFor, topicOf, type MobilizationDeps } from './callups.service.js';
import { mobilizationRepo, type CallupRow, type MemberRow } from './mobilization.repo.js';
import { remindShifts } from './roster.service.js';

const LOCK = 7_146_002; // one process at a time chases; any of them may

/** 张三、李四、王五等12人 */
function names(ms: MemberRow[], max = 15) {
  const shown = ms.slice(0, max).map((m) => m.name).join('、');
  return ms.length > max ? `${shown}等${ms.length}人` : shown;
}

function groupBy<T>(xs: T[], key: (x: T) => string) {
  const out = new Map<string, T[]>();
  for (const x of xs) {
    const k = key(x);
    const list = out.get(k);
    if (list) list.push(x);
    else out.set(k, [x]);
  }
  return out;
}

async function chase(d: MobilizationDeps, c: CallupRow) {
  const out = { resent: 0, escalated: 0, flagged: 0 };
  const { resendAfterMin, escalateAfterMin } = c.escalation;
  if (resendAfterMin) {
    const silent = await mobilizationRepo.chase(d.pool, c.id, 'resent_at', resendAfterMin);
    const r = await d.notify.enqueue(
      silent.filter((m) => m.phone).map((m) => ({
        dedupeKey: `${topicOf(c.id)}:staff:${m.staffId}:resend`,
        to: m.phone!,
        body: '【再次提醒】' + messageFor(d, c, { id: m.staffId, name: m.name, areaName: m.areaName }),
        topic: topicOf(c.id),
      })),
    );
    out.resent = r.queued;
  }
  if (escalateAfterMin) {
    const silent = await mobilizationRepo.chase(d.pool, c.id, 'escalated_at', escalateAfterMin);
    const run = new Date().toISOString().slice(0, 16);
    // the secretary of each village hears of the silent assigned there, each unit head of the unit's silent
    const groups = { village: groupBy(silent, (m) => m.areaCode), unit: groupBy(silent, (m) => unitKey(m.areaCode, m.workUnit)) };
    const tell = (kind: 'village' | 'unit', to: StaffTarget[], ask: string) =>
      to.flatMap((t) => {
        const group = kind === 'village' ? t.areaCode : unitKey(t.areaCode, t.workUnit);
        const ms = (groups[kind].get(group) ?? []).filter((m) => m.staffId !== t.id); // never about themselves alone
        if (!t.phone || !ms.length) return [];
        return [{
          dedupeKey: `${topicOf(c.id)}:escalate:${kind}:${t.id}:${run}`,
          to: t.phone,
          body: `【集结号未确认】${kind === 'village' ? t.areaName : t.workUnit}：${names(ms)}超过${escalateAfterMin}分钟未确认“${c.title}”，${ask}`,
          topic: `${topicOf(c.id)}:escalation`,
        }];
      });
    const leads = await villageLeads(d.pool, [...groups.village.keys()]);
    const heads = await unitHeads(d.pool, [...groups.unit.keys()]);
    const r = await d.notify.enqueue([...tell('village', leads, '请电话联系。'), ...tell('unit', heads, '请督促本单位干部尽快到岗。')]);
    out.escalated = r.queued;
  }
  // numbers no SMS could reach go back to the registry for correction
  const status = await statusByKey(d.pool, topicOf(c.id));
  const failed = [...status].filter(([, s]) => s.status === 'failed').map(([k]) => Number(k.match(/:staff:(\d+)$/)?.[1])).filter(Boolean);
  out.flagged = await flagUndeliverablePhones(d.pool, failed);
  return out;
}

/**
 * One round of chasing the silent for every running call-up: resend after N
 * minutes without an acknowledgement, tell the village secretary and the unit
 * head the names after M minutes, flag undeliverable numbers; and remind cadres of shifts
 * starting within half an hour. Safe to run from every process:
 * an advisory lock lets one run at a time, and each member is chased once.
 */
export async function runEscalations(d: MobilizationDeps) {
  const client = await d.pool.connect();
  const total = { resent: 0, escalated: 0, flagged: 0, reminded: 0 };
  try {
    const { rows } = await client.query<{ ok: boolean }>('select pg_try_advisory_lock($1) as ok', [LOCK]);
    if (!rows[0].ok) return total;
    try {
      for (const c of await mobilizationRepo.escalating(d.pool)) {
        const r = await chase(d, c);
        total.resent += r.resent;
        total.escalated += r.escalated;
        total.flagged += r.flagged;
      }
      total.reminded = await remindShifts(d);
    } finally {
      await client.query('select pg_advisory_unlock($1)', [LOCK]);
    }
    return total;
  } finally {
    client.release();
  }
}

/** Runs a round every `everyMs` until stopped. */
export function startEscalations(d: MobilizationDeps, everyMs = 30_000, log: (m: string) => void = () => {}) {
  let running = Promise.resolve();
  const timer = setInterval(() => {
    running = running.then(() => runEscalations(d).then(() => {}, (e) => log(`escalations: ${errorLine(e)}`)));
  }, everyMs);
  return async () => {
    clearInterval(timer);
    await running;
  };
}
