import { TtlCache } from '../../lib/cache.js';
import type pg from 'pg';
import { Batcher } from '../../db/batch.js';
import { inTransaction } from '../../db/transaction.js';
import { AppError, invalid, notFound } from '../../lib/errors.js';
import { assertInScope, inScope, type Actor } from '../access/index.js';
import { areaNames } from '../registry/index.js';
import { labOf, type TestingDeps } from './campaigns.service.js';
import { verifyPersonalCode } from './testing.codes.js';
import { assertCan } from './testing.policy.js';
import { testingRepo, type CampaignRow } from './testing.repo.js';

/** One swab as the station sends it: its own id (so a retried sync is one sample), the tube, the person's code. */
export interface ScanInput {
  id: string;
  campaignId: number;
  tube: string;
  person: string;
  /** when the station scanned it, by its clock; now if absent */
  at?: string;
}

export type ScanRefusal = 'TUBE_SEALED' | 'TUBE_FULL' | 'WRONG_CAMPAIGN' | 'WRONG_SITE' | 'CODE_INVALID' | 'CAMPAIGN_CLOSED' | 'CAMPAIGN_UNKNOWN';
export type ScanAnswer =
  | { id: string; outcome: 'recorded' | 'already_recorded'; tube: string; members: number; poolSize: number; repeat: boolean }
  | { id: string; outcome: 'refused'; tube: string; code: ScanRefusal };

interface ScanWrite {
  scanId: string;
  campaign: CampaignRow;
  tube: string;
  residentId: number;
  station: string;
  stationArea: string;
  scannedAt: Date;
}

/** Campaigns change rarely and every scan names one: each process keeps them, as each station's area sees them, a few seconds. */
const campaignCache = new TtlCache<string, CampaignRow | undefined>(5000, 10_000);
const cachedCampaign = (pool: pg.Pool, id: number, area: string) => campaignCache.get(`${id}:${area}`, () => testingRepo.campaign(pool, id, area));

const TUBE_CODE = /^[0-9A-Za-z-]{4,32}$/;

/** Writes a batch of scans with one statement, in its own transaction (testingRepo.recordScans): one round trip. */
async function writeScans(client: pg.PoolClient, items: ScanWrite[]): Promise<ScanAnswer[]> {
  const rows = await testingRepo.recordScans(
    client,
    items.map((i) => ({ scanId: i.scanId, campaignId: i.campaign.id, poolSize: i.campaign.poolSize, tube: i.tube, residentId: i.residentId, station: i.station, stationArea: i.stationArea, scannedAt: i.scannedAt })),
  );
  return rows.map((r, n): ScanAnswer =>
    r.outcome === 'refused'
      ? { id: items[n].scanId, outcome: 'refused', tube: r.tube, code: r.refusal as ScanRefusal }
      : { id: items[n].scanId, outcome: r.outcome, tube: r.tube, members: r.members!, poolSize: items[n].campaign.poolSize, repeat: r.repeat! },
  );
}

const batchers = new WeakMap<TestingDeps, Batcher<ScanWrite, ScanAnswer>>();
function scanBatcher(d: TestingDeps) {
  let b = batchers.get(d);
  if (!b) {
    b = new Batcher(d.pool, (client, items) => writeScans(client, items), { maxBatch: 500, maxInFlight: 2, ownTransaction: true });
    batchers.set(d, b);
  }
  return b;
}

/**
 * Records swabs from a station: one, or a backlog synced after the network
 * returned. Each is answered on its own (recorded, already recorded, refused
 * with a reason); every answer comes after its commit. Scans of many stations
 * arriving together share a transaction (see db/batch.ts).
 */
export async function recordScans(d: TestingDeps, actor: Actor, scans: ScanInput[]): Promise<ScanAnswer[]> {
  assertCan(actor, 'sample');
  const campaigns = new Map(await Promise.all([...new Set(scans.map((s) => s.campaignId))].map(async (id) => [id, await cachedCampaign(d.pool, id, actor.areaCode)] as const)));
  // Every field is checked before any scan is written: a bad request writes nothing.
  const times = scans.map((s, n) => {
    if (!TUBE_CODE.test(s.tube)) throw invalid(`scans/${n}/tube`, 'TUBE_CODE_INVALID');
    const at = s.at ? new Date(s.at) : new Date();
    if (Number.isNaN(at.getTime())) throw invalid(`scans/${n}/at`, 'DATE_INVALID');
    return at;
  });
  // Submitted in the station's order, in one turn of the event loop: a backlog is judged as it was scanned.
  return Promise.all(
    scans.map((s, n): ScanAnswer | Promise<ScanAnswer> => {
      const refuse = (code: ScanRefusal): ScanAnswer => ({ id: s.id, outcome: 'refused', tube: s.tube, code });
      const campaign = campaigns.get(s.campaignId);
      // a station samples for a campaign over its area, not for one over only part of it
      if (!campaign || !inScope(campaign, actor.areaCode)) return refuse('CAMPAIGN_UNKNOWN');
      if (campaign.status !== 'running') return refuse('CAMPAIGN_CLOSED');
      const residentId = verifyPersonalCode(d.secret, s.person);
      if (residentId === null) return refuse('CODE_INVALID');
      return scanBatcher(d).submit({ scanId: s.id, campaign, tube: s.tube, residentId, station: actor.username, stationArea: actor.areaCode, scannedAt: times[n] });
    }),
  );
}

