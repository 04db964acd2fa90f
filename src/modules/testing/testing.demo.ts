import crypto from 'node:crypto';
import type pg from 'pg';
import type { Db } from '../../db/connection.js';
import { sharedSecret } from '../../db/secrets.js';
import { addAccount, type Actor } from '../access/index.js';
import type { NotifyRuntime } from '../notify/index.js';
import { residentsPage } from '../registry/index.js';
import type { TestingDeps } from './campaigns.service.js';
import { recordResults } from './results.service.js';
import { pickUpBox, receiveBox, recordScans, sealTube, shipBox } from './scans.service.js';
import { signPersonalCode } from './testing.codes.js';
import { testingRepo } from './testing.repo.js';

const STATION_VILLAGE = '130110108201'; // 山尹村, whose secretary is the demo's `shanyin`
const HOUR = 3600_000;

/**
 * The demo's testing: a 10-in-1 campaign over the demo's area that began six hours ago, a lab
 * (account `lab`), a sampling station at 山尹村 (account `sampler`) and transport (account
 * `courier`). The station's town is part-way through, every village at another stage, so the
 * board has something at each: 山尹村 resulted with one positive pool (its recall list, and the
 * SMS to its secretary, queued for the server to send), others at the lab, in transit, packed,
 * sealed, still sampling. `villages`: the demo's villages and communities (the registry's demo
 * says which). Run again: nothing new.
 */
export async function seedDemoTesting(db: Db, pool: pg.Pool, root: { code: string; name: string }, villages: string[], password: string, notify: NotifyRuntime) {
  const existing = await testingRepo.campaignsFor(pool, root.code);
  const labAccount = await addAccount(db, { username: 'lab', password, role: 'lab', areaCode: root.code, displayName: '演示检测机构' });
  const lab = (await testingRepo.insertLab(pool, { name: '演示检测机构', accountId: labAccount, capacityPerDay: 60_000 })) ?? (await testingRepo.labNamed(pool, '演示检测机构'));
  // the station of 山尹村 when the demo holds it, else of the demo's first village
  const station = villages.includes(STATION_VILLAGE) ? STATION_VILLAGE : [...villages].sort()[0];
  const samplerAccount = station ? await addAccount(db, { username: 'sampler', password, role: 'sampler', areaCode: station, displayName: '演示采样台' }) : null;
  const courierAccount = await addAccount(db, { username: 'courier', password, role: 'courier', areaCode: root.code, displayName: '演示转运组' });
  if (!existing.some((c) => c.title.startsWith('演示'))) {
    const startsAt = new Date(Math.floor(Date.now() / HOUR) * HOUR - 6 * HOUR);
    const campaign = await testingRepo.insertCampaign(pool, { title: `演示：${root.name}全员核酸检测`, areaCode: root.code, poolSize: 10, startsAt, targetEnd: new Date(startsAt.getTime() + 24 * HOUR), createdBy: null });
    if (station && samplerAccount) {
      const d: TestingDeps = { db, pool, notify, secret: await sharedSecret(pool, 'personal-codes') };
      const actor = (id: number, username: string, role: Actor['role'], areaCode: string): Actor => ({ accountId: id, username, displayName: username, role, areaCode, staffId: null });
      // the station's town, its own village first
      const town = villages.filter((v) => v.startsWith(station.slice(0, 9))).sort((x, y) => Number(y === station) - Number(x === station) || x.localeCompare(y));
      await sampleTown(d, campaign.id, startsAt, town, {
        station: (village) => actor(samplerAccount, 'sampler', 'sampler', village),
        courier: actor(courierAccount, 'courier', 'courier', root.code),
        lab: actor(labAccount, 'lab', 'lab', root.code),
        labId: lab.id,
      });
    }
  }
  return ['lab', 'sampler', 'courier'];
}

/** The stage each village of the town reaches, in turn, and the share of its residents swabbed. */
const STAGES = [
  { stage: 'resulted', share: 0.85 },
  { stage: 'received', share: 0.8 },
  { stage: 'in_transit', share: 0.75 },
  { stage: 'packed', share: 0.7 },
  { stage: 'sealed', share: 0.6 },
  { stage: 'sampling', share: 0.35 },
] as const;

/** Swabs a town's villages through the module's own services, then dates them over the hours since the start. */
async function sampleTown(d: TestingDeps, campaignId: number, startsAt: Date, villages: string[], as: { station: (village: string) => Actor; courier: Actor; lab: Actor; labId: number }) {
  for (const [i, village] of villages.entries()) {
    const { stage, share } = STAGES[i % STAGES.length];
    const people = await residentsPage(d.pool, village, 0, 5000);
    const swabbed = people.slice(0, Math.floor(people.length * share));
    const station = as.station(village);
    const tubeOf = (n: number) => `D${village}-${String(Math.floor(n / 10) + 1).padStart(4, '0')}`;
    await recordScans(d, station, swabbed.map((p, n) => ({ id: crypto.randomUUID(), campaignId, tube: tubeOf(n), person: signPersonalCode(d.secret, p.id) })));
    if (stage === 'sampling') continue;
    const tubes = [...new Set(swabbed.map((_, n) => tubeOf(n)))];
    for (const tube of tubes) await sealTube(d, station, tube);
    if (stage === 'sealed') continue;
    const box = `BOX-${village}`;
    await shipBox(d, station, box, tubes, as.labId);
    if (stage === 'packed') continue;
    await pickUpBox(d, as.courier, box);
    if (stage === 'in_transit') continue;
    await receiveBox(d, as.lab, box);
    if (stage === 'received') continue;
    // all negative but one pool of the station's village (the first)
    await recordResults(d, as.lab, tubes.map((tube, n) => ({ row: n + 1, tube, result: i === 0 && n === 3 ? 'positive' : 'negative' })));
  }
  // as if swabbed since the start: each village's swabs in its own hours, each step of a tube after the last
  await d.pool.query(
    `with dated as (
       select scan_id, $2::timestamptz + (dense_rank() over (order by substr(tube_code, 2, 12)) - 1) * interval '50 minutes'
              + (row_number() over (partition by substr(tube_code, 2, 12) order by tube_code, scan_id) - 1) * interval '1 second' as at
       from samples where campaign_id = $1)
     update samples s set scanned_at = dated.at, recorded_at = dated.at + interval '2 seconds' from dated where s.scan_id = dated.scan_id`,
    [campaignId, startsAt],
  );
  await d.pool.query(
    `with span as (select tube_code, min(scanned_at) as first, max(scanned_at) as last from samples where campaign_id = $1 group by tube_code)
     update tubes t set opened_at = span.first,
       sealed_at = case when t.sealed_at is not null then span.last + interval '3 minutes' end,
       packed_at = case when t.packed_at is not null then span.last + interval '20 minutes' end,
       shipped_at = case when t.shipped_at is not null then span.last + interval '45 minutes' end,
       received_at = case when t.received_at is not null then span.last + interval '90 minutes' end,
       resulted_at = case when t.resulted_at is not null then least(now(), span.last + interval '4 hours') end
     from span where t.code = span.tube_code`,
    [campaignId],
  );
}
