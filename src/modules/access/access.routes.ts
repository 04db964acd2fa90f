import { sharedLimit } from '../../db/limits.js';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import '../../lib/fastify.js';
import { problemRef } from '../../lib/fastify.js';
import { SESSION_COOKIE, actorOf, guard } from './access.plugin.js';
import type { Actor } from './access.policy.js';
import { Me, SignInBody } from './access.schemas.js';
import { signIn, signOut } from './access.service.js';

export interface AccessRoutesOptions {
  /** The area name for "me": registry owns areas, the server passes the lookup in. */
  areaName: (code: string) => Promise<string | null>;
}

export const accessRoutes: FastifyPluginAsyncTypebox<AccessRoutesOptions> = async (app, opts) => {
  app.post(
    '/session',
    {
      schema: {
        tags: ['access'],
        summary: 'Sign in with user name and password; sets the session cookie',
        body: SignInBody,
        response: { 200: Me, 400: problemRef, 401: problemRef, 429: problemRef },
      },
      // 10 tries a minute per address and user name, counted across every app process;
      // after body parsing, so that the key can include the user name
      preHandler: sharedLimit(() => app.pool, 10, 60_000, (req) => `signin:${req.ip}|${String((req.body as { username?: unknown } | undefined)?.username ?? '')}`),
    },
    async (req, reply) => {
      const { token, expiresAt, actor } = await signIn(app.db, req.body.username, req.body.password, app.settings.sessionHours);
      reply.setCookie(SESSION_COOKIE, token, {
        httpOnly: true,
        sameSite: 'strict',
        secure: req.protocol === 'https',
        path: '/',
        expires: expiresAt,
      });
      return { ...pick(actor), areaName: await opts.areaName(actor.areaCode) };
    },
  );

  app.delete(
    '/session',
    { schema: { tags: ['access'], summary: 'Sign out', response: { 204: Type.Null() } } },
    async (req, reply) => {
      const token = req.cookies[SESSION_COOKIE];
      if (token) await signOut(app.db, token);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/me',
    { preHandler: guard(), schema: { tags: ['access'], summary: 'The signed-in account', response: { 200: Me, 401: problemRef } } },
    async (req) => {
      const actor = actorOf(req);
      return { ...pick(actor), areaName: await opts.areaName(actor.areaCode) };
    },
  );
};

const pick = (a: Actor) => ({ username: a.username, displayName: a.displayName, role: a.role, areaCode: a.areaCode });
