import type pg from 'pg';
import type { Db } from '../../db/connection.js';
import { addAccount } from '../access/index.js';
import { testingRepo } from './testing.repo.js';

/**
 * The demo's testing: a running 10-in-1 campaign over the demo's area, a lab
 * (account `lab`), a sampling station at 山尹村 (account `sampler`) and transport (account
 * `courier`), so every
 * screen of the module has something to show. Run again: nothing new.
 */
export async function seedDemoTesting(db: Db, pool: pg.Pool, root: { code: string; name: string }, password: string) {
  const existing = await testingRepo.campaignsFor(pool, root.code);
  if (!existing.some((c) => c.title.startsWith('演示'))) {
    const startsAt = new Date(Math.floor(Date.now() / 3600_000) * 3600_000);
    await testingRepo.insertCampaign(pool, { title: `演示：${root.name}全员核酸检测`, areaCode: root.code, poolSize: 10, startsAt, targetEnd: new Date(startsAt.getTime() + 24 * 3600_000), createdBy: null });
  }
  const labAccount = await addAccount(db, { username: 'lab', password, role: 'lab', areaCode: root.code, displayName: '演示检测机构' });
  await testingRepo.upsertLab(pool, { name: '演示检测机构', accountId: labAccount, capacityPerDay: 60_000 });
  // the station of 山尹村 when the demo holds it, else of the demo's first village
  const station = (await pool.query<{ code: string }>(`select code from areas where level = 'village' and code like $1 order by code <> '130110108201', code limit 1`, [root.code + '%'])).rows[0];
  if (station) await addAccount(db, { username: 'sampler', password, role: 'sampler', areaCode: station.code, displayName: '演示采样台' });
  await addAccount(db, { username: 'courier', password, role: 'courier', areaCode: root.code, displayName: '演示转运组' });
  return ['lab', 'sampler', 'courier'];
}
