import { base36 as b36, macOf as mac, sameMac as same } from '../../lib/signing.js';

/*
 * Personal links and village QR codes are signed, not stored (see lib/signing.ts);
 * a personal link expires.
 */

export function signMemberToken(secret: Buffer, callupId: number, staffId: number, expires: Date): string {
  const payload = `m.${b36(callupId)}.${b36(staffId)}.${b36(Math.floor(expires.getTime() / 1000))}`;
  return `${payload}.${mac(secret, payload)}`;
}

export type TokenProblem = 'TOKEN_INVALID' | 'TOKEN_EXPIRED';

export function verifyMemberToken(secret: Buffer, token: string, now = new Date()): { callupId: number; staffId: number } | TokenProblem {
  const parts = token.split('.');
  if (parts.length !== 5 || parts[0] !== 'm') return 'TOKEN_INVALID';
  const payload = parts.slice(0, 4).join('.');
  if (!same(mac(secret, payload), parts[4])) return 'TOKEN_INVALID';
  if (parseInt(parts[3], 36) * 1000 < now.getTime()) return 'TOKEN_EXPIRED';
  return { callupId: parseInt(parts[1], 36), staffId: parseInt(parts[2], 36) };
}

/** The code posted at a village committee: it names the village, nothing else. */
export function signVillageToken(secret: Buffer, areaCode: string): string {
  const payload = `v.${areaCode}`;
  return `${payload}.${mac(secret, payload)}`;
}

export function verifyVillageToken(secret: Buffer, token: string): string | null {
  const [v, code, sig] = token.split('.');
  if (v !== 'v' || !code || !sig || !same(mac(secret, `v.${code}`), sig)) return null;
  return code;
}

/** Great-circle distance in metres. */
export function distanceM(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  const r = 6_371_000;
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLng = (b.lng - a.lng) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2;
  return Math.round(2 * r * Math.asin(Math.sqrt(h)));
}

/** Renders {name}, {area}, {deadline}, {link}; an unknown placeholder is left as written. */
export function renderTemplate(template: string, v: { name: string; area: string; deadline: string; link: string }): string {
  return template.replace(/\{(name|area|deadline|link)\}/g, (_, k: keyof typeof v) => v[k]);
}

