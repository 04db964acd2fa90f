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
    if (!token) return;
    // A write carried by the session cookie must come from a page of ours (CSRF). The cookie is
    // SameSite=Strict already; browsers also say where a request comes from, and that is checked.
    if (!SAFE.has(req.method) && crossSite(req)) throw new AppError('FORBIDDEN', 'a write from another site is refused', 'origin');
    req.actor = await actorFromSession(app.db, token, app.settings.sessionIdleMinutes);
  });
});

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The browser says the request comes from another site: Sec-Fetch-Site, or an Origin not ours. */
function crossSite(req: FastifyRequest): boolean {
  const site = req.headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site') return true;
  const origin = req.headers.origin;
  if (!origin) return false; // not a browser (a script, a test): it holds the cookie itself
  try {
    return new URL(origin).host !== req.headers.host;
  } catch {
    return true;
  }
}

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
