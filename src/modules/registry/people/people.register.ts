import type pg from 'pg';
import type { Db } from '../../../db/connection.js';
import { AppError } from '../../../lib/errors.js';
import { message } from '../../../lib/messages.js';
import { MOBILE, parseIdNumber } from '../../../lib/idcard.js';
import { nameInitials } from '../../../lib/pinyin.js';
import { cleanCode, cleanText, isValidName, normaliseName } from '../../../lib/text.js';
import { audit, inScope, type Actor } from '../../access/index.js';
import { hitLimit, limitReached } from '../../../db/limits.js';
import { areasRepo } from '../areas/areas.repo.js';

export interface WalkIn {
  idNumber: string;
  name: string;
  phone?: string;
  address: string;
  /** the village or grid they live in; the registering account's own area when absent */
  areaCode?: string;
}

const refuse = (field: string, reason: string) => new AppError('VALIDATION_FAILED', message(reason, 'en'), field, { reason });

/** Refused walk-ins an account may make in an hour; then it registers no one until the hour ends. */
export const WALK_IN_REFUSALS_PER_HOUR = 20;
const HOUR = 3600_000;

/**
 * Someone not in the registry, registered on the spot (at a sampling table) with
 * the rules of an import: a valid GB 11643 ID (a 15-digit one upgraded), a name,
 * a mainland mobile, a village or grid inside the registering account's area.
 * Returns the resident's id, whose personal code the table prints.
 *
 * Someone already registered keeps their record, and is theirs to the table only with
 * the name the registry holds and inside the registering account's area: otherwise
 * one refusal (`ID_NAME_MISMATCH` on the ID number), the same for a wrong name and for
 * a resident of another area, that says nothing of which, nor where. A retry of the
 * same person finds the resident it registered. Each refusal is audited and counted:
 * beyond WALK_IN_REFUSALS_PER_HOUR the account registers no one for the rest of the
 * hour, so ID numbers cannot be tried one after another to learn who is registered.
 */
export async function registerResident(db: Db, pool: pg.Pool, actor: Actor, w: WalkIn): Promise<{ residentId: number; created: boolean }> {
  const id = parseIdNumber(cleanCode(w.idNumber));
  if (typeof id === 'string') throw refuse('idNumber', id);
  const name = normaliseName(cleanText(w.name));
  if (!isValidName(name)) throw refuse('name', 'NAME_INVALID');
  const phone = w.phone ? cleanCode(w.phone).replace(/^\+?86(?=1\d{10}$)/, '') : null;
  if (phone && !MOBILE.test(phone)) throw refuse('phone', 'PHONE_INVALID');
  const address = cleanText(w.address);
  if (!address) throw refuse('address', 'REQUIRED');
  const areaCode = w.areaCode ?? actor.areaCode;
  const area = await areasRepo.get(db, areaCode);
  if (!area) throw new AppError('AREA_UNKNOWN', `no area ${areaCode}`, 'areaCode');
  if (!inScope(actor, areaCode)) throw new AppError('AREA_OUT_OF_SCOPE', 'the area is outside your scope', 'areaCode');
  if (area.level !== 'village' && area.level !== 'grid') throw refuse('areaCode', 'AREA_NOT_VILLAGE');
  const refusals = `walk-in-refused:${actor.accountId}`;
  if (await limitReached(pool, refusals, WALK_IN_REFUSALS_PER_HOUR)) throw new AppError('RATE_LIMITED', 'too many refused walk-ins, try again later');
  const created = await pool.query<{ id: string }>(
    `insert into residents (id_number, name, name_initials, sex, birth_date, phone, address, area_code)
     values ($1, $2, $3, $4, $5, $6, $7, $8) on conflict ((reverse(id_number))) do nothing returning id`,
    [id.id, name, nameInitials(name), id.sex, id.birthDate, phone, address, areaCode],
  );
  if (created.rows.length) {
    await audit(db, actor, 'registry.walk_in', 'resident', created.rows[0].id, { areaCode });
    return { residentId: Number(created.rows[0].id), created: true };
  }
  // registered: a new statement sees the row of a request that has just inserted it (the conflict waited for it)
  const found = (await pool.query<{ id: string; name: string; area_code: string }>(`select id, name, area_code from residents where reverse(id_number) = reverse($1)`, [id.id])).rows[0];
  if (!found || found.name !== name || !inScope(actor, found.area_code)) {
    await hitLimit(pool, refusals, WALK_IN_REFUSALS_PER_HOUR, HOUR);
    await audit(db, actor, 'registry.walk_in_refused', 'resident', found?.id ?? '', { areaCode });
    throw refuse('idNumber', 'ID_NAME_MISMATCH');
  }
  await audit(db, actor, 'registry.walk_in_found', 'resident', found.id, { areaCode });
  return { residentId: Number(found.id), created: false };
}
