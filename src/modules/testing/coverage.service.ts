import type { Writable } from 'node:stream';
import { writeTable, type TableFormat, type TableValue } from '../../lib/tabular.js';
import { audit, scopedArea, type Actor } from '../access/index.js';
import { areaChildrenWithCounts, areaName, residentCount, residentsByIds, residentsPage, type ResidentBrief } from '../registry/index.js';
import { campaignArea, type TestingDeps } from './campaigns.service.js';
import { signPersonalCode } from './testing.codes.js';
import { assertCan } from './testing.policy.js';
import { conflictsRepo, testingRepo } from './testing.repo.js';

export interface CoverageCounts {
  /** the residents registered in the area (its code's prefix), at whatever level: the registry's own count */
  expected: number;
  sampled: number;
  resulted: number;
  /** pooled tubes (more than one swab) with a positive result: tubes, not people */
  positivePools: number;
  /** members of a positive pool not yet retested alone (their recall pending) */
  toRetest: number;
  /** residents with a positive single-tube result (a tube holding one swab: single sampling or a retest) */
  confirmed: number;
}

export interface CoverageRow extends CoverageCounts {
  code: string;
  name: string;
  /** the child area's level; 'unassigned' for the residents registered at the area itself, in none of its children */
  level: string;
}

/**
 * 应检尽检: per child area (towns of a district, villages of a town, grids of a
 * village) the residents expected (the registry), sampled, with a result back,
 * positive pools, people to retest and people confirmed; and the same for the area as a whole.
 * "Expected" is one thing everywhere: the residents whose area code starts with the area's,
 * whatever their level, as the area tree counts them. Residents registered at the area itself
 * (a village's not put in a grid) have a row of their own, so the rows add up to the total.
 */
export async function coverage(d: TestingDeps, actor: Actor, campaignId: number, area?: string) {
  assertCan(actor, 'readRecalls');
  const { area: a } = await campaignArea(d, actor, campaignId, area);
  const [children, expected] = await Promise.all([areaChildrenWithCounts(d.db, a), residentCount(d.db, a)]);
  const len = children.length ? children[0].code.length : a.length;
  const stats = await testingRepo.coverage(d.pool, campaignId, a, len);
  const byCode = new Map(stats.filter((s) => s.code !== null).map((s) => [s.code!, s]));
  const counts = (code: string, expected: number): CoverageCounts => {
    const s = byCode.get(code);
    return { expected, sampled: s?.sampled ?? 0, resulted: s?.resulted ?? 0, positivePools: s?.positivePools ?? 0, toRetest: s?.toRetest ?? 0, confirmed: s?.confirmed ?? 0 };
  };
  const rows: CoverageRow[] = children.map((k) => ({ code: k.code, name: k.name, level: k.level, ...counts(k.code, k.residents) }));
  const direct = expected - rows.reduce((n, r) => n + r.expected, 0);
  if (children.length && (direct > 0 || byCode.has(a))) rows.push({ code: a, name: '', level: 'unassigned', ...counts(a, direct) });
  const all = stats.find((s) => s.code === null);
  return {
    area: a,
    totals: { expected, sampled: all?.sampled ?? 0, resulted: all?.resulted ?? 0, positivePools: all?.positivePools ?? 0, toRetest: all?.toRetest ?? 0, confirmed: all?.confirmed ?? 0 },
    children: rows,
  };
}

/**
 * Residents of the area not yet sampled in the campaign, a page at a time (for door-knocking).
 * Their phones and addresses are shown in full, to call and visit: each page read is audited.
 */
export async function untested(d: TestingDeps, actor: Actor, campaignId: number, area: string | undefined, after: number, limit: number) {
  const page = await untestedPage(d, actor, campaignId, area, after, limit);
  await audit(d.db, actor, 'pii.list', 'untested', campaignId, { area: page.area, after, count: page.residents.length });
  return page;
}

async function untestedPage(d: TestingDeps, actor: Actor, campaignId: number, area: string | undefined, after: number, limit: number) {
  assertCan(actor, 'readRecalls');
  const { area: a } = await campaignArea(d, actor, campaignId, area);
  const out: ResidentBrief[] = [];
  let cursor = after;
  while (out.length < limit) {
    const page = await residentsPage(d.pool, a, cursor, 2000);
    if (!page.length) return { area: a, residents: out, next: null };
    const sampled = await testingRepo.sampledAmong(d.pool, campaignId, page.map((r) => r.id));
    for (const r of page) {
      if (sampled.has(r.id)) continue;
      out.push(r);
      if (out.length === limit) return { area: a, residents: out, next: r.id };
    }
    cursor = page[page.length - 1].id;
  }
  return { area: a, residents: out, next: cursor };
}

