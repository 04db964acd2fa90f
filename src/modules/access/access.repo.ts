import { and, eq, gt, inArray, isNull } from 'drizzle-orm';
import type { Db } from '../../db/connection.js';
import { accounts, apiTokens, auditLog, sessions } from './access.tables.js';

const actorColumns = {
  accountId: accounts.id,
  username: accounts.username,
  displayName: accounts.displayName,
  role: accounts.role,
  areaCode: accounts.areaCode,
  staffId: accounts.staffId,
};

export const accessRepo = {
  findAccountByUsername: async (db: Db, username: string) =>
    (await db.select().from(accounts).where(and(eq(accounts.username, username), eq(accounts.disabled, false))))[0],

  actorBySession: async (db: Db, tokenHash: string) =>
    (
      await db
        .select(actorColumns)
        .from(sessions)
        .innerJoin(accounts, eq(accounts.id, sessions.accountId))
        .where(and(eq(sessions.tokenHash, tokenHash), gt(sessions.expiresAt, new Date()), eq(accounts.disabled, false)))
    )[0],

  actorByApiToken: async (db: Db, tokenHash: string) =>
    (
      await db
        .select(actorColumns)
        .from(apiTokens)
        .innerJoin(accounts, eq(accounts.id, apiTokens.accountId))
        .where(and(eq(apiTokens.tokenHash, tokenHash), isNull(apiTokens.revokedAt), eq(accounts.disabled, false)))
    )[0],

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

  upsertAccount: async (db: Db, values: typeof accounts.$inferInsert) =>
    (
      await db
        .insert(accounts)
        .values(values)
        .onConflictDoUpdate({
          target: accounts.username,
          set: {
            displayName: values.displayName,
            passwordHash: values.passwordHash,
            role: values.role,
            areaCode: values.areaCode,
            staffId: values.staffId ?? null,
            disabled: false,
          },
        })
        .returning({ id: accounts.id })
    )[0].id,

  insertApiToken: (db: Db, accountId: number, tokenHash: string, label: string) =>
    db.insert(apiTokens).values({ accountId, tokenHash, label }),

  insertAudit: (db: Db, row: typeof auditLog.$inferInsert) => db.insert(auditLog).values(row),
};
