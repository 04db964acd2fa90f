import { describe, expect, it } from 'vitest';
import { Loader } from './loader.js';

describe('read batching', () => {
  it('fetches the keys asked for together in one call, each once, and answers each its own', async () => {
    const calls: number[][] = [];
    const loader = new Loader<number, string>(async (keys) => {
      calls.push(keys);
      return new Map(keys.filter((k) => k !== 4).map((k) => [k, `v${k}`]));
    });
    const answers = await Promise.all([1, 2, 3, 2, 4].map((k) => loader.load(k)));
    expect(answers).toEqual(['v1', 'v2', 'v3', 'v2', undefined]);
    expect(calls).toEqual([[1, 2, 3, 4]]);
    // a later turn is a new batch
    expect(await loader.load(5)).toBe('v5');
    expect(calls).toHaveLength(2);
  });

  it('cuts a long queue into batches of the largest size', async () => {
    const sizes: number[] = [];
    const loader = new Loader<number, number>(async (keys) => {
      sizes.push(keys.length);
      return new Map(keys.map((k) => [k, k * 2]));
    }, 100);
    const answers = await Promise.all(Array.from({ length: 250 }, (_, k) => loader.load(k)));
    expect(answers).toEqual(Array.from({ length: 250 }, (_, k) => k * 2));
    expect(sizes).toEqual([100, 100, 50]);
  });

  it('fails every caller of a batch whose fetch fails, and the next batch is fetched anew', async () => {
    let fail = true;
    const loader = new Loader<number, number>(async (keys) => {
      if (fail) throw new Error('database gone');
      return new Map(keys.map((k) => [k, k]));
    });
    const settled = await Promise.allSettled([1, 2].map((k) => loader.load(k)));
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    expect(await loader.load(1)).toBe(1);
  });
});
