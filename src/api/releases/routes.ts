/** Public release routes of the v1 API: listing, manifest + audit, and cell queries. */
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { toCsv } from '../opendata/csv.js';
import { filterCells, type ReleaseCatalog } from './catalog.js';

const LEVELS = ['nederland', 'veiligheidsregio', 'gemeente', 'wijk', 'buurt'];
const RELEASE_ID = '^(latest|[A-Za-z0-9][A-Za-z0-9_.-]{0,80})$';

const releaseRowSchema = {
  type: 'object',
  properties: {
    indicator_id: { type: 'string' },
    year: { type: 'integer' },
    region_level: { type: 'string', enum: LEVELS },
    region_code: { type: 'string' },
    parent_code: { type: ['string', 'null'] },
    breakdown: { type: 'string' },
    value: { type: ['number', 'null'] },
    numerator: { type: ['number', 'null'] },
    denominator: { type: ['number', 'null'] },
    status: {
      type: 'string',
      enum: ['published', 'suppressed-primary', 'suppressed-secondary', 'not-applicable'],
    },
    rule: { type: ['string', 'null'] },
  },
} as const;

const releaseInfoSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    status: { type: 'string', enum: ['published', 'withdrawn', 'candidate', 'rejected'] },
    createdAt: { type: 'string' },
    publishedAt: { type: ['string', 'null'] },
    withdrawnReason: { type: ['string', 'null'] },
    indicators: { type: 'array', items: { type: 'string' } },
    years: { type: 'array', items: { type: 'integer' } },
    reviews: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          capacity: { type: 'string' },
          decision: { type: 'string', enum: ['approve', 'reject'] },
          reason: { type: 'string' },
          createdAt: { type: 'string' },
        },
      },
    },
  },
} as const;

export interface ReleaseRoutesOptions {
  catalog: ReleaseCatalog;
  knownIndicator: (id: string) => boolean;
}

export const releaseRoutes: FastifyPluginAsync<ReleaseRoutesOptions> = async (app, opts) => {
  const { catalog } = opts;

  /** Resolves `latest` and refuses what the public may not see; sends the error itself. */
  async function resolve(id: string, reply: FastifyReply): Promise<string | null> {
    const resolved = id === 'latest' ? await catalog.latestPublishedId() : id;
    const info = resolved ? await catalog.info(resolved) : null;
    if (!resolved || !info || (info.status !== 'published' && info.status !== 'withdrawn')) {
      await reply.code(404).send({ error: 'not-found', message: `no published release '${id}'` });
      return null;
    }
    if (info.status === 'withdrawn') {
      await reply.code(410).send({
        error: 'withdrawn',
        message: `release ${resolved} was withdrawn: ${info.withdrawnReason ?? 'no reason recorded'}`,
      });
      return null;
    }
    return resolved;
  }

  app.get(
    '/releases',
    {
      schema: {
        summary: 'Published (and withdrawn) releases, oldest first',
        tags: ['releases'],
        response: {
          200: {
            type: 'object',
            properties: { releases: { type: 'array', items: releaseInfoSchema } },
          },
        },
      },
    },
    async () => ({ releases: await catalog.listPublic() }),
  );

  app.get<{ Params: { id: string } }>(
    '/releases/:id',
    {
      schema: {
        summary: 'Manifest and audit report of a release',
        tags: ['releases'],
        params: {
          type: 'object',
          properties: { id: { type: 'string', pattern: RELEASE_ID } },
          required: ['id'],
        },
      },
    },
    async (req, reply) => {
      const id = await resolve(req.params.id, reply);
      if (!id) return reply;
      const info = await catalog.info(id);
      void reply.header('cache-control', 'public, max-age=31536000, immutable');
      return { release: info, manifest: catalog.manifest(id), audit: catalog.audit(id) };
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
    };
  }>(
    '/releases/:id/cells',
    {
      schema: {
        summary: 'Cells of a release (JSON, or CSV with Accept: text/csv)',
        tags: ['releases'],
        params: {
          type: 'object',
          properties: { id: { type: 'string', pattern: RELEASE_ID } },
          required: ['id'],
        },
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            indicator: { type: 'string', pattern: '^[a-z0-9_]{1,64}$' },
            year: { type: 'integer', minimum: 1900, maximum: 2100 },
            level: { type: 'string', enum: LEVELS },
            region: { type: 'string', pattern: '^(NL01|VR\\d{2}|GM\\d{4}|WK\\d{6}|BU\\d{8})$' },
            parent: { type: 'string', pattern: '^(NL01|VR\\d{2}|GM\\d{4}|WK\\d{6}|BU\\d{8})$' },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              release: { type: 'string' },
              count: { type: 'integer' },
              cells: { type: 'array', items: releaseRowSchema },
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
      const id = await resolve(req.params.id, reply);
      if (!id) return reply;
      const rows = filterCells(catalog.cells(id), q);
      void reply.header('cache-control', 'public, max-age=31536000, immutable');
      void reply.header('vary', 'accept');
      if (req.headers.accept?.includes('text/csv')) {
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="samenzicht-${id}.csv"`)
          .send(toCsv(rows));
      }
      return { release: id, count: rows.length, cells: rows };
    },
  );
};
