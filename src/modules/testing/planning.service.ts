import { shanghaiClock, shanghaiText } from '../../lib/time.js';
import { AppError, invalid, notFound } from '../../lib/errors.js';
import { assertInScope, inScope, scopedArea, type Actor } from '../access/index.js';
import { areaChildrenWithCounts, areaName, householdsIn, registerResident, residentsPage, staffInArea, type WalkIn } from '../registry/index.js';
import { cadresOnPost } from '../mobilization/index.js';
import { campaignArea, campaignFor, type TestingDeps } from './campaigns.service.js';
import { signPersonalCode } from './testing.codes.js';
import { assertCan } from './testing.policy.js';
import { homeVisitsRepo, sitesRepo, testingRepo, type SiteRow } from './testing.repo.js';

/** The planner's assumptions; the defaults follow the national guidance and every one is editable. */
export interface PlanAssumptions {
  /** one sampling site per 2,000–3,000 residents */
  residentsPerSite: number;
  /** one sampling table per 600–800 residents */
  residentsPerTable: number;
  /** swabs one table takes in an hour */
  swabsPerTableHour: number;
  /** from a sealed tube to its result: transport and the test itself */
  turnaroundHours: number;
  /** the labs' capacity in tubes a day; the registered labs' sum when absent */
  labTubesPerDay?: number;
}
export const PLAN_DEFAULTS: PlanAssumptions = { residentsPerSite: 2500, residentsPerTable: 700, swabsPerTableHour: 80, turnaroundHours: 6 };

const HOUR = 3600_000;
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * 能力测算: for each village, the sites and tables it has (or the guidance gives it),
 * when its sampling finishes and its results come back; for the area shown (the board's
 * drill-down: a town, a village, or the whole campaign), the same, and what is missing —
 * tables, samplers (one to a table) and lab tubes a day — to finish by the target.
 * Results wait for sampling and for the labs, which take every village's tubes in the
 * order villages finish, so the queue is worked out over the whole campaign. What the
 * plan has no data for is null ("not checked"), never 0: the tables and samplers of a
 * village with no site registered, the labs' capacity when no lab is registered.
 */
export async function plan(d: TestingDeps, actor: Actor, campaignId: number, overrides: Partial<PlanAssumptions> = {}, area?: string) {
  assertCan(actor, 'plan');
  const { campaign: c, area: shown } = await campaignArea(d, actor, campaignId, area);
  const a = { ...PLAN_DEFAULTS, ...Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)) } as PlanAssumptions;
  const villages = await villagesUnder(d, c.areaCode);
  const sites = await sitesRepo.list(d.pool, campaignId, c.areaCode);
  const labs = await testingRepo.labs(d.pool);
  const labCapacity = a.labTubesPerDay ?? (labs.length ? labs.reduce((n, l) => n + l.capacityPerDay, 0) : null);
  const start = c.startsAt.getTime();
  const target = c.targetEnd.getTime();
  const samplingWindowH = Math.max(0.5, (target - start) / HOUR - a.turnaroundHours);

  const rows = villages.map((v) => {
    const mine = sites.filter((s) => s.areaCode.startsWith(v.code));
    const planned = mine.length > 0;
    const siteCount = planned ? mine.length : Math.max(1, Math.ceil(v.residents / a.residentsPerSite));
    const tables = planned ? mine.reduce((n, s) => n + s.tables, 0) : Math.max(1, Math.ceil(v.residents / a.residentsPerTable));
    const hours = v.residents / (tables * a.swabsPerTableHour);
    const tablesNeeded = Math.ceil(v.residents / (a.swabsPerTableHour * samplingWindowH));
    const samplers = mine.reduce((n, s) => n + s.samplers, 0);
    return {
      code: v.code, name: v.name, residents: v.residents, sitesPlanned: planned, sites: siteCount, tables,
      tubes: Math.ceil(v.residents / c.poolSize), samplingHours: Math.round(hours * 10) / 10,
      samplingEnd: start + hours * HOUR,
      // only a registered site says how many tables and samplers there are
      missingTables: planned ? Math.max(0, tablesNeeded - tables) : null,
      missingSamplers: planned ? Math.max(0, Math.max(tables, tablesNeeded) - samplers) : null,
    };
  });
  // the labs take the tubes in the order the villages finish
  let tubesSoFar = 0;
  const perHour = (labCapacity ?? 0) / 24;
  const byFinish = [...rows].sort((x, y) => x.samplingEnd - y.samplingEnd);
  const resultsEnd = new Map<string, number>();
  for (const r of byFinish) {
    tubesSoFar += r.tubes;
    const labDone = perHour > 0 ? start + (tubesSoFar / perHour) * HOUR : Infinity;
    resultsEnd.set(r.code, Math.max(r.samplingEnd, labDone) + a.turnaroundHours * HOUR);
  }
  // the area shown: its villages, or the village holding the grid shown
  const mine = rows.filter((r) => r.code.startsWith(shown) || shown.startsWith(r.code));
  const checked = mine.filter((r) => r.missingTables !== null);
  const sum = (f: 'missingTables' | 'missingSamplers') => (checked.length ? checked.reduce((n, r) => n + r[f]!, 0) : null);
  const totalTubes = rows.reduce((n, r) => n + r.tubes, 0);
  const samplingEnd = Math.max(start, ...mine.map((r) => r.samplingEnd));
  const allResults = Math.max(start, ...mine.map((r) => resultsEnd.get(r.code)!));
  const labNeeded = Math.ceil(totalTubes / (samplingWindowH / 24));
  return {
    area: shown,
    areaName: await areaName(d.db, shown),
    assumptions: { ...a, labTubesPerDay: labCapacity },
    campaign: {
      residents: mine.reduce((n, r) => n + r.residents, 0), tubes: mine.reduce((n, r) => n + r.tubes, 0), sites: mine.reduce((n, r) => n + r.sites, 0), tables: mine.reduce((n, r) => n + r.tables, 0),
      samplingEnd: iso(samplingEnd), resultsEnd: Number.isFinite(allResults) ? iso(allResults) : null, targetEnd: iso(target),
      onTime: Number.isFinite(allResults) ? allResults <= target : null,
      missingTables: sum('missingTables'),
      missingSamplers: sum('missingSamplers'),
      villagesUnchecked: mine.length - checked.length,
      // the labs serve the whole campaign: what they lack is the campaign's
      missingLabTubesPerDay: labCapacity === null ? null : Math.max(0, labNeeded - labCapacity),
    },
    villages: mine.map((r) => ({ ...r, samplingEnd: iso(r.samplingEnd), resultsEnd: Number.isFinite(resultsEnd.get(r.code)!) ? iso(resultsEnd.get(r.code)!) : null })),
  };
}

