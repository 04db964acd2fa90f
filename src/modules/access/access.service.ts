import { TtlCache } from '../../lib/cache.js';
import type pg from 'pg';
import { drizzle } from 'drizzle-orm/node-postgres';
import type { Db } from '../../db/connection.js';
import { AppError, invalid } from '../../lib/errors.js';
import { hashPassword, hashToken, needsRehash, newToken, verifyPassword } from './access.passwords.js';
import { ROLES, type Actor, type Role } from './access.policy.js';
import { accessRepo } from './access.repo.js';

// Verifying against a fixed hash when the user is unknown keeps the timing equal.
let dummyHash: Promise<string> | null = null;

export async function signIn(db: Db, username: string, password: string, sessionHours: number) {
  const account = await accessRepo.findAccountByUsername(db, username);
  const ok = account
    ? await verifyPassword(password, account.passwordHash)
    : (await verifyPassword(password, await (dummyHash ??= hashPassword('x'))), false);
  if (!account || !ok) throw new AppError('BAD_CREDENTIALS', 'wrong user name or password', 'password');
  // made with older parameters: made again now that the password is in hand (sessions stay)
  if (needsRehash(account.passwordHash)) await accessRepo.replacePasswordHash(db, account.id, account.passwordHash, await hashPassword(password));
  const { token, hash } = newToken();
  const expiresAt = new Date(Date.now() + sessionHours * 3600_000);
  await accessRepo.insertSession(db, hash, account.id, expiresAt);
  const actor: Actor = {
    accountId: account.id,
    username: account.username,
    displayName: account.displayName,
    role: account.role as Role,
    areaCode: account.areaCode,
    staffId: account.staffId,
  };
  return { token, expiresAt, actor };
}

/**
 * Sessions and tokens live in PostgreSQL (app processes stay stateless); each
 * process remembers a resolved one for a few seconds, which spares a query on
 * every request. A sign-out, a password, role or area change, a disabled account
 * or a revoked token takes effect at once in the process that made it, and within
 * CACHE_MS in the others (a CLI command is another process: within CACHE_MS).
 */
const CACHE_MS = 5_000;
/** BASTION_SESSION_IDLE_MINUTES by default */
export const DEFAULT_IDLE_MINUTES = 120;
const cache = new TtlCache<string, Actor | null>(CACHE_MS);

/**
 * Accounts changed by this process in the last CACHE_MS: their sessions and tokens are read
 * from the database on every request until then, so that no answer kept from before the
 * change (or read before its transaction committed) is served. Changes are rare; the map is
 * nearly always empty.
 */
const changed = new Map<number, number>();
function accountChanged(accountId: number) {
  const now = Date.now();
  for (const [id, at] of changed) if (now - at > CACHE_MS) changed.delete(id);
  changed.set(accountId, now);
}
function recentlyChanged(accountId: number): boolean {
  const at = changed.get(accountId);
  if (at === undefined) return false;
  if (Date.now() - at <= CACHE_MS) return true;
  changed.delete(accountId);
  return false;
}

async function cached(key: string, load: () => Promise<Actor | undefined>): Promise<Actor | null> {
  const actor = await cache.get(key, async () => (await load()) ?? null);
  if (!actor || changed.size === 0 || !recentlyChanged(actor.accountId)) return actor;
  cache.delete(key);
  return (await load()) ?? null;
}

export async function signOut(db: Db, token: string) {
  const hash = hashToken(token);
  cache.delete('s' + hash);
  await accessRepo.deleteSession(db, hash);
}

export function actorFromSession(db: Db, token: string, idleMinutes = DEFAULT_IDLE_MINUTES): Promise<Actor | null> {
  const hash = hashToken(token);
  return cached('s' + hash, () => accessRepo.actorBySession(db, hash, idleMinutes));
}

export function actorFromApiToken(db: Db, token: string): Promise<Actor | null> {
  const hash = hashToken(token);
  return cached('t' + hash, () => accessRepo.actorByApiToken(db, hash));
}

export interface NewAccount {
  username: string;
  password: string;
  role: Role;
  areaCode: string;
  displayName?: string;
  staffId?: number | null;
}

