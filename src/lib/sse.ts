import type { FastifyReply, FastifyRequest } from 'fastify';
import type { DomainEvent, EventBus } from '../db/events.js';

/**
 * A live board's stream (server-sent events): "changed" for each domain event `accept` lets
 * through, a ping every 15 s to keep proxies from closing it; the page then reloads what it shows.
 * After the bus lost its connection to the database and listens again, one "changed" for all:
 * what happened meanwhile was not announced.
 */
export function streamEvents(req: FastifyRequest, reply: FastifyReply, bus: EventBus, accept: (e: DomainEvent) => boolean) {
  reply.hijack();
  reply.raw.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
  reply.raw.write(': connected\n\n');
  const changed = (what: { name: string; areaCode?: string }) => reply.raw.write(`event: changed\ndata: ${JSON.stringify(what)}\n\n`);
  const onEvent = (e: DomainEvent) => accept(e) && changed({ name: e.name, areaCode: e.areaCode });
  const onResumed = () => changed({ name: 'events.resumed' });
  const beat = setInterval(() => reply.raw.write(': ping\n\n'), 15_000);
  bus.on('event', onEvent).on('resumed', onResumed);
  req.raw.on('close', () => {
    clearInterval(beat);
    bus.off('event', onEvent).off('resumed', onResumed);
  });
}
