import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { problemRef } from '../../../lib/fastify.js';
import { actorOf, guard } from '../../access/index.js';
import { assertCan } from '../registry.policy.js';
import { organisationsRepo } from './organisations.repo.js';

const KINDS = ['command_centre', 'working_group', 'department', 'party_branch'] as const;
const Organisation = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  kind: Type.Union(KINDS.map((k) => Type.Literal(k))),
  areaCode: Type.String(),
  parentId: Type.Union([Type.Integer(), Type.Null()]),
  staff: Type.Integer({ description: 'staff of this organisation inside the account’s area' }),
});

export const organisationsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/organisations',
    {
      preHandler: guard(),
      schema: {
        tags: ['registry'],
        summary: 'Party branches, departments, the command centre and its working groups that serve the account’s area',
        querystring: Type.Object({ kind: Type.Optional(Type.Union(KINDS.map((k) => Type.Literal(k)))) }),
        response: { 200: Type.Array(Organisation), 401: problemRef, 403: problemRef },
      },
    },
    async (req) => {
      const actor = actorOf(req);
      assertCan(actor, 'readAreas');
      return organisationsRepo.list(app.pool, actor.areaCode, req.query.kind);
    },
  );
};
