/**
 * A small per-process cache for hot reads that change rarely (who a session is, a
 * campaign). Single flight: when an entry is missing or stale, the first caller loads it
 * and every caller meanwhile waits for that same load — two hundred stations asking at
 * once make one query, not two hundred. A failed load is not kept.
 */
export class TtlCache<K, V> {
  private entries = new Map<K, { value: Promise<V>; until: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly max = 50_000,
  ) {}

  get(key: K, load: () => Promise<V>): Promise<V> {
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit && hit.until > now) return hit.value;
    const value = load();
    if (this.entries.size >= this.max) this.entries.clear();
    this.entries.set(key, { value, until: now + this.ttlMs });
    value.catch(() => this.entries.delete(key));
    return value;
  }

  delete(key: K) {
    this.entries.delete(key);
  }
}
