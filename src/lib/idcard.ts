/**
 * Mainland resident ID numbers (GB 11643-1999): 6-digit region, 8-digit birth
 * date, 3-digit sequence (odd = male), check digit (ISO 7064 MOD 11-2).
 */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

export function checkDigit(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * WEIGHTS[i];
  return CHECK[sum % 11];
}

export type IdProblem = 'ID_MANGLED' | 'ID_FORMAT' | 'ID_CHECK_DIGIT' | 'ID_BIRTH_DATE';

export interface IdParsed {
  id: string;
  sex: 'M' | 'F';
  birthDate: string; // YYYY-MM-DD
  upgraded: boolean;
}

/** Scientific notation or a float: what a spreadsheet makes of an 18-digit number. */
const MANGLED = /^\d(\.\d+)?e\+?\d+$|^\d+\.\d+$|^\d{15,18}\.0+$/i;

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const ID18 = /^\d{17}[\dX]$/;

function validDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const leap = m === 2 && y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  return d <= DAYS[m - 1] + (leap ? 1 : 0);
}

/**
 * Judge an already-cleaned ID value. A legacy 15-digit ID (6 region, YYMMDD,
 * 3 sequence) is upgraded to 18 digits by inserting "19" and computing the check.
 */
export function parseIdNumber(value: string, now = Date.now()): IdParsed | IdProblem {
  if (!ID18.test(value) && MANGLED.test(value)) return 'ID_MANGLED';
  let id = value;
  let upgraded = false;
  if (/^\d{15}$/.test(id)) {
    const first17 = id.slice(0, 6) + '19' + id.slice(6);
    id = first17 + checkDigit(first17);
    upgraded = true;
  }
  if (!ID18.test(id)) return 'ID_FORMAT';
  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  if (y < 1890 || !validDate(y, m, d) || Date.UTC(y, m - 1, d) > now) return 'ID_BIRTH_DATE';
  if (checkDigit(id.slice(0, 17)) !== id[17]) return 'ID_CHECK_DIGIT';
  const sex = Number(id[16]) % 2 === 1 ? 'M' : 'F';
  return { id, sex, birthDate: `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`, upgraded };
}

/** First 6 and last 4 characters shown; the rest masked. */
export function maskId(id: string): string {
  return id.length <= 10 ? '*'.repeat(id.length) : id.slice(0, 6) + '*'.repeat(id.length - 10) + id.slice(-4);
}

/**
 * What a masked person shows of their birth: the decade (1980 for 1980–1989), never the date,
 * and not the year either. A masked ID (`130110********123X`) hides exactly the 8 digits of the
 * birth date, and the check digit it shows is a function of the first 17 digits (ISO 7064 MOD
 * 11-2), so it keeps only the dates whose weighted sum gives that check: one in eleven. Shown the
 * birth year, 32 to 34 of the year's 365 dates remain (a name-and-ID verification service
 * anywhere confirms the right one in as many tries); shown the decade, about 330 (3,652 / 11).
 * Sex adds nothing: its digit (the 17th) is among the four shown. An age would be no better than
 * the year, and worse over time: watched from day to day it changes on the birthday itself.
 * `idcard.test.ts` counts the candidates.
 */
export const birthDecade = (birthDate: string): number => Math.floor(Number(birthDate.slice(0, 4)) / 10) * 10;

export function maskPhone(phone: string | null): string | null {
  if (!phone) return phone;
  return phone.length < 7 ? '*'.repeat(phone.length) : phone.slice(0, 3) + '****' + phone.slice(-4);
}

/** Mainland mobile: 11 digits, 1 then 3–9. */
export const MOBILE = /^1[3-9]\d{9}$/;
