/**
 * The Fastify server: the public v1 API, OpenAPI, the open data routes, governance routes and the
 * dashboard's static files. Each capability is a plugin; this file only composes them.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import type { RegionSet } from '../regions/index.js';
import { releaseRoutes } from './releases/routes.js';
import { zoekgebiedenRoutes } from './releases/zoekgebieden.js';
import { changesRoutes } from './releases/changes.js';
import { IntegrityError, type ReleaseCatalog } from './releases/catalog.js';
import { normaliseBaseUrl } from './http/paging.js';
import { replyWithError, type UnhandledError } from './http/errors.js';
import { loggerOptions, newRequestId, requestLogging, type LogOptions } from './http/logging.js';
import { RATE_LIMITS, rateLimitOptions, type RateLimits } from './http/rate-limit.js';
import type { IndicatorMeta } from '../contracts/index.js';
import { metaRoutes } from './meta/routes.js';
import { canonicalV3Url } from './opendata/v3/index.js';
import { VERSION } from '../version.js';

export type { LogOptions } from './http/logging.js';
export { RATE_LIMITS, type RateLimits } from './http/rate-limit.js';

/** Mounts a capability plugin with its own typed options, e.g. `(app) => app.register(x, o)`. */
export type ExtraPlugin = (app: FastifyInstance) => PromiseLike<unknown>;

export interface ServerOptions {
  regions: RegionSet;
  indicators: readonly IndicatorMeta[];
  catalog: ReleaseCatalog;
  /**
   * Absolute base of every URL the API writes (next pages, OData contexts), e.g.
   * `https://samenzicht.example.nl`. Never taken from the request's Host header.
   */
  publicBaseUrl: string;
  /** Capability plugins (governance, open data) mounted next to the core routes. */
  plugins?: ExtraPlugin[];
  /** Built dashboard; served at `/` when present. */
  webDir?: string | null;
  /** Structured request and error logs (pino JSON lines; see http/logging.ts). */
  logger?: boolean | LogOptions;
  /** Requests per minute per client and route; each one left out is its `RATE_LIMITS` default. */
  rateLimits?: Partial<RateLimits>;
  /** Serve HTTPS with this key and certificate (PEM) instead of plain HTTP. */
  https?: { key: Buffer | string; cert: Buffer | string };
  /** HTTP timeouts in milliseconds; each one left out is its `HTTP_TIMEOUTS` default. */
  timeouts?: Partial<HttpTimeouts>;
  /**
   * Whose `X-Forwarded-For` / `-Proto` / `-Host` to believe (Fastify's `trustProxy`): the
   * address(es) or CIDR(s) of the reverse proxy, e.g. `'127.0.0.1'`. Default: none, so the
   * client address (login throttling per address) and the protocol (the session cookie's
   * `Secure`) are those of the TCP connection. Behind a proxy without it every client has the
   * proxy's address, and 20 failed logins by anyone lock the login out for everybody.
   */
  trustProxy?: boolean | string | string[];
}

export interface HttpTimeouts {
  /** The whole request (headers and body) must arrive within this (Node `requestTimeout`). */
  request: number;
  /** The request's headers must arrive within this (Node `headersTimeout`). */
  headers: number;
  /** A connection on which nothing moves for this long is closed (`server.timeout`). */
  connection: number;
  /** An idle kept-alive connection is closed after this (`keepAliveTimeout`). */
  keepAlive: number;
  /** How often Node checks requests against the request and header timeouts. */
  checkInterval: number;
}

/**
 * The defaults. A chunk of `samenzicht deliver` (8 MiB) arrives well within 2 minutes even at
 * 100 kB/s; a whole file in one request must too. The validation after the last byte is not
 * part of the request time, but the connection must not stay silent for 10 minutes meanwhile.
 * The keep-alive time outlasts the usual 60 s of a reverse proxy's upstream connections.
 */
export const HTTP_TIMEOUTS: HttpTimeouts = {
  request: 120_000,
  headers: 30_000,
  connection: 600_000,
  keepAlive: 72_000,
  checkInterval: 5_000,
};

export const DEFAULT_WEB_DIR = fileURLToPath(new URL('../../web/dist', import.meta.url));

/** Fastify's own options: timeouts, TLS, proxies, logs, request ids, validation and URLs. */
function fastifyOptions(opts: ServerOptions) {
  const timeouts = { ...HTTP_TIMEOUTS, ...opts.timeouts };
  return {
    // Slow clients (slowloris, a stalled upload) are cut off: no request or connection is
    // allowed to stay open without end.
    requestTimeout: timeouts.request,
    connectionTimeout: timeouts.connection,
    keepAliveTimeout: timeouts.keepAlive,
    http: {
      headersTimeout: Math.min(timeouts.headers, timeouts.request),
      connectionsCheckingInterval: timeouts.checkInterval,
    },
    trustProxy: opts.trustProxy ?? false,
    ...(opts.https ? { https: opts.https } : {}),
    logger: loggerOptions(opts.logger),
    logController: new LogController({ disableRequestLogging: true }),
    // The request id is ours (the error id of a 500), never taken from a request header.
    genReqId: newRequestId,
    requestIdHeader: false as const,
    ajv: { customOptions: { coerceTypes: true, allErrors: false, removeAdditional: false } },
    // CBS matches its v3 paths in any case (clients write `ODataFeed/odata` and `ODataApi/OData`
    // alike), and cbsodata for Python asks `{base}//Datasets` when no catalogue is given.
    rewriteUrl: (req: { url?: string }) => canonicalV3Url(req.url ?? '/'),
    routerOptions: { ignoreDuplicateSlashes: true },
  };
}

