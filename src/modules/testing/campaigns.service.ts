import type pg from 'pg';
import type { Db } from '../../db/connection.js';
import { AppError, forbidden, invalid, notFound } from '../../lib/errors.js';
import { inTransaction } from '../../db/transaction.js';
import { createAccount, inScope, scopedArea, type Actor } from '../access/index.js';
import type { NotifyRuntime } from '../notify/index.js';
import { assertCan, can, campaignActions, seesCampaign } from './testing.policy.js';
import { testingRepo, type CampaignRow } from './testing.repo.js';

export interface TestingDeps {
  db: Db;
  pool: pg.Pool;
  /** the SMS to village secretaries when a pool is positive */
  notify: NotifyRuntime;
  /** signs residents' personal codes */
  secret: Buffer;
}

export const POOL_SIZES = [1, 5, 10, 20] as const;

export interface CampaignInput {
  title: string;
  areaCode?: string;
  poolSize: number;
  startsAt: string;
  targetEnd: string;
}

export function shapeCampaign(actor: Actor, c: CampaignRow) {
  return { ...c, startsAt: c.startsAt.toISOString(), targetEnd: c.targetEnd.toISOString(), createdAt: c.createdAt.toISOString(), actions: campaignActions(actor, c) };
}

export async function createCampaign(d: TestingDeps, actor: Actor, input: CampaignInput) {
  assertCan(actor, 'writeCampaign');
  const areaCode = scopedArea(actor, input.areaCode, 'areaCode');
  if (!(POOL_SIZES as readonly number[]).includes(input.poolSize)) throw invalid('poolSize', 'POOL_SIZE_INVALID', { sizes: [...POOL_SIZES] });
  const startsAt = new Date(input.startsAt);
  const targetEnd = new Date(input.targetEnd);
  if (Number.isNaN(startsAt.getTime())) throw invalid('startsAt', 'DATE_INVALID');
  if (Number.isNaN(targetEnd.getTime()) || targetEnd <= startsAt) throw invalid('targetEnd', 'ENDS_BEFORE_START');
  const row = await testingRepo.insertCampaign(d.pool, { title: input.title.trim(), areaCode, poolSize: input.poolSize, startsAt, targetEnd, createdBy: actor.accountId });
  return shapeCampaign(actor, row);
}

/** The campaign, if the actor sees it: otherwise not found, as if it did not exist. */
export async function campaignFor(d: Pick<TestingDeps, 'pool'>, actor: Actor, id: number) {
  const c = await testingRepo.campaign(d.pool, id, actor.areaCode);
  if (!c || !seesCampaign(actor, c)) throw notFound('campaign');
  return c;
}

/**
 * The area a reader asks about in a campaign: by default their own (or the campaign's, when
 * theirs holds it); one they name must be inside their area, or it is not found.
 */
export async function campaignArea(d: Pick<TestingDeps, 'pool'>, actor: Actor, id: number, area?: string) {
  const campaign = await campaignFor(d, actor, id);
  return { campaign, area: area === undefined ? (inScope(campaign, actor.areaCode) ? actor.areaCode : campaign.areaCode) : scopedArea(actor, area) };
}

export async function getCampaign(d: TestingDeps, actor: Actor, id: number) {
  return shapeCampaign(actor, await campaignFor(d, actor, id));
}

export async function listCampaigns(d: TestingDeps, actor: Actor) {
  assertCan(actor, 'readCampaign');
  return (await testingRepo.campaignsFor(d.pool, actor.areaCode)).map((c) => shapeCampaign(actor, c));
}

export async function closeCampaign(d: TestingDeps, actor: Actor, id: number) {
  const c = await campaignFor(d, actor, id);
  // seen, as a campaign over a larger area is, but closed only by the commanders of its area
  if (!can(actor, 'writeCampaign', c)) throw forbidden('the campaign is closed by the commanders of its area');
  await testingRepo.closeCampaign(d.pool, id);
  return shapeCampaign(actor, { ...c, status: 'closed' });
}

/**
 * A new laboratory and the new account its uploads come from, in one transaction. A name or a
 * user name that exists is refused (CONFLICT naming the field) and nothing is changed: creating
 * a lab never touches an existing account or lab.
 */
export async function addLab(d: TestingDeps, actor: Actor, input: { name: string; username: string; password: string; capacityPerDay: number }) {
  assertCan(actor, 'manageLabs');
  const name = input.name.trim();
  if (!name) throw invalid('name', 'REQUIRED');
  return inTransaction(d.pool, async (c) => {
    const accountId = await createAccount(c, { username: input.username, password: input.password, role: 'lab', areaCode: actor.areaCode, displayName: name });
    const lab = await testingRepo.insertLab(c, { name, accountId, capacityPerDay: input.capacityPerDay });
    if (!lab) throw new AppError('CONFLICT', `a laboratory named ${name} exists`, 'name');
    return lab;
  });
}

export async function listLabs(d: TestingDeps, actor: Actor) {
  assertCan(actor, 'manageLabs');
  return testingRepo.labs(d.pool);
}

/** The laboratories a station may pack a box for: their ids and names. */
export async function labChoices(d: TestingDeps, actor: Actor) {
  assertCan(actor, 'sample');
  return (await testingRepo.labs(d.pool)).map((l) => ({ id: l.id, name: l.name }));
}

/** The laboratory whose account this is; any other account is refused. */
export async function labOf(d: TestingDeps, actor: Actor) {
  const lab = await testingRepo.labOfAccount(d.pool, actor.accountId);
  if (!lab) throw new AppError('FORBIDDEN', 'this account is not a laboratory');
  return lab;
}

/** A lab's own queue: the tubes it received and has not resulted, oldest first, beside its capacity. */
export async function labQueue(d: TestingDeps, actor: Actor, limit = 200) {
  assertCan(actor, 'receive');
  const lab = await labOf(d, actor);
  const [counts, tubes] = await Promise.all([testingRepo.labQueueCounts(d.pool, lab.id), testingRepo.labQueue(d.pool, lab.id, limit)]);
  return {
    name: lab.name,
    capacityPerDay: lab.capacityPerDay,
    backlog: counts.backlog,
    oldestReceivedAt: counts.oldest?.toISOString() ?? null,
    tubes: tubes.map((t) => ({ ...t, receivedAt: t.receivedAt.toISOString() })),
  };
}