/** The villages (and communities) under an area with their residents, walking down the tree. */
async function villagesUnder(d: TestingDeps, code: string): Promise<{ code: string; name: string; residents: number }[]> {
  const kids = await areaChildrenWithCounts(d.db, code);
  const out: { code: string; name: string; residents: number }[] = [];
  for (const k of kids) {
    if (k.level === 'village') out.push({ code: k.code, name: k.name, residents: k.residents });
    else if (k.level !== 'grid') out.push(...(await villagesUnder(d, k.code)));
  }
  return out;
}

export interface SiteInput {
  areaCode: string;
  name: string;
  address: string;
  tables: number;
  samplers: number;
  opensAt: string;
  closesAt: string;
}

/** A sampling site of a village, added or changed by name. */
export async function saveSite(d: TestingDeps, actor: Actor, campaignId: number, s: SiteInput) {
  assertCan(actor, 'plan');
  const c = await campaignFor(d, actor, campaignId);
  scopedArea(actor, s.areaCode, 'areaCode');
  if (!inScope(c, s.areaCode)) throw invalid('areaCode', 'SITE_OUTSIDE_CAMPAIGN');
  const opensAt = new Date(s.opensAt);
  const closesAt = new Date(s.closesAt);
  if (Number.isNaN(opensAt.getTime())) throw invalid('opensAt', 'DATE_INVALID');
  if (Number.isNaN(closesAt.getTime()) || closesAt <= opensAt) throw invalid('closesAt', 'ENDS_BEFORE_START');
  return shapeSite(await sitesRepo.upsert(d.pool, { campaignId, areaCode: s.areaCode, name: s.name.trim(), address: s.address.trim(), tables: s.tables, samplers: s.samplers, opensAt, closesAt }));
}

const shapeSite = (s: SiteRow, cadres: Awaited<ReturnType<typeof cadresOnPost>> = []) => ({
  ...s, opensAt: s.opensAt.toISOString(), closesAt: s.closesAt.toISOString(), notifiedAt: s.notifiedAt?.toISOString() ?? null, cadres,
});

/** The sites of an area, each with the cadres the roster puts on sampling support there while it is open. */
export async function listSites(d: TestingDeps, actor: Actor, campaignId: number, area?: string) {
  assertCan(actor, 'plan');
  await campaignFor(d, actor, campaignId);
  const sites = await sitesRepo.list(d.pool, campaignId, scopedArea(actor, area));
  return Promise.all(sites.map(async (s) => shapeSite(s, await cadresOnPost(d.pool, s.areaCode, 'sampling_support', s.opensAt, s.closesAt))));
}

const SLOT_MINUTES = 30;

/**
 * 错峰: the site's opening hours cut into half-hour slots, the village's
 * households given slots grid by grid in turn, so a building comes together and
 * no slot holds more than the tables can take; each household told its site and
 * slot by one SMS (again: no second message).
 */
