import crypto from 'node:crypto';
import { mapConcurrent, type Gateway, type OutgoingSms, type SendResult } from './gateway.js';

export interface TwilioSettings {
  accountSid: string;
  authToken: string;
  /** the sending number (E.164) or a Messaging Service SID (MG…) */
  from: string;
  /** https://api.twilio.com, or a local stand-in in tests */
  apiBase: string;
  /** the public address of Bastion, for the status callbacks */
  publicUrl: string;
  concurrency: number;
}

/** Mainland numbers in E.164, as Twilio wants them. */
export const e164 = (phone: string) => (phone.startsWith('+') ? phone : `+86${phone}`);
export const fromE164 = (phone: string) => phone.replace(/^\+86/, '');

/**
 * Twilio's signature of a webhook: Base64 HMAC-SHA1, under the auth token, of
 * the full URL followed by every POST parameter, sorted by name, name then value.
 */
export function twilioSignature(authToken: string, url: string, params: Record<string, string>): string {
  const data = url + Object.keys(params).sort().map((k) => k + params[k]).join('');
  return crypto.createHmac('sha1', authToken).update(Buffer.from(data, 'utf8')).digest('base64');
}

/**
 * Twilio's Messages API. Our message id travels in the status callback URL, so
 * every receipt names the message it is about. 429 and 5xx are retried; other
 * refusals are final, with Twilio's code and words.
 */
export class TwilioGateway implements Gateway {
  constructor(
    private readonly s: TwilioSettings,
    readonly name = 'twilio',
  ) {}

  send(batch: OutgoingSms[]): Promise<SendResult[]> {
    return mapConcurrent(batch, this.s.concurrency, (m) => this.one(m));
  }

  private async one(m: OutgoingSms): Promise<SendResult> {
    const form = new URLSearchParams({
      To: e164(m.to),
      Body: m.body,
      StatusCallback: `${this.s.publicUrl}/api/v1/notify/webhooks/twilio/status?mid=${m.messageId}`,
      ...(this.s.from.startsWith('MG') ? { MessagingServiceSid: this.s.from } : { From: this.s.from }),
    });
    try {
      const res = await fetch(`${this.s.apiBase}/2010-04-01/Accounts/${this.s.accountSid}/Messages.json`, {
        method: 'POST',
        headers: {
          authorization: 'Basic ' + Buffer.from(`${this.s.accountSid}:${this.s.authToken}`).toString('base64'),
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: form,
        signal: AbortSignal.timeout(10_000),
      });
      const j = (await res.json().catch(() => ({}))) as { sid?: string; code?: number; message?: string };
      if (res.ok && j.sid) return { ok: true, providerId: j.sid };
      const reason = `Twilio ${res.status}${j.code ? ` ${j.code}` : ''}${j.message ? `: ${j.message}` : ''}`;
      return { ok: false, temporary: res.status === 429 || res.status >= 500, reason };
    } catch (e) {
      return { ok: false, temporary: true, reason: e instanceof Error ? e.message : String(e) };
    }
  }
}
