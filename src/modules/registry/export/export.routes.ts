import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { problemRef } from '../../../lib/fastify.js';
import { langOf } from '../../../lib/messages.js';
import { CONTENT_TYPES } from '../../../lib/tabular.js';
import { actorOf, guard } from '../../access/index.js';
import { prepareExport } from './export.service.js';

export const exportRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/export/:list',
    {
      preHandler: guard(),
      schema: {
        tags: ['registry'],
        summary: 'Stream residents, staff or areas of an area as XLSX or CSV (UTF-8 or GBK)',
        params: Type.Object({ list: Type.Union([Type.Literal('residents'), Type.Literal('staff'), Type.Literal('areas')]) }),
        querystring: Type.Object({
          area: Type.Optional(Type.String({ pattern: '^\\d{2,15}$' })),
          format: Type.Optional(Type.Union([Type.Literal('xlsx'), Type.Literal('csv'), Type.Literal('csv-gbk')])),
          full: Type.Optional(Type.Boolean({ description: 'unmasked ID numbers and phones (audited)' })),
        }),
        response: { 400: problemRef, 401: problemRef, 403: problemRef },
      },
    },
    async (req, reply) => {
      const actor = actorOf(req);
      const format = req.query.format ?? 'xlsx';
      const ext = format === 'xlsx' ? 'xlsx' : 'csv';
      const opts = { area: req.query.area, format, full: req.query.full ?? false, lang: langOf(req.headers['accept-language']) };
      // checks (role, scope) run before the answer starts, so a refusal is still a problem+json
      const write = await prepareExport(app.db, app.pool, actor, req.params.list, opts);
      reply.hijack();
      reply.raw.writeHead(200, {
        'content-type': CONTENT_TYPES[format],
        'content-disposition': `attachment; filename="${req.params.list}-${opts.area ?? actor.areaCode}.${ext}"`,
      });
      await write(reply.raw);
    },
  );
};
