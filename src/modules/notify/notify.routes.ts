import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { problemRef } from '../../lib/fastify.js';
import { guard } from '../access/index.js';
import { simulatorInbox, simulatorPhones } from './notify.repo.js';
import type { NotifyRuntime } from './notify.runtime.js';

const Phone = Type.String({ pattern: '^1[3-9]\\d{9}$', description: 'a mainland mobile number' });

/**
 * The simulator's phones, for a demo's command centre: a phone's inbox holds the cadre's personal
 * link (acknowledging and checking in as them), so reading it, replying from it and listing the
 * numbers all need a signed-in commander. Only mounted when the simulator is the gateway, which
 * serves beyond this machine only with BASTION_DEMO=1 (server/config.ts).
 */
export const notifyRoutes: FastifyPluginAsyncTypebox<{ runtime: NotifyRuntime }> = async (app, { runtime }) => {
  if (runtime.settings.gateway !== 'simulator') return;

  // every number across areas: for the command centre only
  app.get(
    '/simulator/phones',
    {
      preHandler: guard('commander'),
      schema: {
        tags: ['notify'],
        summary: 'Numbers that received SMS from the simulator lately',
        response: { 200: Type.Array(Type.Object({ phone: Type.String(), messages: Type.Integer(), last: Type.String({ format: 'date-time' }) })), 401: problemRef, 403: problemRef },
      },
    },
    async () => simulatorPhones(app.pool),
  );

  app.get(
    '/simulator/inbox/:phone',
    {
      preHandler: guard('commander'),
      schema: {
        tags: ['notify'],
        summary: 'The simulated phone of a number: messages received and replies sent',
        params: Type.Object({ phone: Phone }),
        response: {
          200: Type.Array(Type.Object({ kind: Type.Union([Type.Literal('in'), Type.Literal('out')]), id: Type.String(), body: Type.String(), at: Type.String({ format: 'date-time' }) })),
          400: problemRef,
          401: problemRef,
          403: problemRef,
        },
      },
    },
    async (req) => simulatorInbox(app.pool, req.params.phone),
  );

  app.post(
    '/simulator/inbox/:phone/reply',
    {
      preHandler: guard('commander'),
      schema: {
        tags: ['notify'],
        summary: 'Reply from the simulated phone, as an SMS would',
        params: Type.Object({ phone: Phone }),
        body: Type.Object({ body: Type.String({ minLength: 1, maxLength: 500 }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ messageId: Type.Union([Type.String(), Type.Null()]) }), 400: problemRef, 401: problemRef, 403: problemRef },
      },
      config: { rateLimit: { max: 30, timeWindow: '1 minute' } },
    },
    async (req) => ({ messageId: (await runtime.reply(req.params.phone, req.body.body)).messageId }),
  );
};
