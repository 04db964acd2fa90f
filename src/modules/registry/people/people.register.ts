import type pg from 'pg';
import type { Db } from '../../../db/connection.js';
import { AppError } from '../../../lib/errors.js';
import { message } from '../../../lib/messages.js';
import { MOBILE, parseIdNumber } from '../../../lib/idcard.js';
import { nameInitials } from '../../../lib/pinyin.js';
import { cleanCode, cleanText, isValidName, normaliseName } from '../../../lib/text.js';
import { audit, inScope, type Actor } from '../../access/index.js';
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

/**
 * Someone not in the registry, registered on the spot (at a sampling table) with
 * the rules of an import: a valid GB 11643 ID (a 15-digit one upgraded), a name,
 * a mainland mobile, a village or grid inside the registering account's area.
 * Someone already registered keeps their record. Returns the resident's id.
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
  const res = await pool.query<{ id: string; created: boolean }>(
    `with ins as (
       insert into residents (id_number, name, name_initials, sex, birth_date, phone, address, area_code)
       values ($1, $2, $3, $4, $5, $6, $7, $8) on conflict ((reverse(id_number))) do nothing returning id)
     select id, true as created from ins
     union all select id, false from residents where reverse(id_number) = reverse($1) and not exists (select 1 from ins)`,
    [id.id, name, nameInitials(name), id.sex, id.birthDate, phone, address, areaCode],
  );
  const row = res.rows[0];
  await audit(db, actor, row.created ? 'registry.walk_in' : 'registry.walk_in_found', 'resident', row.id, { areaCode });
  return { residentId: Number(row.id), created: row.created };
}
