import type pg from 'pg';
import type { Db } from '../../db/connection.js';
import { inTransaction } from '../../db/transaction.js';
import { AppError, invalid, notFound } from '../../lib/errors.js';
import { scopedArea, type Actor } from '../access/index.js';
import type { NotifyRuntime } from '../notify/index.js';
import { isMobile, smsParts } from '../notify/index.js';
import { areaName, staffTargets, type StaffTarget } from '../registry/index.js';
import type { RosterRules } from './roster.rules.js';
import { shanghaiText } from '../../lib/time.js';
import { ERASED } from '../../lib/text.js';
import { renderTemplate, signMemberToken } from './mobilization.links.js';
import { assertCan, callupActions, can, seesDrafts } from './mobilization.policy.js';
import { mobilizationRepo, type CallupRow } from './mobilization.repo.js';

export interface MobilizationDeps {
  db: Db;
  pool: pg.Pool;
  notify: NotifyRuntime;
  secret: Buffer;
  /** where personal links point: the address cadres' phones reach */
  linkBase: () => string;
  /** the roster's rules (default: 12 h on duty at most, 8 h of rest at least) */
  rules?: RosterRules;
}

export interface CallupInput {
  title: string;
  template: string;
  deadline: string;
  target: { area?: string; workUnit?: string; partyMember?: boolean };
  escalation?: { resendAfterMin?: number; escalateAfterMin?: number };
}

/** A personal link lives until a day after the deadline. */
const LINK_GRACE_MS = 24 * 3600_000;

export const topicOf = (callupId: number) => `callup:${callupId}`;

/** The checked fields of a call-up as written: a deadline ahead, the link in the message, a real area inside the commander's. */
async function checked(d: MobilizationDeps, actor: Actor, input: CallupInput) {
  const deadline = new Date(input.deadline);
  if (Number.isNaN(deadline.getTime())) throw invalid('deadline', 'DATE_INVALID');
  if (deadline.getTime() < Date.now()) throw invalid('deadline', 'DEADLINE_PASSED');
  if (!input.template.includes('{link}')) throw invalid('template', 'TEMPLATE_NO_LINK');
  const area = scopedArea(actor, input.target.area, 'target.area');
  // a code cut short (1301101082 of 130110108205) is inside the scope but names no area: it would reach the whole town
  if (!(await areaName(d.db, area))) throw new AppError('AREA_UNKNOWN', `no area ${area}: pick it from the tree`, 'target.area');
  return { title: input.title.trim(), template: input.template, deadline, target: { ...input.target, area }, escalation: input.escalation ?? {} };
}

/** A new draft, seen only by commanders of the area it was made in, until it is sent. */
export async function createCallup(d: MobilizationDeps, actor: Actor, input: CallupInput) {
  assertCan(actor, 'writeCallup');
  const row = await mobilizationRepo.insertCallup(d.pool, { ...(await checked(d, actor, input)), areaCode: actor.areaCode, createdBy: actor.accountId });
  return shape(actor, row);
}

/** A draft resumed: changed in place (the same id, so previewing it again makes no second draft); a sent call-up is CALLUP_NOT_DRAFT. */
export async function updateCallup(d: MobilizationDeps, actor: Actor, id: number, input: CallupInput) {
  assertCan(actor, 'writeCallup');
  const fields = await checked(d, actor, input);
  return inTransaction(d.pool, async (client) => {
    const c = await mustGet(client, actor, id, true);
    if (c.status !== 'draft') throw new AppError('CALLUP_NOT_DRAFT', `call-up ${id} is ${c.status}`, 'id');
    return shape(actor, (await mobilizationRepo.updateDraft(client, id, fields))!);
  });
}

/** A draft thrown away; a sent call-up stays (its members and messages are the record): CALLUP_NOT_DRAFT. */
export async function deleteCallup(d: MobilizationDeps, actor: Actor, id: number) {
  assertCan(actor, 'writeCallup');
  return inTransaction(d.pool, async (client) => {
    const c = await mustGet(client, actor, id, true);
    if (c.status !== 'draft') throw new AppError('CALLUP_NOT_DRAFT', `call-up ${id} is ${c.status}: close it instead`, 'id');
    await mobilizationRepo.deleteDraft(client, id);
    return shape(actor, c);
  });
}

/**
 * Closing a sent call-up ends it: no acknowledgement or check-in is taken under it any more
 * (the cadre's link says so), escalation stops, the board stays as it was. Closing again changes
 * nothing; a draft is deleted, not closed (CONFLICT).
 */
export async function closeCallup(d: MobilizationDeps, actor: Actor, id: number) {
  assertCan(actor, 'writeCallup');
  return inTransaction(d.pool, async (client) => {
    const c = await mustGet(client, actor, id, true);
    if (c.status === 'draft') throw new AppError('CONFLICT', `call-up ${id} is a draft: delete it instead`, 'id');
    if (!can(actor, 'writeCallup', c)) throw notFound('call-up');
    return shape(actor, c.status === 'closed' ? c : (await mobilizationRepo.close(client, id))!);
  });
}

