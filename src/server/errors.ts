import type { FastifyError, FastifyInstance } from 'fastify';
import { AppError, type ErrorCode } from '../lib/errors.js';
import { langOf, message, MESSAGES, type Lang } from '../lib/messages.js';
import { databaseUnavailable } from '../db/connection.js';
import { retryAfter } from './shedding.js';

/** The one place where error codes become HTTP statuses. */
const STATUS: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 400,
  UNAUTHENTICATED: 401,
  BAD_CREDENTIALS: 401,
  FORBIDDEN: 403,
  // another area is answered as if it did not exist (assertInScope of access)
  AREA_OUT_OF_SCOPE: 404,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_FILE: 415,
  RATE_LIMITED: 429,
  AREA_UNKNOWN: 400,
  TOKEN_INVALID: 404,
  TOKEN_EXPIRED: 410,
  CALLUP_NOT_DRAFT: 409,
  WRONG_VILLAGE: 409,
  TOO_FAR: 409,
  CHECKIN_POINT_MISSING: 409,
  DOUBLE_BOOKED: 409,
  REST_TOO_SHORT: 409,
  DUTY_TOO_LONG: 409,
  TUBE_UNKNOWN: 404,
  TUBE_NOT_SEALED: 409,
  DATABASE_UNAVAILABLE: 503,
};

export const ProblemSchema = {
  $id: 'Problem',
  type: 'object',
  description: 'RFC 9457 problem details',
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    code: { type: 'string' },
    detail: { type: 'string' },
    field: { type: 'string' },
    errors: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } } },
  },
  required: ['type', 'title', 'status', 'code'],
} as const;

/** `/body/phone` or a missing property → `phone`. */
function fieldOf(v: NonNullable<FastifyError['validation']>[number], context?: string): string {
  const missing = (v.params as { missingProperty?: string; additionalProperty?: string })?.missingProperty
    ?? (v.params as { additionalProperty?: string })?.additionalProperty;
  const path = v.instancePath.replace(/^\//, '').replace(/\//g, '.');
  return [path, missing].filter(Boolean).join('.') || context || 'body';
}

/** ajv's keyword → the reason whose words say it (lib/messages.ts SCHEMA_*); any other keyword: SCHEMA_FORMAT. */
const SCHEMA_REASON: Record<string, string> = {
  required: 'SCHEMA_REQUIRED',
  type: 'SCHEMA_TYPE',
  minLength: 'SCHEMA_TOO_SHORT',
  maxLength: 'SCHEMA_TOO_LONG',
  minimum: 'SCHEMA_TOO_SMALL',
  exclusiveMinimum: 'SCHEMA_TOO_SMALL',
  maximum: 'SCHEMA_TOO_BIG',
  exclusiveMaximum: 'SCHEMA_TOO_BIG',
  minItems: 'SCHEMA_TOO_FEW',
  maxItems: 'SCHEMA_TOO_MANY',
  additionalProperties: 'SCHEMA_NOT_ALLOWED',
  enum: 'SCHEMA_CHOICE',
  const: 'SCHEMA_CHOICE',
  anyOf: 'SCHEMA_CHOICE',
};

/** One schema violation in the reader's words, naming the field (ajv's own message is English). */
function schemaMessage(v: NonNullable<FastifyError['validation']>[number], field: string, lang: Lang): string {
  const limit = (v.params as { limit?: number })?.limit;
  return message(SCHEMA_REASON[v.keyword] ?? 'SCHEMA_FORMAT', lang, undefined, { field, limit });
}

/**
 * A problem's detail: the words of its reason in the reader's language. An AppError's own message
 * is English, written for logs and English readers: a Chinese answer never carries it (without a
 * reason it has its title and field alone).
 */
function detailOf(err: AppError, lang: Lang): string | undefined {
  const reason = err.detail?.reason && MESSAGES[String(err.detail.reason)] ? String(err.detail.reason) : undefined;
  if (lang === 'zh') return reason ? message(reason, 'zh', undefined, err.detail) : undefined;
  return reason && message(reason, 'en', undefined, err.detail) !== err.message ? `${message(reason, 'en', undefined, err.detail)}: ${err.message}` : err.message;
}

/** `webApp`: any other GET outside /api answers with the web app, which routes in the browser. */
export function installErrorHandling(app: FastifyInstance, opts: { webApp: boolean }) {
  app.setErrorHandler((thrown: FastifyError | AppError, req, reply) => {
    // the database restarting or a connection lost: the client sends the same request again (writes
    // carry their own ids), as when the process sheds load; nothing was answered as done
    const lost = !(thrown instanceof AppError) && databaseUnavailable(thrown);
    const err = lost ? new AppError('DATABASE_UNAVAILABLE', 'the database cannot be reached right now') : thrown;
    if (lost) {
      req.log.warn(`database unavailable: ${(thrown as Error).message}`);
      reply.header('retry-after', String(retryAfter()));
    }
    const lang = langOf(req.headers['accept-language']);
    let status = 500;
    let code = 'INTERNAL';
    let field: string | undefined;
    let detail: string | undefined;
    let errors: { field: string; message: string }[] | undefined;
    let params: Record<string, unknown> | undefined;
    if (err instanceof AppError) {
      status = STATUS[err.code];
      code = err.code;
      field = err.field;
      detail = detailOf(err, lang);
      params = err.detail;
    } else if ((err as FastifyError).validation) {
      const fe = err as FastifyError;
      status = 400;
      code = 'VALIDATION_FAILED';
      errors = fe.validation!.map((v) => {
        const f = fieldOf(v, fe.validationContext);
        return { field: f, message: lang === 'zh' ? schemaMessage(v, f, lang) : (v.message ?? 'invalid') };
      });
      field = errors[0]?.field;
      detail = lang === 'zh' ? errors.map((e) => e.message).join('；') : errors.map((e) => `${e.field}: ${e.message}`).join('; ');
    } else if ((err as FastifyError).statusCode && (err as FastifyError).statusCode! < 500) {
      const fe = err as FastifyError;
      status = fe.statusCode!;
      code = status === 429 ? 'RATE_LIMITED' : status === 413 ? 'PAYLOAD_TOO_LARGE' : status === 415 ? 'UNSUPPORTED_FILE' : 'VALIDATION_FAILED';
      field = status === 413 ? 'file' : status === 415 ? 'content-type' : 'body';
      // Fastify's own words (a body that is not JSON, a media type it does not read) are English
      detail = lang === 'zh' ? (fe.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || fe.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || err instanceof SyntaxError ? message('BODY_NOT_JSON', 'zh') : undefined) : fe.message;
    } else {
      req.log.error({ err }, 'unhandled error');
    }
    if (status === 429) reply.header('retry-after', reply.getHeader('retry-after') ?? String(params?.retryAfterS ?? 60));
    reply
      .code(status)
      .type('application/problem+json')
      .send({ type: `https://bastion.local/problems/${code.toLowerCase()}`, title: message(code, lang, undefined, params), status, code, detail, field, errors });
  });
  app.setNotFoundHandler((req, reply) => {
    if (opts.webApp && req.method === 'GET' && !req.url.startsWith('/api/')) return reply.type('text/html').sendFile('index.html');
    const lang = langOf(req.headers['accept-language']);
    reply.code(404).type('application/problem+json').send({ type: 'https://bastion.local/problems/not_found', title: message('NOT_FOUND', lang), status: 404, code: 'NOT_FOUND', detail: `${req.method} ${req.url.split('?')[0]}` });
  });
}
