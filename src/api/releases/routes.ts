/**
 * Public release routes of the v1 API: the release list, one release's public manifest, and its
 * cells. Everything here comes from the public surface (src/public) through the catalog.
 *
 * Caching: an id URL names immutable content, but a release can be withdrawn, so it is cached
 * for an hour at most. `latest` is a redirect to the id, never cached.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { PUBLIC_RELEASE_STATES } from '../../contracts/index.js';
import { PUBLIC_STATUSES } from '../../public/index.js';
import { REGION_LEVELS } from '../../regions/index.js';
import { toCsv } from '../opendata/csv.js';
import { IMMUTABLE } from '../opendata/cache.js';
import { paginate, pageQueryProperties, pageSchema, type PageQuery } from '../http/paging.js';
import { filterCells, type ReleaseCatalog } from './catalog.js';

const RELEASE_ID = '^(latest|[A-Za-z0-9][A-Za-z0-9_.-]{0,80})$';
const REGION_CODE = '^(NL01|VR\\d{2}|GM\\d{4}|WK\\d{6}|BU\\d{8})$';
export const RELEASE_PAGE = { defaultLimit: 100, maxLimit: 1000 };
export const CELL_PAGE = { defaultLimit: 10_000, maxLimit: 10_000 };

export const publicCellSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    indicator_id: { type: 'string' },
    year: { type: 'integer' },
    region_level: { type: 'string', enum: REGION_LEVELS },
    region_code: { type: 'string' },
    parent_code: { type: ['string', 'null'] },
    breakdown: { type: 'string' },
    value: { type: ['number', 'null'] },
    numerator: { type: ['number', 'null'] },
    denominator: { type: ['number', 'null'] },
    status: { type: 'string', enum: PUBLIC_STATUSES },
  },
} as const;

const releaseInfoSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    id: { type: 'string' },
    status: { type: 'string', enum: [...PUBLIC_RELEASE_STATES] },
    createdAt: { type: 'string' },
    publishedAt: { type: ['string', 'null'] },
    withdrawnReason: { type: ['string', 'null'] },
    indicators: { type: 'array', items: { type: 'string' } },
    years: { type: 'array', items: { type: 'integer' } },
    reviews: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        properties: {
          capacity: { type: 'string' },
          decision: { type: 'string', enum: ['approve', 'reject'] },
          createdAt: { type: 'string' },
        },
      },
    },
  },
} as const;

const ruleSummarySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    rule: { type: 'string' },
    cells: { type: 'integer' },
    passed: { type: 'boolean' },
    parameters: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        properties: {
          indicators: { type: 'array', items: { type: 'string' } },
          values: { type: 'object', additionalProperties: true },
        },
      },
    },
  },
} as const;

/** The public manifest (src/public/surface.ts `PublicManifest`). */
const publicManifestSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    id: { type: 'string' },
    format: { type: 'string' },
    createdAt: { type: 'string' },
    codeVersion: { type: 'string' },
    regionSet: {
      type: 'object',
      additionalProperties: false,
      properties: {
        year: { type: 'integer' },
        kind: { type: 'string', enum: ['cbs', 'synthetic'] },
        attribution: { type: ['string', 'null'] },
      },
    },
    years: { type: 'array', items: { type: 'integer' } },
    indicators: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        properties: {
          id: { type: 'string' },
          levels: { type: 'array', items: { type: 'string' } },
          breakdowns: { type: 'array', items: { type: 'string' } },
        },
      },
    },
    rules: { type: 'object', additionalProperties: { type: 'object', additionalProperties: true } },
    inputs: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        properties: { dataset: { type: 'string' }, provider: { type: 'string' } },
      },
    },
    cells: {
      type: 'object',
      additionalProperties: false,
      properties: {
        count: { type: 'integer' },
        sha256: { type: 'string' },
        byStatus: {
          type: 'object',
          additionalProperties: false,
          properties: Object.fromEntries(PUBLIC_STATUSES.map((s) => [s, { type: 'integer' }])),
        },
      },
    },
    disclosure: {
      type: 'object',
      additionalProperties: false,
      properties: {
        passed: { type: 'boolean' },
        rules: { type: 'array', items: ruleSummarySchema },
      },
    },
    previousRelease: { type: ['string', 'null'] },
    notes: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        properties: { nl: { type: 'string' }, en: { type: 'string' } },
      },
    },
  },
} as const;

export interface ReleaseRoutesOptions {
  catalog: ReleaseCatalog;
  knownIndicator: (id: string) => boolean;
  /** Absolute base of public URLs (configured, never taken from the request). */
  publicBaseUrl: string;
}

const idParams = {
  type: 'object',
  properties: { id: { type: 'string', pattern: RELEASE_ID } },
  required: ['id'],
} as const;

