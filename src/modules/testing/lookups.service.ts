import { AppError, notFound } from '../../lib/errors.js';
import { inScope, type Actor } from '../access/index.js';
import { residentByIdentity, residentsByIds, type ResidentBrief } from '../registry/index.js';
import { Loader } from '../../lib/loader.js';
import type { TestingDeps } from './campaigns.service.js';
import { signPersonalCode, verifyPersonalCode } from './testing.codes.js';
import { assertCan } from './testing.policy.js';
import { testingRepo } from './testing.repo.js';

type SampleRow = Awaited<ReturnType<typeof testingRepo.residentsSamples>>[number];

const shapeSample = (s: SampleRow) => ({
  campaign: s.title,
  scannedAt: s.scannedAt.toISOString(),
  pooled: s.poolSize > 1,
  // a pooled positive is not the person's result: they wait for their own retest
  result: s.result === 'positive' && s.poolSize > 1 ? null : s.result,
  resultedAt: s.resultedAt?.toISOString() ?? null,
  recall: s.recall,
});

type Sample = ReturnType<typeof shapeSample>;

/**
 * Residents' pages not in the cache are read together (see lib/loader.ts): when results come
 * out, the phones of a district ask by the thousand a second, and one query for the residents
 * and one for their samples serve all those asking in the same moment.
 */
function pageLoaders(d: TestingDeps) {
  return {
    people: new Loader<number, ResidentBrief>(async (ids) => new Map((await residentsByIds(d.pool, ids)).map((r) => [r.id, r]))),
    samples: new Loader<number, Sample[]>(async (ids) => {
      const byResident = new Map<number, Sample[]>(ids.map((id) => [id, []]));
      for (const s of await testingRepo.residentsSamples(d.pool, ids)) byResident.get(s.residentId)!.push(shapeSample(s));
      return byResident;
    }),
  };
}
const loaders = new WeakMap<TestingDeps, ReturnType<typeof pageLoaders>>();
const loadersOf = (d: TestingDeps) => loaders.get(d) ?? loaders.set(d, pageLoaders(d)).get(d)!;

type MyResults = { name: string; code: string; areaName: string | null; samples: Sample[] };

/**
 * Residents' pages, kept by each process: when results come out, a district
 * refreshes its phones by the hundred thousand. Any swab, result or recall
 * anywhere empties it (the events reach every process, see db/events.ts); an
 * answer read while something changed is not kept, so nothing stale is ever
 * served; and nothing stays longer than a minute, should an event be missed.
 */
class ResultCache {
  /** by the code itself: a code found here was verified when its page was kept, so a phone that
   * refreshes costs no HMAC (in a profile of lookups, verifying took a tenth of the process) */
  private entries = new Map<string, { value: MyResults; at: number }>();
  private generation = 0;
  constructor(
    private readonly max = 100_000,
    private readonly ttlMs = 60_000,
  ) {}
  get(code: string) {
    const e = this.entries.get(code);
    if (!e || Date.now() - e.at > this.ttlMs) return undefined;
    return e.value;
  }
  /** The generation a read starts in; `set` keeps its answer only if nothing changed meanwhile. */
  begin = () => this.generation;
  set(code: string, value: MyResults, generation: number) {
    if (generation !== this.generation) return;
    this.entries.delete(code);
    this.entries.set(code, { value, at: Date.now() });
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
  const cache = cacheOf(d);
  const hit = cache.get(code);
  if (hit) return hit;
  const id = verifyPersonalCode(d.secret, code);
  if (id === null) throw new AppError('TOKEN_INVALID', 'this code is not valid', 'code');
  const generation = cache.begin();
  const { people, samples } = loadersOf(d);
  const [me, mine] = await Promise.all([people.load(id), samples.load(id)]);
  if (!me) throw new AppError('TOKEN_INVALID', 'this code is not valid', 'code');
  // a code that verifies is the one we issued: no second HMAC to make it again
  const value = { name: me.name, code: code.trim(), areaName: me.areaName, samples: mine ?? [] };
  cache.set(code, value, generation);
  return value;
}

/** The public lookup: ID number, name and phone must all match one resident. */
export async function lookup(d: TestingDeps, q: { idNumber: string; name: string; phone: string }) {
  const me = await residentByIdentity(d.pool, q.idNumber.trim(), q.name.trim(), q.phone.trim());
  if (!me) throw notFound('resident with this ID number, name and phone');
  // the resident is read already: only the samples through the loader
  return { name: me.name, code: signPersonalCode(d.secret, me.id), areaName: me.areaName, samples: (await loadersOf(d).samples.load(me.id)) ?? [] };
}

/** A resident's personal code, to print for someone without a phone (a lead, inside their area). */
export async function personalCode(d: TestingDeps, actor: Actor, residentId: number) {
  assertCan(actor, 'readRecalls');
  const [r] = await residentsByIds(d.pool, [residentId]);
  if (!r || !inScope(actor, r.areaCode)) throw notFound('resident');
  return { residentId: r.id, name: r.name, areaName: r.areaName, code: signPersonalCode(d.secret, r.id) };
}

