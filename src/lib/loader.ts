/**
 * Read batching for hot reads by key (a resident's page when results come out): the keys
 * asked for in one turn of the event loop are fetched together, in one query per table
 * instead of one per request, and a key asked for twice meanwhile is fetched once. What a
 * query costs beyond its rows (a round trip, planning, the driver's work) is then shared.
 */
export class Loader<K, V> {
  private pending = new Map<K, { resolve: (v: V | undefined) => void; reject: (e: unknown) => void }[]>();
  private scheduled = false;

  constructor(
    /** the values of these keys; a key without a value is left out */
    private readonly fetch: (keys: K[]) => Promise<Map<K, V>>,
    private readonly maxBatch = 500,
  ) {}

  load(key: K): Promise<V | undefined> {
    return new Promise((resolve, reject) => {
      const waiting = this.pending.get(key);
      if (waiting) waiting.push({ resolve, reject });
      else this.pending.set(key, [{ resolve, reject }]);
      if (this.pending.size >= this.maxBatch) this.run();
      else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.run());
      }
    });
  }

  private run() {
    this.scheduled = false;
    if (!this.pending.size) return;
    const batch = this.pending;
    this.pending = new Map();
    this.fetch([...batch.keys()]).then(
      (values) => {
        for (const [k, waiting] of batch) for (const w of waiting) w.resolve(values.get(k));
      },
      (e) => {
        for (const waiting of batch.values()) for (const w of waiting) w.reject(e);
      },
    );
  }
}
