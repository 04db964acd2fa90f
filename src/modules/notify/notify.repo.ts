import type pg from 'pg';

export interface QueuedMessage {
  id: string;
  toPhone: string;
  body: string;
  attempts: number;
}

export interface NewMessage {
  id: string;
  dedupeKey: string;
  gateway: string;
  toPhone: string;
  body: string;
  parts: number;
  topic: string | null;
}

const arr = <T, K extends keyof T>(rows: T[], k: K) => rows.map((r) => r[k]);

/**
 * Updates messages by id with up to two values each (t.a, t.b), locking the
 * rows in id order first: the dispatcher and a delivery receipt touching the
 * same messages at once then wait for each other instead of deadlocking.
 */
async function updateInIdOrder(pool: pg.Pool, rows: [string, string | null, string | null][], set: string, where = 'true'): Promise<number> {
  if (!rows.length) return 0;
  const res = await pool.query(
    `with t as (select * from unnest($1::uuid[], $2::text[], $3::text[]) as t(id, a, b)),
     locked as (select m.id from notify_messages m join t on t.id = m.id order by m.id for update of m)
     update notify_messages m set ${set} from t where m.id = t.id and m.id in (select id from locked) and ${where}`,
    [rows.map((r) => r[0]), rows.map((r) => r[1]), rows.map((r) => r[2])],
  );
  return res.rowCount ?? 0;
}

