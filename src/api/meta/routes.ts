/** Health, indicator catalogue and region routes of the v1 API. */
import type { FastifyPluginAsync } from 'fastify';
import type { RegionLevel, RegionSet } from '../../regions/index.js';
import { VERSION } from '../../version.js';

const LEVELS = ['nederland', 'veiligheidsregio', 'gemeente', 'wijk', 'buurt'];
const REGION_CODE = '^(NL01|VR\\d{2}|GM\\d{4}|WK\\d{6}|BU\\d{8})$';

/** What the API tells about an indicator (the definition's public part). */
export interface IndicatorMeta {
  id: string;
  title: { nl: string; en: string };
  description: { nl: string; en: string };
  theme: string;
  kind: string;
  /** Unit in Dutch (the dashboard's default); `units` has both languages. */
  unit: string;
  units: { nl: string; en: string };
  /** Which buurt a unit is counted in. */
  regionBasis: { nl: string; en: string };
  sources: { dataset: string; provider: string }[];
  methodology: { nl: string; en: string };
  levels: string[];
  years: number[];
  breakdowns?: string[];
  disclosure: unknown;
}

export interface MetaRoutesOptions {
  regions: RegionSet;
  indicators: readonly IndicatorMeta[];
  latestRelease: () => Promise<string | null>;
  comparable: (code: string) => Promise<{ peers: string[]; method: string } | null>;
}

export const metaRoutes: FastifyPluginAsync<MetaRoutesOptions> = async (app, opts) => {
  const { regions } = opts;

  app.get(
    '/health',
    {
      schema: {
        summary: 'Liveness and the latest published release',
        tags: ['meta'],
        response: {
          200: {
            type: 'object',
            properties: {
              status: { type: 'string' },
              version: { type: 'string' },
              latestRelease: { type: ['string', 'null'] },
            },
          },
        },
      },
    },
    async () => ({ status: 'ok', version: VERSION, latestRelease: await opts.latestRelease() }),
  );

  app.get(
    '/indicators',
    {
      schema: {
        summary: 'The indicator catalogue with definitions and methodology',
        tags: ['meta'],
      },
    },
    async () => ({ indicators: opts.indicators }),
  );

  app.get<{ Querystring: { level?: RegionLevel; parent?: string } }>(
    '/regions',
    {
      schema: {
        summary: 'Regions of the region set, optionally of one level or under one parent',
        tags: ['meta'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            level: { type: 'string', enum: LEVELS },
            parent: { type: 'string', pattern: REGION_CODE },
          },
        },
      },
    },
    async (req) => {
      const { level, parent } = req.query;
      const list = (level ? regions.ofLevel(level) : regions.regions).filter(
        (r) => parent === undefined || r.parentCode === parent,
      );
      return {
        regionSet: { year: regions.year, source: regions.source.description },
        regions: list.map((r) => ({
          code: r.code,
          name: r.name,
          level: r.level,
          parentCode: r.parentCode,
          synthetic: r.synthetic,
        })),
      };
    },
  );

  app.get<{ Querystring: { level: RegionLevel; within?: string } }>(
    '/regions/geo',
    {
      schema: {
        summary:
          'GeoJSON boundaries of one level (clockwise rings, for d3-geo). Bron: CBS, Kadaster',
        tags: ['meta'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          required: ['level'],
          properties: {
            level: { type: 'string', enum: LEVELS },
            within: { type: 'string', pattern: REGION_CODE },
          },
        },
      },
    },
    async (req, reply) => {
      const geo = regions.geoJson(req.query.level, req.query.within);
      if (!geo) {
        return reply.code(404).send({
          error: 'not-found',
          message: `no boundaries for level ${req.query.level}${req.query.within ? ` within ${req.query.within}` : ''}`,
        });
      }
      void reply.header('cache-control', 'public, max-age=86400');
      return geo;
    },
  );

  app.get<{ Params: { code: string } }>(
    '/regions/:code/comparable',
    {
      schema: {
        summary: 'Comparable gemeenten of a gemeente, and how they were chosen',
        tags: ['meta'],
        params: {
          type: 'object',
          required: ['code'],
          properties: { code: { type: 'string', pattern: '^GM\\d{4}$' } },
        },
      },
    },
    async (req, reply) => {
      const region = regions.get(req.params.code);
      const result = region ? await opts.comparable(req.params.code) : null;
      if (!result) {
        return reply
          .code(404)
          .send({ error: 'not-found', message: `no comparable gemeenten for ${req.params.code}` });
      }
      return { code: req.params.code, ...result };
    },
  );
};
