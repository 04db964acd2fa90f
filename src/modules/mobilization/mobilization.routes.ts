import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { EventBus } from '../../db/events.js';
import { streamEvents } from '../../lib/sse.js';
import { problemRef } from '../../lib/fastify.js';
import { actorOf, guard, inScope } from '../access/index.js';
import { callupBoard } from './board.service.js';
import { closeCallup, createCallup, deleteCallup, getCallup, listCallups, previewCallup, sendCallup, updateCallup, type MobilizationDeps } from './callups.service.js';
import { AreaParam, Board, Callup, CallupBody, CheckinBody, CheckinPoint, IdParam, MyCallup, Me, Preview, Roster, SendResult, Shift, ShiftBody, TokenParam } from './mobilization.schemas.js';
import { acknowledge, checkIn, markPresent, myCallup, setCheckinPoint, villageCode } from './presence.service.js';
import { assignShift, cancelShift, exportShifts, listShifts, myShifts } from './roster.service.js';
import { CONTENT_TYPES } from '../../lib/tabular.js';

const errors = { 400: problemRef, 401: problemRef, 403: problemRef, 404: problemRef, 409: problemRef, 410: problemRef };
const tags = ['mobilization'];

export const mobilizationRoutes: FastifyPluginAsyncTypebox<{ deps: MobilizationDeps; bus: EventBus }> = async (app, { deps: d, bus }) => {
  app.post('/callups', { preHandler: guard('commander'), schema: { tags, summary: 'Write a call-up (a draft until sent)', body: CallupBody, response: { 201: Callup, ...errors } } }, async (req, reply) =>
    reply.code(201).send(await createCallup(d, actorOf(req), req.body)),
  );
  app.put('/callups/:id', { preHandler: guard('commander'), schema: { tags, summary: 'Change a draft (resume it); a sent call-up is CALLUP_NOT_DRAFT', params: IdParam, body: CallupBody, response: { 200: Callup, ...errors } } }, async (req) =>
    updateCallup(d, actorOf(req), req.params.id, req.body),
  );
  app.delete('/callups/:id', { preHandler: guard('commander'), schema: { tags, summary: 'Delete a draft; a sent call-up is CALLUP_NOT_DRAFT', params: IdParam, response: { 200: Callup, ...errors } } }, async (req) =>
    deleteCallup(d, actorOf(req), req.params.id),
  );
  app.post('/callups/:id/close', { preHandler: guard('commander'), schema: { tags, summary: 'Close a sent call-up: no more acknowledgements or check-ins, no more escalation', params: IdParam, response: { 200: Callup, ...errors } } }, async (req) =>
    closeCallup(d, actorOf(req), req.params.id),
  );
  app.get('/callups', { preHandler: guard('commander', 'lead'), schema: { tags, summary: 'Call-ups that reach the account’s area (drafts: only to commanders of the area they were made in)', response: { 200: Type.Array(Callup), ...errors } } }, async (req) =>
    listCallups(d, actorOf(req)),
  );
  app.get('/callups/:id', { preHandler: guard('commander', 'lead'), schema: { tags, params: IdParam, response: { 200: Callup, ...errors } } }, async (req) =>
    getCallup(d, actorOf(req), req.params.id),
  );
  app.get('/callups/:id/preview', { preHandler: guard('commander'), schema: { tags, summary: 'Reach, numbers without a phone, one message as sent, SMS parts', params: IdParam, response: { 200: Preview, ...errors } } }, async (req) =>
    previewCallup(d, actorOf(req), req.params.id),
  );
  app.post('/callups/:id/send', { preHandler: guard('commander'), schema: { tags, summary: 'Send to every cadre it targets (again: no effect)', params: IdParam, response: { 200: SendResult, ...errors } } }, async (req) =>
    sendCallup(d, actorOf(req), req.params.id),
  );
  app.get('/callups/:id/board', { preHandler: guard('commander', 'lead'), schema: { tags, summary: 'Arrival board inside the account’s area', params: IdParam, response: { 200: Board, ...errors } } }, async (req) =>
    callupBoard(d, actorOf(req), req.params.id),
  );
  app.post(
    '/callups/:id/members/:staffId/present',
    { preHandler: guard('commander', 'lead'), schema: { tags, summary: 'The village secretary marks a cadre present', params: Type.Composite([IdParam, Type.Object({ staffId: Type.Integer({ minimum: 1 }) })]), response: { 200: Me, ...errors } } },
    async (req) => markPresent(d, actorOf(req), req.params.id, req.params.staffId),
  );

  // Live board: an event for every acknowledgement and arrival inside the area; the page then reloads the board.
  app.get('/callups/:id/events', { preHandler: guard('commander', 'lead'), schema: { tags, summary: 'Server-sent events: "changed" when someone in the area acknowledges or arrives', params: IdParam } }, async (req, reply) => {
    const actor = actorOf(req);
    await getCallup(d, actor, req.params.id);
    streamEvents(req, reply, bus, (e) => e.data.callupId === req.params.id && inScope(actor, e.areaCode));
  });

  // The cadre's phone page works from the personal link alone: no account. Limited per link, not
  // per address: thousands of phones reach us through a carrier's few shared addresses.
  const byLink = { config: { rateLimit: { max: 30, timeWindow: '1 minute', keyGenerator: (req: FastifyRequest) => `link:${(req.params as { token?: string }).token ?? req.ip}` } } };
  app.get('/me/:token', { ...byLink, schema: { tags, summary: 'The cadre’s call-up, from the personal link', params: TokenParam, response: { 200: MyCallup, ...errors } } }, async (req) =>
    myCallup(d, req.params.token),
  );
  app.post('/me/:token/ack', { ...byLink, schema: { tags, summary: '收到: acknowledge', params: TokenParam, response: { 200: Me, ...errors } } }, async (req) =>
    acknowledge(d, req.params.token),
  );
  app.post('/me/:token/checkin', { ...byLink, schema: { tags, summary: '报到: check in by the village code or by location', params: TokenParam, body: CheckinBody, response: { 200: Me, ...errors } } }, async (req) =>
    checkIn(d, req.params.token, req.body),
  );

  app.post('/shifts', { preHandler: guard('commander', 'lead'), schema: { tags, summary: 'Put a cadre on a post for a shift, under the roster rules', body: ShiftBody, response: { 201: Shift, ...errors } } }, async (req, reply) =>
    reply.code(201).send(await assignShift(d, actorOf(req), req.body)),
  );
  app.delete('/shifts/:id', { preHandler: guard('commander', 'lead'), schema: { tags, summary: 'Take a shift off the roster (audited)', params: IdParam, response: { 200: Shift, ...errors } } }, async (req) =>
    cancelShift(d, actorOf(req), req.params.id),
  );
  app.get('/shifts', { preHandler: guard('commander', 'lead'), schema: { tags, summary: 'Shifts in the area and hours per cadre', querystring: Type.Object({ area: Type.Optional(Type.String({ pattern: '^\\d{2,15}$' })) }), response: { 200: Roster, ...errors } } }, async (req) =>
    listShifts(d, actorOf(req), req.query.area),
  );
  app.get(
    '/shifts/export',
    { preHandler: guard('commander', 'lead'), schema: { tags, summary: 'Shifts and hours per cadre as XLSX or CSV', querystring: Type.Object({ area: Type.Optional(Type.String({ pattern: '^\\d{2,15}$' })), format: Type.Optional(Type.Union([Type.Literal('xlsx'), Type.Literal('csv')])) }) } },
    async (req, reply) => {
      const format = req.query.format ?? 'xlsx';
      const actor = actorOf(req);
      reply.hijack();
      reply.raw.writeHead(200, { 'content-type': CONTENT_TYPES[format], 'content-disposition': `attachment; filename="roster-${actor.areaCode}.${format}"` });
      await exportShifts(d, actor, reply.raw, format, req.query.area);
    },
  );
  app.get('/me/:token/shifts', { ...byLink, schema: { tags, summary: 'My shifts, from the personal link', params: TokenParam, response: { 200: Type.Array(Shift), ...errors } } }, async (req) =>
    myShifts(d, req.params.token),
  );

  app.get('/villages/:code/code', { preHandler: guard('commander', 'lead'), schema: { tags, summary: 'The check-in code to post at the village committee', params: AreaParam } }, async (req) =>
    villageCode(d, actorOf(req), req.params.code),
  );
  app.put('/villages/:code/checkin-point', { preHandler: guard('commander', 'lead'), schema: { tags, summary: 'Where the village’s cadres check in by location', params: AreaParam, body: CheckinPoint, response: { 200: Type.Composite([CheckinPoint, Type.Object({ areaCode: Type.String() })]), ...errors } } }, async (req) =>
    setCheckinPoint(d, actorOf(req), req.params.code, req.body),
  );
};
