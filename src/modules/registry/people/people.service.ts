import type pg from 'pg';
import type { Db } from '../../../db/connection.js';
import { birthDecade, maskId, maskPhone } from '../../../lib/idcard.js';
import { AppError, notFound } from '../../../lib/errors.js';
import { hitLimit } from '../../../db/limits.js';
import { audit, type Actor } from '../../access/index.js';
import { assertCan, can, effectiveArea, personActions } from '../registry.policy.js';
import { peopleRepo, searchMode, TAIL_DIGITS, type PersonKind, type PersonRow } from './people.repo.js';
import { cleanText } from '../../../lib/text.js';

/**
 * The shape every list answers with: no full ID number or phone, and no birth date, which is
 * the masked part of the ID number (the decade instead: see lib/idcard.ts `birthDecade`).
 */
export function toListItem(actor: Actor, row: PersonRow) {
  const { idNumber, phone, birthDate, organisationId: _o, ...rest } = row;
  return { ...rest, birthDecade: birthDecade(birthDate), idMasked: maskId(idNumber), phoneMasked: maskPhone(phone), actions: personActions(actor, row) };
}

/** Searches by a whole ID number or phone, per account (`rate_limits`, shared by every process). */
export const PII_SEARCH_LIMIT = { max: 20, windowMs: 60_000 };

/**
 * A search by a whole ID number or phone tells whether that person lives in the actor's area
 * and shows who they are, so it is a read of personal data: for the roles that may reveal it,
 * counted against a limit per account and written to the audit log (the ids found, not the number).
 */
async function checkPiiSearch(db: Db, pool: pg.Pool, actor: Actor, kind: PersonKind, mode: 'idNumber' | 'phone') {
  if (!can(actor, 'revealPii')) throw new AppError('FORBIDDEN', `searching by a whole ${mode === 'phone' ? 'phone' : 'ID number'} is for roles that may see personal data: search by the last ${TAIL_DIGITS} digits`, 'q');
  const { allowed, retryAfterS } = await hitLimit(pool, `pii-search:${actor.accountId}`, PII_SEARCH_LIMIT.max, PII_SEARCH_LIMIT.windowMs);
  if (!allowed) throw new AppError('RATE_LIMITED', `at most ${PII_SEARCH_LIMIT.max} searches by a whole ID number or phone a minute`, 'q', { retryAfterS });
  return (found: PersonRow[]) => audit(db, actor, 'pii.search', kind, found.length === 1 ? found[0].id : '*', { by: mode, found: found.map((r) => r.id) });
}

export async function listPeople(
  db: Db,
  pool: pg.Pool,
  actor: Actor,
  kind: PersonKind,
  q: { area?: string; q?: string; cursor?: string; limit?: number; homeVisit?: boolean },
) {
  assertCan(actor, 'readPeople');
  const area = effectiveArea(actor, q.area);
  const limit = q.limit ?? 50;
  if (!area) throw notFound('area');
  const search = cleanText(q.q);
  if (search) {
    const mode = searchMode(search);
    if (mode === 'longTail')
      throw new AppError('VALIDATION_FAILED', `search by at most the last ${TAIL_DIGITS} digits of an ID number or phone, or by the whole number`, 'q', { reason: 'SEARCH_TAIL_TOO_LONG' });
    const audited = mode === 'idNumber' || mode === 'phone' ? await checkPiiSearch(db, pool, actor, kind, mode) : null;
    const rows = await peopleRepo.search(pool, kind, area, search, limit);
    await audited?.(rows);
    return { items: rows.map((r) => toListItem(actor, r)), nextCursor: null };
  }
  const rows = await peopleRepo.list(pool, kind, area, Number(q.cursor ?? 0), limit, q.homeVisit);
  return {
    items: rows.map((r) => toListItem(actor, r)),
    nextCursor: rows.length === limit ? String(rows[rows.length - 1].id) : null,
  };
}

export async function getPerson(pool: pg.Pool, actor: Actor, kind: PersonKind, id: number) {
  assertCan(actor, 'readPeople');
  const row = await peopleRepo.get(pool, kind, actor.areaCode, id);
  if (!row) throw notFound(kind === 'residents' ? 'resident' : 'staff member');
  const household =
    kind === 'residents' && row.householdNo ? await peopleRepo.household(pool, row.areaCode, String(row.householdNo)) : [];
  return { ...toListItem(actor, row), household: household.map((h) => toListItem(actor, h)) };
}

/** The full ID number, phone and birth date; every such read is written to the audit log. */
export async function revealPii(db: Db, pool: pg.Pool, actor: Actor, kind: PersonKind, id: number) {
  assertCan(actor, 'revealPii');
  const row = await peopleRepo.get(pool, kind, actor.areaCode, id);
  if (!row) throw notFound(kind === 'residents' ? 'resident' : 'staff member');
  await audit(db, actor, 'pii.read', kind, id, { fields: ['idNumber', 'phone', 'birthDate'] });
  return { idNumber: row.idNumber, phone: row.phone, birthDate: row.birthDate };
}
