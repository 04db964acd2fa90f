import { afterAll, describe, expect, it } from 'vitest';
import { closeTestDb, testDb } from '../../test/helpers.js';
import { Batcher } from './batch.js';

afterAll(closeTestDb);

describe('group commit', () => {
  it('writes requests that arrive together in one transaction and answers each after the commit', async () => {
    const { pool } = testDb();
    const table = `batch_probe_${process.pid}_${Date.now()}`;
    await pool.query(`create table ${table} (n int primary key, tx bigint)`);
    const b = new Batcher<number, { n: number; tx: number }>(pool, async (client, items) => {
      const { rows } = await client.query(`insert into ${table} select n, txid_current() from unnest($1::int[]) n returning n, tx`, [items]);
      return items.map((i) => rows.find((r) => r.n === i));
    }, { maxBatch: 50, maxInFlight: 2 });
    const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => b.submit(i)));
    // every answer is durable: it can be read back by another connection
    const { rows } = await pool.query(`select count(*)::int as n, count(distinct tx)::int as txs from ${table}`);
    expect(rows[0].n).toBe(200);
    expect(rows[0].txs).toBeLessThanOrEqual(10);
    expect(new Set(answers.map((a) => a.tx)).size).toBe(rows[0].txs);
    await pool.query(`drop table ${table}`);
  });

  it('fails every request of a batch whose transaction fails, and writes none of it', async () => {
    const { pool } = testDb();
    const table = `batch_fail_${process.pid}_${Date.now()}`;
    await pool.query(`create table ${table} (n int primary key)`);
    const b = new Batcher<number, number>(pool, async (client, items) => {
      await client.query(`insert into ${table} select unnest($1::int[])`, [items]);
      if (items.includes(13)) throw new Error('unlucky');
      return items;
    }, { maxBatch: 100, maxInFlight: 1 });
    const results = await Promise.allSettled([1, 2, 13].map((n) => b.submit(n)));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect((await pool.query(`select count(*)::int as n from ${table}`)).rows[0].n).toBe(0);
    await pool.query(`drop table ${table}`);
  });

  it('reads by key even where the statistics mislead the planner', async () => {
    const { pool } = testDb();
    const table = `batch_plan_${process.pid}_${Date.now()}`;
    await pool.query(`create table ${table} (id bigint primary key, k bigint)`);
    await pool.query(`create index on ${table} (k)`);
    // statistics taken when the table had just begun to fill: every row then had k = 1
    await pool.query(`insert into ${table} select n, 1 from generate_series(1, 100) n`);
    await pool.query(`analyze ${table}`);
    await pool.query(`insert into ${table} select n, n from generate_series(101, 50000) n`);
    const plan = async (c: { query: typeof pool.query }) =>
      JSON.stringify((await c.query(`explain (format json) select * from ${table} where k = any($1::bigint[])`, [[1, 5000, 9000]])).rows);
    // outside a batch, the planner believes the keys are the whole table and reads all of it
    expect(await plan(pool)).toContain('Seq Scan');
    const probe = new Batcher<number, string>(pool, async (client) => [await plan(client)], { maxBatch: 1, maxInFlight: 1 });
    expect(await probe.submit(1)).not.toContain('Seq Scan');
    await pool.query(`drop table ${table}`);
  });
});
