import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TtlCache } from './cache.js';

/** A load whose answers the test hands out one by one, counting the calls. */
function source() {
  const pending: { resolve: (v: string) => void; reject: (e: Error) => void }[] = [];
  const load = vi.fn(() => new Promise<string>((resolve, reject) => pending.push({ resolve, reject })));
  return { load, answer: (v: string) => pending.shift()!.resolve(v), fail: () => pending.shift()!.reject(new Error('database gone')) };
}

/** A cache (life 1 s) already holding `first` for the key `k`, read once from its source. */
async function holding(first: string) {
  const s = source();
  const cache = new TtlCache<string, string>(1000);
  const loaded = cache.get('k', s.load);
  s.answer(first);
  await loaded;
  return { s, cache };
}

/** Whether a promise has settled, without waiting for it. */
const settled = async (p: Promise<unknown>) => {
  let done = false;
  p.then(() => (done = true), () => (done = true));
  await Promise.resolve();
  await Promise.resolve();
  return done;
};

describe('the per-process cache', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['Date'] }));
  afterEach(() => vi.useRealTimers());

  it('loads a missing key once for every caller meanwhile, and keeps it', async () => {
    const s = source();
    const cache = new TtlCache<string, string>(1000);
    const a = cache.get('k', s.load);
    const b = cache.get('k', s.load);
    s.answer('v1');
    expect([await a, await b]).toEqual(['v1', 'v1']);
    vi.advanceTimersByTime(499);
    expect(await cache.get('k', s.load)).toBe('v1');
    expect(s.load).toHaveBeenCalledTimes(1);
  });

  it('past half its life answers at once from the entry while one caller refreshes it', async () => {
    const { s, cache } = await holding('v1');
    vi.advanceTimersByTime(600);
    const during = [cache.get('k', s.load), cache.get('k', s.load)];
    expect(await settled(during[0])).toBe(true); // nobody waits for the refresh
    expect(await Promise.all(during)).toEqual(['v1', 'v1']);
    expect(s.load).toHaveBeenCalledTimes(2); // one refresh for both
    s.answer('v2');
    await vi.waitFor(async () => expect(await cache.get('k', s.load)).toBe('v2'));
    expect(s.load).toHaveBeenCalledTimes(2);
  });

  it('never answers from an entry past its whole life: the caller waits for a load', async () => {
    const { s, cache } = await holding('v1');
    vi.advanceTimersByTime(1000);
    const late = cache.get('k', s.load);
    expect(await settled(late)).toBe(false);
    s.answer('v2');
    expect(await late).toBe('v2');
  });

  it('keeps no failed load, and a failed refresh leaves the old value to serve out its life', async () => {
    const s = source();
    const cache = new TtlCache<string, string>(1000);
    const failed = cache.get('k', s.load);
    s.fail();
    await expect(failed).rejects.toThrow('database gone');
    const second = cache.get('k', s.load);
    s.answer('v1');
    expect(await second).toBe('v1');
    vi.advanceTimersByTime(600);
    expect(await cache.get('k', s.load)).toBe('v1');
    s.fail(); // the refresh
    await Promise.resolve();
    expect(await cache.get('k', s.load)).toBe('v1');
    expect(s.load).toHaveBeenCalledTimes(4); // the failed refresh let the next caller try again
  });

  it('does not bring back a deleted key when a refresh started before the delete comes in', async () => {
    const { s, cache } = await holding('signed in');
    vi.advanceTimersByTime(600);
    await cache.get('k', s.load); // starts a refresh
    cache.delete('k'); // signed out
    s.answer('signed in');
    await Promise.resolve();
    const after = cache.get('k', s.load);
    s.answer('signed out');
    expect(await after).toBe('signed out');
  });
});
