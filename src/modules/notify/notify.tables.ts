import { sql } from 'drizzle-orm';
import { bigserial, doublePrecision, index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

/**
 * The durable queue of outgoing messages. `id` is our message id: it goes with
 * every request to the gateway, so a provider can drop a second copy of the same
 * message after a crash. `dedupeKey` makes enqueueing idempotent.
 */
export const notifyMessages = pgTable(
  'notify_messages',
  {
    id: uuid('id').primaryKey(),
    dedupeKey: text('dedupe_key').notNull().unique(),
    gateway: text('gateway').notNull(),
    toPhone: text('to_phone').notNull(),
    body: text('body').notNull(),
    parts: integer('parts').notNull(),
    topic: text('topic'), // who asked for it, e.g. callup:42
    status: text('status').notNull(), // queued | sending | sent | delivered | failed | replied
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    leaseUntil: timestamp('lease_until', { withTimezone: true }),
    providerId: text('provider_id'),
    failure: text('failure'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
    repliedAt: timestamp('replied_at', { withTimezone: true }),
  },
  (t) => [
    index('notify_messages_due_idx').on(t.gateway, t.nextAttemptAt).where(sql`status in ('queued', 'sending')`),
    index('notify_messages_provider_idx').on(t.gateway, t.providerId),
    index('notify_messages_phone_idx').on(t.toPhone, t.createdAt),
    index('notify_messages_topic_idx').on(t.topic),
  ],
);

/** Each hand-over to a gateway, with its outcome: the audit of who was sent what, when. */
export const notifyAttempts = pgTable(
  'notify_attempts',
  {
    id: uuid('id').primaryKey(),
    messageId: uuid('message_id').notNull(),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
    outcome: text('outcome'), // sent | temporary | permanent
    detail: text('detail'),
  },
  (t) => [index('notify_attempts_message_idx').on(t.messageId)],
);

/** Replies that arrived from phones. */
export const notifyReplies = pgTable(
  'notify_replies',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    gateway: text('gateway').notNull(),
    providerId: text('provider_id'),
    fromPhone: text('from_phone').notNull(),
    body: text('body').notNull(),
    messageId: uuid('message_id'),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('notify_replies_phone_idx').on(t.fromPhone, t.receivedAt),
    // the provider's id of the reply (Twilio's MessageSid): a reply posted again is the same reply
    uniqueIndex('notify_replies_provider_key').on(t.gateway, t.providerId),
  ],
);

/**
 * Delivery receipts taken, one per message and gateway: the provider's id of the message it is
 * about (Twilio's MessageSid, or the `ref` a provider posts). A receipt posted again is the same
 * receipt and changes nothing.
 */
export const notifyReceipts = pgTable(
  'notify_receipts',
  {
    gateway: text('gateway').notNull(),
    providerMessageId: text('provider_message_id').notNull(),
    messageId: uuid('message_id').notNull(),
    status: text('status').notNull(), // delivered | failed
    reason: text('reason'),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.gateway, t.providerMessageId] })],
);

/**
 * The simulator gateway's phones: what each number has received, kept like a
 * provider keeps it — once per message id, however often it was handed over.
 */
export const notifySimulatorInbox = pgTable(
  'notify_simulator_inbox',
  {
    messageId: uuid('message_id').primaryKey(),
    toPhone: text('to_phone').notNull(),
    body: text('body').notNull(),
    handovers: integer('handovers').notNull().default(1),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('notify_sim_inbox_phone_idx').on(t.toPhone, t.receivedAt)],
);

/**
 * One token bucket per gateway, shared by every process: the configured rate is
 * the provider's limit for the whole deployment, not per process.
 */
export const notifyRateBuckets = pgTable('notify_rate_buckets', {
  gateway: text('gateway').primaryKey(),
  tokens: doublePrecision('tokens').notNull(),
  refilledAt: timestamp('refilled_at', { withTimezone: true }).notNull().defaultNow(),
});
