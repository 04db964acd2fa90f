import { AppError, notFound } from '../../lib/errors.js';
import { inScope, type Actor } from '../access/index.js';
import { residentByIdentity, residentsByIds } from '../registry/index.js';
import type { TestingDeps } from './campaigns.service.js';
import { signPersonalCode, verifyPersonalCode } from './testing.codes.js';
import { assertCan } from './testing.policy.js';
import { testingRepo } from './testing.repo.js';

async function resultsOf(d: TestingDeps, residentId: number) {
  const samples = await testingRepo.residentSamples(d.pool, residentId);
  return samples.map((s) => ({
    campaign: s.title,
    scannedAt: s.scannedAt.toISOString(),
    pooled: s.poolSize > 1,
    // a pooled positive is not the person's result: they wait for their own retest
    result: s.result === 'positive' && s.poolSize > 1 ? null : s.result,
    resultedAt: s.resultedAt?.toISOString() ?? null,
    recall: s.recall,
  }));
}

/** What a resident's own page shows, from their personal code: their name, code and results. */
export async function myResults(d: TestingDeps, code: string) {
  const id = verifyPersonalCode(d.secret, code);
  const [me] = id === null ? [] : await residentsByIds(d.pool, [id]);
  if (!me) throw new AppError('TOKEN_INVALID', 'this code is not valid', 'code');
  return { name: me.name, code: signPersonalCode(d.secret, me.id), areaName: me.areaName, samples: await resultsOf(d, me.id) };
}

/** The public lookup: ID number, name and phone must all match one resident. */
export async function lookup(d: TestingDeps, q: { idNumber: string; name: string; phone: string }) {
  const me = await residentByIdentity(d.pool, q.idNumber.trim(), q.name.trim(), q.phone.trim());
  if (!me) throw notFound('resident with this ID number, name and phone');
  return { name: me.name, code: signPersonalCode(d.secret, me.id), areaName: me.areaName, samples: await resultsOf(d, me.id) };
}

/** A resident's personal code, to print for someone without a phone (a lead, inside their area). */
export async function personalCode(d: TestingDeps, actor: Actor, residentId: number) {
  assertCan(actor, 'readRecalls');
  const [r] = await residentsByIds(d.pool, [residentId]);
  if (!r || !inScope(actor, r.areaCode)) throw notFound('resident');
  return { residentId: r.id, name: r.name, areaName: r.areaName, code: signPersonalCode(d.secret, r.id) };
}

