import type pg from 'pg';
import { AppError, notFound } from '../../lib/errors.js';
import { assertInScope, type Actor } from '../access/index.js';
import { residentByIdentity, residentInArea } from '../registry/index.js';
import { Loader } from '../../lib/loader.js';
import type { DomainEvent } from '../../db/events.js';
import type { TestingDeps } from './campaigns.service.js';
import { signPersonalCode, verifyPersonalCode } from './testing.codes.js';
import { assertCan } from './testing.policy.js';
import { notifyEvents, testingRepo } from './testing.repo.js';

/**
 * Residents' pages not in the cache are read together (see lib/loader.ts): when results come
 * out, the phones of a district ask by the thousand a second, and one statement serves all
 * those asking in the same moment. PostgreSQL builds each page's JSON (migration 0020): parsing
 * the rows, shaping them and serialising the answer had taken the server's core, and a page
 * kept as the bytes it is sent as costs nothing to send again.
 */
type Built = { areaCode: string; page: string };
const pageLoader = (d: TestingDeps) => new Loader<number, Built>(async (ids) => new Map((await testingRepo.residentPages(d.pool, ids)).map((r) => [Number(r.id), r])));
const loaders = new WeakMap<TestingDeps, Loader<number, Built>>();
const pagesOf = (d: TestingDeps) => loaders.get(d) ?? loaders.set(d, pageLoader(d)).get(d)!;

/** A resident's page as sent (S.MyResults): their code, then what PostgreSQL built ({name, areaName, samples}). */
const withCode = (code: string, page: string) => Buffer.from(`{"code":${JSON.stringify(code)},${page.slice(1)}`);
type Page = Buffer;

/**
 * Residents' pages, kept by each process: when results come out, a district
 * refreshes its phones by the hundred thousand. A swab makes the pages of its
 * resident's own area (grid or village) stale, since it is announced by that
 * area, and any other testing event anywhere all of them (the events reach
 * every process, see db/events.ts). A page read while its area
 * changed is not kept, so nothing stale is ever served; and nothing stays longer
 * than a minute, should an event be missed. (Emptied by every swab, the cache
 * had served nothing while a campaign was sampling, for days at a city's scale.)
 */
export class ResultCache {
  /** by the code itself: a code found here was verified when its page was kept, so a phone that
   * refreshes costs no HMAC (in a profile of lookups, verifying took a tenth of the process) */
  private entries = new Map<string, { value: Page; area: string; generation: number; at: number }>();
  /** counts the events; a page is stale when its area changed in a later one */
  private generation = 0;
  private clearedAt = 0;
  private changedAt = new Map<string, number>();
  constructor(
    private readonly max = 100_000,
    private readonly ttlMs = 60_000,
  ) {}
  private fresh = (area: string, generation: number) => generation >= this.clearedAt && (this.changedAt.get(area) ?? 0) <= generation;
  get(code: string) {
    const e = this.entries.get(code);
    if (!e || Date.now() - e.at > this.ttlMs || !this.fresh(e.area, e.generation)) return undefined;
    return e.value;
  }
  /** The generation a read starts in; `set` keeps its answer only if its area did not change meanwhile. */
  begin = () => this.generation;
  set(code: string, value: Page, area: string, generation: number) {
    if (!this.fresh(area, generation)) return;
    this.entries.delete(code);
    this.entries.set(code, { value, area, generation, at: Date.now() });
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
  }
  /** Swabs taken in this area: its pages are stale, the others' not. */
  changed(area: string) {
    this.changedAt.set(area, ++this.generation);
  }
  clear() {
    this.clearedAt = ++this.generation;
    this.changedAt.clear();
    this.entries.clear();
  }
}
const caches = new WeakMap<TestingDeps, ResultCache>();
const cacheOf = (d: TestingDeps) => caches.get(d) ?? caches.set(d, new ResultCache()).get(d)!;

/** Called for every testing event of any process (a swab changes its resident's area's pages only), and with null when events may have been missed. */
export const forgetResults = (d: TestingDeps, e: DomainEvent | null) => (e?.name === 'testing.sampled' ? cacheOf(d).changed(e.areaCode) : cacheOf(d).clear());

/** What a resident's own page shows, from their personal code: their name, code and results (JSON). */
export async function myResults(d: TestingDeps, code: string): Promise<Page> {
  const cache = cacheOf(d);
  const hit = cache.get(code);
  if (hit) return hit;
  const id = verifyPersonalCode(d.secret, code);
  if (id === null) throw new AppError('TOKEN_INVALID', 'this code is not valid', 'code');
  const generation = cache.begin();
  const built = await pagesOf(d).load(id);
  if (!built) throw new AppError('TOKEN_INVALID', 'this code is not valid', 'code');
  // a code that verifies is the one we issued: no second HMAC to make it again
  const value = withCode(code.trim(), built.page);
  cache.set(code, value, built.areaCode, generation);
  return value;
}

/** The public lookup: ID number, name and phone must all match one resident. */
export async function lookup(d: TestingDeps, q: { idNumber: string; name: string; phone: string }): Promise<Page> {
  const me = await residentByIdentity(d.pool, q.idNumber.trim(), q.name.trim(), q.phone.trim());
  const built = me && (await pagesOf(d).load(me.id));
  if (!built) throw notFound('resident with this ID number, name and phone');
  return withCode(signPersonalCode(d.secret, me.id), built.page);
}

/** A resident's personal code, to print for someone without a phone (a lead, inside their area). */
export async function personalCode(d: TestingDeps, actor: Actor, residentId: number) {
  assertCan(actor, 'readRecalls');
  const r = assertInScope(actor, await residentInArea(d.pool, residentId, actor.areaCode), 'resident');
  return { residentId: r.id, name: r.name, areaName: r.areaName, code: signPersonalCode(d.secret, r.id) };
}


/**
 * `bastion purge` erased these residents (inside its transaction): their codes name no one now
 * (the registry gives no page and takes no swab for them). Every process empties its residents'
 * pages on commit, so none is served from a cache either. The swabs, tubes, results and recalls
 * stay: they name a resident's id only, and coverage counts them.
 */
export async function forgetPurgedResidents(client: pg.PoolClient, areaCode: string, residentIds: number[]) {
  if (residentIds.length) await notifyEvents(client, [{ name: 'testing.residents_purged', areaCode, data: { residents: residentIds.length } }]);
}
