import { Batcher } from '../../db/batch.js';
import { AppError } from '../../lib/errors.js';
import { assertInScope, scopedArea, type Actor } from '../access/index.js';
import { areaNames } from '../registry/index.js';
import type { MobilizationDeps } from './callups.service.js';
import { distanceM, signVillageToken, verifyMemberToken, verifyVillageToken } from './mobilization.links.js';
import { assertCan } from './mobilization.policy.js';
import { mobilizationRepo, type CheckinWrite, type MemberRow } from './mobilization.repo.js';

/** The call-up and cadre a personal link names, or the problem with the link. */
export function linkIds(d: Pick<MobilizationDeps, 'secret'>, token: string) {
  const t = verifyMemberToken(d.secret, token);
  if (t === 'TOKEN_INVALID') throw new AppError('TOKEN_INVALID', 'this link is not valid', 'token');
  if (t === 'TOKEN_EXPIRED') throw new AppError('TOKEN_EXPIRED', 'this link has expired', 'token');
  return t;
}

async function memberOf(d: MobilizationDeps, token: string) {
  const t = linkIds(d, token);
  const m = await mobilizationRepo.memberWithCallup(d.pool, t.callupId, t.staffId);
  if (!m) throw new AppError('TOKEN_INVALID', 'this link is not valid', 'token');
  return { m, c: { id: m.callupId, title: m.title, deadline: m.deadline, status: m.status } };
}

/** A closed call-up takes no acknowledgement or check-in any more (the SQL that writes them checks it too). */
function assertOpen(c: { id: number; status: string }) {
  if (c.status === 'closed') throw new AppError('CONFLICT', `call-up ${c.id} is closed`, 'token');
}

const shapeMember = (m: MemberRow) => ({
  name: m.name,
  areaCode: m.areaCode,
  areaName: m.areaName,
  workUnit: m.workUnit,
  ackAt: m.ackAt?.toISOString() ?? null,
  checkinAt: m.checkinAt?.toISOString() ?? null,
  checkinMethod: m.checkinMethod,
});

/** What the cadre's phone page shows: the call-up, their village, what they have done. */
export async function myCallup(d: MobilizationDeps, token: string) {
  const { m, c } = await memberOf(d, token);
  return { callup: { id: c.id, title: c.title, deadline: c.deadline.toISOString(), status: c.status }, me: shapeMember(m) };
}

/** Check-ins of this process, written in group transactions (see db/batch.ts). */
const batchers = new WeakMap<MobilizationDeps, Batcher<CheckinWrite, MemberRow | null>>();
function checkinBatcher(d: MobilizationDeps) {
  let b = batchers.get(d);
  if (!b) {
    b = new Batcher(d.pool, async (client, items) => {
      const set = await mobilizationRepo.checkIn(client, items);
      const byKey = new Map(set.map((m) => [`${m.callupId}:${m.staffId}`, m]));
      // a member twice in one batch is set once; the second is answered as already there
      return items.map((i) => {
        const k = `${i.callupId}:${i.staffId}`;
        const m = byKey.get(k) ?? null;
        byKey.delete(k);
        return m;
      });
    });
    batchers.set(d, b);
  }
  return b;
}

async function recordCheckin(d: MobilizationDeps, w: CheckinWrite) {
  return (await checkinBatcher(d).submit(w)) ?? (await mobilizationRepo.member(d.pool, w.callupId, w.staffId));
}

/** 收到: the first acknowledgement counts; a second tap changes nothing. */
export async function acknowledge(d: MobilizationDeps, token: string, method: 'link' | 'sms' = 'link') {
  const { m, c } = await memberOf(d, token);
  assertOpen(c);
  const set = await mobilizationRepo.acknowledge(d.pool, m.callupId, m.staffId, method);
  return shapeMember(set ?? (await mobilizationRepo.member(d.pool, m.callupId, m.staffId)));
}

/** An SMS reply of "1" to a call-up acknowledges it. */
export async function acknowledgeBySms(d: MobilizationDeps, topic: string | null, fromPhone: string, body: string) {
  const id = topic?.match(/^callup:(\d+)$/)?.[1];
  if (!id || body.trim().replace(/[１]/g, '1') !== '1') return;
  const m = await mobilizationRepo.memberByPhone(d.pool, Number(id), fromPhone);
  if (!m) return;
  await mobilizationRepo.acknowledge(d.pool, m.callupId, m.staffId, 'sms');
}

