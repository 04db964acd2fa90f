/**
 * Cleaning of values typed into office spreadsheets: full-width forms become
 * ASCII, every kind of space is removed at the ends and collapsed inside.
 */
const FULL_WIDTH = /[\uff01-\uff5e\u3000]/;

export function toHalfWidth(s: string): string {
  if (!FULL_WIDTH.test(s)) return s;
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c >= 0xff01 && c <= 0xff5e) out += String.fromCodePoint(c - 0xfee0);
    else if (c === 0x3000) out += ' ';
    else out += ch;
  }
  return out;
}

const SPACES = /[\s\u00a0\u2000-\u200b\u3000\ufeff]+/g;

/** Trim and collapse spaces; full-width to half-width. */
/** Anything cleanText would change; most cells have none of it and are returned as they are. */
const UNCLEAN = /[\s\u00a0\u2000-\u200b\u3000\ufeff\uff01-\uff5e]/;

export function cleanText(s: string | null | undefined): string {
  if (s == null) return '';
  const str = String(s);
  if (!UNCLEAN.test(str)) return str;
  return toHalfWidth(str).replace(SPACES, ' ').trim();
}

/** For codes and numbers: no spaces at all, dashes between phone groups dropped, upper case. */
export function cleanCode(s: string | null | undefined): string {
  return cleanText(s).replace(/[\s-]/g, '').toUpperCase();
}

/** 1–30 characters of CJK or Latin letters, spaces and the middle dot (· or •). */
const NAME = /^[\p{Script=Han}A-Za-z\u00b7\u2022\u30fb ]{1,30}$/u;
export function isValidName(name: string): boolean {
  return NAME.test(name) && /[\p{Script=Han}A-Za-z]/u.test(name);
}

/** Normalise the middle-dot variants to U+00B7 as used in ethnic-minority names. */
export function normaliseName(name: string): string {
  return name.replace(/[\u2022\u30fb]/g, '\u00b7');
}

/** A column header as offices vary it: full-width, spaces, a required-mark star or a colon, case. */
export const normaliseHeader = (h: string) => toHalfWidth(String(h ?? '')).replace(/[\s*＊:：]/g, '').toLowerCase();

/** What erased personal text reads (a name, an address, an SMS) once `bastion purge` has ended its purpose. */
export const ERASED = '（已清除）';
