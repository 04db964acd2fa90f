import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import '../../lib/fastify.js';
import { AppError } from '../../lib/errors.js';
import type { Actor, Role } from './access.policy.js';
import { actorFromApiToken, actorFromSession } from './access.service.js';

export const SESSION_COOKIE = 'bastion_session';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
  }
}

/** Resolves the actor of each request from the session cookie or a bearer API token. */
export const accessPlugin = fp(async (app) => {
  app.decorateRequest('actor', null);
  app.addHook('onRequest', async (req) => {
    if (!req.url.startsWith('/api/')) return;
    const auth = req.headers.authorization;
    if (auth?.startsWith('Bearer ')) {
      req.actor = await actorFromApiToken(app.db, auth.slice(7).trim());
      return;
    }
    const token = req.cookies?.[SESSION_COOKIE];
    if (token) req.actor = await actorFromSession(app.db, token);
  });
});

/** preHandler: a signed-in actor with one of the roles. */
export function guard(...roles: Role[]) {
  return async (req: FastifyRequest, _reply: FastifyReply) => {
    if (!req.actor) throw new AppError('UNAUTHENTICATED', 'sign in first');
    if (roles.length && !roles.includes(req.actor.role)) throw new AppError('FORBIDDEN', `role ${req.actor.role} may not do this`);
  };
}

export function actorOf(req: FastifyRequest): Actor {
  if (!req.actor) throw new AppError('UNAUTHENTICATED', 'sign in first');
  return req.actor;
}
