import crypto from 'node:crypto';
import type pg from 'pg';
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
