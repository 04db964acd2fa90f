import type pg from 'pg';
import { inTransaction, withClient } from './transaction.js';

/**
 * Group commit for hot paths (check-ins, scans): requests that arrive while the
 * writers are busy are written together in one transaction, and each caller is
 * answered only after that transaction has committed. Durability stays as it is
 * (fsync and synchronous_commit on); the cost of a commit is shared. A batch reads
 * by key only (see `byKey` in transaction.ts).
 *
 * Batches form by themselves, without a timer: a request goes out at once when a
 * writer is free (with whatever arrived in the same turn of the event loop), and
 * otherwise waits for the next writer to finish, joining everything that arrived
 * meanwhile. Quiet, a swab waits for nothing; under load, batches grow with it, and
 * each transaction's fixed cost (its statements, its commit) is shared by more.
 * (With a 2 ms timer instead, a steady 3,000 swabs a second went out eight to a
 * batch, and the statements of so many batches took the CPU the requests needed.)
 */
export class Batcher<In, Out> {
  private queue: { item: In; resolve: (o: Out) => void; reject: (e: unknown) => void }[] = [];
  private scheduled = false;
  private inFlight = 0;

  constructor(
    private readonly pool: pg.Pool,
    /** writes the batch inside the open transaction; one result per item, in order */
    private readonly write: (client: pg.PoolClient, items: In[]) => Promise<Out[]>,
    private readonly opts: {
      maxBatch: number;
      maxInFlight: number;
      /** `write` makes its changes with one statement, its own transaction: no begin and commit around it (two round trips fewer) */
      ownTransaction?: boolean;
    } = { maxBatch: 500, maxInFlight: 2 },
  ) {}

  submit(item: In): Promise<Out> {
    return new Promise<Out>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (this.inFlight < this.opts.maxInFlight && !this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          this.flush();
        });
      }
    });
  }

  private flush() {
    while (this.queue.length && this.inFlight < this.opts.maxInFlight) {
      const batch = this.queue.splice(0, this.opts.maxBatch);
      this.inFlight++;
      void this.run(batch).finally(() => {
        this.inFlight--;
        this.flush();
      });
    }
  }
  private async run(batch: typeof this.queue) {
    try {
      const items = batch.map((b) => b.item);
      const out = this.opts.ownTransaction ? await withClient(this.pool, (client) => this.write(client, items)) : await inTransaction(this.pool, (client) => this.write(client, items), { byKey: true });
      batch.forEach((b, i) => b.resolve(out[i]));
    } catch (e) {
      for (const b of batch) b.reject(e);
    }
  }
}
