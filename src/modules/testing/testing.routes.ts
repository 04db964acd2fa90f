import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { DomainEvent, EventBus } from '../../db/events.js';
import { sharedLimit } from '../../db/limits.js';
import { streamEvents } from '../../lib/sse.js';
import { AppError } from '../../lib/errors.js';
import { problemRef } from '../../lib/fastify.js';
import { langOf, message } from '../../lib/messages.js';
import { checkFile, openRows } from '../../lib/rows.js';
import { CONTENT_TYPES } from '../../lib/tabular.js';
import { normaliseHeader } from '../../lib/text.js';
import { actorOf, guard, inScope } from '../access/index.js';
import { addLab, campaignFor, closeCampaign, createCampaign, getCampaign, labChoices, labQueue, listCampaigns, listLabs, type TestingDeps } from './campaigns.service.js';
import { campaignBoard, conflictList, coverage, exportUntested, printableCodes, recallList, untested } from './coverage.service.js';
import { forgetResults, lookup, myResults, personalCode } from './lookups.service.js';
import { assignHomeVisits, homeVisits, listSites, notifySlots, plan, saveSite, walkIn } from './planning.service.js';
import { recordResults, type ResultRow } from './results.service.js';
import { boxesInTransit, pickUpBox, receiveBox, recordScans, sealTube, shipBox } from './scans.service.js';
import * as S from './testing.schemas.js';

const errors = { 400: problemRef, 401: problemRef, 403: problemRef, 404: problemRef, 409: problemRef, 413: problemRef, 415: problemRef, 429: problemRef };
const tags = ['testing'];
const TUBE_HEADERS = ['管号', '试管编号', '采样管号', '样本编号', '条码', 'tube', 'tubecode', 'tube_code', 'barcode'].map(normaliseHeader);
const RESULT_HEADERS = ['结果', '检测结果', '核酸结果', 'result'].map(normaliseHeader);

/** Reads a lab's result file (CSV in UTF-8 or GBK, or XLSX): a tube column and a result column, in any order. */
async function resultRows(file: string): Promise<ResultRow[]> {
  const source = await openRows(file);
  const out: ResultRow[] = [];
  let cols: { tube: number; result: number } | null = null;
  for await (const { rowNo, cells } of source.rows()) {
    if (!cols) {
      const norm = cells.map((c) => normaliseHeader(String(c ?? '')));
      cols = { tube: norm.findIndex((h) => TUBE_HEADERS.includes(h)), result: norm.findIndex((h) => RESULT_HEADERS.includes(h)) };
      const missing = [cols.tube < 0 && '管号', cols.result < 0 && '结果'].filter(Boolean);
      if (missing.length) throw new AppError('VALIDATION_FAILED', `missing column(s): ${missing.join(', ')}`, 'file', { reason: 'HEADER_MISSING', missing });
      continue;
    }
    const tube = String(cells[cols.tube] ?? '').trim();
    const result = String(cells[cols.result] ?? '').trim();
    if (tube || result) out.push({ row: rowNo, tube, result });
    if (out.length > 200_000) throw new AppError('PAYLOAD_TOO_LARGE', 'at most 200,000 results in one file', 'file', { reason: 'TOO_MANY_ROWS' });
  }
  if (!cols) throw new AppError('VALIDATION_FAILED', 'the file is empty', 'file', { reason: 'FILE_EMPTY' });
  return out;
}

