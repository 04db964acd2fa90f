interface Entry<V> {
  value: Promise<V>;
  /** when the value was read */
  at: number;
  /** a load for this key is under way (the first, or a refresh) */
  loading: boolean;
}

/**
 * A small per-process cache for hot reads that change rarely (who a session is, a
 * campaign). Single flight: when an entry is missing, the first caller loads it and every
 * caller meanwhile waits for that same load — two hundred stations asking at once make one
 * query, not two hundred. A failed load is not kept.
 *
 * Refreshed ahead: past half its life an entry is still answered at once while one caller
 * reloads it, and only past its whole life does anyone wait. Expiring outright made every
 * request for a hot key wait for a reload that itself queued behind the database under load:
 * in a 10× surge, the commander's session expired and the requests that came in meanwhile were
 * all admitted (none was waiting for the database yet) and then served a second late together.
 * No value is ever older than `ttlMs`.
 */
export class TtlCache<K, V> {
  private entries = new Map<K, Entry<V>>();

  constructor(
    private readonly ttlMs: number,
    private readonly max = 50_000,
  ) {}

  get(key: K, load: () => Promise<V>): Promise<V> {
    const now = Date.now();
    const hit = this.entries.get(key);
    if (!hit || now - hit.at >= this.ttlMs) return this.load(key, load, now);
    if (!hit.loading && now - hit.at >= this.ttlMs / 2) this.refresh(key, hit, load, now);
    return hit.value;
  }

  delete(key: K) {
    this.entries.delete(key);
  }

  private load(key: K, load: () => Promise<V>, now: number) {
    const entry: Entry<V> = { value: load(), at: now, loading: true };
    if (this.entries.size >= this.max) this.entries.clear();
    this.entries.set(key, entry);
    entry.value.then(
      () => (entry.loading = false),
      () => this.entries.get(key) === entry && this.entries.delete(key),
    );
    return entry.value;
  }

  /** Reloads in the background; the entry in hand keeps answering until the new value is read. */
  private refresh(key: K, stale: Entry<V>, load: () => Promise<V>, now: number) {
    stale.loading = true;
    load().then(
      // not if it was deleted (a sign-out) or replaced meanwhile
      (value) => this.entries.get(key) === stale && this.entries.set(key, { value: Promise.resolve(value), at: now, loading: false }),
      () => (stale.loading = false), // the old value serves out its life; past it a caller waits for a load
    );
  }
}
