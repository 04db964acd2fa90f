import crypto from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { AppError } from '../../lib/errors.js';
import { problemRef } from '../../lib/fastify.js';
import type { NotifyRuntime } from './notify.runtime.js';
import { fromE164, twilioSignature } from './gateways/twilio.js';

/** How far a signed webhook's timestamp may be from our clock, either way. */
export const WEBHOOK_TOLERANCE_S = 300;

/**
 * `sha256=` and the hex HMAC-SHA256, under the shared webhook secret, of the timestamp (Unix
 * seconds, as sent in `x-bastion-timestamp`), a dot and the raw body: `1767225600.{"receipts":…}`.
 */
export const signWebhook = (secret: string, raw: Buffer | string, timestamp: number) =>
  'sha256=' + crypto.createHmac('sha256', secret).update(`${timestamp}.`).update(raw).digest('hex');

/** The headers a provider's adapter sends with a body posted at `at` (ms since the epoch). */
export function webhookHeaders(secret: string, raw: Buffer | string, at = Date.now()) {
  const timestamp = Math.floor(at / 1000);
  return { 'x-bastion-timestamp': String(timestamp), 'x-bastion-signature': signWebhook(secret, raw, timestamp) };
}

const sameSignature = (got: string, want: string) => got.length === want.length && crypto.timingSafeEqual(Buffer.from(got), Buffer.from(want));

const Receipts = Type.Object(
  {
    receipts: Type.Array(
      Type.Object(
        {
          ref: Type.String({ minLength: 1, maxLength: 100, description: 'the provider’s id, or our message id' }),
          status: Type.Union([Type.Literal('delivered'), Type.Literal('failed')]),
          reason: Type.Optional(Type.String({ maxLength: 500 })),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 5000 },
    ),
  },
  { additionalProperties: false },
);
const Reply = Type.Object(
  {
    from: Type.String({ pattern: '^1[3-9]\\d{9}$' }),
    body: Type.String({ minLength: 1, maxLength: 500 }),
    id: Type.String({ minLength: 1, maxLength: 100, description: 'the provider’s id of this reply: a reply posted again under it is taken once' }),
    inReplyTo: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'the message it answers, when the provider knows: our message id or the provider’s' })),
  },
  { additionalProperties: false },
);

/**
 * Where an SMS provider posts delivery receipts and replies. Each request is
 * verified: its `x-bastion-signature` must be the HMAC of its `x-bastion-timestamp`
 * and the exact body bytes, and the timestamp within 5 minutes of our clock, so a
 * request caught on the way cannot be posted again later. Within those minutes a
 * copy is the same receipt or reply (one per provider id) and changes nothing.
 */
export const notifyWebhookRoutes: FastifyPluginAsyncTypebox<{ runtime: NotifyRuntime; secret: string }> = async (app, { runtime, secret }) => {
  // this plugin's JSON bodies are kept as bytes too, for the signature
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: 2 * 1024 * 1024 }, (req, body, done) => {
    (req as unknown as { rawBody: Buffer }).rawBody = body as Buffer;
    try {
      done(null, JSON.parse((body as Buffer).toString('utf8')));
    } catch {
      done(new AppError('VALIDATION_FAILED', 'the body is not JSON', 'body', { reason: 'BODY_NOT_JSON' }), undefined);
    }
  });
  app.addHook('preValidation', async (req) => {
    const stamp = String(req.headers['x-bastion-timestamp'] ?? '');
    if (!/^\d{1,12}$/.test(stamp)) throw new AppError('UNAUTHENTICATED', 'the webhook carries no timestamp (Unix seconds)', 'x-bastion-timestamp');
    const want = signWebhook(secret, (req as unknown as { rawBody?: Buffer }).rawBody ?? '', Number(stamp));
    if (!sameSignature(String(req.headers['x-bastion-signature'] ?? ''), want))
      throw new AppError('UNAUTHENTICATED', 'the webhook signature does not match', 'x-bastion-signature');
    if (Math.abs(Date.now() / 1000 - Number(stamp)) > WEBHOOK_TOLERANCE_S)
      throw new AppError('UNAUTHENTICATED', `the webhook's timestamp is more than ${WEBHOOK_TOLERANCE_S / 60} minutes from now`, 'x-bastion-timestamp');
  });

  app.post(
    '/receipts',
    { schema: { tags: ['notify'], summary: 'Delivery receipts from the SMS provider (signed)', body: Receipts, response: { 200: Type.Object({ updated: Type.Integer() }), 400: problemRef, 401: problemRef } } },
    async (req) => ({
      updated: await runtime.receipts(req.body.receipts.map((r) => ({ gateway: runtime.gateway.name, ref: r.ref, status: r.status, reason: r.reason }))),
    }),
  );

  app.post(
    '/replies',
    { schema: { tags: ['notify'], summary: 'An SMS reply from a phone, forwarded by the provider (signed)', body: Reply, response: { 200: Type.Object({ messageId: Type.Union([Type.String(), Type.Null()]) }), 400: problemRef, 401: problemRef } } },
    async (req) => ({ messageId: (await runtime.reply(req.body.from, req.body.body, req.body.id, req.body.inReplyTo ?? null)).messageId }),
  );
};

/**
 * Twilio's status callbacks and inbound messages, form-encoded, each verified by
 * its X-Twilio-Signature over the public URL Twilio called and the parameters.
 * Twilio signs no timestamp, so a copy is told by its MessageSid: a status callback
 * is taken once per message, an inbound message once. An inbound message does not
 * say what it answers: it answers the latest message to that number, if that was
 * sent within REPLY_WINDOW_HOURS and nothing answered it yet.
 */
export const twilioWebhookRoutes: FastifyPluginAsyncTypebox<{ runtime: NotifyRuntime; authToken: string; publicUrl: string }> = async (app, { runtime, authToken, publicUrl }) => {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  app.addHook('preValidation', async (req) => {
    const got = String(req.headers['x-twilio-signature'] ?? '');
    const want = twilioSignature(authToken, publicUrl + req.url, (req.body ?? {}) as Record<string, string>);
    if (!sameSignature(got, want)) throw new AppError('UNAUTHENTICATED', 'the Twilio signature does not match', 'x-twilio-signature');
  });
  const Form = Type.Record(Type.String(), Type.String());
  const EMPTY = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

  app.post(
    '/status',
    { schema: { tags: ['notify'], summary: 'Twilio status callback (signed)', querystring: Type.Object({ mid: Type.String({ format: 'uuid' }) }), body: Form } },
    async (req, reply) => {
      const { MessageStatus: status, ErrorCode: err, MessageSid: sid } = req.body as Record<string, string>;
      if (status === 'delivered' || status === 'undelivered' || status === 'failed')
        await runtime.receipts([
          { gateway: runtime.gateway.name, ref: req.query.mid, providerMessageId: sid || req.query.mid, status: status === 'delivered' ? 'delivered' : 'failed', reason: err ? `Twilio ${err}` : status },
        ]);
      return reply.type('text/xml').send(EMPTY);
    },
  );

  app.post('/inbound', { schema: { tags: ['notify'], summary: 'An SMS to our Twilio number (signed)', body: Form } }, async (req, reply) => {
    const b = req.body as Record<string, string>;
    // without its MessageSid a copy could not be told from a new message: not taken
    if (b.From && b.Body && b.MessageSid) await runtime.reply(fromE164(b.From), b.Body, b.MessageSid);
    return reply.type('text/xml').send(EMPTY);
  });
};
