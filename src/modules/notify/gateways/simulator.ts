import type pg from 'pg';
import type { Gateway, OutgoingSms, Receipt, SendResult } from './gateway.js';

/**
 * The built-in SMS gateway for demos: every message lands in the inbox of its
 * number (table notify_simulator_inbox), shown in the web app as a phone. Like a
 * provider it keeps a message once per message id, however often it is handed
 * over, and it reports delivery at once.
 */
export class SimulatorGateway implements Gateway {
  constructor(
    private readonly pool: pg.Pool,
    private readonly onReceipts: (r: Receipt[]) => Promise<void>,
    /** the queue it serves; tests give each simulator a queue of its own */
    readonly name = 'simulator',
  ) {}

  async send(batch: OutgoingSms[]): Promise<SendResult[]> {
    if (!batch.length) return [];
    await this.pool.query(
      `insert into notify_simulator_inbox (message_id, to_phone, body)
       select * from unnest($1::uuid[], $2::text[], $3::text[])
       on conflict (message_id) do update set handovers = notify_simulator_inbox.handovers + 1`,
      [batch.map((m) => m.messageId), batch.map((m) => m.to), batch.map((m) => m.body)],
    );
    const receipts = batch.map((m): Receipt => ({ gateway: this.name, ref: m.messageId, status: 'delivered' }));
    // the receipt comes back after the hand-over, as a provider's would
    setImmediate(() => this.report(receipts));
    return batch.map((m) => ({ ok: true, providerId: m.messageId }));
  }

  /**
   * A receipt that could not be recorded (the database restarting) is reported again, as a
   * provider retries its webhook, eight times over about a minute: a lost one had left its
   * messages `sent` for good, never `delivered`.
   */
  private report(receipts: Receipt[], attempt = 0) {
    this.onReceipts(receipts).catch(() => {
      if (attempt < RECEIPT_RETRIES) setTimeout(() => this.report(receipts, attempt + 1), RECEIPT_RETRY_MS * 2 ** attempt).unref();
    });
  }
}

const RECEIPT_RETRIES = 8;
const RECEIPT_RETRY_MS = 250;
