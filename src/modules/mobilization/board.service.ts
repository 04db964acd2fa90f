import { notFound } from '../../lib/errors.js';
import { audit, type Actor } from '../access/index.js';
import { statusByKey } from '../notify/index.js';
import { areaNames } from '../registry/index.js';
import { topicOf, type MobilizationDeps } from './callups.service.js';
import { assertCan, seesDrafts } from './mobilization.policy.js';
import { mobilizationRepo, type MemberRow } from './mobilization.repo.js';

interface Counts {
  total: number;
  received: number;
  acknowledged: number;
  arrived: number;
  unreachable: number;
}
const zero = (): Counts => ({ total: 0, received: 0, acknowledged: 0, arrived: 0, unreachable: 0 });
const LIST_LIMIT = 500;

/**
 * A live board reloads on every arrival and every few seconds: its reading of
 * phone numbers is audited once per account and call-up per 10 minutes, not
 * on every reload.
 */
const AUDIT_EVERY_MS = 10 * 60_000;
const audited = new Map<string, number>();
function auditDue(accountId: number, callupId: number): boolean {
  const key = `${accountId}:${callupId}`;
  const now = Date.now();
  if ((audited.get(key) ?? 0) > now - AUDIT_EVERY_MS) return false;
  if (audited.size > 10_000) audited.clear();
  audited.set(key, now);
  return true;
}

/**
 * The arrival board of a call-up inside the actor's area: counts by town and
 * village, the arrival curve, and whom to chase (with phones, for the lead to
 * call), built from the members and the delivery status of their SMS.
 */
export async function callupBoard(d: MobilizationDeps, actor: Actor, id: number) {
  assertCan(actor, 'readBoard');
  const c = await mobilizationRepo.getCallup(d.pool, id, actor.areaCode, seesDrafts(actor));
  if (!c) throw notFound('call-up');
  const [members, delivery] = await Promise.all([mobilizationRepo.membersInScope(d.pool, id, actor.areaCode), statusByKey(d.pool, topicOf(id))]);

  const totals = zero();
  const villages = new Map<string, Counts & { code: string; name: string }>();
  const towns = new Map<string, Counts & { code: string; name: string }>();
  const notAcknowledged: ReturnType<typeof person>[] = [];
  const notArrived: ReturnType<typeof person>[] = [];
  const unreachable: ReturnType<typeof person>[] = [];
  const counts = { notAcknowledged: 0, notArrived: 0, unreachable: 0 };

  for (const m of members) {
    const sms = delivery.get(`${topicOf(id)}:staff:${m.staffId}`);
    const received = sms?.status === 'delivered' || sms?.status === 'replied' || !!m.ackAt;
    const failed = !sms || sms.status === 'failed';
    const town = m.areaCode.slice(0, 9);
    const v = villages.get(m.areaCode) ?? { code: m.areaCode, name: m.areaName, ...zero() };
    const t = towns.get(town) ?? { code: town, name: town, ...zero() };
    for (const x of [totals, v, t]) {
      x.total++;
      if (received) x.received++;
      if (m.ackAt) x.acknowledged++;
      if (m.checkinAt) x.arrived++;
      if (failed && !m.ackAt) x.unreachable++;
    }
    villages.set(m.areaCode, v);
    towns.set(town, t);
    if (failed && !m.ackAt) {
      counts.unreachable++;
      if (unreachable.length < LIST_LIMIT) unreachable.push(person(m, sms?.failure ?? (m.phone ? null : 'NO_PHONE')));
    } else if (!m.ackAt) {
      counts.notAcknowledged++;
      if (notAcknowledged.length < LIST_LIMIT) notAcknowledged.push(person(m, sms?.status ?? null));
    }
    if (!m.checkinAt) {
      counts.notArrived++;
      if (notArrived.length < LIST_LIMIT) notArrived.push(person(m, null));
    }
  }
  const names = await areaNames(d.pool, [...towns.keys()]);
  for (const t of towns.values()) t.name = names.get(t.code) ?? t.code;

  const arrivals = members.filter((m) => m.checkinAt).map((m) => m.checkinAt!.getTime()).sort((a, b) => a - b);
  // at most ~300 points: every k-th arrival and the last
  const step = Math.max(1, Math.ceil(arrivals.length / 300));
  const curve = arrivals.flatMap((t, i) => (i % step === 0 || i === arrivals.length - 1 ? [{ at: new Date(t).toISOString(), arrived: i + 1 }] : []));
  const phones = unreachable.length + notAcknowledged.length + notArrived.length;
  if (phones && auditDue(actor.accountId, id)) await audit(d.db, actor, 'pii.read', 'callup_board', id, { phones });

  return {
    callup: { id: c.id, title: c.title, deadline: c.deadline.toISOString(), sentAt: c.sentAt?.toISOString() ?? null, status: c.status },
    totals,
    towns: [...towns.values()].sort((a, b) => a.code.localeCompare(b.code)),
    villages: [...villages.values()].sort((a, b) => a.code.localeCompare(b.code)),
    curve,
    counts,
    notAcknowledged,
    notArrived,
    unreachable,
  };
}

function person(m: MemberRow, note: string | null) {
  return { staffId: m.staffId, name: m.name, phone: m.phone, workUnit: m.workUnit, areaCode: m.areaCode, areaName: m.areaName, note };
}
