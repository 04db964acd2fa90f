import type pg from 'pg';
import { inTransaction } from '../../db/transaction.js';
import { AppError } from '../../lib/errors.js';
import { audit, type Actor } from '../access/index.js';
import { villageLeads } from '../registry/index.js';
import { labOf, type TestingDeps } from './campaigns.service.js';
import { assertCan } from './testing.policy.js';
import { notifyEvents, testingRepo } from './testing.repo.js';

export type TubeResult = 'negative' | 'positive' | 'invalid';

/** The words labs write in a result column. */
const RESULT_WORDS: Record<string, TubeResult> = {
  negative: 'negative', neg: 'negative', '-': 'negative', 阴性: 'negative', 阴: 'negative',
  positive: 'positive', pos: 'positive', '+': 'positive', 阳性: 'positive', 阳: 'positive',
  invalid: 'invalid', 无效: 'invalid', 不合格: 'invalid', 'n/a': 'invalid',
};
export const resultOf = (word: string): TubeResult | undefined => RESULT_WORDS[word.trim().toLowerCase()];

export interface ResultRow {
  /** the row of the file (or the index in the request), for the report */
  row: number;
  tube: string;
  result: string;
}

export interface ResultRejection {
  row: number;
  tube: string;
  field: 'tube' | 'result';
  reason: 'TUBE_UNKNOWN' | 'TUBE_NOT_RECEIVED' | 'DUPLICATE_IN_FILE' | 'DUPLICATE_RESULT' | 'RESULT_INVALID';
}

const RESULT_ZH: Record<TubeResult, string> = { negative: '阴性', positive: '阳性', invalid: '无效' };

/**
 * A lab's results, from a file or the API. Each row is judged: unknown tubes (and
 * those of boxes packed for another lab), tubes this lab has not received yet, a tube twice in one upload, and a result the
 * tube already has are refused and reported by row; the rest are recorded in one
 * transaction. A different result for a tube is a correction: kept beside the
 * first (tube_results) and written to the audit log. In the same transaction the
 * members of every positive or invalid pooled tube go on the recall list; a
 * single-tube result closes its person's pending recall. The village secretaries
 * are told by SMS, queued in that transaction too.
 */
export async function recordResults(d: TestingDeps, actor: Actor, rows: ResultRow[]) {
  assertCan(actor, 'upload');
  const lab = await labOf(d, actor);
  const out = await inTransaction(d.pool, async (c) => {
    // only the tubes packed for this lab: any other is unknown to it
    const tubes = new Map((await testingRepo.lockLabTubes(c, [...new Set(rows.map((r) => r.tube.trim()))], lab.id)).map((t) => [t.code, t]));
    const rejected: ResultRejection[] = [];
    const accepted: { code: string; result: TubeResult; previous: string | null; members: number; areaCode: string; campaignId: number }[] = [];
    const inFile = new Set<string>();
    for (const r of rows) {
      const code = r.tube.trim();
      const reject = (field: ResultRejection['field'], reason: ResultRejection['reason']) => rejected.push({ row: r.row, tube: code, field, reason });
      const result = resultOf(r.result);
      const t = tubes.get(code);
      if (!result) reject('result', 'RESULT_INVALID');
      else if (inFile.has(code)) reject('tube', 'DUPLICATE_IN_FILE');
      else if (!t) reject('tube', 'TUBE_UNKNOWN');
      else if (t.status !== 'received' && t.status !== 'resulted') reject('tube', 'TUBE_NOT_RECEIVED');
      else if (t.result === result) reject('result', 'DUPLICATE_RESULT');
      else accepted.push({ code, result, previous: t.result, members: t.members, areaCode: t.areaCode, campaignId: t.campaignId });
      inFile.add(code);
    }
    if (!accepted.length) return { recorded: 0, corrected: [] as typeof accepted, recalled: 0, rejected };

    await testingRepo.setResults(c, accepted, lab.id, actor.accountId);
    const pooled = accepted.filter((a) => a.members > 1);
    const recalls = await testingRepo.recallMembers(c, pooled.filter((a) => a.result !== 'negative').map((a) => ({ code: a.code, reason: a.result })));
    await testingRepo.cancelRecalls(c, pooled.filter((a) => a.result === 'negative' && a.previous).map((a) => a.code));
    await testingRepo.closeRecalls(c, accepted.filter((a) => a.members === 1 && a.result !== 'invalid').map((a) => ({ code: a.code, result: a.result })));

    const byArea = new Map<string, { campaignId: number; tubes: number }>();
    for (const a of accepted) {
      const k = `${a.campaignId}:${a.areaCode}`;
      byArea.set(k, { campaignId: a.campaignId, tubes: (byArea.get(k)?.tubes ?? 0) + 1 });
    }
    const events = [
      ...[...byArea].map(([k, v]) => ({ name: 'testing.resulted', areaCode: k.slice(k.indexOf(':') + 1), data: v })),
      ...recalls.map((r) => ({ name: 'testing.tube_positive', areaCode: r.areaCode, data: { campaignId: r.campaignId, tube: r.tubeCode, recalled: r.n } })),
    ];
    await notifyEvents(c, events);
    await tellSecretaries(d, c, recalls, new Map(accepted.map((a) => [a.code, a.result])));
    const corrected = accepted.filter((a) => a.previous);
    return { recorded: accepted.length - corrected.length, corrected, recalled: recalls.reduce((n, r) => n + r.n, 0), rejected };
  });
  // tube_results keeps every correction in the transaction; the audit log hears of it once committed
  for (const a of out.corrected) await audit(d.db, actor, 'testing.result_corrected', 'tube', a.code, { from: a.previous, to: a.result });
  return { ...out, corrected: out.corrected.length };
}

/** 【核酸复检】to each village secretary whose residents were in a recalled tube. */
async function tellSecretaries(d: TestingDeps, c: pg.PoolClient, recalls: { areaCode: string; tubeCode: string; n: number }[], results: Map<string, TubeResult>) {
  if (!recalls.length) return;
  const villageOf = (area: string) => area.slice(0, 12);
  const leads = await villageLeads(d.pool, [...new Set(recalls.map((r) => villageOf(r.areaCode)))]);
  const messages = leads.flatMap((l) => {
    const mine = recalls.filter((r) => villageOf(r.areaCode) === l.areaCode);
    const tubes = [...new Set(mine.map((r) => r.tubeCode))];
    if (!l.phone || !mine.length) return [];
    const n = mine.reduce((s, r) => s + r.n, 0);
    const what = tubes.map((t) => `${t}（${RESULT_ZH[results.get(t)!]}）`).join('、');
    return [{ dedupeKey: `recall:${tubes.join(',')}:lead:${l.id}`, to: l.phone, body: `【核酸复检】${l.areaName}：混管${what}，本村${n}人需单管复检，请立即组织上门采样。`, topic: 'testing:recall' }];
  });
  await d.notify.enqueue(messages, c);
}
