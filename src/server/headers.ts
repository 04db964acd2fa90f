import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';

/**
 * Security headers, worked out once by helmet when the process starts rather than on every
 * request (per request, helmet re-rendered the policy: a tenth of the time of a swab or a
 * resident's page). Pages (the web app, the API's documentation) get the policy below; API
 * answers, JSON or files and never a page, get the short set for REST services (OWASP): nothing
 * may load or frame them, nothing sniffs their type.
 */
const PAGE: HelmetOptions = {
  contentSecurityPolicy: {
    directives: {
      defaultSrc: ["'self'"],
      // WebAssembly may be compiled (the camera's barcode reader on phones without BarcodeDetector); eval stays refused
      scriptSrc: ["'self'", "'wasm-unsafe-eval'"],
      styleSrc: ["'self'", "'unsafe-inline'"], // Ant Design writes its styles at run time
      imgSrc: ["'self'", 'data:', 'blob:'],
      fontSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      workerSrc: ["'self'"],
      frameAncestors: ["'none'"],
      objectSrc: ["'none'"],
    },
  },
  crossOriginEmbedderPolicy: false,
};

const API: HelmetOptions = {
  contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
  crossOriginEmbedderPolicy: false,
  crossOriginOpenerPolicy: false,
  originAgentCluster: false,
  xDnsPrefetchControl: false,
  xDownloadOptions: false,
  xPermittedCrossDomainPolicies: false,
  xXssProtection: false,
  xFrameOptions: { action: 'deny' },
};

/** The headers helmet sets with these options, once. */
function securityHeaders(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const res = { setHeader: (k: string, v: string) => void (headers[k.toLowerCase()] = String(v)), removeHeader: () => {} };
  helmet(options)({} as IncomingMessage, res as unknown as ServerResponse, (e?: unknown) => {
    if (e) throw e;
  });
  return headers;
}

const isApi = (url: string) => url.startsWith('/api/') && !url.startsWith('/api/docs');

export function installSecurityHeaders(app: FastifyInstance) {
  const page = securityHeaders(PAGE);
  const api = securityHeaders(API);
  app.addHook('onRequest', (req, reply, done) => {
    reply.headers(isApi(req.url) ? api : page);
    done();
  });
}
