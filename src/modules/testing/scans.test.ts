import crypto from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { addResidents, closeTestDb, makeArea, testDb } from '../../../test/helpers.js';
import { testingRepo } from './testing.repo.js';

/**
 * The judging of swabs (testing_record_scans, one statement per batch) against a model that
 * takes them one at a time, as a station's operator would reason: random batches of swabs into
 * a few tubes, by known and unknown people, for two campaigns, from the stations of two sites,
 * with retried swabs within and across batches, into tubes found sealed, of the other campaign,
 * of the other site or partly full.
 */
const POOL = { a: 3, b: 2 } as const;
type Camp = keyof typeof POOL;
/** the areas of two sites' stations: a tube takes swabs only from the site that opened it */
const SITES = ['13', '14'] as const;
interface Swab { id: number; camp: Camp; site: number; tube: number; person: number }
interface Answer { outcome: string; tube: string; members: number | null; repeat: boolean | null; refusal: string | null }
interface Tube { camp: Camp; site: number; status: string; members: number }

let residents: number[];
const campaignIds = {} as Record<Camp, number>;

beforeAll(async () => {
  const { pool } = testDb();
  const area = await makeArea();
  residents = await addResidents(area.grids[0], [0, 1, 2, 3].map((n) => ({ name: `判${n}`, initials: 'p', n: 300 + n })), area.district);
  for (const camp of ['a', 'b'] as const) {
    const { rows } = await pool.query(
      `insert into campaigns (title, area_code, pool_size, starts_at, target_end, status) values ($1, $2, $3, now(), now() + interval '1 day', 'running') returning id`,
      [`判定${camp}`, area.district, POOL[camp]],
    );
    campaignIds[camp] = Number(rows[0].id);
  }
});
afterAll(closeTestDb);

/** One swab at a time, in arrival order: what each batch must answer, and the tubes and samples it leaves. */
function model(batches: Swab[][], tubesBefore: Map<string, Tube>, tubeCode: (t: number) => string, idOf: (i: number) => string) {
  const tubes = new Map([...tubesBefore].map(([k, t]) => [k, { ...t }]));
  const recorded = new Map<string, { tube: string; repeat: boolean }>();
  const seen = new Set<string>();
  const known = (p: number) => p < 4;
  return {
    answers: batches.map((batch) => {
      // tubes are opened for the campaign and at the site of their first swab by a known person
      for (const s of batch) if (known(s.person) && !tubes.has(tubeCode(s.tube))) tubes.set(tubeCode(s.tube), { camp: s.camp, site: s.site, status: 'open', members: 0 });
      const first = new Map<string, Answer>();
      const out = batch.map((s): Answer => {
        const id = idOf(s.id);
        const earlier = first.get(id);
        if (earlier) return earlier.outcome === 'recorded' ? { ...earlier, outcome: 'already_recorded' } : earlier;
        const code = tubeCode(s.tube);
        const refuse = (refusal: string): Answer => ({ outcome: 'refused', tube: code, members: null, repeat: null, refusal });
        const prev = recorded.get(id);
        const t = tubes.get(code)!;
        const a: Answer = prev
          ? { outcome: 'already_recorded', tube: prev.tube, members: null, repeat: prev.repeat, refusal: null }
          : !known(s.person) ? refuse('CODE_INVALID')
          : t.site !== s.site ? refuse('WRONG_SITE')
          : t.camp !== s.camp ? refuse('WRONG_CAMPAIGN')
          : t.status !== 'open' ? refuse('TUBE_SEALED')
          : t.members >= POOL[s.camp] ? refuse('TUBE_FULL')
          : { outcome: 'recorded', tube: code, members: ++t.members, repeat: seen.has(`${s.camp}:${s.person}`), refusal: null };
        if (a.outcome === 'recorded') {
          seen.add(`${s.camp}:${s.person}`);
          recorded.set(id, { tube: code, repeat: a.repeat! });
        }
        first.set(id, a);
        return a;
      });
      // a swab recorded before, or twice, is answered with its tube's count as the batch leaves it
      return out.map((a) => (a.outcome === 'already_recorded' ? { ...a, members: tubes.get(a.tube)!.members } : a));
    }),
    tubes,
    recorded,
  };
}

const swab = fc.record({ id: fc.nat(5), camp: fc.constantFrom<Camp>('a', 'a', 'a', 'b'), site: fc.constantFrom(0, 0, 0, 1), tube: fc.nat(3), person: fc.nat(4) });
const tubeState = fc.option(fc.record({ camp: fc.constantFrom<Camp>('a', 'b'), site: fc.constantFrom(0, 0, 1), status: fc.constantFrom('open', 'open', 'sealed'), members: fc.nat(3) }), { nil: undefined });

it('answers every batch as swabs taken one at a time would be, and leaves the same tubes and samples', async () => {
  const { pool } = testDb();
  let run = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(fc.array(swab, { minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 3 }), fc.array(tubeState, { minLength: 4, maxLength: 4 }), async (batches, before) => {
      const prefix = `J${process.pid}-${++run}-`;
      const tubeCode = (t: number) => `${prefix}${t}`;
      // a retried swab carries what it carried the first time: its id decides everything else
      const ids = Array.from({ length: 6 }, () => crypto.randomUUID());
      const firstOf = new Map<number, Swab>();
      const sent = batches.map((b) => b.map((s) => firstOf.get(s.id) ?? (firstOf.set(s.id, s), s)));
      const tubesBefore = new Map(before.flatMap((t, i) => (t ? [[tubeCode(i), { ...t, members: Math.min(t.members, POOL[t.camp]) }] as const] : [])));
      const expected = model(sent, tubesBefore, tubeCode, (i) => ids[i]);

      const client = await pool.connect();
      try {
        await client.query('begin');
        for (const [code, t] of tubesBefore)
          await client.query(`insert into tubes (code, campaign_id, area_code, station, status, members) values ($1, $2, $3, 'judge', $4, $5)`, [code, campaignIds[t.camp], SITES[t.site], t.status, t.members]);
        for (const [n, batch] of sent.entries()) {
          const answers = await testingRepo.recordScans(
            client,
            batch.map((s) => ({ scanId: ids[s.id], campaignId: campaignIds[s.camp], poolSize: POOL[s.camp], tube: tubeCode(s.tube), residentId: residents[s.person] ?? -1, station: `judge${s.site}`, stationArea: SITES[s.site], scannedAt: new Date() })),
          ); // rolled back: its events are never sent
          expect(answers, `batch ${n}`).toEqual(expected.answers[n]);
        }
        const tubes = await client.query(`select code, members from tubes where code like $1 order by code`, [prefix + '%']);
        expect(tubes.rows).toEqual([...expected.tubes].sort(([a], [b]) => (a < b ? -1 : 1)).map(([code, t]) => ({ code, members: t.members })));
        const samples = await client.query(`select scan_id, tube_code, repeat from samples where tube_code like $1`, [prefix + '%']);
        expect(new Map(samples.rows.map((r) => [r.scan_id, { tube: r.tube_code, repeat: r.repeat }]))).toEqual(expected.recorded);
      } finally {
        await client.query('rollback');
        client.release();
      }
    }),
    { numRuns: 80 },
  );
});
