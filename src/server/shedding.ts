import http from 'node:http';
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

const exempt = (url: string | undefined) => url === '/api/health' || !!url?.endsWith('/events');

/**
 * The first gate, in front of Fastify: a request beyond `maxInFlight` in hand, or beyond a queue
 * for database connections of fifty per connection, is answered 503 with Retry-After before any
 * routing, parsing or hook runs — shedding must cost far less than serving, or a surge starves the
 * requests it admitted. (Requests made with app.inject, in tests, do not pass through it.)
 */
export function sheddingServer(pool: pg.Pool, s: SheddingSettings) {
  let inFlight = 0;
  // a queue this long drains in well under a second at the rates one process serves
  const maxDbQueue = Math.max(100, (pool.options.max ?? 10) * 50);
  return (handler: http.RequestListener) =>
    http.createServer((req, res) => {
      if (exempt(req.url)) return handler(req, res);
      const why = inFlight >= s.maxInFlight ? `more than ${s.maxInFlight} requests in hand` : pool.waitingCount >= maxDbQueue ? `${pool.waitingCount} requests waiting for the database` : null;
      if (why) {
        const lang = langOf(req.headers['accept-language']);
        const body = JSON.stringify({ type: 'https://bastion.local/problems/overloaded', title: message('OVERLOADED', lang), status: 503, code: 'OVERLOADED', detail: why });
        res.writeHead(503, { 'content-type': 'application/problem+json; charset=utf-8', 'retry-after': String(retryAfter()), 'content-length': Buffer.byteLength(body) });
        res.end(body);
        req.resume();
        return;
      }
      inFlight++;
      res.once('close', () => inFlight--);
      handler(req, res);
    });
}

/**
 * The second gate, inside Fastify (@fastify/under-pressure): when the event loop lags or the heap
 * nears its limit, the excess is answered at once with 503 and Retry-After too. What is admitted
 * keeps its latency, and the process recovers by itself when the surge passes. The live boards'
 * open streams are not counted (they wait by design); health stays answerable.
 */
export async function installShedding(app: FastifyInstance, s: SheddingSettings) {
  await app.register(underPressure, {
    maxEventLoopDelay: s.maxEventLoopDelayMs,
    maxHeapUsedBytes: Math.floor(v8.getHeapStatistics().heap_size_limit * 0.9),
    // async: the plugin then goes on only after this, and Fastify stops at a reply already sent
    pressureHandler: async (req, reply, type) => {
      if (exempt(req.url)) return;
      await shed(reply, `under pressure: ${type}`);
    },
  });
}