/**
 * Sends `latest` URLs to the concrete release (307, not cached), and refuses what the public may
 * not see. Returns the id to serve, or null when the reply was sent.
 */
export async function resolvePublicRelease(
  catalog: ReleaseCatalog,
  req: FastifyRequest,
  reply: FastifyReply,
  id: string,
): Promise<string | null> {
  if (id === 'latest') {
    const latest = await catalog.latestPublishedId();
    if (!latest) {
      await reply.code(404).send({ error: 'not-found', message: 'no published release yet' });
      return null;
    }
    const [path, query] = req.url.split('?', 2) as [string, string?];
    const target = path.replace(/\/latest(?=\/|$)/, `/${encodeURIComponent(latest)}`);
    await reply
      .code(307)
      .header('cache-control', 'no-cache')
      .header('location', query ? `${target}?${query}` : target)
      .send();
    return null;
  }
  const info = await catalog.info(id);
  if (!info) {
    await reply.code(404).send({ error: 'not-found', message: `no published release '${id}'` });
    return null;
  }
  if (info.status === 'withdrawn') {
    await reply.code(410).send({
      error: 'withdrawn',
      message: `release ${id} was withdrawn: ${info.withdrawnReason ?? 'no reason recorded'}`,
    });
    return null;
  }
  return id;
}

export const releaseRoutes: FastifyPluginAsync<ReleaseRoutesOptions> = async (app, opts) => {
  const { catalog } = opts;

  app.get<{ Querystring: PageQuery }>(
    '/releases',
    {
      schema: {
        summary: 'Published (and withdrawn) releases, oldest first',
        tags: ['releases'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: pageQueryProperties(RELEASE_PAGE),
        },
        response: {
          200: {
            type: 'object',
            properties: { releases: { type: 'array', items: releaseInfoSchema }, page: pageSchema },
          },
        },
      },
    },
    async (req, reply) => {
      const { items, page } = paginate(
        await catalog.listPublic(),
        req,
        req.query,
        RELEASE_PAGE,
        opts.publicBaseUrl,
      );
      void reply.header('cache-control', 'no-cache');
      return { releases: items, page };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/releases/:id',
    {
      schema: {
        summary: 'A release: its state, approvals and public manifest with the audit summary',
        tags: ['releases'],
        params: idParams,
        response: {
          200: {
            type: 'object',
            additionalProperties: false,
            properties: { release: releaseInfoSchema, manifest: publicManifestSchema },
          },
        },
      },
    },
    async (req, reply) => {
      const id = await resolvePublicRelease(catalog, req, reply, req.params.id);
      if (!id) return reply;
      const release = await catalog.info(id);
      const manifest = await catalog.manifest(id);
      void reply.header('cache-control', 'no-cache');
      return { release, manifest };
    },
  );

  app.get<{
    Params: { id: string };
    Querystring: {
      indicator?: string;
      year?: number;
      level?: string;
      region?: string;
      parent?: string;
    } & PageQuery;
  }>(
    '/releases/:id/cells',
    {
      schema: {
        summary: 'Cells of a release, paged (JSON, or CSV with Accept: text/csv)',
        tags: ['releases'],
        params: idParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            indicator: { type: 'string', pattern: '^[a-z0-9_]{1,64}$' },
            year: { type: 'integer', minimum: 1900, maximum: 2100 },
            level: { type: 'string', enum: REGION_LEVELS },
            region: { type: 'string', pattern: REGION_CODE },
            parent: { type: 'string', pattern: REGION_CODE },
            ...pageQueryProperties(CELL_PAGE),
          },
        },
        response: {
          200: {
            type: 'object',
            additionalProperties: false,
            properties: {
              release: { type: 'string' },
              cells: { type: 'array', items: publicCellSchema },
              page: pageSchema,
            },
          },
        },
      },
    },
    async (req, reply) => {
      const q = req.query;
      if (q.indicator !== undefined && !opts.knownIndicator(q.indicator)) {
        return reply.code(400).send({
          error: 'bad-request',
          message: `querystring/indicator: unknown indicator '${q.indicator}'`,
        });
      }
      const id = await resolvePublicRelease(catalog, req, reply, req.params.id);
      if (!id) return reply;
      const { items, page } = paginate(
        filterCells(await catalog.cells(id), q),
        req,
        q,
        CELL_PAGE,
        opts.publicBaseUrl,
      );
      void reply.header('cache-control', IMMUTABLE);
      void reply.header('vary', 'accept');
      if (req.headers.accept?.includes('text/csv')) {
        if (page.next) void reply.header('link', `<${page.next}>; rel="next"`);
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="samenzicht-${id}.csv"`)
          .send(toCsv(items));
      }
      return { release: id, cells: items, page };
    },
  );
};
