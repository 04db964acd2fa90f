import { mapConcurrent, type Gateway, type OutgoingSms, type SendResult } from './gateway.js';

export interface HttpGatewaySettings {
  url: string;
  /** sent as `Authorization: Bearer …` when set */
  token: string | null;
  /**
   * The request body, with {to} {body} {id} {attempt} filled in (JSON-escaped).
   * Our message id goes with every request (and as Idempotency-Key) so the
   * provider can drop a second copy after a crash.
   */
  bodyTemplate: string;
  /** requests in flight at once */
  concurrency: number;
  timeoutMs: number;
}

export const DEFAULT_HTTP_BODY = '{"to":"{to}","content":"{body}","messageId":"{id}","attemptId":"{attempt}"}';

const json = (s: string) => JSON.stringify(s).slice(1, -1);

/**
 * A generic HTTP SMS API: one POST per message. 2xx is sent (the provider's id
 * from `id`, `messageId` or `sid` in the answer); 429, 5xx and network errors are
 * temporary and retried; other 4xx are final, with the provider's words.
 */
export class HttpGateway implements Gateway {
  readonly name: string;

  constructor(
    private readonly s: HttpGatewaySettings,
    name = 'http',
  ) {
    this.name = name;
  }

  send(batch: OutgoingSms[]): Promise<SendResult[]> {
    return mapConcurrent(batch, this.s.concurrency, (m) => this.one(m));
  }

  private async one(m: OutgoingSms): Promise<SendResult> {
    const body = this.s.bodyTemplate.replace(/\{(to|body|id|attempt)\}/g, (_, k: string) =>
      json(k === 'to' ? m.to : k === 'body' ? m.body : k === 'id' ? m.messageId : m.attemptId),
    );
    try {
      const res = await fetch(this.s.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': m.messageId, ...(this.s.token ? { authorization: `Bearer ${this.s.token}` } : {}) },
        body,
        signal: AbortSignal.timeout(this.s.timeoutMs),
      });
      const text = await res.text();
      if (res.ok) {
        let id: string | undefined;
        try {
          const j = JSON.parse(text) as Record<string, unknown>;
          id = String(j.id ?? j.messageId ?? j.sid ?? '') || undefined;
        } catch {
          /* a provider that answers with plain text */
        }
        return { ok: true, providerId: id ?? m.messageId };
      }
      const reason = `HTTP ${res.status}${text ? `: ${text.slice(0, 200)}` : ''}`;
      return { ok: false, temporary: res.status === 429 || res.status >= 500, reason };
    } catch (e) {
      return { ok: false, temporary: true, reason: e instanceof Error ? e.message : String(e) };
    }
  }
}
