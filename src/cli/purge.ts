import { drizzle } from 'drizzle-orm/node-postgres';
import type { Database, Db } from '../db/connection.js';
import type { Config } from '../server/config.js';
import { onDatabase, usage } from './backup.js';
import { inTransaction } from '../db/transaction.js';
import { AppError } from '../lib/errors.js';
import { audit } from '../modules/access/index.js';
import { forgetPurgedStaff } from '../modules/mobilization/index.js';
import { erasePhones } from '../modules/notify/index.js';
import { areaName, purgePeople } from '../modules/registry/index.js';
import { forgetPurgedResidents } from '../modules/testing/index.js';

export interface PurgeSummary {
  area: string;
  /** the start of `--before`'s day in Asia/Shanghai */
  before: Date;
  residents: number;
  staff: number;
  households: number;
  /** call-up members and shifts that lost a cadre's name and phone */
  rosterRows: number;
  /** SMS, replies, attempts and simulator copies that lost a phone and a text */
  smsRows: number;
}

/** `YYYY-MM-DD`, a real day: its first moment in Asia/Shanghai. */
export function dayStart(text: string | undefined): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text ?? '');
  const d = m && new Date(`${text}T00:00:00+08:00`);
  // 2022-02-30 parses as 2022-03-02: a day that is not in the calendar is refused
  if (!m || !d || Number.isNaN(d.getTime()) || new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 10) !== text)
    throw new AppError('VALIDATION_FAILED', `--before must be a day as YYYY-MM-DD, not ${JSON.stringify(text ?? '')}`, 'before');
  return d;
}

/**
 * `bastion purge --area CODE --before DATE`: when the emergency ends, the residents and cadres of
 * the area registered or last changed before DATE lose what identifies them, in one transaction
 * with its audit row: each module erases its own (the registry its people and households, testing
 * the pages their codes open, mobilization the names and phones call-ups and shifts kept, notify
 * the SMS to their phones). Counts stay. A second run finds nothing left and writes nothing.
 */
export async function purgeArea({ pool, db }: Pick<Database, 'pool' | 'db'>, area: string | undefined, beforeText: string | undefined): Promise<PurgeSummary> {
  if (!area || !(await areaName(db, area))) throw new AppError('AREA_UNKNOWN', `no area ${JSON.stringify(area ?? '')} (--area takes a division code)`, 'area');
  const before = dayStart(beforeText);
  return inTransaction(pool, async (client) => {
    const people = await purgePeople(client, area, before);
    await forgetPurgedResidents(client, area, people.residentIds);
    const rosterRows = await forgetPurgedStaff(client, people.staffIds);
    const smsRows = await erasePhones(client, people.phones);
    const summary = { area, before, residents: people.residents, staff: people.staff, households: people.households, rosterRows, smsRows };
    if (people.residents + people.staff + people.households + rosterRows + smsRows > 0) {
      const { area: _a, before: _b, ...counts } = summary;
      await audit(drizzle(client) as Db, null, 'pii.purge', 'area', area, { before: beforeText, ...counts });
    }
    return summary;
  });
}

/** `bastion purge --area CODE --before DATE` */
export async function purgeCommand(config: Config, area: string | undefined, before: string | undefined): Promise<number> {
  if (!area || !before) return usage('bastion purge --area CODE --before YYYY-MM-DD');
  return onDatabase(config, async (d) => {
    const s = await purgeArea(d, area, before);
    const what = `${s.residents} residents, ${s.staff} cadres, ${s.households} households, ${s.rosterRows} call-up and shift rows, ${s.smsRows} SMS rows`;
    return s.residents + s.staff + s.households + s.rosterRows + s.smsRows ? `purged in ${area} (registered or changed before ${before}): ${what}` : `nothing left to purge in ${area} before ${before}`;
  }, { migrate: true });
}