/** The untested list as a spreadsheet, streamed page by page. */
export async function exportUntested(d: TestingDeps, actor: Actor, campaignId: number, area: string | undefined, out: Writable, format: TableFormat) {
  const first = await untestedPage(d, actor, campaignId, area, 0, 1000);
  // audited once, as the registry's exports are, before the first row leaves
  await audit(d.db, actor, 'pii.export', 'untested', campaignId, { area: first.area, format });
  async function* pages(): AsyncGenerator<TableValue[][]> {
    let page = first;
    for (;;) {
      yield page.residents.map((r) => [r.name, r.phone, r.householdPhone, r.householdNo, r.address, r.areaCode, r.areaName, r.homeVisit]);
      if (page.next === null) return;
      page = await untestedPage(d, actor, campaignId, first.area, page.next, 1000);
    }
  }
  return writeTable(out, format, ['姓名', '手机号', '家庭联系电话', '户号', '住址', '区划代码', '所属村(社区)', '需上门'], pages(), '未检测');
}

/** The recall list: who to retest alone at home, with phone, household and address. */
export async function recallList(d: TestingDeps, actor: Actor, campaignId: number, area?: string) {
  assertCan(actor, 'readRecalls');
  const { area: a } = await campaignArea(d, actor, campaignId, area);
  const rows = await testingRepo.recalls(d.pool, campaignId, a, 2000);
  const people = new Map((await residentsByIds(d.pool, [...new Set(rows.map((r) => r.residentId))])).map((p) => [p.id, p]));
  return {
    area: a,
    pending: rows.filter((r) => r.status === 'pending_retest').length,
    // a pool is not a person: who is still to be retested from a positive pool, and who a single tube confirmed
    toRetest: new Set(rows.filter((r) => r.status === 'pending_retest' && r.reason === 'positive').map((r) => r.residentId)).size,
    confirmed: new Set(rows.filter((r) => r.status === 'positive').map((r) => r.residentId)).size,
    recalls: rows.map((r) => {
      const p = people.get(r.residentId);
      return {
        id: r.id, tube: r.tubeCode, reason: r.reason, status: r.status, createdAt: r.createdAt.toISOString(), closedAt: r.closedAt?.toISOString() ?? null,
        residentId: r.residentId, name: p?.name ?? '', phone: p?.phone ?? null, householdPhone: p?.householdPhone ?? null, householdNo: p?.householdNo ?? null, address: p?.address ?? null,
        areaCode: r.areaCode, areaName: p?.areaName ?? null,
      };
    }),
  };
}

/**
 * The campaign board: swabs per hour, tubes and swabs at each stage of the
 * pipeline with the age of the oldest, each lab's backlog against its capacity
 * (where the bottleneck is), coverage totals, recalls.
 */
export async function campaignBoard(d: TestingDeps, actor: Actor, campaignId: number, area?: string) {
  const cov = await coverage(d, actor, campaignId, area);
  const [name, pipeline, labs, hourly, recalls, conflicts] = await Promise.all([
    areaName(d.db, cov.area),
    testingRepo.pipeline(d.pool, campaignId, cov.area),
    testingRepo.labBacklog(d.pool, campaignId),
    testingRepo.hourly(d.pool, campaignId, cov.area),
    testingRepo.recallCounts(d.pool, campaignId, cov.area),
    conflictsRepo.count(d.pool, campaignId, cov.area),
  ]);
  const now = Date.now();
  const stages = (['open', 'sealed', 'packed', 'in_transit', 'received', 'resulted'] as const).map((status) => {
    const p = pipeline.find((x) => x.status === status);
    return { status, tubes: p?.tubes ?? 0, swabs: p?.swabs ?? 0, oldestMinutes: p?.oldest && status !== 'resulted' ? Math.round((now - p.oldest.getTime()) / 60_000) : null };
  });
  return {
    ...cov,
    areaName: name,
    stages,
    labs,
    hourly: hourly.map((h) => ({ hour: h.hour.toISOString(), swabs: h.n })),
    recalls,
    conflicts,
  };
}

/**
 * People sampled twice in the campaign — two stations offline took the same person. Both swabs
 * are kept (either tube may come back positive); the list says where, so the sites can check.
 */
export async function conflictList(d: TestingDeps, actor: Actor, campaignId: number, area?: string) {
  assertCan(actor, 'readRecalls');
  const { area: a } = await campaignArea(d, actor, campaignId, area);
  const rows = await conflictsRepo.list(d.pool, campaignId, a, 1000);
  const people = new Map((await residentsByIds(d.pool, rows.map((r) => r.residentId))).map((p) => [p.id, p]));
  return { area: a, conflicts: rows.map((r) => ({ residentId: r.residentId, name: people.get(r.residentId)?.name ?? '', areaName: people.get(r.residentId)?.areaName ?? null, swabs: r.swabs })) };
}

/** Personal codes of an area's residents, a page at a time, to print for those without a phone; audited. */
export async function printableCodes(d: TestingDeps, actor: Actor, area: string, after: number, limit: number) {
  assertCan(actor, 'plan');
  scopedArea(actor, area);
  const page = await residentsPage(d.pool, area, after, limit);
  await audit(d.db, actor, 'testing.codes_printed', 'area', area, { after, count: page.length });
  return {
    area,
    codes: page.map((r) => ({ residentId: r.id, name: r.name, householdNo: r.householdNo, address: r.address, areaName: r.areaName, code: signPersonalCode(d.secret, r.id) })),
    next: page.length === limit ? page[page.length - 1].id : null,
  };
}
