import crypto from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { closeTestDb, testDb } from '../../../test/helpers.js';
import { NotifyRuntime } from '../notify/index.js';
import { seedDemoTesting } from './testing.demo.js';

afterAll(closeTestDb);

const TOWN = '130110108'; // 山尹村镇: the village demo the test setup loads
const SHANYIN = '130110108201';

describe('the demo campaign', () => {
  it('is part-way through 山尹村镇: each village at its stage, one positive pool of 山尹村 recalled; seeded once', { timeout: 60_000 }, async () => {
    const { db, pool } = testDb();
    // not started: what the results queue stays queued, under a name of its own
    const notify = new NotifyRuntime(pool, { gateway: 'simulator', queue: `demo-${crypto.randomUUID().slice(0, 8)}`, ratePerSecond: 0, leaseMs: 5000 });
    const villages = (await pool.query<{ code: string }>(`select code from areas where level = 'village' and code like $1 order by code <> $2, code`, [TOWN + '%', SHANYIN])).rows.map((r) => r.code);
    // twice: a second start of the demo adds nothing (on a kept database this run may be the second)
    await seedDemoTesting(db, pool, { code: TOWN, name: '山尹村镇' }, villages, 'bastion2021', notify);
    await seedDemoTesting(db, pool, { code: TOWN, name: '山尹村镇' }, villages, 'bastion2021', notify);
    const campaigns = (await pool.query(`select id, starts_at from campaigns where area_code = $1 and title like '演示%'`, [TOWN])).rows;
    expect(campaigns).toHaveLength(1);
    const [c] = campaigns;

    const stages = (await pool.query<{ village: string; statuses: string[] }>(
      `select substr(code, 2, 12) as village, array_agg(distinct status order by status) as statuses from tubes where campaign_id = $1 group by 1`,
      [c.id],
    )).rows;
    const expected = ['resulted', 'received', 'in_transit', 'packed', 'sealed', 'open'];
    expect(Object.fromEntries(stages.map((s) => [s.village, s.statuses]))).toEqual(Object.fromEntries(villages.map((v, i) => [v, [expected[i % expected.length]]])));

    // swabbed by the station's rules: ten to a tube, each resident once, in their own village
    const counts = (await pool.query(
      `select count(*)::int as swabs, count(distinct resident_id)::int as people, count(*) filter (where not starts_with(area_code, substr(tube_code, 2, 12)))::int as elsewhere,
              count(*) filter (where scanned_at < $2 or scanned_at > now())::int as undated from samples where campaign_id = $1`,
      [c.id, c.starts_at],
    )).rows[0];
    expect(counts).toMatchObject({ elsewhere: 0, undated: 0 });
    expect(counts.people).toBe(counts.swabs);
    expect((await pool.query(`select count(*)::int as n from tubes where campaign_id = $1 and members > 10`, [c.id])).rows[0].n).toBe(0);

    // one positive pool, in 山尹村: its members on the recall list
    const recalls = (await pool.query(`select area_code, status from recalls where campaign_id = $1`, [c.id])).rows;
    const positive = (await pool.query(`select code, members from tubes where campaign_id = $1 and result = 'positive'`, [c.id])).rows;
    expect(positive).toHaveLength(1);
    expect(positive[0].code.startsWith(`D${SHANYIN}`)).toBe(true);
    expect(recalls).toHaveLength(positive[0].members);
    expect(recalls.every((r) => r.area_code.startsWith(SHANYIN) && r.status === 'pending_retest')).toBe(true);
  });
});