export async function notifySlots(d: TestingDeps, actor: Actor, campaignId: number, siteId: number) {
  assertCan(actor, 'plan');
  const c = await campaignFor(d, actor, campaignId);
  const site = assertInScope(actor, await sitesRepo.get(d.pool, siteId, actor.areaCode), 'site');
  if (site.campaignId !== c.id) throw notFound('site');
  const households = await householdsIn(d.pool, site.areaCode);
  const open = site.opensAt.getTime();
  const slots = Math.max(1, Math.floor((site.closesAt.getTime() - open) / (SLOT_MINUTES * 60_000)));
  const people = households.reduce((n, h) => n + h.members, 0);
  const perSlot = Math.max(1, Math.ceil(people / slots));
  let slot = 0;
  let inSlot = 0;
  const messages = [];
  for (const h of households) {
    if (inSlot >= perSlot && slot < slots - 1) {
      slot++;
      inSlot = 0;
    }
    inSlot += h.members;
    if (!h.phone) continue;
    const from = open + slot * SLOT_MINUTES * 60_000;
    messages.push({
      dedupeKey: `slot:${c.id}:${h.householdNo}`,
      to: h.phone,
      body: `【核酸检测】请您家${h.members}人于${shanghaiText(from)}–${shanghaiClock(from + SLOT_MINUTES * 60_000)}到${site.name}（${site.address}）采样，请带好手机上的个人码，保持一米间距。`,
      topic: `testing:${c.id}:slots`,
    });
  }
  const r = await d.notify.enqueue(messages);
  await sitesRepo.notified(d.pool, site.id);
  return { households: households.length, people, slots, perSlot, queued: r.queued, withoutPhone: households.length - messages.length };
}

/**
 * 上门采样: residents of the area who cannot come (bed-ridden, elderly living alone,
 * disabled), each with who is assigned to go and whether they are sampled yet.
 */
export async function homeVisits(d: TestingDeps, actor: Actor, campaignId: number, area?: string) {
  assertCan(actor, 'plan');
  const { area: a } = await campaignArea(d, actor, campaignId, area);
  const people = [];
  for (let after = 0; people.length < 5000; ) {
    const page = await residentsPage(d.pool, a, after, 1000, true);
    if (!page.length) break;
    people.push(...page);
    after = page[page.length - 1].id;
  }
  const ids = people.map((p) => p.id);
  const [sampled, assigned] = await Promise.all([testingRepo.sampledAmong(d.pool, campaignId, ids), homeVisitsRepo.of(d.pool, campaignId, ids)]);
  const byResident = new Map(assigned.map((x) => [x.residentId, x]));
  const visits = people.map((p) => ({
    residentId: p.id, name: p.name, phone: p.phone, householdPhone: p.householdPhone, address: p.address, areaCode: p.areaCode, areaName: p.areaName,
    sampler: byResident.get(p.id)?.sampler ?? null, cadreStaffId: byResident.get(p.id)?.cadreStaffId ?? null,
    done: sampled.has(p.id),
  }));
  return { area: a, total: visits.length, done: visits.filter((v) => v.done).length, visits };
}

/** Assigns a sampler (their account) and a cadre to go to these residents' homes. */
export async function assignHomeVisits(d: TestingDeps, actor: Actor, campaignId: number, input: { residentIds: number[]; sampler?: string; cadreStaffId?: number }) {
  const { visits } = await homeVisits(d, actor, campaignId);
  const mine = new Map(visits.map((v) => [v.residentId, v]));
  input.residentIds.forEach((id, n) => {
    if (!mine.has(id)) throw new AppError('NOT_FOUND', 'not a resident needing a home visit in your area', `residentIds/${n}`);
  });
  if (input.cadreStaffId && !(await staffInArea(d.pool, input.cadreStaffId, actor.areaCode))) throw new AppError('NOT_FOUND', 'no such cadre in your area', 'cadreStaffId');
  await homeVisitsRepo.assign(d.pool, campaignId, input.residentIds.map((id) => ({ residentId: id, areaCode: mine.get(id)!.areaCode })), input.sampler ?? null, input.cadreStaffId ?? null, actor.accountId);
  return { assigned: input.residentIds.length };
}

/** 现场登记: someone not in the registry, registered at the table and given a personal code to scan. */
export async function walkIn(d: TestingDeps, actor: Actor, campaignId: number, w: WalkIn) {
  assertCan(actor, 'sample');
  const c = await campaignFor(d, actor, campaignId);
  if (c.status !== 'running') throw new AppError('CONFLICT', 'the campaign is closed', 'campaignId');
  const r = await registerResident(d.db, d.pool, actor, w);
  return { ...r, code: signPersonalCode(d.secret, r.residentId) };
}