const CONTENT_SECURITY_POLICY = {
  directives: {
    defaultSrc: ["'self'"],
    imgSrc: ["'self'", 'data:'],
    styleSrc: ["'self'", "'unsafe-inline'"],
    scriptSrc: ["'self'"],
    // Helmet's default upgrades every request to https, which breaks a server that is
    // reached over plain http (the demo, a broker behind a TLS-terminating proxy on
    // loopback): the dashboard's fetches after a redirect would go to https://host:port.
    upgradeInsecureRequests: null,
  },
};

const OPENAPI = {
  openapi: '3.0.3',
  info: {
    title: 'Samenzicht API',
    version: VERSION,
    description:
      'Released indicators per region and year. A confidential figure is null in JSON and "." in CSV; every list is paged.',
  },
  tags: [
    { name: 'meta', description: 'Health, indicators, regions' },
    { name: 'releases', description: 'Published releases and their cells' },
  ],
};

/** The core routes below `/api/v1`: meta, releases, zoekgebieden, changes and the OpenAPI document. */
function v1Routes(app: FastifyInstance, opts: ServerOptions, publicBaseUrl: string) {
  return async (v1: FastifyInstance) => {
    await v1.register(metaRoutes, {
      regions: opts.regions,
      indicators: opts.indicators,
      latestRelease: () => opts.catalog.latestPublishedId(),
      refusedReleases: () => opts.catalog.refused(),
      comparable: (code) => opts.catalog.comparable(code),
      publicBaseUrl,
    });
    await v1.register(releaseRoutes, {
      catalog: opts.catalog,
      knownIndicator: (id) => opts.indicators.some((i) => i.id === id),
      publicBaseUrl,
    });
    await v1.register(zoekgebiedenRoutes, {
      catalog: opts.catalog,
      indicators: opts.indicators,
      regions: opts.regions,
      publicBaseUrl,
    });
    await v1.register(changesRoutes, {
      catalog: opts.catalog,
      indicators: opts.indicators,
      publicBaseUrl,
    });
    v1.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  };
}

/**
 * Before accepting requests: check every published release against its approved digest (a
 * mismatch is refused, logged and shown in /health), and index the latest one, so the first
 * visitors do not pay for reading its cells.
 */
async function verifyReleases(catalog: ReleaseCatalog): Promise<void> {
  for (const r of await catalog.listPublic()) {
    if (r.status !== 'published') continue;
    await catalog.verify(r.id).catch((err: unknown) => {
      if (!(err instanceof IntegrityError)) throw err;
    });
  }
  const latest = await catalog.latestPublishedId();
  if (latest) {
    await catalog.cells(latest).catch((err: unknown) => {
      if (!(err instanceof IntegrityError)) throw err;
    });
  }
}

export async function buildServer(opts: ServerOptions): Promise<FastifyInstance> {
  const publicBaseUrl = normaliseBaseUrl(opts.publicBaseUrl);
  const app = Fastify(fastifyOptions(opts));
  await app.register(helmet, { contentSecurityPolicy: CONTENT_SECURITY_POLICY });
  requestLogging(app);
  await app.register(rateLimit, rateLimitOptions({ ...RATE_LIMITS, ...opts.rateLimits }));
  await app.register(swagger, { openapi: OPENAPI });

  app.setErrorHandler((err: UnhandledError, req, reply) => {
    if (err instanceof IntegrityError) {
      return reply.code(503).send({ error: 'integrity', message: err.message });
    }
    return replyWithError(req, reply, err);
  });

  await app.register(v1Routes(app, opts, publicBaseUrl), { prefix: '/api/v1' });
  for (const mount of opts.plugins ?? []) await mount(app);
  app.addHook('onReady', () => verifyReleases(opts.catalog));

  const webDir = opts.webDir === undefined ? DEFAULT_WEB_DIR : opts.webDir;
  if (webDir && existsSync(webDir)) {
    await app.register(fastifyStatic, { root: webDir, prefix: '/', index: ['index.html'] });
  }
  app.setNotFoundHandler((req, reply) => {
    reply
      .code(404)
      .send({ error: 'not-found', message: `no route ${req.method} ${req.url.split('?')[0]}` });
  });
  return app;
}
