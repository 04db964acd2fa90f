import v8 from 'node:v8';
import type { FastifyInstance, FastifyReply } from 'fastify';
import underPressure from '@fastify/under-pressure';
import type pg from 'pg';
import { langOf, message } from '../lib/messages.js';

export interface SheddingSettings {
  /** requests in hand at once; beyond it the excess is answered 503 at once */
  maxInFlight: number;
  /** event-loop delay (ms) beyond which the process sheds */
  maxEventLoopDelayMs: number;
}

/** Retry-After with jitter, so shed clients do not all come back in the same second. */
const retryAfter = () => 1 + Math.floor(Math.random() * 4);

function shed(reply: FastifyReply, why: string) {
  const lang = langOf(reply.request.headers['accept-language']);
  return reply
    .code(503)
    .header('retry-after', String(retryAfter()))
    .type('application/problem+json')
    .send({ type: 'https://bastion.local/problems/overloaded', title: message('OVERLOADED', lang), status: 503, code: 'OVERLOADED', detail: why });
}

/**
 * A surge is shed, not suffered: beyond `maxInFlight` requests in hand, beyond a queue for
 * database connections of fifty per connection, or when the event loop lags or the heap nears its
 * limit (@fastify/under-pressure), the excess is
 * answered at once with 503 and Retry-After; what is admitted keeps its latency, and the
 * process recovers by itself when the surge passes. The live boards' open streams are not
 * counted (they wait by design); health stays answerable.
 */
export async function installShedding(app: FastifyInstance, pool: pg.Pool, s: SheddingSettings) {
  let inFlight = 0;
  // a queue this long drains in well under a second at the rates one process serves
  const maxDbQueue = Math.max(100, (pool.options.max ?? 10) * 50);
  app.addHook('onRequest', async (req, reply) => {
    if (req.url === '/api/health' || req.url.endsWith('/events')) return;
    if (inFlight >= s.maxInFlight) return shed(reply, `more than ${s.maxInFlight} requests in hand`);
    // Requests queued for a database connection wait in turn: beyond a short queue, a new one
    // would only wait longer than it is worth. Checked on each request, not on a sample.
    if (pool.waitingCount >= maxDbQueue) return shed(reply, `${pool.waitingCount} requests waiting for the database`);
    inFlight++;
    let done = false;
    const release = () => {
      if (!done) inFlight--;
      done = true;
    };
    reply.raw.once('finish', release);
    reply.raw.once('close', release);
  });
  await app.register(underPressure, {
    maxEventLoopDelay: s.maxEventLoopDelayMs,
    maxHeapUsedBytes: Math.floor(v8.getHeapStatistics().heap_size_limit * 0.9),
    // async: the plugin then goes on only after this, and Fastify stops at a reply already sent
    pressureHandler: async (req, reply, type) => {
      if (req.url === '/api/health' || req.url.endsWith('/events')) return;
      await shed(reply, `under pressure: ${type}`);
    },
  });
}
