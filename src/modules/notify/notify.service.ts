import crypto from 'node:crypto';
import type pg from 'pg';
import { ERASED } from '../../lib/text.js';
import type { Receipt } from './gateways/gateway.js';
import { notifyRepo } from './notify.repo.js';
import { isMobile, smsParts } from './notify.sms.js';

export interface SmsRequest {
  /** the same key twice queues one message: e.g. `callup:42:staff:7` */
  dedupeKey: string;
  to: string;
  body: string;
  /** who asked, to count statuses by: e.g. `callup:42` */
  topic?: string;
}

export interface EnqueueResult {
  queued: number;
  duplicates: number;
  /** dedupe keys of requests whose number is not a mainland mobile: nothing was queued for them */
  invalid: string[];
}

/** Queues SMS in one statement per 5,000; idempotent by dedupe key. */
export async function enqueueSms(pool: pg.Pool | pg.PoolClient, gateway: string, requests: SmsRequest[]): Promise<EnqueueResult> {
  const invalid: string[] = [];
  const rows = [];
  for (const r of requests) {
    if (!isMobile(r.to)) invalid.push(r.dedupeKey);
    else rows.push({ id: crypto.randomUUID(), dedupeKey: r.dedupeKey, gateway, toPhone: r.to, body: r.body, parts: smsParts(r.body), topic: r.topic ?? null });
  }
  const queued = await notifyRepo.enqueue(pool, rows);
  return { queued, duplicates: rows.length - queued, invalid };
}

export async function recordReceipts(pool: pg.Pool, receipts: Receipt[]): Promise<number> {
  let n = 0;
  const byGateway = new Map<string, Receipt[]>();
  for (const r of receipts) byGateway.set(r.gateway, [...(byGateway.get(r.gateway) ?? []), r]);
  for (const [gateway, rs] of byGateway)
    n += await notifyRepo.applyReceipts(pool, gateway, rs.map((r) => ({ ref: r.ref, key: r.providerMessageId ?? r.ref, status: r.status, reason: r.reason ?? null })));
  return n;
}

export type ReplyListener = (reply: { fromPhone: string; body: string; messageId: string | null; topic: string | null }) => Promise<void>;

/**
 * How long a message takes a reply that does not say which message it answers (Twilio's inbound,
 * the simulator's phone): the latest message to that number, sent within this window and not
 * answered yet, or none. A call-up's cadres answer within the night; a "1" that comes a day later,
 * or a second "1", acknowledges nothing.
 */
export const REPLY_WINDOW_HOURS = 24;

export interface IncomingReply {
  gateway: string;
  /** the provider's id of the reply: a reply posted again under it is stored once and heard once */
  providerId: string | null;
  fromPhone: string;
  body: string;
  /** the message it answers, when the provider says so: our message id or the provider's */
  inReplyTo?: string | null;
}

/**
 * Stores a reply from a phone and tells the listeners (a call-up reads "1" as an acknowledgement).
 * A reply stored before (same provider id) tells nobody and answers as the first time did.
 */
export async function recordReply(pool: pg.Pool, listeners: ReplyListener[], r: IncomingReply) {
  const { taken, messageId, topic } = await notifyRepo.recordReply(pool, { ...r, inReplyTo: r.inReplyTo ?? null, windowS: REPLY_WINDOW_HOURS * 3600 });
  if (taken) for (const l of listeners) await l({ fromPhone: r.fromPhone, body: r.body, messageId, topic });
  return { messageId, topic, duplicate: !taken };
}

/**
 * `bastion purge` (inside its transaction): these phones belong to no one kept in the registry.
 * The messages to them, their replies and the simulator's copies lose the number and the text
 * (a call-up's carries the cadre's personal link); a message not yet sent is not sent. Statuses,
 * parts and topics stay, to be counted. Returns how many rows changed (none the second time).
 */
export async function erasePhones(client: pg.PoolClient, phones: string[]): Promise<number> {
  if (!phones.length) return 0;
  const q = async (text: string, values: unknown[] = [phones, ERASED]) => (await client.query(text, values)).rowCount ?? 0;
  // a provider's reason may quote the number
  const attempts = await q(`update notify_attempts set detail = null where detail is not null and message_id in (select id from notify_messages where to_phone = any($1::text[]))`, [phones]);
  const messages = await q(
    `update notify_messages set to_phone = $2, body = $2, lease_until = null,
       status = case when status in ('queued', 'sending') then 'failed' else status end,
       failure = case when status in ('queued', 'sending') then 'purged' else failure end
     where to_phone = any($1::text[])`,
  );
  const replies = await q(`update notify_replies set from_phone = $2, body = $2 where from_phone = any($1::text[])`);
  const inbox = await q(`update notify_simulator_inbox set to_phone = $2, body = $2 where to_phone = any($1::text[])`);
  return attempts + messages + replies + inbox;
}
