import crypto from 'node:crypto';

/**
 * Tokens that are signed, not stored: a token carries what it grants and an HMAC
 * over it, so it cannot be guessed or altered. `length` base64url characters of
 * the HMAC are kept (22 = 132 bits).
 */
export const macOf = (secret: Buffer, payload: string, length = 22) => crypto.createHmac('sha256', keyOf(secret)).update(payload).digest('base64url').slice(0, length);

/** A secret made a KeyObject once: an HMAC from one costs half of one from the bytes (a key per call). */
const keys = new WeakMap<Buffer, crypto.KeyObject>();
const keyOf = (secret: Buffer) => keys.get(secret) ?? keys.set(secret, crypto.createSecretKey(secret)).get(secret)!;

/** Compares in constant time, so a wrong guess tells nothing of the right one. */
export const sameMac = (a: string, b: string) => a.length === b.length && crypto.timingSafeEqual(Buffer.from(a), Buffer.from(b));

export const base36 = (n: number) => n.toString(36);