export const testingRoutes: FastifyPluginAsyncTypebox<{ deps: TestingDeps; bus: EventBus }> = async (app, { deps: d, bus }) => {
  const onEvent = (e: DomainEvent) => e.name.startsWith('testing.') && forgetResults(d, e);
  // events may have been missed while the bus was reconnecting: no kept page is trusted
  const onResumed = () => forgetResults(d, null);
  bus.on('event', onEvent).on('resumed', onResumed);
  app.addHook('onClose', async () => void bus.off('event', onEvent).off('resumed', onResumed));

  app.post('/campaigns', { preHandler: guard('commander'), schema: { tags, summary: 'Start a campaign over an area with a pooling ratio and a target end', body: S.CampaignBody, response: { 201: S.Campaign, ...errors } } }, async (req, reply) =>
    reply.code(201).send(await createCampaign(d, actorOf(req), req.body)),
  );
  app.get('/campaigns', { preHandler: guard('commander', 'lead', 'sampler'), schema: { tags, summary: 'Campaigns over the account’s area', response: { 200: Type.Array(S.Campaign), ...errors } } }, async (req) =>
    listCampaigns(d, actorOf(req)),
  );
  app.get('/campaigns/:id', { preHandler: guard('commander', 'lead', 'sampler'), schema: { tags, params: S.IdParam, response: { 200: S.Campaign, ...errors } } }, async (req) =>
    getCampaign(d, actorOf(req), req.params.id),
  );
  app.post('/campaigns/:id/close', { preHandler: guard('commander'), schema: { tags, summary: 'End sampling: stations refuse new swabs', params: S.IdParam, response: { 200: S.Campaign, ...errors } } }, async (req) =>
    closeCampaign(d, actorOf(req), req.params.id),
  );

  app.post('/labs', { preHandler: guard('commander'), schema: { tags, summary: 'A laboratory and its account (role lab), with its capacity in tubes a day', body: S.LabBody, response: { 201: S.Lab, ...errors } } }, async (req, reply) =>
    reply.code(201).send(await addLab(d, actorOf(req), req.body)),
  );
  app.get('/labs', { preHandler: guard('commander'), schema: { tags, response: { 200: Type.Array(S.Lab), ...errors } } }, async (req) => listLabs(d, actorOf(req)));
  app.get('/labs/choices', { preHandler: guard('commander', 'sampler'), schema: { tags, summary: 'The laboratories a station may pack a box for', response: { 200: Type.Array(S.LabChoice), ...errors } } }, async (req) => labChoices(d, actorOf(req)));
  app.get('/labs/mine', { preHandler: guard('lab'), schema: { tags, summary: 'The lab’s own queue: tubes received and awaiting a result, oldest first', response: { 200: S.LabQueue, ...errors } } }, async (req) => labQueue(d, actorOf(req)));

  // The station: swabs, sealing, boxes for transport.
  app.post('/scans', { preHandler: guard('commander', 'sampler'), schema: { tags, summary: 'Swabs from a station: one, or a backlog synced after being offline (idempotent by scan id)', body: S.ScansBody, response: { 200: S.ScansAnswer, ...errors } } }, async (req) => ({
    results: await recordScans(d, actorOf(req), req.body.scans),
  }));
  app.post('/tubes/:code/seal', { preHandler: guard('commander', 'sampler'), schema: { tags, summary: 'Seal a tube at the station (again: no change)', params: S.CodeParam, response: { 200: S.Tube, ...errors } } }, async (req) =>
    sealTube(d, actorOf(req), req.params.code),
  );
  app.post('/boxes/:code/ship', { preHandler: guard('commander', 'sampler'), schema: { tags, summary: 'Pack sealed tubes into a box at the site for the lab it names (only that lab receives it), ready for transport', params: S.CodeParam, body: S.ShipBody, response: { 200: S.BoxAnswer, ...errors } } }, async (req) =>
    shipBox(d, actorOf(req), req.params.code, req.body.tubes, req.body.lab),
  );
  app.get('/boxes/in-transit', { preHandler: guard('commander', 'sampler', 'courier'), schema: { tags, summary: 'Boxes taken by transport and not yet received by a lab, inside your area', response: { 200: S.BoxesInTransit, ...errors } } }, async (req) =>
    boxesInTransit(d, actorOf(req)),
  );
  app.post('/boxes/:code/pickup', { preHandler: guard('commander', 'sampler', 'courier'), schema: { tags, summary: 'Transport takes the box at the site (the hand-over scan)', params: S.CodeParam, response: { 200: S.BoxAnswer, ...errors } } }, async (req) =>
    pickUpBox(d, actorOf(req), req.params.code),
  );
  app.post('/boxes/:code/receive', { preHandler: guard('lab'), schema: { tags, summary: 'The lab scans a box on arrival', params: S.CodeParam, response: { 200: S.BoxAnswer, ...errors } } }, async (req) =>
    receiveBox(d, actorOf(req), req.params.code),
  );

  // The lab: results by API or by file; refusals are reported per row.
  const shapeResults = (req: FastifyRequest, r: Awaited<ReturnType<typeof recordResults>>) => {
    const lang = langOf(req.headers['accept-language']);
    return { ...r, rejected: r.rejected.map((x) => ({ ...x, message: message(x.reason, lang) })) };
  };
  app.post('/results', { preHandler: guard('lab'), schema: { tags, summary: 'Results per tube: negative, positive, invalid', body: S.ResultsBody, response: { 200: S.ResultsAnswer, ...errors } } }, async (req) =>
    shapeResults(req, await recordResults(d, actorOf(req), req.body.results.map((r, i) => ({ row: i, tube: r.tube, result: r.result })))),
  );
  app.post('/results/file', { preHandler: guard('lab'), schema: { tags, summary: 'Results as a CSV (UTF-8 or GBK) or XLSX with columns 管号 and 结果', consumes: ['multipart/form-data'], response: { 200: S.ResultsAnswer, ...errors } } }, async (req) => {
    const file = await req.file();
    if (!file) throw new AppError('VALIDATION_FAILED', 'attach the file as multipart field "file"', 'file', { reason: 'FILE_MISSING' });
    const dest = path.join(os.tmpdir(), `bastion-results-${crypto.randomUUID()}`);
    try {
      await pipeline(file.file, fs.createWriteStream(dest));
      if (file.file.truncated) throw new AppError('PAYLOAD_TOO_LARGE', `the file is larger than ${app.settings.uploadLimitMb} MB`, 'file', { reason: 'FILE_TOO_LARGE', limitMb: app.settings.uploadLimitMb });
      await checkFile(dest);
      return shapeResults(req, await recordResults(d, actorOf(req), await resultRows(dest)));
    } finally {
      await fs.promises.rm(dest, { force: true });
    }
  });

  // Coverage, the untested, recalls, the board.
  app.get('/campaigns/:id/coverage', { preHandler: guard('commander', 'lead'), schema: { tags, summary: 'Expected, sampled, resulted, positive per child area', params: S.IdParam, querystring: S.AreaQuery, response: { 200: S.Coverage, ...errors } } }, async (req) =>
    coverage(d, actorOf(req), req.params.id, req.query.area),
  );
  app.get('/campaigns/:id/untested', { preHandler: guard('commander', 'lead'), schema: { tags, summary: 'Residents not yet sampled, for door-knocking (format=xlsx|csv: the whole list as a file)', params: S.IdParam, querystring: S.UntestedQuery, response: { 200: S.Untested, ...errors } } }, async (req, reply) => {
    const actor = actorOf(req);
    const { format } = req.query;
    if (!format) return untested(d, actor, req.params.id, req.query.area, req.query.after ?? 0, req.query.limit ?? 100);
    await campaignFor(d, actor, req.params.id); // refused before the download starts
    reply.hijack();
    reply.raw.writeHead(200, { 'content-type': CONTENT_TYPES[format], 'content-disposition': `attachment; filename="untested-${req.params.id}.${format}"` });
    await exportUntested(d, actor, req.params.id, req.query.area, reply.raw, format);
    reply.raw.end();
  });
  app.get('/campaigns/:id/recalls', { preHandler: guard('commander', 'lead'), schema: { tags, summary: 'Members of positive or invalid pools to retest alone at home', params: S.IdParam, querystring: S.AreaQuery, response: { 200: S.Recalls, ...errors } } }, async (req) =>
    recallList(d, actorOf(req), req.params.id, req.query.area),
  );
  app.get('/campaigns/:id/board', { preHandler: guard('commander', 'lead'), schema: { tags, summary: 'Progress: swabs per hour, tubes per stage, lab backlogs, coverage, recalls', params: S.IdParam, querystring: S.AreaQuery, response: { 200: S.Board, ...errors } } }, async (req) =>
    campaignBoard(d, actorOf(req), req.params.id, req.query.area),
  );
  app.get('/campaigns/:id/conflicts', { preHandler: guard('commander', 'lead'), schema: { tags, summary: 'People sampled twice (two stations offline): both swabs kept, where each was taken', params: S.IdParam, querystring: S.AreaQuery, response: { 200: S.Conflicts, ...errors } } }, async (req) =>
    conflictList(d, actorOf(req), req.params.id, req.query.area),
  );
  app.get('/codes', { preHandler: guard('commander', 'lead'), schema: { tags, summary: 'Personal codes of an area’s residents, to print (audited)', querystring: S.CodesQuery, response: { 200: S.Codes, ...errors } } }, async (req) =>
    printableCodes(d, actorOf(req), req.query.area, req.query.after ?? 0, req.query.limit ?? 200),
  );
  app.get('/campaigns/:id/events', { preHandler: guard('commander', 'lead'), schema: { tags, summary: 'Server-sent events: "changed" on a swab, a result or a recall inside the area', params: S.IdParam } }, async (req, reply) => {
    const actor = actorOf(req);
    await campaignFor(d, actor, req.params.id);
    streamEvents(req, reply, bus, (e) => e.name.startsWith('testing.') && e.data.campaignId === req.params.id && inScope(actor, e.areaCode));
  });

  // Planning: capacity, sites and their time slots, door-to-door visits, walk-ins.
  const planners = guard('commander', 'lead');
  app.get('/campaigns/:id/plan', { preHandler: planners, schema: { tags, summary: 'Capacity plan of the area shown (area, the reader’s own by default): expected end of sampling and results per village, and what is missing to finish by the target (null where not checked)', params: S.IdParam, querystring: S.PlanQuery, response: { 200: S.Plan, ...errors } } }, async (req) => {
    const { area, ...assumptions } = req.query;
    return plan(d, actorOf(req), req.params.id, assumptions, area);
  },
  );
  app.post('/campaigns/:id/sites', { preHandler: planners, schema: { tags, summary: 'A sampling site of a village (changed by name)', params: S.IdParam, body: S.SiteBody, response: { 200: S.Site, ...errors } } }, async (req) =>
    saveSite(d, actorOf(req), req.params.id, req.body),
  );
  app.get('/campaigns/:id/sites', { preHandler: planners, schema: { tags, params: S.IdParam, querystring: S.AreaQuery, response: { 200: Type.Array(S.Site), ...errors } } }, async (req) =>
    listSites(d, actorOf(req), req.params.id, req.query.area),
  );
  app.post('/campaigns/:id/sites/:siteId/notify', { preHandler: planners, schema: { tags, summary: 'Give the village’s households time slots at the site and tell each by SMS (again: no second SMS)', params: S.SiteParams, response: { 200: S.SlotsAnswer, ...errors } } }, async (req) =>
    notifySlots(d, actorOf(req), req.params.id, req.params.siteId),
  );
  app.get('/campaigns/:id/home-visits', { preHandler: planners, schema: { tags, summary: 'Residents to sample at home (bed-ridden, elderly alone, disabled): assigned to whom, done or not', params: S.IdParam, querystring: S.AreaQuery, response: { 200: S.HomeVisits, ...errors } } }, async (req) =>
    homeVisits(d, actorOf(req), req.params.id, req.query.area),
  );
  app.post('/campaigns/:id/home-visits', { preHandler: planners, schema: { tags, summary: 'Send a sampler and a cadre to these homes', params: S.IdParam, body: S.AssignBody, response: { 200: Type.Object({ assigned: Type.Integer() }), ...errors } } }, async (req) =>
    assignHomeVisits(d, actorOf(req), req.params.id, req.body),
  );
  app.post('/campaigns/:id/walk-ins', { preHandler: guard('commander', 'sampler'), schema: { tags, summary: 'Register someone not in the registry at the table, and get their personal code', params: S.IdParam, body: S.WalkInBody, response: { 200: S.WalkInAnswer, ...errors } } }, async (req) =>
    walkIn(d, actorOf(req), req.params.id, req.body),
  );

  // Residents: their personal code and results.
  app.get('/residents/:id/code', { preHandler: guard('commander', 'lead'), schema: { tags, summary: 'A resident’s personal code, to print', params: S.IdParam, response: { 200: S.PersonalCode, ...errors } } }, async (req) =>
    personalCode(d, actorOf(req), req.params.id),
  );
  // residents' pages are sent as PostgreSQL built them (lookups.service.ts), not serialised again
  const JSON_UTF8 = 'application/json; charset=utf-8';
  // per code, not per address: a carrier puts thousands of phones behind a few addresses
  const perCode = { config: { rateLimit: { max: 30, timeWindow: '1 minute', keyGenerator: (req: FastifyRequest) => `code:${(req.params as { code?: string }).code ?? req.ip}` } } };
  app.get('/me/:code', { ...perCode, schema: { tags, summary: 'A resident’s own page, from their personal code: samples and results', params: S.CodeParam, response: { 200: S.MyResults, ...errors } } }, async (req, reply) =>
    reply.type(JSON_UTF8).send(await myResults(d, req.params.code)),
  );
  // enumeration of ID numbers is what this limit is against: counted across every app process
  app.post('/lookup', { preHandler: sharedLimit(() => d.pool, 10, 60_000, (req) => `lookup:${req.ip}`), schema: { tags, summary: 'Public lookup: ID number, name and phone must match', body: S.LookupBody, response: { 200: S.MyResults, ...errors } } }, async (req, reply) =>
    reply.type(JSON_UTF8).send(await lookup(d, req.body)),
  );
};
