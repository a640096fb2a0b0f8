/** Health, indicator catalogue and region routes of the v1 API. */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { IndicatorMeta } from '../../contracts/index.js';
import { REGION_LEVELS, type RegionLevel, type RegionSet } from '../../regions/index.js';
import { VERSION } from '../../version.js';
import { CBS_ATTRIBUTION } from '../../public/index.js';
import { paginate, pageQueryProperties, pageSchema, type PageQuery } from '../http/paging.js';

const LEVELS = REGION_LEVELS;
export const INDICATOR_PAGE = { defaultLimit: 100, maxLimit: 100 };
export const REGION_PAGE = { defaultLimit: 1000, maxLimit: 5000 };
/** Levels whose boundaries are served per gemeente only (all buurten at once are tens of MB). */
const GEO_WITHIN_REQUIRED: readonly RegionLevel[] = ['wijk', 'buurt'];
const REGION_CODE = '^(NL01|VR\\d{2}|GM\\d{4}|WK\\d{6}|BU\\d{8})$';

/** What the API tells about an indicator (the definition's public part). */
export interface MetaRoutesOptions {
  regions: RegionSet;
  indicators: readonly IndicatorMeta[];
  latestRelease: () => Promise<string | null>;
  /** Releases refused because their files do not match the approved content. */
  refusedReleases: () => { release: string; reason: string }[];
  comparable: (code: string) => Promise<{
    release: string;
    year: number;
    peers: string[];
    method: { nl: string; en: string };
  } | null>;
  publicBaseUrl: string;
}

type RegionsRoute = { Querystring: { level?: RegionLevel; parent?: string } & PageQuery };
type GeoRoute = { Querystring: { level: RegionLevel; within?: string } };
type ComparableRoute = { Params: { code: string } };

const healthSchema = {
  summary: 'Liveness and the latest published release',
  tags: ['meta'],
  response: {
    200: {
      type: 'object',
      properties: {
        status: { type: 'string', enum: ['ok', 'degraded'] },
        version: { type: 'string' },
        latestRelease: { type: ['string', 'null'] },
        refusedReleases: {
          type: 'array',
          items: {
            type: 'object',
            properties: { release: { type: 'string' }, reason: { type: 'string' } },
          },
        },
      },
    },
  },
};

const indicatorsSchema = {
  summary: 'The indicator catalogue with definitions and methodology',
  tags: ['meta'],
  querystring: {
    type: 'object',
    additionalProperties: false,
    properties: pageQueryProperties(INDICATOR_PAGE),
  },
  response: {
    200: {
      type: 'object',
      properties: {
        indicators: { type: 'array', items: { type: 'object', additionalProperties: true } },
        page: pageSchema,
      },
    },
  },
};

const regionsSchema = {
  summary: 'Regions of the region set, optionally of one level or under one parent',
  tags: ['meta'],
  querystring: {
    type: 'object',
    additionalProperties: false,
    properties: {
      level: { type: 'string', enum: LEVELS },
      parent: { type: 'string', pattern: REGION_CODE },
      ...pageQueryProperties(REGION_PAGE),
    },
  },
};

const geoSchema = {
  summary: 'GeoJSON boundaries of one level (clockwise rings, for d3-geo). Bron: CBS, Kadaster',
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
};

const comparableSchema = {
  summary: 'Comparable gemeenten of a gemeente, from the published figures of the latest release',
  tags: ['meta'],
  params: {
    type: 'object',
    required: ['code'],
    properties: { code: { type: 'string', pattern: '^GM\\d{4}$' } },
  },
};

const health = (opts: MetaRoutesOptions) => async (_req: FastifyRequest, reply: FastifyReply) => {
  const refused = opts.refusedReleases();
  void reply.header('cache-control', 'no-cache');
  return {
    status: refused.length > 0 ? 'degraded' : 'ok',
    version: VERSION,
    latestRelease: await opts.latestRelease(),
    refusedReleases: refused,
  };
};

const indicators =
  (opts: MetaRoutesOptions) => async (req: FastifyRequest<{ Querystring: PageQuery }>) => {
    const { items, page } = paginate(
      opts.indicators,
      req,
      req.query,
      INDICATOR_PAGE,
      opts.publicBaseUrl,
    );
    return { indicators: items, page };
  };

const regionList = (opts: MetaRoutesOptions) => async (req: FastifyRequest<RegionsRoute>) => {
  const { regions } = opts;
  const { level, parent } = req.query;
  const list = (level ? regions.ofLevel(level) : regions.regions).filter(
    (r) => parent === undefined || r.parentCode === parent,
  );
  const { items, page } = paginate(list, req, req.query, REGION_PAGE, opts.publicBaseUrl);
  return {
    // Where the division comes from, never the server's file paths.
    regionSet: {
      year: regions.year,
      kind: regions.source.kind,
      attribution: regions.source.kind === 'cbs' ? CBS_ATTRIBUTION : null,
    },
    regions: items.map((r) => ({
      code: r.code,
      name: r.name,
      level: r.level,
      parentCode: r.parentCode,
      synthetic: r.synthetic,
    })),
    page,
  };
};

const regionGeo =
  ({ regions }: MetaRoutesOptions) =>
  async (req: FastifyRequest<GeoRoute>, reply: FastifyReply) => {
    if (GEO_WITHIN_REQUIRED.includes(req.query.level) && !req.query.within) {
      return reply.code(400).send({
        error: 'bad-request',
        message: `querystring/within: boundaries of level ${req.query.level} are served per gemeente; add within=GMxxxx`,
      });
    }
    const geo = regions.geoJson(req.query.level, req.query.within);
    if (!geo) {
      return reply.code(404).send({
        error: 'not-found',
        message: `no boundaries for level ${req.query.level}${req.query.within ? ` within ${req.query.within}` : ''}`,
      });
    }
    void reply.header('cache-control', 'public, max-age=86400');
    return geo;
  };

const comparable =
  (opts: MetaRoutesOptions) =>
  async (req: FastifyRequest<ComparableRoute>, reply: FastifyReply) => {
    const region = opts.regions.get(req.params.code);
    const result = region ? await opts.comparable(req.params.code) : null;
    if (!result) {
      return reply
        .code(404)
        .send({ error: 'not-found', message: `no comparable gemeenten for ${req.params.code}` });
    }
    void reply.header('cache-control', 'no-cache');
    return { code: req.params.code, ...result };
  };

export const metaRoutes: FastifyPluginAsync<MetaRoutesOptions> = async (app, opts) => {
  app.get('/health', { schema: healthSchema }, health(opts));
  app.get<{ Querystring: PageQuery }>(
    '/indicators',
    { schema: indicatorsSchema },
    indicators(opts),
  );
  app.get<RegionsRoute>('/regions', { schema: regionsSchema }, regionList(opts));
  app.get<GeoRoute>('/regions/geo', { schema: geoSchema }, regionGeo(opts));
  app.get<ComparableRoute>(
    '/regions/:code/comparable',
    { schema: comparableSchema },
    comparable(opts),
  );
};
