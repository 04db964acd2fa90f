import { TtlCache } from '../../lib/cache.js';
import type pg from 'pg';
import { Batcher } from '../../db/batch.js';
import { inTransaction } from '../../db/transaction.js';
import { AppError, invalid, notFound } from '../../lib/errors.js';
import type { Actor } from '../access/index.js';
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

export type ScanRefusal = 'TUBE_SEALED' | 'TUBE_FULL' | 'WRONG_CAMPAIGN' | 'CODE_INVALID' | 'CAMPAIGN_CLOSED' | 'CAMPAIGN_UNKNOWN';
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

/** Campaigns change rarely and every scan names one: each process keeps them a few seconds. */
const campaignCache = new TtlCache<number, CampaignRow | undefined>(5000, 1000);
const cachedCampaign = (pool: pg.Pool, id: number) => campaignCache.get(id, () => testingRepo.campaign(pool, id));

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
  const campaigns = new Map(await Promise.all([...new Set(scans.map((s) => s.campaignId))].map(async (id) => [id, await cachedCampaign(d.pool, id)] as const)));
  // Every field is checked before any scan is written: a bad request writes nothing.
  const times = scans.map((s, n) => {
    if (!TUBE_CODE.test(s.tube)) throw invalid(`scans/${n}/tube`, 'a tube barcode: 4–32 letters, digits or -');
    const at = s.at ? new Date(s.at) : new Date();
    if (Number.isNaN(at.getTime())) throw invalid(`scans/${n}/at`, 'not a date and time');
    return at;
  });
  // Submitted in the station's order, in one turn of the event loop: a backlog is judged as it was scanned.
  return Promise.all(
    scans.map((s, n): ScanAnswer | Promise<ScanAnswer> => {
      const refuse = (code: ScanRefusal): ScanAnswer => ({ id: s.id, outcome: 'refused', tube: s.tube, code });
      const campaign = campaigns.get(s.campaignId);
      if (!campaign || !actor.areaCode.startsWith(campaign.areaCode)) return refuse('CAMPAIGN_UNKNOWN');
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
  const t = await testingRepo.tube(d.pool, code);
  if (!t || !t.areaCode.startsWith(actor.areaCode)) throw notFound('tube');
  return (await testingRepo.seal(d.pool, code)) ?? t;
}

/** Packs sealed tubes into a box at the site, ready for transport: all of them, or none. Again: no change. */
export async function shipBox(d: TestingDeps, actor: Actor, boxCode: string, codes: string[]) {
  assertCan(actor, 'sample');
  return inTransaction(d.pool, async (c) => {
    const found = new Map((await testingRepo.lockTubes(c, codes)).map((t) => [t.code, t]));
    codes.forEach((code, n) => {
      const t = found.get(code);
      if (!t || !t.areaCode.startsWith(actor.areaCode)) throw new AppError('TUBE_UNKNOWN', `no tube ${code} at this station`, `tubes/${n}`, { tube: code });
      if (t.boxCode === boxCode && t.status !== 'open' && t.status !== 'sealed') return; // a retried packing
      if (t.status !== 'sealed') throw new AppError('TUBE_NOT_SEALED', `tube ${code} is ${t.status}`, `tubes/${n}`, { tube: code, status: t.status });
    });
    await testingRepo.pack(c, boxCode, codes);
    return { box: boxCode, tubes: codes.length };
  });
}

/** Transport takes a packed box from the site (its scan of the box). Again: no change. */
export async function pickUpBox(d: TestingDeps, actor: Actor, boxCode: string) {
  assertCan(actor, 'transport');
  return inTransaction(d.pool, async (c) => {
    const tubes = await testingRepo.boxTubes(c, boxCode);
    if (!tubes.length || !tubes.every((t) => t.areaCode.startsWith(actor.areaCode))) throw notFound('box');
    const early = tubes.find((t) => t.status === 'open' || t.status === 'sealed');
    if (early) throw new AppError('TUBE_NOT_SEALED', `tube ${early.code} is not packed`, 'box', { tube: early.code });
    await testingRepo.pickUp(c, boxCode);
    return { box: boxCode, tubes: tubes.length };
  });
}

/** Boxes on the road inside the actor's area: taken by transport, not yet received by a lab. */
export async function boxesInTransit(d: TestingDeps, actor: Actor) {
  assertCan(actor, 'transport');
  const boxes = await testingRepo.boxesInTransit(d.pool, actor.areaCode, 200);
  const villageOf = (b: { areaCode: string }) => b.areaCode.slice(0, 12); // a station's area: its village, or a grid of it
  const names = await areaNames(d.pool, [...new Set(boxes.map(villageOf))]);
  return boxes.map((b) => ({ ...b, areaName: names.get(villageOf(b)) ?? null, shippedAt: b.shippedAt.toISOString() }));
}

/** The lab scans a box on arrival: its tubes are received by that lab. Again: no change. */
export async function receiveBox(d: TestingDeps, actor: Actor, boxCode: string) {
  assertCan(actor, 'receive');
  const lab = await labOf(d, actor);
  return inTransaction(d.pool, async (c) => {
    const tubes = await testingRepo.boxTubes(c, boxCode);
    if (!tubes.length) throw notFound('box');
    const other = tubes.find((t) => t.labId !== null && t.labId !== lab.id);
    if (other) throw new AppError('CONFLICT', `box ${boxCode} was received by another laboratory`, 'box');
    // each step is scanned: a box transport never took has not left the site
    if (tubes.some((t) => t.status !== 'in_transit' && t.labId !== lab.id)) throw new AppError('CONFLICT', `box ${boxCode} has not been taken by transport`, 'box');
    await testingRepo.receive(c, boxCode, lab.id);
    return { box: boxCode, tubes: tubes.length, lab: lab.name };
  });
}