/** What is stored of a new account, once its fields are checked (its password hashed). */
async function accountValues(a: NewAccount) {
  if (!/^[\w.@-]{2,64}$/.test(a.username)) throw invalid('username', 'USERNAME_INVALID');
  if (a.password.length < 8) throw invalid('password', 'PASSWORD_TOO_SHORT');
  if (!ROLES.includes(a.role)) throw invalid('role', 'ACCOUNT_ROLE_INVALID');
  if (!/^\d{2,15}$/.test(a.areaCode)) throw invalid('area', 'AREA_CODE_INVALID');
  return {
    username: a.username,
    displayName: a.displayName ?? a.username,
    passwordHash: await hashPassword(a.password),
    role: a.role,
    areaCode: a.areaCode,
    staffId: a.staffId ?? null,
  };
}

/**
 * Creates the account, or resets it when the user name exists (idempotent): the operator's tool
 * (`bastion user add --reset`, the demo, tests). A reset ends the account's sessions. An API never
 * calls it: see createAccount.
 */
export async function addAccount(db: Db, a: NewAccount): Promise<number> {
  const id = await accessRepo.upsertAccount(db, await accountValues(a));
  accountChanged(id);
  return id;
}

/**
 * Creates the account and nothing else: a user name that exists is refused (CONFLICT, field
 * `username`) and that account is left as it was. Runs on the caller's connection, so the account
 * commits or rolls back with the caller's transaction.
 */
export async function createAccount(q: pg.Pool | pg.PoolClient, a: NewAccount): Promise<number> {
  const id = await accessRepo.insertAccount(drizzle(q) as Db, await accountValues(a));
  if (id === undefined) throw new AppError('CONFLICT', `the user name ${a.username} is taken`, 'username');
  return id;
}

/** Disables the account and ends its sessions (its API tokens answer 401 too); `user add --reset` enables it again with a new password. */
export async function disableAccount(db: Db, username: string): Promise<void> {
  const id = await accessRepo.disableAccount(db, username);
  if (id === undefined) throw new AppError('NOT_FOUND', `no account ${username}`, 'username');
  accountChanged(id);
}

async function accountIdOf(db: Db, username: string): Promise<number> {
  const [acc] = await accessRepo.accountsNamed(db, [username]);
  if (!acc) throw new AppError('NOT_FOUND', `no account ${username}`, 'username');
  return acc.id;
}

export const accountsNamed = (db: Db, usernames: string[]) => accessRepo.accountsNamed(db, usernames);

/** Whether anyone can sign in yet (an empty Bastion has no account until `bastion user add`). */
export const anyAccount = (db: Db) => accessRepo.anyAccount(db);

/** A bearer token for a device or a lab; only its hash is kept. */
export async function issueApiToken(db: Db, accountId: number, label: string): Promise<string> {
  const { token, hash } = newToken();
  await accessRepo.insertApiToken(db, accountId, hash, label);
  return token;
}

/** Revokes the account's API tokens with this label (or all, with null); how many were live. */
export async function revokeApiTokens(db: Db, username: string, label: string | null): Promise<number> {
  const id = await accountIdOf(db, username);
  const hashes = await accessRepo.revokeApiTokens(db, id, label);
  for (const h of hashes) cache.delete('t' + h);
  accountChanged(id);
  return hashes.length;
}

/** The account's API tokens: label, when made, last used (to the minute), revoked. Never the token. */
export async function listApiTokens(db: Db, username: string) {
  return accessRepo.apiTokensOf(db, await accountIdOf(db, username));
}

/** Records a read or change of personal data. Call inside the transaction of the read when there is one. */
export async function audit(
  db: Db,
  actor: Pick<Actor, 'accountId'> | null,
  action: string,
  subjectType: string,
  subjectId: string | number,
  detail?: Record<string, unknown>,
) {
  await accessRepo.insertAudit(db, {
    accountId: actor?.accountId ?? null,
    action,
    subjectType,
    subjectId: String(subjectId),
    detail: detail ?? null,
  });
}
