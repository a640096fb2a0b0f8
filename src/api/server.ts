/**
 * The Fastify server: the public v1 API, OpenAPI, the open data routes, governance routes and the
 * dashboard's static files. Each capability is a plugin; this file only composes them.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import type { RegionSet } from '../regions/index.js';
import { releaseRoutes } from './releases/routes.js';
import { zoekgebiedenRoutes } from './releases/zoekgebieden.js';
import { IntegrityError, type ReleaseCatalog } from './releases/catalog.js';
import { normaliseBaseUrl } from './http/paging.js';
import { metaRoutes, type IndicatorMeta } from './meta/routes.js';
import { canonicalV3Url } from './opendata/v3/index.js';
import { VERSION } from '../version.js';

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
  logger?: boolean;
  rateLimitPerMinute?: number;
}

export const DEFAULT_WEB_DIR = fileURLToPath(new URL('../../web/dist', import.meta.url));

export async function buildServer(opts: ServerOptions): Promise<FastifyInstance> {
  const publicBaseUrl = normaliseBaseUrl(opts.publicBaseUrl);
  const app = Fastify({
    logger: opts.logger
      ? {
          level: 'info',
          // Query strings may carry region codes only; never log bodies or auth headers.
          redact: ['req.headers.authorization', 'req.headers.cookie'],
        }
      : false,
    ajv: { customOptions: { coerceTypes: true, allErrors: false, removeAdditional: false } },
    // CBS matches its v3 paths in any case (clients write `ODataFeed/odata` and `ODataApi/OData`
    // alike), and cbsodata for Python asks `{base}//Datasets` when no catalogue is given.
    rewriteUrl: (req) => canonicalV3Url(req.url ?? '/'),
    routerOptions: { ignoreDuplicateSlashes: true },
  });

  await app.register(helmet, {
    contentSecurityPolicy: {
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
    },
  });
  await app.register(rateLimit, { max: opts.rateLimitPerMinute ?? 60_000, timeWindow: '1 minute' });
  await app.register(swagger, {
    openapi: {
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
    },
  });

  app.setErrorHandler((err: Error & { validation?: unknown; statusCode?: number }, req, reply) => {
    if (err.validation) {
      return reply.code(400).send({ error: 'bad-request', message: err.message });
    }
    if (err instanceof IntegrityError) {
      return reply.code(503).send({ error: 'integrity', message: err.message });
    }
    const status = err.statusCode && err.statusCode >= 400 ? err.statusCode : 500;
    if (status >= 500) req.log.error({ err }, 'request failed');
    return reply.code(status).send({
      error: status >= 500 ? 'internal' : 'error',
      message: status >= 500 ? 'internal error' : err.message,
    });
  });

  await app.register(
    async (v1) => {
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
      v1.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
    },
    { prefix: '/api/v1' },
  );

  for (const mount of opts.plugins ?? []) await mount(app);

  // Before accepting requests: check every published release against its approved digest (a
  // mismatch is refused, logged and shown in /health), and index the latest one, so the first
  // visitors do not pay for reading its cells.
  app.addHook('onReady', async () => {
    for (const r of await opts.catalog.listPublic()) {
      if (r.status !== 'published') continue;
      await opts.catalog.verify(r.id).catch((err: unknown) => {
        if (!(err instanceof IntegrityError)) throw err;
      });
    }
    const latest = await opts.catalog.latestPublishedId();
    if (latest) {
      await opts.catalog.cells(latest).catch((err: unknown) => {
        if (!(err instanceof IntegrityError)) throw err;
      });
    }
  });

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
