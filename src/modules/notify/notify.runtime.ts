import type pg from 'pg';
import type { Gateway, Receipt } from './gateways/gateway.js';
import { SimulatorGateway } from './gateways/simulator.js';
import { HttpGateway, type HttpGatewaySettings } from './gateways/http.js';
import { TwilioGateway, type TwilioSettings } from './gateways/twilio.js';
import { Dispatcher } from './notify.dispatcher.js';
import { enqueueSms, recordReceipts, recordReply, type ReplyListener, type SmsRequest } from './notify.service.js';

export interface NotifySettings {
  gateway: 'simulator' | 'http' | 'twilio';
  http?: HttpGatewaySettings;
  twilio?: TwilioSettings;
  /** verifies receipts and replies that a provider posts to the webhooks */
  webhookSecret?: string;
  /** the queue this runtime drains (default: the gateway's name); tests use one of their own */
  queue?: string;
  /** messages per second per process; 0 = no limit */
  ratePerSecond: number;
  leaseMs: number;
}

/**
 * The channel layer of one process: the configured gateway and the dispatcher
 * that drains the queue into it. Any number of processes may run one; they
 * share the queue through PostgreSQL.
 */
export class NotifyRuntime {
  readonly gateway: Gateway;
  private readonly dispatcher: Dispatcher;
  private readonly listeners: ReplyListener[] = [];

  constructor(
    private readonly pool: pg.Pool,
    readonly settings: NotifySettings,
    log: (m: string) => void = () => {},
  ) {
    this.gateway =
      settings.gateway === 'http' && settings.http
        ? new HttpGateway(settings.http, settings.queue)
        : settings.gateway === 'twilio' && settings.twilio
          ? new TwilioGateway(settings.twilio, settings.queue)
          : new SimulatorGateway(pool, (r) => this.receipts(r).then(() => {}), settings.queue);
    this.dispatcher = new Dispatcher(pool, this.gateway, { ratePerSecond: settings.ratePerSecond, leaseMs: settings.leaseMs, log });
  }

  start() {
    this.dispatcher.start();
  }

  stop() {
    return this.dispatcher.stop();
  }

  /** Queues SMS (idempotent by dedupe key) and wakes the dispatcher. */
  async enqueue(requests: SmsRequest[], client?: pg.PoolClient) {
    const r = await enqueueSms(client ?? this.pool, this.gateway.name, requests);
    if (r.queued) this.dispatcher.wake();
    return r;
  }

  /** Look at the queue now (after a transaction that queued messages has committed). */
  wake() {
    this.dispatcher.wake();
  }

  receipts(r: Receipt[]) {
    return recordReceipts(this.pool, r);
  }

  onReply(listener: ReplyListener) {
    this.listeners.push(listener);
  }

  /** A reply from a phone: `providerId` is the provider's id of it, `inReplyTo` the message it answers when the provider says. */
  reply(fromPhone: string, body: string, providerId: string | null = null, inReplyTo: string | null = null) {
    return recordReply(this.pool, this.listeners, { gateway: this.gateway.name, providerId, fromPhone, body, inReplyTo });
  }
}
