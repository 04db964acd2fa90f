import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { AppError, notFound } from '../../../lib/errors.js';
import { problemRef } from '../../../lib/fastify.js';
import { langOf, message, type Lang } from '../../../lib/messages.js';
import { CONTENT_TYPES } from '../../../lib/tabular.js';
import { actorOf, guard } from '../../access/index.js';
import { assertCan } from '../registry.policy.js';
import { checkFile } from '../../../lib/rows.js';
import { importRepo } from './import.repo.js';
import { writeRejectionReport } from './import.report.js';
import { runImport } from './import.service.js';

const Job = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  filename: Type.String(),
  status: Type.String(),
  totalBytes: Type.Integer(),
  readBytes: Type.Integer(),
  rowsRead: Type.Integer(),
  imported: Type.Integer(),
  updated: Type.Integer(),
  rejected: Type.Integer(),
  failure: Type.Union([Type.String(), Type.Null()]),
});
const Rejection = Type.Object({ rowNo: Type.Integer(), field: Type.String(), reason: Type.String(), message: Type.String() });
const JobParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
/** A job's failure in the reader's language: a Chinese reader gets the reason's words alone (import.service.ts failureOf). */
function failureFor(failure: string | null, lang: Lang): string | null {
  const m = failure?.match(/^\[([A-Z_]+)\] ([\s\S]*)$/);
  if (!m) return failure && lang === 'zh' ? message('INTERNAL', 'zh') : failure;
  return lang === 'zh' ? message(m[1], 'zh') : `${message(m[1], 'en')}: ${m[2]}`;
}

const errors = { 400: problemRef, 401: problemRef, 403: problemRef, 404: problemRef, 413: problemRef, 415: problemRef };

export const importRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const uploads = path.join(app.settings.dataDir, 'uploads');
  await fs.promises.mkdir(uploads, { recursive: true });

  app.post(
    '/imports',
    {
      preHandler: guard('commander', 'lead'),
      schema: {
        tags: ['registry'],
        summary: 'Upload a CSV (UTF-8 or GBK) or XLSX of residents or staff; the import runs in the background',
        consumes: ['multipart/form-data'],
        querystring: Type.Object({
          kind: Type.Union([Type.Literal('residents'), Type.Literal('staff')]),
          id: Type.Optional(Type.String({ format: 'uuid', description: 'client-generated id: a retried upload returns the same job' })),
        }),
        response: { 202: Job, ...errors },
      },
    },
    async (req, reply) => {
      const actor = actorOf(req);
      assertCan(actor, 'importPeople');
      const id = req.query.id ?? crypto.randomUUID();
      const existing = await importRepo.get(app.pool, id, actor.areaCode);
      if (existing) return reply.code(202).send(existing);
      const file = await req.file();
      if (!file) throw new AppError('VALIDATION_FAILED', 'attach the file as multipart field "file"', 'file', { reason: 'FILE_MISSING' });
      const dest = path.join(uploads, id);
      try {
        await pipeline(file.file, fs.createWriteStream(dest));
        if (file.file.truncated) throw new AppError('PAYLOAD_TOO_LARGE', `the file is larger than ${app.settings.uploadLimitMb} MB`, 'file', { reason: 'FILE_TOO_LARGE', limitMb: app.settings.uploadLimitMb });
        await checkFile(dest);
      } catch (e) {
        await fs.promises.rm(dest, { force: true });
        throw e;
      }
      const filename = path.basename(file.filename || 'upload').slice(0, 200);
      const { size } = await fs.promises.stat(dest);
      const job = await importRepo.createJob(app.pool, { id, kind: req.query.kind, filename, accountId: actor.accountId, scopeCode: actor.areaCode, totalBytes: size });
      runImport(app.db, app.pool, { kind: req.query.kind, path: dest, filename, actor, jobId: id, checked: true })
        .catch((e) => req.log.warn({ err: e, job: id }, 'import failed'))
        .finally(() => fs.promises.rm(dest, { force: true }));
      return reply.code(202).send(job);
    },
  );

  app.get(
    '/imports/:id',
    { preHandler: guard('commander', 'lead'), schema: { tags: ['registry'], summary: 'Progress and counts of an import', params: JobParams, response: { 200: Job, ...errors } } },
    async (req) => {
      const job = await importRepo.get(app.pool, req.params.id, actorOf(req).areaCode);
      if (!job) throw notFound('import');
      return { ...job, failure: failureFor(job.failure, langOf(req.headers['accept-language'])) };
    },
  );

  app.get(
    '/imports/:id/rejections',
    {
      preHandler: guard('commander', 'lead'),
      schema: {
        tags: ['registry'],
        summary: 'Rejected rows of an import: row, field and reason',
        params: JobParams,
        querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 200 })) }),
        response: { 200: Type.Array(Rejection), ...errors },
      },
    },
    async (req) => {
      if (!(await importRepo.get(app.pool, req.params.id, actorOf(req).areaCode))) throw notFound('import');
      const lang = langOf(req.headers['accept-language']);
      const rows = await importRepo.rejections(app.pool, req.params.id, req.query.limit ?? 200);
      return rows.map((r) => ({ ...r, message: message(r.reason, lang) }));
    },
  );

  app.get(
    '/imports/:id/report',
    {
      preHandler: guard('commander', 'lead'),
      schema: {
        tags: ['registry'],
        summary: 'The error report of an import as XLSX or CSV',
        params: JobParams,
        querystring: Type.Object({ format: Type.Optional(Type.Union([Type.Literal('xlsx'), Type.Literal('csv')])) }),
      },
    },
    async (req, reply) => {
      if (!(await importRepo.get(app.pool, req.params.id, actorOf(req).areaCode))) throw notFound('import');
      const format = req.query.format ?? 'xlsx';
      reply.hijack();
      reply.raw.writeHead(200, {
        'content-type': CONTENT_TYPES[format],
        'content-disposition': `attachment; filename="import-errors-${req.params.id.slice(0, 8)}.${format}"`,
      });
      await writeRejectionReport(app.pool, req.params.id, reply.raw, format, langOf(req.headers['accept-language']));
    },
  );
};