export const notifyRepo = {
  /** Inserts the messages not already queued under their dedupe key; returns how many were new. */
  async enqueue(pool: pg.Pool | pg.PoolClient, rows: NewMessage[]): Promise<number> {
    let added = 0;
    for (let i = 0; i < rows.length; i += 5000) {
      const c = rows.slice(i, i + 5000);
      const res = await pool.query(
        `insert into notify_messages (id, dedupe_key, gateway, to_phone, body, parts, topic, status)
         select *, 'queued' from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::text[])
         on conflict (dedupe_key) do nothing`,
        [arr(c, 'id'), arr(c, 'dedupeKey'), arr(c, 'gateway'), arr(c, 'toPhone'), arr(c, 'body'), arr(c, 'parts'), arr(c, 'topic')],
      );
      added += res.rowCount ?? 0;
    }
    return added;
  },

  /**
   * Takes up to `limit` due messages of a gateway under a lease. A lease left
   * by a process that died runs out and the message is taken again.
   */
  /**
   * Takes up to `want` whole tokens from the gateway's shared bucket (refilled at
   * `rate` a second, holding at most one second's worth), but none until at least
   * `least` are there: senders wake for a batch, not for every token. Returns the
   * tokens taken and, when none were, how long until `least` are there.
   */
  async takeTokens(pool: pg.Pool, gateway: string, rate: number, want: number, least = 1): Promise<{ granted: number; waitMs: number }> {
    const res = await pool.query<{ granted: number; left: number }>(
      `with b as (
         select gateway, least($2::float8, tokens + extract(epoch from clock_timestamp() - refilled_at)::float8 * $2) as avail
         from notify_rate_buckets where gateway = $1 for update),
       g as (select gateway, avail, case when floor(avail) >= $4 then least(floor(avail), $3) else 0 end as granted from b)
       update notify_rate_buckets r set tokens = g.avail - g.granted, refilled_at = clock_timestamp()
       from g where r.gateway = g.gateway
       returning g.granted::int as granted, r.tokens as left`,
      [gateway, rate, want, least],
    );
    if (!res.rows.length) {
      // the first process to send through this gateway: a full bucket
      await pool.query(`insert into notify_rate_buckets (gateway, tokens) values ($1, $2) on conflict do nothing`, [gateway, rate]);
      return this.takeTokens(pool, gateway, rate, want, least);
    }
    const { granted, left } = res.rows[0];
    return { granted, waitMs: granted ? 0 : Math.max(1, Math.ceil(((least - left) / rate) * 1000)) };
  },

  /** Returns tokens taken but not used (fewer messages were due than taken). */
  async giveBackTokens(pool: pg.Pool, gateway: string, rate: number, n: number) {
    await pool.query(`update notify_rate_buckets set tokens = least($2::float8, tokens + $3) where gateway = $1`, [gateway, rate, n]);
  },

  async claim(pool: pg.Pool, gateway: string, limit: number, leaseMs: number): Promise<QueuedMessage[]> {
    const res = await pool.query<QueuedMessage>(
      `update notify_messages m set status = 'sending', attempts = m.attempts + 1,
         lease_until = now() + make_interval(secs => $3::float8 / 1000)
       where m.id in (
         select id from notify_messages
         where gateway = $1 and status in ('queued', 'sending') and next_attempt_at <= now()
           and (status = 'queued' or lease_until < now())
         order by next_attempt_at limit $2 for update skip locked)
       returning m.id, m.to_phone as "toPhone", m.body, m.attempts`,
      [gateway, limit, leaseMs],
    );
    return res.rows;
  },

  async recordAttempts(pool: pg.Pool, rows: { id: string; messageId: string; outcome: string; detail: string | null }[]) {
    if (!rows.length) return;
    await pool.query(
      `insert into notify_attempts (id, message_id, outcome, detail) select * from unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[])`,
      [arr(rows, 'id'), arr(rows, 'messageId'), arr(rows, 'outcome'), arr(rows, 'detail')],
    );
  },

  /** Handed over: sent, unless a receipt already said more. */
  markSent: (pool: pg.Pool, rows: { id: string; providerId: string }[]) =>
    updateInIdOrder(
      pool,
      rows.map((r) => [r.id, r.providerId, null]),
      `provider_id = t.a, sent_at = coalesce(m.sent_at, now()), lease_until = null,
       status = case when m.status = 'sending' then 'sent' else m.status end`,
    ),

  markRetry: (pool: pg.Pool, rows: { id: string; delayMs: number; reason: string }[]) =>
    updateInIdOrder(
      pool,
      rows.map((r) => [r.id, String(r.delayMs), r.reason]),
      `status = 'queued', lease_until = null, failure = t.b, next_attempt_at = now() + make_interval(secs => t.a::float8 / 1000)`,
      `m.status = 'sending'`,
    ),

  markFailed: (pool: pg.Pool, rows: { id: string; reason: string }[]) =>
    updateInIdOrder(pool, rows.map((r) => [r.id, r.reason, null]), `status = 'failed', lease_until = null, failure = t.a`, `m.status in ('sending', 'sent')`),

  /**
   * Delivery receipts: `ref` is the provider's id, or our message id when the provider echoes it;
   * `key` the provider's id of the message, by which a receipt is taken once. Taking the receipt
   * (notify_receipts) and applying it are one statement: a receipt posted again finds it taken and
   * changes nothing, and one that failed to apply was not taken either.
   */
  async applyReceipts(pool: pg.Pool, gateway: string, rows: { ref: string; key: string; status: 'delivered' | 'failed'; reason: string | null }[]) {
    if (!rows.length) return 0;
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
    const byProvider = rows.filter((r) => !uuid.test(r.ref));
    const ids = new Map<string, string>(
      byProvider.length
        ? (
            await pool.query<{ id: string; providerId: string }>(
              `select id, provider_id as "providerId" from notify_messages where gateway = $1 and provider_id = any($2::text[])`,
              [gateway, byProvider.map((r) => r.ref)],
            )
          ).rows.map((r) => [r.providerId, r.id])
        : [],
    );
    const resolved = rows.flatMap((r) => {
      const id = uuid.test(r.ref) ? r.ref : ids.get(r.ref);
      return id ? [{ id, key: r.key, status: r.status, reason: r.reason }] : [];
    });
    if (!resolved.length) return 0;
    // rows locked in id order, as in updateInIdOrder: a receipt and the dispatcher never deadlock
    const res = await pool.query(
      `with t as (select * from unnest($1::uuid[], $2::text[], $3::text[], $4::text[]) as t(id, key, status, reason)),
       taken as (
         insert into notify_receipts (gateway, provider_message_id, message_id, status, reason)
         select $5, t.key, t.id, t.status, t.reason from t join notify_messages m on m.id = t.id and m.gateway = $5
         on conflict do nothing
         returning message_id as id, status as a, reason as b),
       locked as (select m.id from notify_messages m join taken on taken.id = m.id order by m.id for update of m)
       update notify_messages m set
         status = case when t.a = 'delivered' then 'delivered' else 'failed' end,
         delivered_at = case when t.a = 'delivered' then now() else m.delivered_at end,
         failure = case when t.a = 'failed' then t.b else m.failure end, lease_until = null
       from taken t where m.id = t.id and m.id in (select id from locked) and m.status in ('sending', 'sent', 'queued')`,
      [resolved.map((r) => r.id), resolved.map((r) => r.key), resolved.map((r) => r.status), resolved.map((r) => r.reason), gateway],
    );
    return res.rowCount ?? 0;
  },

  /**
   * Stores a reply once per provider id and ties it to the message it answers: the one the
   * provider names (`inReplyTo`: our message id or the provider's), sent to that number; else the
   * latest message sent to that number, if it was sent within `windowS` and nothing answered it
   * yet. `taken` is false for a reply stored before, which changes nothing and answers as it did.
   */
  async recordReply(pool: pg.Pool, r: { gateway: string; providerId: string | null; fromPhone: string; body: string; inReplyTo: string | null; windowS: number }) {
    const res = await pool.query<{ taken: boolean; messageId: string | null; topic: string | null }>(
      `with last as (
         select id, topic, status, coalesce(sent_at, created_at) as at from notify_messages
         -- 'sending' too: the gateway may have handed it over (the phone has it, and answers) before
         -- the dispatcher records it sent
         where gateway = $1 and to_phone = $3 and status in ('sending', 'sent', 'delivered', 'replied')
           and ($5::text is null or id::text = $5 or provider_id = $5)
         order by created_at desc limit 1),
       answered as (select id, topic from last where $5::text is not null or (status <> 'replied' and at > now() - make_interval(secs => $6::float8))),
       stored as (
         insert into notify_replies (gateway, provider_id, from_phone, body, message_id)
         values ($1, $2, $3, $4, (select id from answered))
         on conflict (gateway, provider_id) do nothing
         returning message_id),
       mark as (update notify_messages m set status = 'replied', replied_at = coalesce(m.replied_at, now()) from stored where m.id = stored.message_id)
       select exists (select 1 from stored) as taken,
         coalesce((select message_id from stored), (select message_id from notify_replies where gateway = $1 and provider_id = $2)) as "messageId",
         (select topic from answered where exists (select 1 from stored)) as topic`,
      [r.gateway, r.providerId, r.fromPhone, r.body, r.inReplyTo, r.windowS],
    );
    return res.rows[0];
  },
};

