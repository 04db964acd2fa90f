import { sharedLimit } from '../../db/limits.js';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
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
  const scope = app.settings.limitScope ?? '';
  const limit = (max: number, windowMs: number, key: (req: FastifyRequest) => string) => sharedLimit(() => app.pool, max, windowMs, (req) => scope + key(req));
  const secureCookie = app.settings.publicUrl?.startsWith('https:') ?? false;
  app.post(
    '/session',
    {
      schema: {
        tags: ['access'],
        summary: 'Sign in with user name and password; sets the session cookie',
        body: SignInBody,
        response: { 200: Me, 400: problemRef, 401: problemRef, 429: problemRef },
      },
      // Counted across every app process, in turn; a try refused by one limit counts in none after
      // it, and none reaches scrypt (the handler). After body parsing, for the user name.
      preHandler: [
        // guessing from one address
        limit(10, 60_000, (req) => `signin:${req.ip}|${nameOf(req)}`),
        // guessing one account from many addresses (it locks that name out for a while: the price of bounding it)
        limit(20, 15 * 60_000, (req) => `signin-user:${nameOf(req)}`),
        // everyone together: one scrypt takes about 0.42 s of a core and 128 MiB, so this keeps a crowd of
        // guesses to about one core; a district's shift change signs in a few dozen a minute
        limit(120, 60_000, () => 'signin-all'),
      ],
    },
    async (req, reply) => {
      const { token, expiresAt, actor } = await signIn(app.db, req.body.username, req.body.password, app.settings.sessionHours);
      reply.setCookie(SESSION_COOKIE, token, {
        httpOnly: true,
        sameSite: 'strict',
        // from BASTION_PUBLIC_URL: X-Forwarded-Proto is whatever the client says
        secure: secureCookie,
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
      reply.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', secure: secureCookie, path: '/' });
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

const nameOf = (req: FastifyRequest) => String((req.body as { username?: unknown } | undefined)?.username ?? '');
const pick = (a: Actor) => ({ username: a.username, displayName: a.displayName, role: a.role, areaCode: a.areaCode });
