import { base36, macOf, sameMac } from '../../lib/signing.js';

/**
 * A resident's personal code (个人码), shown as a QR code on their phone or on
 * paper: an opaque token naming the resident's record, never the ID number.
 * `p.<id in base 36>.<16 characters of HMAC>` — short enough for a small QR code,
 * 96 bits of signature against forgery.
 */
export function signPersonalCode(secret: Buffer, residentId: number): string {
  const payload = `p.${base36(residentId)}`;
  return `${payload}.${macOf(secret, payload, 16)}`;
}

/** The resident a personal code names, or null for anything we did not issue. */
export function verifyPersonalCode(secret: Buffer, code: string): number | null {
  const parts = code.trim().split('.');
  if (parts.length !== 3 || parts[0] !== 'p' || !/^[0-9a-z]{1,12}$/.test(parts[1])) return null;
  if (!sameMac(macOf(secret, `p.${parts[1]}`, 16), parts[2])) return null;
  return parseInt(parts[1], 36);
}
