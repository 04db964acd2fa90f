import { describe, expect, it } from 'vitest';
import { ResultCache } from './lookups.service.js';

const page = (s: string) => Buffer.from(s);

describe('the cache of residents’ pages', () => {
  it('keeps a page through swabs in other areas and drops it at a swab in its own', () => {
    const cache = new ResultCache();
    cache.set('code-east', page('east'), 'east', cache.begin());
    cache.set('code-west', page('west'), 'west', cache.begin());
    cache.changed('west');
    expect(cache.get('code-east')?.toString()).toBe('east');
    expect(cache.get('code-west')).toBeUndefined();
    cache.changed('east');
    expect(cache.get('code-east')).toBeUndefined();
    // read anew after the swab, kept again
    cache.set('code-east', page('east 2'), 'east', cache.begin());
    expect(cache.get('code-east')?.toString()).toBe('east 2');
  });

  it('does not keep a page read while its area changed, and keeps one read while another did', () => {
    const cache = new ResultCache();
    const east = cache.begin();
    const west = cache.begin();
    cache.changed('east'); // a swab lands while both reads are out
    cache.set('code-east', page('east'), 'east', east);
    cache.set('code-west', page('west'), 'west', west);
    expect(cache.get('code-east')).toBeUndefined();
    expect(cache.get('code-west')?.toString()).toBe('west');
  });

  it('drops every page at any other event, and a read that was out when it came', () => {
    const cache = new ResultCache();
    cache.set('a', page('a'), 'east', cache.begin());
    const out = cache.begin();
    cache.clear();
    cache.set('b', page('b'), 'west', out);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('b')).toBeUndefined();
    cache.set('b', page('b'), 'west', cache.begin());
    expect(cache.get('b')?.toString()).toBe('b');
  });
});