export interface InboxItem {
  kind: 'in' | 'out';
  id: string;
  body: string;
  at: Date;
}

/** The simulator's phone: what a number received, and what it replied, oldest first. */
export async function simulatorInbox(pool: pg.Pool, phone: string, limit = 100): Promise<InboxItem[]> {
  const res = await pool.query<InboxItem>(
    `select * from (
       select 'in' as kind, message_id::text as id, body, received_at as at from notify_simulator_inbox where to_phone = $1
       union all
       select 'out', id::text, body, received_at from notify_replies where from_phone = $1
     ) x order by at desc limit $2`,
    [phone, limit],
  );
  return res.rows.reverse();
}

/** Numbers that received something lately, for picking a phone in the simulator. */
export async function simulatorPhones(pool: pg.Pool, limit = 50) {
  return (
    await pool.query<{ phone: string; messages: number; last: Date }>(
      `select to_phone as phone, count(*)::int as messages, max(received_at) as last from notify_simulator_inbox
       group by 1 order by max(received_at) desc limit $1`,
      [limit],
    )
  ).rows;
}

/** Delivery status of every message of a topic, by dedupe key. */
export async function statusByKey(pool: pg.Pool, topic: string) {
  const res = await pool.query<{ key: string; status: string; failure: string | null }>(
    `select dedupe_key as key, status, failure from notify_messages where topic = $1`,
    [topic],
  );
  return new Map(res.rows.map((r) => [r.key, { status: r.status, failure: r.failure }]));
}
