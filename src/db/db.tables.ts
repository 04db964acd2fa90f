import { pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** Secrets every app process shares (link signing), made once: see secrets.ts. */
export const appSecrets = pgTable('app_secrets', {
  name: text('name').primaryKey(),
  value: text('value').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
