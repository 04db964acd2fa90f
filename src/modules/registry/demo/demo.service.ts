import type pg from 'pg';
import type { Db } from '../../../db/connection.js';
import { copyRows } from '../../../db/copy.js';
import { inTransaction } from '../../../db/transaction.js';
import { addAccount, type Role } from '../../access/index.js';
import { areasRepo, type AreaRow } from '../areas/areas.repo.js';
import { SCALES, officialAreas, shortVillageName, type Scale } from './geography.js';
import { DEPARTMENTS, hashSeed, prng, spread, villageCadres, villagePeople, type Cadre, type Household, type Resident } from './synth.js';

export const DEMO_PASSWORD = 'bastion2021';

const WORKING_GROUPS = ['综合协调组', '核酸检测组', '流调溯源组', '社区管控组', '物资保障组', '医疗救治组', '宣传舆情组', '交通管控组'];

export interface DemoResult {
  scale: Scale;
  areas: number;
  residents: number;
  staff: number;
  townsLoaded: number;
  townsSkipped: number;
  /** codes of the villages and communities of the scale */
  villages: string[];
  accounts: { username: string; role: Role; areaCode: string; areaName: string }[];
}

async function townLoaded(pool: pg.Pool, town: string): Promise<boolean> {
  const r = await pool.query(`select 1 from residents where area_code like $1 limit 1`, [town + '%']);
  return r.rowCount! > 0;
}

/** One town in one transaction: a town is either wholly loaded or not at all. */
async function loadTown(pool: pg.Pool, grids: AreaRow[], households: Household[], residents: Resident[], cadres: Cadre[]) {
  await inTransaction(pool, async (client) => {
    await client.query(`create temp table tmp_households (like households) on commit drop`);
    await client.query(`create temp table tmp_residents (like residents including defaults) on commit drop`);
    await client.query(`create temp table tmp_staff (like staff including defaults) on commit drop`);
    await client.query(
      `insert into areas (code, name, level, parent_code)
       select code, name, 'grid', parent from unnest($1::text[], $2::text[], $3::text[]) as t(code, name, parent)
       on conflict (code) do nothing`,
      [grids.map((g) => g.code), grids.map((g) => g.name), grids.map((g) => g.parentCode)],
    );
    await copyRows(client, 'tmp_households', ['household_no', 'area_code', 'address'], households.map((h) => [h.householdNo, h.areaCode, h.address]));
    await copyRows(
      client,
      'tmp_residents',
      ['id_number', 'name', 'name_initials', 'sex', 'birth_date', 'phone', 'address', 'area_code', 'household_no', 'bedridden', 'elderly_alone', 'disabled'],
      residents.map((p) => [p.idNumber, p.name, p.initials, p.sex, p.birthDate, p.phone, p.address, p.areaCode, p.householdNo, p.bedridden, p.elderlyAlone, p.disabled]),
    );
    await copyRows(
      client,
      'tmp_staff',
      ['id_number', 'name', 'name_initials', 'sex', 'birth_date', 'phone', 'address', 'work_unit', 'party_member', 'role', 'assigned_area_code'],
      cadres.map((p) => [p.idNumber, p.name, p.initials, p.sex, p.birthDate, p.phone, p.address, p.workUnit, p.partyMember, p.role, p.assignedAreaCode]),
    );
    // People imported by hand before the demo keep their records.
    await client.query(`insert into households select * from tmp_households on conflict do nothing`);
    await client.query(`insert into residents select * from tmp_residents on conflict ((reverse(id_number))) do nothing`);
    await client.query(`insert into staff select * from tmp_staff on conflict ((reverse(id_number))) do nothing`);
  });
}

/**
 * Each work unit of the demo gets a head (单位负责人): its first cadre, who also
 * took a village. A party branch's is its secretary. Units that already have one keep it.
 */
async function markUnitHeads(pool: pg.Pool, root: string) {
  await pool.query(
    `update staff s set unit_head = true
     from (select distinct on (work_unit) id, work_unit from staff where assigned_area_code like $1 order by work_unit, id) first
     where s.id = first.id and not exists (select 1 from staff h where h.work_unit = first.work_unit and h.unit_head)`,
    [root + '%'],
  );
}

