import { describe, expect, it } from 'vitest';
import { checkShift, DEFAULT_RULES } from './roster.rules.js';

const at = (h: number) => new Date(Date.UTC(2021, 0, 7) + h * 3600_000);
const shift = (from: number, to: number) => ({ startsAt: at(from), endsAt: at(to) });
const rules = DEFAULT_RULES; // 12 h on duty at most, 8 h of rest at least

describe('roster rules', () => {
  it('accept a shift after a full rest', () => {
    expect(checkShift([shift(0, 8)], shift(16, 24), rules)).toBeNull();
  });
  it('refuse two places at once', () => {
    expect(checkShift([shift(0, 8)], shift(7, 10), rules)).toMatchObject({ code: 'DOUBLE_BOOKED' });
  });
  it('refuse a rest shorter than the minimum', () => {
    expect(checkShift([shift(0, 8)], shift(12, 16), rules)).toEqual({ code: 'REST_TOO_SHORT', restHours: 4, minRestHours: 8 });
    expect(checkShift([shift(12, 16)], shift(0, 8), rules)).toMatchObject({ code: 'REST_TOO_SHORT' });
  });
  it('count back-to-back shifts as one stretch on duty, up to the maximum', () => {
    expect(checkShift([shift(0, 6)], shift(6, 12), rules)).toBeNull();
    expect(checkShift([shift(0, 6), shift(6, 12)], shift(12, 14), rules)).toEqual({ code: 'DUTY_TOO_LONG', hours: 14, maxHours: 12 });
    expect(checkShift([shift(6, 12)], shift(0, 6), { ...rules, maxContinuousHours: 10 })).toMatchObject({ code: 'DUTY_TOO_LONG', hours: 12 });
  });
  it('refuse an empty or too long single shift', () => {
    expect(checkShift([], shift(5, 5), rules)).toEqual({ code: 'SHIFT_INVALID' });
    expect(checkShift([], shift(0, 13), rules)).toMatchObject({ code: 'DUTY_TOO_LONG' });
  });
});
