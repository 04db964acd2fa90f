import crypto from 'node:crypto';
import { promisify } from 'node:util';

const scrypt = promisify(crypto.scrypt) as (pw: string, salt: Buffer, len: number, opts: crypto.ScryptOptions) => Promise<Buffer>;

/**
 * OWASP's Password Storage Cheat Sheet: scrypt with N=2^17, r=8, p=1 (128 MiB and a few hundred
 * milliseconds of one core per hash; sign-in is limited in total for that reason). A hash keeps
 * its parameters, so one made with older ones still verifies and is made again at sign-in.
 */
const PARAMS = { N: 2 ** 17, r: 8, p: 1 };
/** scrypt needs 128·N·r bytes; Node refuses beyond maxmem (32 MiB by default). */
const maxmemFor = (N: number, r: number) => 128 * N * r + 16 * 1024 * 1024;
/** What a stored hash may ask for: no more than 8 times today's memory. */
const MAX_N = 2 ** 20;

/** scrypt with a per-password salt, stored as `scrypt$N$r$p$salt$hash`. */
export async function hashPassword(password: string): Promise<string> {
  const { N, r, p } = PARAMS;
  const salt = crypto.randomBytes(16);
  const hash = await scrypt(password, salt, 32, { N, r, p, maxmem: maxmemFor(N, r) });
  return ['scrypt', N, r, p, salt.toString('base64'), hash.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [alg, n, r, p, salt, hash] = stored.split('$');
  const N = Number(n), R = Number(r), P = Number(p);
  if (alg !== 'scrypt' || !(N >= 2 && N <= MAX_N) || !(R >= 1 && R <= 32) || !(P >= 1 && P <= 16) || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const got = await scrypt(password, Buffer.from(salt, 'base64'), expected.length, { N, r: R, p: P, maxmem: maxmemFor(N, R) });
  return crypto.timingSafeEqual(expected, got);
}

/** A stored hash made with other parameters than today's: make it again while the password is in hand. */
export function needsRehash(stored: string): boolean {
  const [alg, n, r, p] = stored.split('$');
  return alg !== 'scrypt' || Number(n) !== PARAMS.N || Number(r) !== PARAMS.r || Number(p) !== PARAMS.p;
}

/** A random bearer secret and the SHA-256 we keep of it. */
export function newToken(): { token: string; hash: string } {
  const token = crypto.randomBytes(32).toString('base64url');
  return { token, hash: hashToken(token) };
}

// one-shot: a bearer token is hashed on every request of a station, and createHash cost three times as much
export const hashToken = (token: string) => crypto.hash('sha256', token, 'hex');
