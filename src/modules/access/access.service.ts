import { TtlCache } from '../../lib/cache.js';
import type { Db } from '../../db/connection.js';
import { AppError } from '../../lib/errors.js';
import { hashPassword, hashToken, newToken, verifyPassword } from './access.passwords.js';
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
 * every request. A sign-out takes effect at once here, and within CACHE_MS on
 * other processes.
 */
const CACHE_MS = 5_000;
const cache = new TtlCache<string, Actor | null>(CACHE_MS);
const cached = (key: string, load: () => Promise<Actor | undefined>) => cache.get(key, async () => (await load()) ?? null);

export async function signOut(db: Db, token: string) {
  const hash = hashToken(token);
  cache.delete('s' + hash);
  await accessRepo.deleteSession(db, hash);
}

export function actorFromSession(db: Db, token: string): Promise<Actor | null> {
  const hash = hashToken(token);
  return cached('s' + hash, () => accessRepo.actorBySession(db, hash) as Promise<Actor | undefined>);
}

export function actorFromApiToken(db: Db, token: string): Promise<Actor | null> {
  const hash = hashToken(token);
  return cached('t' + hash, () => accessRepo.actorByApiToken(db, hash) as Promise<Actor | undefined>);
}

export interface NewAccount {
  username: string;
  password: string;
  role: Role;
  areaCode: string;
  displayName?: string;
  staffId?: number | null;
}

/** Creates the account, or resets it when the user name exists (idempotent). */
export async function addAccount(db: Db, a: NewAccount): Promise<number> {
  if (!/^[\w.@-]{2,64}$/.test(a.username)) throw new AppError('VALIDATION_FAILED', 'user name: 2–64 letters, digits, . _ @ -', 'username');
  if (a.password.length < 8) throw new AppError('VALIDATION_FAILED', 'password: at least 8 characters', 'password');
  if (!ROLES.includes(a.role)) throw new AppError('VALIDATION_FAILED', `role: one of ${ROLES.join(', ')}`, 'role');
  if (!/^\d{2,15}$/.test(a.areaCode)) throw new AppError('VALIDATION_FAILED', 'area: a division code', 'area');
  return accessRepo.upsertAccount(db, {
    username: a.username,
    displayName: a.displayName ?? a.username,
    passwordHash: await hashPassword(a.password),
    role: a.role,
    areaCode: a.areaCode,
    staffId: a.staffId ?? null,
  });
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
