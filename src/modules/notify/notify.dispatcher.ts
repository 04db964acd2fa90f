import crypto from 'node:crypto';
import type pg from 'pg';
import { errorLine } from '../../lib/logging.js';
import type { Gateway, OutgoingSms, SendResult } from './gateways/gateway.js';
import { notifyRepo } from './notify.repo.js';

export interface DispatcherOptions {
  /** messages per second handed to this gateway by all processes together; 0 = no limit */
  ratePerSecond: number;
  batchSize?: number;
  leaseMs?: number;
  maxAttempts?: number;
  /** first retry delay; doubles each time, with jitter */
  backoffMs?: number;
  /** how often to look for due messages when idle */
  idleMs?: number;
  log?: (m: string) => void;
}


/**
 * Moves messages from the queue to one gateway: claims due messages under a
 * lease, hands them over, records the outcome. A temporary failure is retried
 * with exponential backoff; after maxAttempts the message fails. A process that
 * dies mid-batch leaves leases that run out, and the messages go again under the
 * same message id (the gateway drops the copy) with a new attempt id.
 */
export class Dispatcher {
  private running = false;
  private loop: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;
  /** how long to wait for the next token, when the last take found none */
  private tokenWaitMs = 0;
  private readonly o: Required<Omit<DispatcherOptions, 'log'>> & { log: (m: string) => void };

  constructor(
    private readonly pool: pg.Pool,
    private readonly gateway: Gateway,
    opts: DispatcherOptions,
  ) {
    this.o = {
      batchSize: 1000,
      leaseMs: 30_000,
      maxAttempts: 6,
      backoffMs: 2_000,
      idleMs: 250,
      log: (m) => console.error(m),
      ...opts,
    };
  }

  start() {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Finishes the batch in hand, then stops. */
  async stop() {
    this.running = false;
    this.wake();
    await this.loop;
  }

  /** New messages were queued: look now instead of at the next idle tick. */
  wake() {
    this.wakeUp?.();
  }

  /** One pass: hands over what is due now (up to the rate), returns how many. */
  async tick(): Promise<number> {
    const allowance = await this.take();
    if (allowance === 0) return 0;
    const batch = await notifyRepo.claim(this.pool, this.gateway.name, allowance, this.o.leaseMs);
    await this.giveBack(allowance - batch.length);
    if (!batch.length) return 0;
    const out: OutgoingSms[] = batch.map((m) => ({ messageId: m.id, attemptId: crypto.randomUUID(), to: m.toPhone, body: m.body }));
    let results: SendResult[];
    try {
      results = await this.gateway.send(out);
    } catch (e) {
      results = out.map(() => ({ ok: false, temporary: true, reason: e instanceof Error ? e.message : String(e) }));
    }
    const sent: { id: string; providerId: string }[] = [];
    const retry: { id: string; delayMs: number; reason: string }[] = [];
    const failed: { id: string; reason: string }[] = [];
    results.forEach((r, i) => {
      const m = batch[i];
      if (r.ok) sent.push({ id: m.id, providerId: r.providerId });
      else if (r.temporary && m.attempts < this.o.maxAttempts) retry.push({ id: m.id, delayMs: this.backoff(m.attempts), reason: r.reason });
      else failed.push({ id: m.id, reason: r.reason });
    });
    await notifyRepo.recordAttempts(
      this.pool,
      results.map((r, i) => ({ id: out[i].attemptId, messageId: out[i].messageId, outcome: r.ok ? 'sent' : r.temporary ? 'temporary' : 'permanent', detail: r.ok ? r.providerId : r.reason })),
    );
    await notifyRepo.markSent(this.pool, sent);
    await notifyRepo.markRetry(this.pool, retry);
    await notifyRepo.markFailed(this.pool, failed);
    return batch.length;
  }

  private backoff(attempts: number) {
    const base = this.o.backoffMs * 2 ** (attempts - 1);
    return base / 2 + Math.random() * base; // jitter: 0.5–1.5 of the step
  }

  /** How many messages may go now: from the gateway's bucket shared by all processes (notify_rate_buckets). */
  private async take(): Promise<number> {
    if (!this.o.ratePerSecond) return this.o.batchSize;
    const want = this.o.batchSize;
    // a twentieth of a second's worth at least: one query per batch, not per token
    const least = Math.max(1, Math.min(want, Math.floor(this.o.ratePerSecond / 20)));
    const { granted, waitMs } = await notifyRepo.takeTokens(this.pool, this.gateway.name, this.o.ratePerSecond, want, least);
    this.tokenWaitMs = waitMs;
    return granted;
  }

  private async giveBack(n: number) {
    if (this.o.ratePerSecond && n > 0) await notifyRepo.giveBackTokens(this.pool, this.gateway.name, this.o.ratePerSecond, n);
  }

  private async run() {
    // a failure (the database restarting) is logged once, not at every turn until it is over
    let failing = '';
    while (this.running) {
      let n = 0;
      try {
        n = await this.tick();
        if (failing) this.o.log(`notify dispatcher (${this.gateway.name}): sending again`);
        failing = '';
      } catch (e) {
        const why = errorLine(e);
        if (why !== failing) this.o.log(`notify dispatcher (${this.gateway.name}): ${why}`);
        failing = why;
      }
      if (n > 0 || !this.running) continue;
      // idle or out of tokens: wait for a token, a wake-up or the idle tick
      const wait = this.tokenWaitMs || this.o.idleMs;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, wait);
        this.wakeUp = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.wakeUp = null;
    }
  }
}

