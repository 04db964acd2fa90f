import type { TFunction } from 'i18next';

/** Counts as the board's statistics show them: 590,000. */
export const num = (n: number) => n.toLocaleString('en-US');

/** A tube's wait at a stage: minutes, or hours from two hours on (then it is late: `long`). */
export function ageText(minutes: number, t: TFunction): { text: string; long: boolean } {
  const long = minutes >= 120;
  return { text: long ? t('testing.hours', { n: Math.round(minutes / 60) }) : t('testing.minutes', { n: minutes }), long };
}

/** Minutes since a time, for `ageText`. */
export const minutesSince = (iso: string) => Math.max(0, Math.round((Date.now() - new Date(iso).getTime()) / 60_000));