export type CheckinInput = { village: string } | { lat: number; lng: number };

/**
 * 报到: by the code posted at the village committee, or by location within the
 * radius of the village's check-in point. At another village it is refused,
 * naming the right one. Checking in twice keeps the first time.
 * By code, the common case is one grouped write and no read: the write itself
 * checks the village, and only when it changes nothing do we read to say why.
 */
export async function checkIn(d: MobilizationDeps, token: string, input: CheckinInput) {
  const t = linkIds(d, token);
  if ('village' in input) {
    const here = verifyVillageToken(d.secret, input.village);
    if (!here) throw new AppError('TOKEN_INVALID', 'this is not a Bastion check-in code', 'village');
    const set = await checkinBatcher(d).submit({ ...t, method: 'qr', by: null, distance: null, village: here });
    if (set) return shapeMember(set);
    const { m, c } = await memberOf(d, token);
    if (m.checkinAt) return shapeMember(m);
    assertOpen(c);
    const names = await areaNames(d.pool, [here]);
    throw new AppError('WRONG_VILLAGE', `assigned to ${m.areaName}, not ${names.get(here) ?? here}`, 'village', { right: m.areaName, here: names.get(here) ?? here });
  }
  const { m, c } = await memberOf(d, token);
  if (m.checkinAt) return shapeMember(m);
  assertOpen(c);
  const point = await mobilizationRepo.checkinPoint(d.pool, m.areaCode);
  if (!point) throw new AppError('CHECKIN_POINT_MISSING', `${m.areaName} has no check-in point`, 'lat', { right: m.areaName });
  const distance = distanceM(point, input);
  if (distance > point.radiusM)
    throw new AppError('TOO_FAR', `${distance} m from the check-in point of ${m.areaName}`, 'lat', { right: m.areaName, distance, radius: point.radiusM });
  return shapeMember(await recordCheckin(d, { callupId: m.callupId, staffId: m.staffId, method: 'location', by: null, distance, village: null }));
}

/** The village secretary marks a cadre present. */
export async function markPresent(d: MobilizationDeps, actor: Actor, callupId: number, staffId: number) {
  assertCan(actor, 'markPresent');
  assertInScope(actor, await mobilizationRepo.memberInScope(d.pool, callupId, staffId, actor.areaCode), 'member');
  return shapeMember(await recordCheckin(d, { callupId, staffId, method: 'lead', by: actor.accountId, distance: null, village: null }));
}

/** The code to post at a village committee (as text for a QR code) and its check-in point. */
export async function villageCode(d: MobilizationDeps, actor: Actor, areaCode: string) {
  assertCan(actor, 'manageVillage');
  scopedArea(actor, areaCode, 'code');
  const token = signVillageToken(d.secret, areaCode);
  return { areaCode, token, url: `${d.linkBase()}/checkin/${token}`, point: (await mobilizationRepo.checkinPoint(d.pool, areaCode)) ?? null };
}

export async function setCheckinPoint(d: MobilizationDeps, actor: Actor, areaCode: string, p: { lat: number; lng: number; radiusM: number }) {
  assertCan(actor, 'manageVillage');
  scopedArea(actor, areaCode, 'code');
  await mobilizationRepo.setCheckinPoint(d.pool, areaCode, p);
  return { areaCode, ...p };
}

/**
 * Check-in points for demo villages: real villages have no coordinates in the
 * division data, so each gets a deterministic point near 鹿泉区 (38.09 N, 114.31 E)
 * until its secretary sets the real one.
 */
export async function seedDemoCheckinPoints(d: Pick<MobilizationDeps, 'pool'>, villageCodes: string[]) {
  const at = (code: string, salt: number) => {
    let h = salt;
    for (const ch of code) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
    return (h / 0xffffffff - 0.5) * 0.2;
  };
  await mobilizationRepo.seedCheckinPoints(d.pool, villageCodes.map((code) => ({ code, lat: 38.085 + at(code, 17), lng: 114.313 + at(code, 91) })));
}
