import { EventEmitter } from 'node:events';
import type pg from 'pg';

export const EVENTS_CHANNEL = 'bastion_events';

/**
 * A domain event travels as a NOTIFY on this channel, sent by the statement
 * that makes the change (pg_notify inside the writing transaction): PostgreSQL
 * delivers it only on commit, so a board never hears of a write that did not
 * happen, and every app process hears of every write.
 */
export interface DomainEvent {
  /** past tense, module first: mobilization.cadre_arrived */
  name: string;
  /** the area the event happened in: live boards filter by it */
  areaCode: string;
  data: Record<string, unknown>;
}

/** One LISTEN connection per process, fanned out to in-process subscribers (SSE streams). */
export class EventBus extends EventEmitter {
  private client: pg.PoolClient | null = null;

  constructor(private readonly pool: pg.Pool) {
    super();
    this.setMaxListeners(0);
  }

  async start() {
    this.client = await this.pool.connect();
    this.client.on('notification', (n) => {
      if (n.channel !== EVENTS_CHANNEL || !n.payload) return;
      try {
        this.emit('event', JSON.parse(n.payload) as DomainEvent);
      } catch {
        /* not ours */
      }
    });
    await this.client.query(`listen ${EVENTS_CHANNEL}`);
  }

  async stop() {
    if (!this.client) return;
    await this.client.query(`unlisten ${EVENTS_CHANNEL}`).catch(() => {});
    this.client.release();
    this.client = null;
  }
}