export function shape(actor: Actor, c: CallupRow) {
  return { ...c, deadline: c.deadline.toISOString(), createdAt: c.createdAt.toISOString(), sentAt: c.sentAt?.toISOString() ?? null, actions: callupActions(actor, c) };
}

async function mustGet(q: pg.Pool | pg.PoolClient, actor: Actor, id: number, lock = false) {
  const c = await mobilizationRepo.getCallup(q, id, actor.areaCode, seesDrafts(actor), lock);
  if (!c) throw notFound('call-up');
  return c;
}

export function messageFor(d: MobilizationDeps, c: CallupRow, t: Pick<StaffTarget, 'id' | 'name' | 'areaName'>) {
  const link = `${d.linkBase()}/m/${signMemberToken(d.secret, c.id, t.id, new Date(c.deadline.getTime() + LINK_GRACE_MS))}`;
  return renderTemplate(c.template, { name: t.name, area: t.areaName, deadline: shanghaiText(c.deadline), link });
}

/** What a send would do: the area it is aimed at by name, how many it reaches, how many cannot be reached by SMS, one message as sent, its length in parts. */
export async function previewCallup(d: MobilizationDeps, actor: Actor, id: number) {
  assertCan(actor, 'writeCallup');
  const c = await mustGet(d.pool, actor, id);
  const code = c.target.area ?? c.areaCode;
  const targets = await staffTargets(d.pool, { area: code, workUnit: c.target.workUnit, partyMember: c.target.partyMember });
  const reachable = targets.filter((t) => t.phone && isMobile(t.phone));
  const bodies = reachable.map((t) => messageFor(d, c, t));
  const longest = bodies.reduce((a, b) => ([...b].length > [...a].length ? b : a), '');
  return {
    draftId: c.id,
    area: { code, name: (await areaName(d.db, code)) ?? code },
    reach: targets.length,
    withoutPhone: targets.length - reachable.length,
    example: bodies[0] ?? null,
    characters: [...longest].length,
    parts: longest ? smsParts(longest) : 0,
    totalParts: bodies.reduce((n, b) => n + smsParts(b), 0),
  };
}

/**
 * Sends a call-up: the members are fixed as they are now and every SMS is
 * queued, in one transaction. Sending again returns the same result and
 * queues nothing twice (messages are keyed by call-up and cadre).
 */
export async function sendCallup(d: MobilizationDeps, actor: Actor, id: number) {
  assertCan(actor, 'writeCallup');
  const sent = await inTransaction(d.pool, async (client) => {
    const c = await mustGet(client, actor, id, true);
    if (c.status === 'draft') {
      const targets = await staffTargets(d.pool, { area: c.target.area ?? c.areaCode, workUnit: c.target.workUnit, partyMember: c.target.partyMember });
      await mobilizationRepo.insertMembers(client, c.id, targets.map((t) => ({ staffId: t.id, name: t.name, phone: t.phone, workUnit: t.workUnit, areaCode: t.areaCode, areaName: t.areaName })));
      await d.notify.enqueue(
        targets.filter((t) => t.phone).map((t) => ({ dedupeKey: `${topicOf(c.id)}:staff:${t.id}`, to: t.phone!, body: messageFor(d, c, t), topic: topicOf(c.id) })),
        client,
      );
      await mobilizationRepo.markSent(client, c.id, actor.accountId);
    }
    const { rows } = await client.query<{ members: number; withoutPhone: number }>(
      `select count(*)::int as members, count(*) filter (where phone is null or phone !~ '^1[3-9][0-9]{9}$')::int as "withoutPhone" from callup_members where callup_id = $1`,
      [c.id],
    );
    return { id: c.id, ...rows[0] };
  });
  d.notify.wake();
  return sent;
}

export async function listCallups(d: MobilizationDeps, actor: Actor) {
  assertCan(actor, 'readBoard');
  return (await mobilizationRepo.listCallups(d.pool, actor.areaCode, seesDrafts(actor))).map((c) => shape(actor, c));
}

export async function getCallup(d: MobilizationDeps, actor: Actor, id: number) {
  assertCan(actor, 'readBoard');
  return shape(actor, await mustGet(d.pool, actor, id));
}

/**
 * `bastion purge` erased these cadres (inside its transaction): the names and phones that sent
 * call-ups and shifts kept of them go too; who acknowledged, arrived and stood on which post stays.
 */
export const forgetPurgedStaff = async (client: pg.PoolClient, staffIds: number[]): Promise<number> =>
  staffIds.length ? mobilizationRepo.erasePeople(client, staffIds, ERASED) : 0;
