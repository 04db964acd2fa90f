import type pg from 'pg';

export interface TransactionOptions {
  /**
   * Every statement reads by key (a hot path: scans, check-ins): the planner is told not to read
   * whole tables. A table that has just begun to fill (the swabs of a district's first campaign)
   * has statistics taken when it was empty, and with them the planner judged that fifty swabs
   * looked up by key were a quarter of the table, and read all of it, a hundred times a second.
   */
  byKey?: boolean;
}

/** Runs `work` in one transaction on one connection: committed whole, or rolled back whole. */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>, opts: TransactionOptions = {}): Promise<T> {
  const client = await pool.connect();
  try {
    // one round trip: a statement without parameters goes by the simple protocol, which takes several
    await client.query(opts.byKey ? 'begin; set local enable_seqscan = off' : 'begin');
    const out = await work(client);
    await client.query('commit');
    return out;
  } catch (e) {
    await client.query('rollback').catch(() => {});
    throw e;
  } finally {
    client.release();
  }
}

/** Runs `work` on one connection of the pool, each statement its own transaction. */
export async function withClient<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    return await work(client);
  } finally {
    client.release();
  }
}
