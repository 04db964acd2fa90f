import { and, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../db/connection.js';
import type { Actor } from './access.policy.js';
import { accounts, apiTokens, auditLog, sessions } from './access.tables.js';

type ActorRow = Actor & Record<string, unknown>;
const actorSelect = sql`a.id as "accountId", a.username, a.display_name as "displayName", a.role, a.area_code as "areaCode", a.staff_id as "staffId"`;
/** last_seen_at / last_used_at are written at most this often, so a session in use is not a write per request */
const TOUCH_EVERY = sql`interval '1 minute'`;

export const accessRepo = {
  findAccountByUsername: async (db: Db, username: string) =>
    (await db.select().from(accounts).where(and(eq(accounts.username, username), eq(accounts.disabled, false))))[0],

  /** The session's actor if it has neither expired nor lain unused for `idleMinutes`; marks it used (once a minute at most). */
  actorBySession: async (db: Db, tokenHash: string, idleMinutes: number) =>
    (
      await db.execute<ActorRow>(sql`
        with s as (
          select token_hash, account_id, last_seen_at from sessions
          where token_hash = ${tokenHash} and expires_at > now() and last_seen_at > now() - make_interval(mins => ${idleMinutes}::int)
        ), seen as (
          update sessions set last_seen_at = now() from s
          where sessions.token_hash = s.token_hash and s.last_seen_at < now() - ${TOUCH_EVERY}
        )
        select ${actorSelect} from s join accounts a on a.id = s.account_id where not a.disabled`)
    ).rows[0],

  /** The token's actor unless it was revoked; marks it used (once a minute at most). */
  actorByApiToken: async (db: Db, tokenHash: string) =>
    (
      await db.execute<ActorRow>(sql`
        with t as (
          select id, account_id, last_used_at from api_tokens where token_hash = ${tokenHash} and revoked_at is null
        ), used as (
          update api_tokens set last_used_at = now() from t
          where api_tokens.id = t.id and (t.last_used_at is null or t.last_used_at < now() - ${TOUCH_EVERY})
        )
        select ${actorSelect} from t join accounts a on a.id = t.account_id where not a.disabled`)
    ).rows[0],

  accountsNamed: (db: Db, usernames: string[]) =>
    db
      .select({ id: accounts.id, username: accounts.username, role: accounts.role, areaCode: accounts.areaCode })
      .from(accounts)
      .where(inArray(accounts.username, usernames))
      .orderBy(accounts.id),

  anyAccount: async (db: Db) => (await db.select({ id: accounts.id }).from(accounts).limit(1)).length > 0,

  insertSession: (db: Db, tokenHash: string, accountId: number, expiresAt: Date) =>
    db.insert(sessions).values({ tokenHash, accountId, expiresAt }),

  deleteSession: (db: Db, tokenHash: string) => db.delete(sessions).where(eq(sessions.tokenHash, tokenHash)),

  /**
   * Creates the account or resets it, and ends every session it had, in one statement: a reset
   * is a new password (a new salt, so always a change), perhaps a new role or area, and whoever
   * signed in with the old ones is out.
   */
  upsertAccount: async (db: Db, values: typeof accounts.$inferInsert) =>
    (
      await db.execute<{ id: number }>(sql`
        with up as (
          insert into accounts (username, display_name, password_hash, role, area_code, staff_id)
          values (${values.username}, ${values.displayName}, ${values.passwordHash}, ${values.role}, ${values.areaCode}, ${values.staffId ?? null})
          on conflict (username) do update set
            display_name = excluded.display_name, password_hash = excluded.password_hash, role = excluded.role,
            area_code = excluded.area_code, staff_id = excluded.staff_id, disabled = false
          returning id
        ), ended as (
          delete from sessions where account_id in (select id from up)
        )
        select id from up`)
    ).rows[0].id,

  /** A hash of the same password with today's parameters; only if the password has not changed meanwhile. Sessions stay. */
  replacePasswordHash: (db: Db, accountId: number, oldHash: string, newHash: string) =>
    db.update(accounts).set({ passwordHash: newHash }).where(and(eq(accounts.id, accountId), eq(accounts.passwordHash, oldHash))),

  /** Disables the account and ends its sessions; its id, or undefined if there is no such account. */
  disableAccount: async (db: Db, username: string) =>
    (
      await db.execute<{ id: number }>(sql`
        with off as (update accounts set disabled = true where username = ${username} returning id),
        ended as (delete from sessions where account_id in (select id from off))
        select id from off`)
    ).rows[0]?.id,

  /** The new account's id; none when the user name exists (that account is not touched). */
  insertAccount: async (db: Db, values: typeof accounts.$inferInsert): Promise<number | undefined> =>
    (await db.insert(accounts).values(values).onConflictDoNothing({ target: accounts.username }).returning({ id: accounts.id }))[0]?.id,

  insertApiToken: (db: Db, accountId: number, tokenHash: string, label: string) =>
    db.insert(apiTokens).values({ accountId, tokenHash, label }),

  /** Revokes the account's live tokens (those with the label, or all); the hashes revoked. */
  revokeApiTokens: async (db: Db, accountId: number, label: string | null) =>
    (
      await db
        .update(apiTokens)
        .set({ revokedAt: sql`now()` })
        .where(and(eq(apiTokens.accountId, accountId), isNull(apiTokens.revokedAt), label === null ? undefined : eq(apiTokens.label, label)))
        .returning({ tokenHash: apiTokens.tokenHash })
    ).map((r) => r.tokenHash),

  apiTokensOf: (db: Db, accountId: number) =>
    db
      .select({ id: apiTokens.id, label: apiTokens.label, createdAt: apiTokens.createdAt, lastUsedAt: apiTokens.lastUsedAt, revokedAt: apiTokens.revokedAt })
      .from(apiTokens)
      .where(eq(apiTokens.accountId, accountId))
      .orderBy(desc(apiTokens.createdAt), desc(apiTokens.id)),

  insertAudit: (db: Db, row: typeof auditLog.$inferInsert) => db.insert(auditLog).values(row),
};