/** Seals a tube at the station: no more swabs go in. Sealing again changes nothing. */
export async function sealTube(d: TestingDeps, actor: Actor, code: string) {
  assertCan(actor, 'sample');
  const t = assertInScope(actor, await testingRepo.tube(d.pool, code, actor.areaCode), 'tube');
  return (await testingRepo.seal(d.pool, code, actor.areaCode)) ?? t;
}

/**
 * Packs sealed tubes into a box at the site for the lab it names, ready for transport: all of
 * them, or none. Only that lab receives the box and gives its tubes' results. Again: no change.
 */
export async function shipBox(d: TestingDeps, actor: Actor, boxCode: string, codes: string[], labId: number) {
  assertCan(actor, 'sample');
  return inTransaction(d.pool, async (c) => {
    const lab = await testingRepo.lab(c, labId);
    if (!lab) throw new AppError('NOT_FOUND', `no laboratory ${labId}`, 'lab');
    const found = new Map((await testingRepo.lockTubes(c, codes, actor.areaCode)).map((t) => [t.code, t]));
    codes.forEach((code, n) => {
      const t = found.get(code);
      if (!t) throw new AppError('TUBE_UNKNOWN', `no tube ${code} at this station`, `tubes/${n}`, { tube: code });
      if (t.boxCode === boxCode && t.status !== 'open' && t.status !== 'sealed') {
        if (t.labId !== lab.id) throw new AppError('CONFLICT', `box ${boxCode} was packed for another laboratory`, 'lab');
        return; // a retried packing
      }
      if (t.status !== 'sealed') throw new AppError('TUBE_NOT_SEALED', `tube ${code} is ${t.status}`, `tubes/${n}`, { tube: code, status: t.status });
    });
    // a box goes to one lab: tubes packed into it before are for this one
    if ((await testingRepo.boxLabs(c, boxCode, codes)).some((l) => l !== lab.id)) throw new AppError('CONFLICT', `box ${boxCode} was packed for another laboratory`, 'lab');
    await testingRepo.pack(c, boxCode, codes, lab.id);
    return { box: boxCode, tubes: codes.length, lab: lab.name };
  });
}

/** Transport takes a packed box from the site (its scan of the box). Again: no change. */
export async function pickUpBox(d: TestingDeps, actor: Actor, boxCode: string) {
  assertCan(actor, 'transport');
  return inTransaction(d.pool, async (c) => {
    const tubes = await testingRepo.boxTubes(c, boxCode, actor.areaCode);
    if (!tubes.length) throw notFound('box');
    const early = tubes.find((t) => t.status === 'open' || t.status === 'sealed');
    if (early) throw new AppError('TUBE_NOT_SEALED', `tube ${early.code} is not packed`, 'box', { tube: early.code });
    await testingRepo.pickUp(c, boxCode, actor.areaCode);
    return { box: boxCode, tubes: tubes.length };
  });
}

/** Boxes on the road inside the actor's area: taken by transport, not yet received by a lab; each with the lab it goes to. */
export async function boxesInTransit(d: TestingDeps, actor: Actor) {
  assertCan(actor, 'transport');
  const boxes = await testingRepo.boxesInTransit(d.pool, actor.areaCode, 200);
  const villageOf = (b: { areaCode: string }) => b.areaCode.slice(0, 12); // a station's area: its village, or a grid of it
  const names = await areaNames(d.pool, [...new Set(boxes.map(villageOf))]);
  return boxes.map((b) => ({ ...b, areaName: names.get(villageOf(b)) ?? null, shippedAt: b.shippedAt.toISOString() }));
}

/**
 * The lab scans a box on arrival: its tubes are received. Only the lab the box was packed for
 * receives it; to any other lab it is not found, as a box that does not exist. Again: no change.
 */
export async function receiveBox(d: TestingDeps, actor: Actor, boxCode: string) {
  assertCan(actor, 'receive');
  const lab = await labOf(d, actor);
  return inTransaction(d.pool, async (c) => {
    const tubes = await testingRepo.labBoxTubes(c, boxCode, lab.id);
    if (!tubes.length) throw notFound('box');
    // each step is scanned: a box transport never took has not left the site
    if (tubes.some((t) => t.status === 'open' || t.status === 'sealed' || t.status === 'packed')) throw new AppError('CONFLICT', `box ${boxCode} has not been taken by transport`, 'box');
    await testingRepo.receive(c, boxCode, lab.id);
    return { box: boxCode, tubes: tubes.length, lab: lab.name };
  });
}
