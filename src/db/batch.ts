import type pg from 'pg';
import { inTransaction } from './transaction.js';

/**
 * Group commit for hot paths (check-ins, scans): requests arriving within a few
 * milliseconds are written in one transaction, and each caller is answered only
 * after that transaction has committed. Durability stays as it is (fsync and
 * synchronous_commit on); the cost of a commit is shared. A batch reads by key only
 * (see `byKey` in transaction.ts).
 */
export class Batcher<In, Out> {
  private queue: { item: In; resolve: (o: Out) => void; reject: (e: unknown) => void }[] = [];
  private timer: NodeJS.Timeout | null = null;
  private inFlight = 0;

  constructor(
    private readonly pool: pg.Pool,
    /** writes the batch inside the open transaction; one result per item, in order */
    private readonly write: (client: pg.PoolClient, items: In[]) => Promise<Out[]>,
    private readonly opts: { maxBatch: number; maxWaitMs: number; maxInFlight: number } = { maxBatch: 500, maxWaitMs: 2, maxInFlight: 4 },
  ) {}

  submit(item: In): Promise<Out> {
    return new Promise<Out>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (this.queue.length >= this.opts.maxBatch) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.opts.maxWaitMs);
    });
  }

  private flush() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!this.queue.length || this.inFlight >= this.opts.maxInFlight) {
      // all writers busy: the next one to finish takes the queue
      return;
    }
    const batch = this.queue.splice(0, this.opts.maxBatch);
    this.inFlight++;
    void this.run(batch).finally(() => {
      this.inFlight--;
      if (this.queue.length) this.flush();
    });
  }

  private async run(batch: typeof this.queue) {
    try {
      const out = await inTransaction(this.pool, (client) => this.write(client, batch.map((b) => b.item)), { byKey: true });
      batch.forEach((b, i) => b.resolve(out[i]));
    } catch (e) {
      for (const b of batch) b.reject(e);
    }
  }
}
