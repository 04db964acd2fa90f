import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { problemRef } from '../../../lib/fastify.js';
import { actorOf, guard } from '../../access/index.js';
import { KindParam, ListQuery, PersonDetail, PersonPage, PersonParams, Pii } from './people.schemas.js';
import { getPerson, listPeople, revealPii } from './people.service.js';

const errors = { 400: problemRef, 401: problemRef, 403: problemRef, 404: problemRef, 429: problemRef };

export const peopleRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/:kind',
    {
      preHandler: guard(),
      schema: {
        tags: ['registry'],
        summary: 'Residents or staff of an area: a page by cursor, or a search by name, pinyin initials, the last 4 digits of an ID or phone, or a whole ID or phone (audited)',
        params: KindParam,
        querystring: ListQuery,
        response: { 200: PersonPage, ...errors },
      },
    },
    async (req) => listPeople(app.db, app.pool, actorOf(req), req.params.kind, req.query),
  );

  app.get(
    '/:kind/:id',
    {
      preHandler: guard(),
      schema: { tags: ['registry'], summary: 'One person, with their household', params: PersonParams, response: { 200: PersonDetail, ...errors } },
    },
    async (req) => getPerson(app.pool, actorOf(req), req.params.kind, req.params.id),
  );

  app.post(
    '/:kind/:id/pii',
    {
      preHandler: guard('commander', 'lead'),
      schema: {
        tags: ['registry'],
        summary: 'Full ID number, phone and birth date of one person (audited)',
        params: PersonParams,
        response: { 200: Pii, ...errors },
      },
    },
    async (req) => revealPii(app.db, app.pool, actorOf(req), req.params.kind, req.params.id),
  );
};
