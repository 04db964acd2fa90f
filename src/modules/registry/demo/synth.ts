import { checkDigit } from '../../../lib/idcard.js';
import { nameInitials } from '../../../lib/pinyin.js';
import type { AreaRow } from '../areas/areas.repo.js';
import { shortVillageName } from './geography.js';

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)],
    chance: (p: number) => next() < p,
  };
}
export type Rng = ReturnType<typeof prng>;

export const hashSeed = (seed: number, key: string) => {
  let h = seed ^ 0x9e3779b9;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h >>> 0;
};

// Common surnames of Hebei, most frequent first (repeats weight them).
const SURNAMES = '王王王王李李李李张张张张刘刘刘赵赵赵杨杨陈陈孙孙马马郭郭高高周吴徐朱胡郝董田韩冯曹梁宋许何谢郑罗杜贾石崔范康贺霍常耿史邢侯'.split('');
const GIVEN_M = '伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宁浩亮凯建国志新永海庆国立东文博宇'.split('');
const GIVEN_F = '芳娜敏静丽艳娟霞秀英兰玲桂梅红燕萍雪琳婷颖慧佳欣悦晶倩洁荣凤'.split('');

function personName(r: Rng, male: boolean) {
  const given = male ? GIVEN_M : GIVEN_F;
  return r.pick(SURNAMES) + r.pick(given) + (r.chance(0.7) ? r.pick(given) : '');
}

function mobile(r: Rng) {
  return '1' + r.pick(['3', '5', '7', '8', '9']) + String(r.int(0, 999_999_999)).padStart(9, '0');
}

/** A valid 18-digit ID (GB 11643) unique within `taken`, for a person born `age` years before 2021. */
function idNumber(r: Rng, region: string, age: number, male: boolean, taken: Set<string>): { id: string; birth: string } {
  for (;;) {
    const y = 2021 - age;
    const m = r.int(1, 12);
    const d = r.int(1, new Date(Date.UTC(y, m, 0)).getUTCDate());
    const seq = r.int(0, 499) * 2 + (male ? 1 : 0);
    const birth = `${y}${String(m).padStart(2, '0')}${String(d).padStart(2, '0')}`;
    const first17 = region + birth + String(seq).padStart(3, '0');
    const id = first17 + checkDigit(first17);
    if (!taken.has(id)) {
      taken.add(id);
      return { id, birth: `${birth.slice(0, 4)}-${birth.slice(4, 6)}-${birth.slice(6)}` };
    }
  }
}

export interface Person {
  idNumber: string;
  name: string;
  initials: string;
  sex: 'M' | 'F';
  birthDate: string;
  phone: string | null;
  address: string;
}
export interface Resident extends Person {
  areaCode: string;
  householdNo: string;
  bedridden: boolean;
  elderlyAlone: boolean;
  disabled: boolean;
}
export interface Household {
  householdNo: string;
  areaCode: string;
  address: string;
}
export interface Cadre extends Person {
  workUnit: string;
  partyMember: boolean;
  role: 'cadre' | 'lead';
  assignedAreaCode: string;
}

const SIZES = [1, 1, 1, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 6];
export const HOUSEHOLDS_PER_GRID = 150;

export const DEPARTMENTS = [
  '区委办公室', '区政府办公室', '区委组织部', '区委宣传部', '区纪委监委', '区卫生健康局', '区教育局', '区市场监督管理局',
  '区商务局', '区综合行政执法局', '区公安分局', '区财政局', '区农业农村局', '区住房和城乡建设局', '区交通运输局',
  '区民政局', '区人力资源和社会保障局', '区自然资源和规划局', '区应急管理局', '区文化广电和旅游局',
];

/** The residents and households of one village, grid by grid. */
export function villagePeople(r: Rng, village: AreaRow, townName: string, count: number, taken: Set<string>) {
  const region = village.code.slice(0, 6);
  const residents: Resident[] = [];
  const households: Household[] = [];
  const grids: AreaRow[] = [];
  const street = shortVillageName(village.name);
  for (let h = 0; residents.length < count; h++) {
    const gridNo = Math.floor(h / HOUSEHOLDS_PER_GRID) + 1;
    const gridCode = village.code + String(gridNo).padStart(3, '0');
    if (grids.length < gridNo) grids.push({ code: gridCode, name: `第${gridNo}网格`, level: 'grid', kind: null, parentCode: village.code });
    const householdNo = village.code + String(h + 1).padStart(4, '0');
    const address = `${townName}${street}${r.int(1, 30)}排${h + 1}号`;
    households.push({ householdNo, areaCode: gridCode, address });
    const size = Math.min(r.pick(SIZES), count - residents.length);
    const headAge = r.int(22, 85);
    for (let k = 0; k < size; k++) {
      const male = r.chance(0.51);
      const age = k === 0 ? headAge : k === 1 ? Math.max(18, headAge + r.int(-5, 5)) : r.int(0, Math.max(0, headAge - 18));
      const { id, birth } = idNumber(r, region, age, male, taken);
      const name = personName(r, male);
      residents.push({
        idNumber: id,
        name,
        initials: nameInitials(name),
        sex: male ? 'M' : 'F',
        birthDate: birth,
        phone: age >= 12 && r.chance(0.9) ? mobile(r) : null,
        address,
        areaCode: gridCode,
        householdNo,
        bedridden: r.chance(age >= 70 ? 0.04 : 0.002),
        elderlyAlone: size === 1 && age >= 65 && r.chance(0.7),
        disabled: r.chance(0.015),
      });
    }
  }
  return { residents, households, grids };
}

/** The cadres assigned to one village (分包村): its secretary and officials of the district and town. */
export function villageCadres(r: Rng, village: AreaRow, townName: string, count: number, taken: Set<string>): Cadre[] {
  const region = village.code.slice(0, 6);
  const out: Cadre[] = [];
  for (let i = 0; i < count; i++) {
    const male = r.chance(0.6);
    const age = r.int(24, 58);
    const { id, birth } = idNumber(r, region, age, male, taken);
    const name = personName(r, male);
    const lead = i === 0;
    out.push({
      idNumber: id,
      name,
      initials: nameInitials(name),
      sex: male ? 'M' : 'F',
      birthDate: birth,
      phone: mobile(r),
      address: `${townName}${shortVillageName(village.name)}`,
      workUnit: lead ? `${shortVillageName(village.name)}党支部` : r.chance(0.4) ? `${townName}人民政府` : r.pick(DEPARTMENTS),
      partyMember: lead || r.chance(0.75),
      role: lead ? 'lead' : 'cadre',
      assignedAreaCode: village.code,
    });
  }
  return out;
}

/** Splits `total` over `n` villages, each 0.6–1.4 of the mean, summing to the total. */
export function spread(r: Rng, total: number, n: number): number[] {
  const w = Array.from({ length: n }, () => 0.6 + 0.8 * r.next());
  const sum = w.reduce((a, b) => a + b, 0);
  const counts = w.map((x) => Math.floor((total * x) / sum));
  let rest = total - counts.reduce((a, b) => a + b, 0);
  for (let i = 0; rest > 0; i = (i + 1) % n, rest--) counts[i]++;
  return counts;
}
