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
export const retryAfter = () => 1 + Math.floor(Math.random() * 4);

function shed(reply: FastifyReply, why: string) {
  const lang = langOf(reply.request.headers['accept-language']);
  return reply
    .code(503)
    .header('retry-after', String(retryAfter()))
    .type('application/problem+json')
    .send({ type: 'https://bastion.local/problems/overloaded', title: message('OVERLOADED', lang), status: 503, code: 'OVERLOADED', detail: why });
}

/**
 * Only the API is shed. Health stays answerable and the live boards' open streams wait by design;
 * the app's own files are static, kept by the browser and the service worker, and a page missing
 * one cannot recover by itself (a shed chunk left a blank page in the browser test).
 */
const exempt = (url: string | undefined) => {
  // the path only: a query string is the client's to choose (`?x=/events` must not skip shedding)
  const path = url?.split('?', 1)[0];
  return !path?.startsWith('/api/') || path === '/api/health' || path.endsWith('/events');
};

/**
 * @fastify/under-pressure reports an event-loop delay of Infinity when its 10 ms histogram took no
 * sample in the last interval, which a single stall of a tenth of a second does (a GC, or a core
 * taken by another process), whatever the threshold. The stall is in the next interval's samples,
 * measured: only a measured delay over the threshold sheds.
 */
export const isPressure = (type: string, value: unknown) => !(type === 'eventLoopDelay' && value === Infinity);

/**
 * The first gate, in front of Fastify: a request beyond `maxInFlight` in hand, or beyond a queue
 * for database connections of ten per connection, is answered 503 with Retry-After before any
 * routing, parsing or hook runs — shedding must cost far less than serving, or a surge starves the
 * requests it admitted. (Requests made with app.inject, in tests, do not pass through it.)
 */
export function sheddingServer(pool: pg.Pool, s: SheddingSettings) {
  let inFlight = 0;
  // Ten waiting per connection: a search takes a few milliseconds, so what is admitted waits a
  // tenth of a second or so for the database. (Fifty let admitted requests wait 350 ms at the
  // median of a 10× surge, 150 ms with ten; the excess is shed either way.)
  const maxDbQueue = Math.max(20, (pool.options.max ?? 10) * 10);
  return (handler: http.RequestListener, opts: { keepAliveTimeout?: number; requestTimeout?: number; connectionTimeout?: number }) => {
    const server = http.createServer((req, res) => {
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
    // what Fastify does to a server it makes itself: above all, idle connections are kept 72 s, not
    // Node's 5 (a phone or a proxy reusing one the server had just closed got a reset: 68 swabs
    // of 3.4 million in the city bench)
    if (opts.keepAliveTimeout) server.keepAliveTimeout = opts.keepAliveTimeout;
    if (opts.requestTimeout !== undefined) server.requestTimeout = opts.requestTimeout;
    if (opts.connectionTimeout !== undefined) server.setTimeout(opts.connectionTimeout);
    return server;
  };
}

/**
 * The second gate, inside Fastify (@fastify/under-pressure): when the event loop lags or the heap
 * nears its limit, the excess is answered at once with 503 and Retry-After too. What is admitted
 * keeps its latency, and the process recovers by itself when the surge passes.
 */
export async function installShedding(app: FastifyInstance, s: SheddingSettings) {
  await app.register(underPressure, {
    maxEventLoopDelay: s.maxEventLoopDelayMs,
    // looked at ten times a second, not once: a surge is seen before it has queued a second's work
    sampleInterval: 100,
    maxHeapUsedBytes: Math.floor(v8.getHeapStatistics().heap_size_limit * 0.9),
    // async: the plugin then goes on only after this, and Fastify stops at a reply already sent
    pressureHandler: async (req, reply, type, value) => {
      if (exempt(req.url) || !isPressure(type, value)) return;
      await shed(reply, `under pressure: ${type}`);
    },
  });
}
