import type pg from 'pg';
import type { Db } from '../../../db/connection.js';
import { maskId, maskPhone } from '../../../lib/idcard.js';
import { notFound } from '../../../lib/errors.js';
import { audit, type Actor } from '../../access/index.js';
import { assertCan, effectiveArea, personActions } from '../registry.policy.js';
import { peopleRepo, type PersonKind, type PersonRow } from './people.repo.js';
import { cleanText } from '../../../lib/text.js';

/** The shape every list answers with: no full ID number or phone. */
export function toListItem(actor: Actor, row: PersonRow) {
  const { idNumber, phone, organisationId: _o, ...rest } = row;
  return { ...rest, idMasked: maskId(idNumber), phoneMasked: maskPhone(phone), actions: personActions(actor, row) };
}

export async function listPeople(
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
    const rows = await peopleRepo.search(pool, kind, area, search, limit);
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

/** The full ID number and phone; every such read is written to the audit log. */
export async function revealPii(db: Db, pool: pg.Pool, actor: Actor, kind: PersonKind, id: number) {
  assertCan(actor, 'revealPii');
  const row = await peopleRepo.get(pool, kind, actor.areaCode, id);
  if (!row) throw notFound(kind === 'residents' ? 'resident' : 'staff member');
  await audit(db, actor, 'pii.read', kind, id, { fields: ['idNumber', 'phone'] });
  return { idNumber: row.idNumber, phone: row.phone };
}
