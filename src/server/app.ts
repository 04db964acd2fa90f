import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance } from 'fastify';
import type pg from 'pg';
import cookie from '@fastify/cookie';
import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fastifyStatic from '@fastify/static';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Db } from '../db/connection.js';
import '../lib/fastify.js';
import type { AppSettings } from '../lib/fastify.js';
import { langOf, message } from '../lib/messages.js';
import { logSerializers } from '../lib/logging.js';
import { accessPlugin, accessRoutes } from '../modules/access/index.js';
import { areaName, registryRoutes } from '../modules/registry/index.js';
import { notifyRoutes, notifyWebhookRoutes, twilioWebhookRoutes, type NotifyRuntime } from '../modules/notify/index.js';
import { acknowledgeBySms, mobilizationRoutes, startEscalations, type MobilizationDeps } from '../modules/mobilization/index.js';
import { testingRoutes, type TestingDeps } from '../modules/testing/index.js';
import { installSecurityHeaders } from './headers.js';
import { installShedding, sheddingServer, type SheddingSettings } from './shedding.js';
import type { EventBus } from '../db/events.js';
import { sharedSecret } from '../db/secrets.js';
import { ProblemSchema, installErrorHandling } from './errors.js';

const WEB_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web/dist');

export interface AppDeps {
  db: Db;
  pool: pg.Pool;
  settings: AppSettings;
  logLevel?: string;
  /** serve the built web app (off in API tests) */
  web?: boolean;
  /** the SMS channel of this process (absent: no notify routes) */
  notify?: NotifyRuntime;
  /** this process's LISTEN on domain events, for live boards (with notify: the mobilization routes) */
  bus?: EventBus;
  /** the address in personal links sent by SMS */
  linkBase?: () => string;
  /** run the background rounds (escalations) in this process */
  background?: boolean;
  /** the roster's rules (default 12 h on duty at most, 8 h of rest at least) */
  rosterRules?: { maxContinuousHours: number; minRestHours: number };
  /** where the log goes (standard output by default) */
  logStream?: NodeJS.WritableStream;
  /** load shedding (default: 1,024 requests in hand, 1 s of event-loop delay) */
  shedding?: SheddingSettings;
  /** one of several app processes: its answers say which (header x-bastion-process) */
  processTag?: string;
  /** BASTION_TRUSTED_PROXIES: only a request from one of these may name its client in X-Forwarded-For (default: none) */
  trustedProxies?: string[];
}

/** Assembles the process: plugins, error mapping, every module's routes, the web app. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const shedding = deps.shedding ?? { maxInFlight: 1024, maxEventLoopDelayMs: 1000 };
  const app = Fastify({
    serverFactory: sheddingServer(deps.pool, shedding),
    logger: {
      level: deps.logLevel ?? 'info',
      ...(deps.logStream ? { stream: deps.logStream } : {}),
      // personal data never reaches the log: no bodies, headers, query strings or paths (the
      // route's pattern instead), and errors by code and message (src/lib/logging.ts)
      serializers: logSerializers,
    },
    // req.ip keys the sign-in and lookup limits: forwarded headers count only from our own proxies
    // (proxy-addr walks X-Forwarded-For from the right and stops at the first address not trusted)
    trustProxy: deps.trustedProxies?.length ? deps.trustedProxies : false,
    bodyLimit: 1024 * 1024,
    ajv: { customOptions: { coerceTypes: 'array', removeAdditional: false, useDefaults: true, allErrors: true } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.decorate('db', deps.db);
  app.decorate('pool', deps.pool);
  app.decorate('settings', deps.settings);
  app.addSchema(ProblemSchema);
  const webApp = deps.web !== false && fs.existsSync(path.join(WEB_DIST, 'index.html'));
  installErrorHandling(app, { webApp });

  installSecurityHeaders(app);
  await installShedding(app, shedding);
  if (deps.processTag) app.addHook('onSend', async (_req, reply) => void reply.header('x-bastion-process', deps.processTag));
  await app.register(cookie);
  await app.register(multipart, { limits: { fileSize: deps.settings.uploadLimitMb * 1024 * 1024, files: 1, fields: 5 } });
  await app.register(rateLimit, {
    global: false,
    // a refused request says when to come back (Retry-After); an admitted one carries no count
    addHeadersOnExceeding: { 'x-ratelimit-limit': false, 'x-ratelimit-remaining': false, 'x-ratelimit-reset': false },
    errorResponseBuilder: (req, ctx) => {
      const lang = langOf(req.headers['accept-language']);
      return Object.assign(new Error(message('RATE_LIMITED', lang)), { statusCode: 429, retryAfter: Math.ceil(ctx.ttl / 1000) });
    },
  });
  await app.register(swagger, {
    openapi: {
      info: { title: 'Bastion API', version: '1', description: '疫情防控指挥平台 — the operations platform of a district command centre' },
      components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'bastion_session' }, bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ session: [] }, { bearer: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });
  await app.register(accessPlugin);

  app.get('/api/health', { schema: { hide: true } }, async () => ({ ok: true }));
  await app.register(accessRoutes, { prefix: '/api/v1/access', areaName: (code: string) => areaName(deps.db, code) });
  await app.register(registryRoutes, { prefix: '/api/v1/registry' });
  if (deps.notify) await app.register(notifyRoutes, { prefix: '/api/v1/notify', runtime: deps.notify });
  const twilio = deps.notify?.settings.gateway === 'twilio' ? deps.notify.settings.twilio : undefined;
  if (twilio && deps.notify)
    await app.register(twilioWebhookRoutes, { prefix: '/api/v1/notify/webhooks/twilio', runtime: deps.notify, authToken: twilio.authToken, publicUrl: twilio.publicUrl });
  if (deps.notify?.settings.webhookSecret)
    await app.register(notifyWebhookRoutes, { prefix: '/api/v1/notify/webhooks', runtime: deps.notify, secret: deps.notify.settings.webhookSecret });
  if (deps.notify && deps.bus) {
    const m: MobilizationDeps = { db: deps.db, pool: deps.pool, notify: deps.notify, secret: await sharedSecret(deps.pool, 'links'), linkBase: deps.linkBase ?? (() => 'http://127.0.0.1:8080'), rules: deps.rosterRules };
    deps.notify.onReply((r) => acknowledgeBySms(m, r.topic, r.fromPhone, r.body));
    await app.register(mobilizationRoutes, { prefix: '/api/v1/mobilization', deps: m, bus: deps.bus });
    if (deps.background) {
      const stop = startEscalations(m, 30_000, (msg) => app.log.warn(msg));
      app.addHook('onClose', stop);
    }
    const t: TestingDeps = { db: deps.db, pool: deps.pool, notify: deps.notify, secret: await sharedSecret(deps.pool, 'personal-codes') };
    await app.register(testingRoutes, { prefix: '/api/v1/testing', deps: t, bus: deps.bus });
  }

  if (webApp) await app.register(fastifyStatic, { root: WEB_DIST, wildcard: false, index: 'index.html' });
  return app;
}