async function loadOrganisations(pool: pg.Pool, areas: AreaRow[]) {
  const districts = areas.filter((a) => a.level === 'district');
  const rows: [string, string, string][] = [];
  for (const d of districts) {
    rows.push([`${d.name}疫情防控指挥部`, 'command_centre', d.code]);
    for (const g of WORKING_GROUPS) rows.push([`${d.name}疫情防控指挥部${g}`, 'working_group', d.code]);
    for (const dep of DEPARTMENTS) rows.push([dep, 'department', d.code]);
  }
  for (const t of areas.filter((a) => a.level === 'town')) rows.push([`${t.name}人民政府`, 'department', t.code]);
  for (const v of areas.filter((a) => a.level === 'village')) rows.push([`${shortVillageName(v.name)}党支部`, 'party_branch', v.code]);
  await pool.query(
    `insert into organisations (name, kind, area_code) select * from unnest($1::text[], $2::text[], $3::text[]) on conflict do nothing`,
    [rows.map((r) => r[0]), rows.map((r) => r[1]), rows.map((r) => r[2])],
  );
  await pool.query(`update organisations w set parent_id = c.id from organisations c
    where w.kind = 'working_group' and c.kind = 'command_centre' and c.area_code = w.area_code and w.parent_id is null`);
  // A cadre's work unit names a department of their district, a town government or a village branch.
  await pool.query(`update staff s set organisation_id = o.id from organisations o
    where s.organisation_id is null and o.name = s.work_unit and s.assigned_area_code like o.area_code || '%'`);
}

/** True when no resident is registered yet: `bastion start` then loads the demo. */
export const registryEmpty = async (pool: pg.Pool) => (await pool.query('select 1 from residents limit 1')).rowCount === 0;

/**
 * Loads the real geography of a scale and deterministic synthetic people.
 * Towns already loaded are skipped, so a repeated or interrupted load completes
 * without duplicating anyone; the same seed always gives the same people.
 */
export async function loadDemo(db: Db, pool: pg.Pool, scale: Scale, seed = 1, log: (m: string) => void = () => {}): Promise<DemoResult> {
  const spec = SCALES[scale];
  const areas = officialAreas(scale);
  await areasRepo.upsertMany(db, areas);
  const villages = areas.filter((a) => a.level === 'village' && a.code.startsWith(spec.root));
  const townName = new Map(areas.filter((a) => a.level === 'town').map((a) => [a.code, a.name]));
  const r0 = prng(hashSeed(seed, 'spread'));
  const residentsPer = spread(r0, spec.residents, villages.length);
  const cadresPer = spread(r0, spec.cadres, villages.length);

  let residents = 0;
  let staff = 0;
  let townsLoaded = 0;
  let townsSkipped = 0;
  // IDs are unique per district (their region code); towns of one district share the set.
  let district = '';
  let taken = new Set<string>();
  const towns = [...new Set(villages.map((v) => v.code.slice(0, 9)))];
  for (const town of towns) {
    if (town.slice(0, 6) !== district) {
      district = town.slice(0, 6);
      taken = new Set();
    }
    const r = prng(hashSeed(seed, town));
    const grids: AreaRow[] = [];
    const households: Household[] = [];
    const people: Resident[] = [];
    const cadres: Cadre[] = [];
    villages.forEach((v, i) => {
      if (!v.code.startsWith(town)) return;
      const tn = townName.get(town) ?? '';
      const vp = villagePeople(r, v, tn, residentsPer[i], taken);
      grids.push(...vp.grids);
      households.push(...vp.households);
      people.push(...vp.residents);
      cadres.push(...villageCadres(r, v, tn, cadresPer[i], taken));
    });
    if (await townLoaded(pool, town)) {
      townsSkipped++;
      continue;
    }
    await loadTown(pool, grids, households, people, cadres);
    residents += people.length;
    staff += cadres.length;
    townsLoaded++;
    log(`  ${townName.get(town)} (${town}): ${people.length} residents, ${cadres.length} cadres`);
  }
  await loadOrganisations(pool, areas.filter((a) => a.code.startsWith(spec.root) || spec.root.startsWith(a.code)));
  await markUnitHeads(pool, spec.root);
  // statistics now, not when autovacuum comes round: searches planned on an empty table's
  // statistics read the whole registry (a process served 100 searches a second instead of 1,500)
  if (townsLoaded) await pool.query('analyze areas, households, residents, staff, organisations');

  const root = areas.find((a) => a.code === spec.root)!;
  const accounts: DemoResult['accounts'] = [{ username: 'commander', role: 'commander', areaCode: root.code, areaName: root.name }];
  for (const code of ['130110108201', '130110108202']) {
    const v = areas.find((a) => a.code === code);
    if (v) accounts.push({ username: code === '130110108201' ? 'shanyin' : 'nanpingtong', role: 'lead', areaCode: code, areaName: v.name });
  }
  for (const a of accounts) {
    await addAccount(db, { username: a.username, password: DEMO_PASSWORD, role: a.role, areaCode: a.areaCode, displayName: a.role === 'commander' ? `${a.areaName}指挥部` : `${a.areaName}书记` });
  }
  return { scale, areas: areas.length, residents, staff, townsLoaded, townsSkipped, villages: villages.map((v) => v.code), accounts };
}
