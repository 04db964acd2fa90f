/** The rules of a roster, configurable: the longest stretch on duty and the shortest rest between stretches. */
export interface RosterRules {
  maxContinuousHours: number;
  minRestHours: number;
}
export const DEFAULT_RULES: RosterRules = { maxContinuousHours: 12, minRestHours: 8 };

export interface Interval {
  startsAt: Date;
  endsAt: Date;
}

export type RosterProblem =
  | { code: 'SHIFT_INVALID' }
  | { code: 'DOUBLE_BOOKED'; from: Date; to: Date }
  | { code: 'REST_TOO_SHORT'; restHours: number; minRestHours: number }
  | { code: 'DUTY_TOO_LONG'; hours: number; maxHours: number };

const H = 3600_000;
const round1 = (n: number) => Math.round(n * 10) / 10;

/**
 * Judges a new shift against the cadre's other shifts: no one in two places at
 * once; back-to-back shifts make one stretch on duty, which may not exceed the
 * maximum; between stretches the rest is at least the minimum.
 */
export function checkShift(existing: Interval[], next: Interval, rules: RosterRules): RosterProblem | null {
  const s = next.startsAt.getTime();
  const e = next.endsAt.getTime();
  if (!(e > s)) return { code: 'SHIFT_INVALID' };
  for (const x of existing) {
    if (x.startsAt.getTime() < e && s < x.endsAt.getTime()) return { code: 'DOUBLE_BOOKED', from: x.startsAt, to: x.endsAt };
  }
  // the stretch on duty this shift joins: every shift touching it, transitively
  let lo = s;
  let hi = e;
  for (let grew = true; grew; ) {
    grew = false;
    for (const x of existing) {
      const xs = x.startsAt.getTime();
      const xe = x.endsAt.getTime();
      if ((xe === lo && xs < lo) || (xs === hi && xe > hi)) {
        lo = Math.min(lo, xs);
        hi = Math.max(hi, xe);
        grew = true;
      }
    }
  }
  // between that stretch and any other, a full rest
  for (const x of existing) {
    const xs = x.startsAt.getTime();
    const xe = x.endsAt.getTime();
    if (xs >= lo && xe <= hi) continue;
    const gap = xe <= lo ? lo - xe : xs - hi;
    if (gap > 0 && gap < rules.minRestHours * H) return { code: 'REST_TOO_SHORT', restHours: round1(gap / H), minRestHours: rules.minRestHours };
  }
  const hours = (hi - lo) / H;
  if (hours > rules.maxContinuousHours) return { code: 'DUTY_TOO_LONG', hours: round1(hours), maxHours: rules.maxContinuousHours };
  return null;
}
