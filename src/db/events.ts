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

/**
 * Waits between attempts to listen again, the last repeated: a board resumes within two seconds of
 * the database's return (with 5 s it had waited up to 5 s after a restart that took as long).
 */
const RETRY_MS = [100, 250, 500, 1000, 2000];

/**
 * One LISTEN connection per process, fanned out to in-process subscribers:
 * `event` for each domain event; `resumed` when it listens again after its
 * connection was lost (the database restarted, a failover, an administrator
 * ended it). What was committed meanwhile was announced to nobody here, so a
 * subscriber that keeps something derived from events refreshes it on
 * `resumed`, and a live board reloads. A lost connection is never fatal: the
 * bus keeps trying until it listens again or is stopped.
 */
export class EventBus extends EventEmitter {
  private client: pg.PoolClient | null = null;
  private stopped = false;
  private retry: NodeJS.Timeout | null = null;
  /** takes this bus's listeners off the connection before it goes back to the pool */
  private detach: (() => void) | null = null;

  constructor(
    private readonly pool: pg.Pool,
    private readonly log: (m: string) => void = () => {},
  ) {
    super();
    this.setMaxListeners(0);
  }

  async start() {
    this.stopped = false;
    await this.listen();
  }

  async stop() {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    const client = this.client;
    if (!client) return;
    this.client = null;
    await client.query(`unlisten ${EVENTS_CHANNEL}`).catch(() => {});
    this.detach?.();
    client.release();
  }

  /** The LISTEN connection's backend, or null while it is being restored. */
  get backendPid(): number | null {
    return (this.client as unknown as { processID?: number } | null)?.processID ?? null;
  }

  private async listen() {
    const client = await this.pool.connect();
    let gone = false;
    /** Closes this connection once; true if it was the one listening. */
    const drop = (e: Error) => {
      if (gone) return false;
      gone = true;
      const live = this.client === client;
      if (live) this.client = null;
      client.release(e); // with an error: the pool closes the connection rather than keep it
      return live;
    };
    // only the live connection's loss starts a reconnection: one lost while it began to listen is
    // the caller's to retry (start() fails, a reconnection tries again), so there is never a second
    const lose = (e: Error) => {
      if (!drop(e) || this.stopped) return;
      this.log(`events: the LISTEN connection was lost (${e.message}); listening again`);
      this.again(0);
    };
    const ended = () => lose(new Error('connection ended'));
    const notified = (n: pg.Notification) => {
      if (n.channel !== EVENTS_CHANNEL || !n.payload) return;
      try {
        this.emit('event', JSON.parse(n.payload) as DomainEvent);
      } catch {
        /* not ours */
      }
    };
    // a connection checked out of the pool has no error listener of the pool's: without this one,
    // a terminated backend would end the process
    client.on('error', lose);
    client.on('end', ended);
    client.on('notification', notified);
    this.detach = () => {
      client.off('error', lose).off('end', ended).off('notification', notified);
      this.detach = null;
    };
    try {
      await client.query(`listen ${EVENTS_CHANNEL}`);
    } catch (e) {
      drop(e as Error);
      throw e;
    }
    if (gone) throw new Error('the LISTEN connection was lost as it began');
    this.client = client;
  }

  private again(attempt: number) {
    this.retry = setTimeout(() => {
      this.retry = null;
      if (this.stopped) return;
      this.listen().then(
        () => {
          if (this.stopped) return void this.stop();
          this.log('events: listening again');
          this.emit('resumed');
        },
        () => !this.stopped && this.again(attempt + 1),
      );
    }, RETRY_MS[Math.min(attempt, RETRY_MS.length - 1)]);
  }
}
