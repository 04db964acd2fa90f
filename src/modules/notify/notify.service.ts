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
  for (const [gateway, rs] of byGateway) n += await notifyRepo.applyReceipts(pool, gateway, rs.map((r) => ({ ref: r.ref, status: r.status, reason: r.reason ?? null })));
  return n;
}

export type ReplyListener = (reply: { fromPhone: string; body: string; messageId: string | null; topic: string | null }) => Promise<void>;

/** Stores a reply from a phone and tells the listeners (a call-up reads "1" as an acknowledgement). */
export async function recordReply(pool: pg.Pool, listeners: ReplyListener[], r: { gateway: string; providerId: string | null; fromPhone: string; body: string }) {
  const { messageId, topic } = await notifyRepo.recordReply(pool, r);
  for (const l of listeners) await l({ fromPhone: r.fromPhone, body: r.body, messageId, topic });
  return { messageId, topic };
}

