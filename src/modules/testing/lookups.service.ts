import { AppError, notFound } from '../../lib/errors.js';
import { inScope, type Actor } from '../access/index.js';
import { residentByIdentity, residentsByIds } from '../registry/index.js';
import type { TestingDeps } from './campaigns.service.js';
import { signPersonalCode, verifyPersonalCode } from './testing.codes.js';
import { assertCan } from './testing.policy.js';
import { testingRepo } from './testing.repo.js';

async function resultsOf(d: TestingDeps, residentId: number) {
  const samples = await testingRepo.residentSamples(d.pool, residentId);
  return samples.map((s) => ({
    campaign: s.title,
    scannedAt: s.scannedAt.toISOString(),
    pooled: s.poolSize > 1,
    // a pooled positive is not the person's result: they wait for their own retest
    result: s.result === 'positive' && s.poolSize > 1 ? null : s.result,
    resultedAt: s.resultedAt?.toISOString() ?? null,
    recall: s.recall,
  }));
}

type MyResults = { name: string; code: string; areaName: string | null; samples: Awaited<ReturnType<typeof resultsOf>> };

/**
 * Residents' pages, kept by each process: when results come out, a district
 * refreshes its phones by the hundred thousand. Any swab, result or recall
 * anywhere empties it (the events reach every process, see db/events.ts); an
 * answer read while something changed is not kept, so nothing stale is ever
 * served; and nothing stays longer than a minute, should an event be missed.
 */
class ResultCache {
  private entries = new Map<number, { value: MyResults; at: number }>();
  private generation = 0;
  constructor(
    private readonly max = 100_000,
    private readonly ttlMs = 60_000,
  ) {}
  get(id: number) {
    const e = this.entries.get(id);
    if (!e || Date.now() - e.at > this.ttlMs) return undefined;
    return e.value;
  }
  /** The generation a read starts in; `set` keeps its answer only if nothing changed meanwhile. */
  begin = () => this.generation;
  set(id: number, value: MyResults, generation: number) {
    if (generation !== this.generation) return;
    this.entries.delete(id);
    this.entries.set(id, { value, at: Date.now() });
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
  }
  clear() {
    this.generation++;
    this.entries.clear();
  }
}
const caches = new WeakMap<TestingDeps, ResultCache>();
const cacheOf = (d: TestingDeps) => caches.get(d) ?? caches.set(d, new ResultCache()).get(d)!;

/** Called for every testing event of any process. */
export const forgetResults = (d: TestingDeps) => cacheOf(d).clear();

/** What a resident's own page shows, from their personal code: their name, code and results. */
export async function myResults(d: TestingDeps, code: string): Promise<MyResults> {
  const id = verifyPersonalCode(d.secret, code);
  if (id === null) throw new AppError('TOKEN_INVALID', 'this code is not valid', 'code');
  const cache = cacheOf(d);
  const hit = cache.get(id);
  if (hit) return hit;
  const generation = cache.begin();
  const [[me], samples] = await Promise.all([residentsByIds(d.pool, [id]), resultsOf(d, id)]);
  if (!me) throw new AppError('TOKEN_INVALID', 'this code is not valid', 'code');
  const value = { name: me.name, code: signPersonalCode(d.secret, me.id), areaName: me.areaName, samples };
  cache.set(id, value, generation);
  return value;
}

/** The public lookup: ID number, name and phone must all match one resident. */
export async function lookup(d: TestingDeps, q: { idNumber: string; name: string; phone: string }) {
  const me = await residentByIdentity(d.pool, q.idNumber.trim(), q.name.trim(), q.phone.trim());
  if (!me) throw notFound('resident with this ID number, name and phone');
  return { name: me.name, code: signPersonalCode(d.secret, me.id), areaName: me.areaName, samples: await resultsOf(d, me.id) };
}

/** A resident's personal code, to print for someone without a phone (a lead, inside their area). */
export async function personalCode(d: TestingDeps, actor: Actor, residentId: number) {
  assertCan(actor, 'readRecalls');
  const [r] = await residentsByIds(d.pool, [residentId]);
  if (!r || !inScope(actor, r.areaCode)) throw notFound('resident');
  return { residentId: r.id, name: r.name, areaName: r.areaName, code: signPersonalCode(d.secret, r.id) };
}

