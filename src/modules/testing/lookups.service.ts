import { AppError, notFound } from '../../lib/errors.js';
import { inScope, type Actor } from '../access/index.js';
import { residentByIdentity, residentsByIds } from '../registry/index.js';
import { Loader } from '../../lib/loader.js';
import type { TestingDeps } from './campaigns.service.js';
import { signPersonalCode, verifyPersonalCode } from './testing.codes.js';
import { assertCan } from './testing.policy.js';
import { testingRepo } from './testing.repo.js';

/**
 * Residents' pages not in the cache are read together (see lib/loader.ts): when results come
 * out, the phones of a district ask by the thousand a second, and one statement serves all
 * those asking in the same moment. PostgreSQL builds each page's JSON (migration 0020): parsing
 * the rows, shaping them and serialising the answer had taken the server's core, and a page
 * kept as the bytes it is sent as costs nothing to send again.
 */
const pageLoader = (d: TestingDeps) => new Loader<number, string>(async (ids) => new Map((await testingRepo.residentPages(d.pool, ids)).map((r) => [Number(r.id), r.page])));
const loaders = new WeakMap<TestingDeps, Loader<number, string>>();
const pagesOf = (d: TestingDeps) => loaders.get(d) ?? loaders.set(d, pageLoader(d)).get(d)!;

/** A resident's page as sent (S.MyResults): their code, then what PostgreSQL built ({name, areaName, samples}). */
const withCode = (code: string, page: string) => Buffer.from(`{"code":${JSON.stringify(code)},${page.slice(1)}`);
type Page = Buffer;

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
  private entries = new Map<string, { value: Page; at: number }>();
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
  set(code: string, value: Page, generation: number) {
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

/** What a resident's own page shows, from their personal code: their name, code and results (JSON). */
export async function myResults(d: TestingDeps, code: string): Promise<Page> {
  const cache = cacheOf(d);
  const hit = cache.get(code);
  if (hit) return hit;
  const id = verifyPersonalCode(d.secret, code);
  if (id === null) throw new AppError('TOKEN_INVALID', 'this code is not valid', 'code');
  const generation = cache.begin();
  const page = await pagesOf(d).load(id);
  if (!page) throw new AppError('TOKEN_INVALID', 'this code is not valid', 'code');
  // a code that verifies is the one we issued: no second HMAC to make it again
  const value = withCode(code.trim(), page);
  cache.set(code, value, generation);
  return value;
}

/** The public lookup: ID number, name and phone must all match one resident. */
export async function lookup(d: TestingDeps, q: { idNumber: string; name: string; phone: string }): Promise<Page> {
  const me = await residentByIdentity(d.pool, q.idNumber.trim(), q.name.trim(), q.phone.trim());
  const page = me && (await pagesOf(d).load(me.id));
  if (!page) throw notFound('resident with this ID number, name and phone');
  return withCode(signPersonalCode(d.secret, me.id), page);
}

/** A resident's personal code, to print for someone without a phone (a lead, inside their area). */
export async function personalCode(d: TestingDeps, actor: Actor, residentId: number) {
  assertCan(actor, 'readRecalls');
  const [r] = await residentsByIds(d.pool, [residentId]);
  if (!r || !inScope(actor, r.areaCode)) throw notFound('resident');
  return { residentId: r.id, name: r.name, areaName: r.areaName, code: signPersonalCode(d.secret, r.id) };
}

