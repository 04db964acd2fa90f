import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { problemRef } from '../../../lib/fastify.js';
import { actorOf, guard } from '../../access/index.js';
import { Area, AreaCodeParam, AreaWithCounts } from './areas.schemas.js';
import { areaChildren, areaRoot, searchAreas } from './areas.service.js';

export const areasRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/areas/root',
    {
      preHandler: guard(),
      schema: { tags: ['registry'], summary: 'The area of the signed-in account, with counts', response: { 200: AreaWithCounts, 401: problemRef, 403: problemRef, 404: problemRef } },
    },
    async (req) => areaRoot(app.db, actorOf(req)),
  );
  app.get(
    '/areas/search',
    {
      preHandler: guard(),
      schema: {
        tags: ['registry'],
        summary: 'Areas inside the account’s area by a part of their name, with the names above each',
        querystring: Type.Object({ q: Type.String({ minLength: 1, maxLength: 40 }) }),
        response: { 200: Type.Array(Type.Composite([Area, Type.Object({ path: Type.Array(Type.String()) })])), 400: problemRef, 401: problemRef, 403: problemRef },
      },
    },
    async (req) => searchAreas(app.db, actorOf(req), req.query.q),
  );
  app.get(
    '/areas/:code/children',
    {
      preHandler: guard(),
      schema: {
        tags: ['registry'],
        summary: 'Sub-areas with resident and cadre counts',
        params: AreaCodeParam,
        response: { 200: Type.Object({ area: Area, children: Type.Array(AreaWithCounts) }), 401: problemRef, 403: problemRef, 404: problemRef },
      },
    },
    async (req) => areaChildren(app.db, actorOf(req), req.params.code),
  );
};
