/**
 * Public release routes of the v1 API: the release list, one release's public manifest, and its
 * cells. Everything here comes from the public surface (src/public) through the catalog.
 *
 * Caching: an id URL names immutable content, but a release can be withdrawn, so it is cached
 * for an hour at most. `latest` is a redirect to the id, never cached.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { REGION_LEVELS } from '../../regions/index.js';
import { toCsv } from '../opendata/csv.js';
import { IMMUTABLE } from '../opendata/cache.js';
import { paginate, pageQueryProperties, pageSchema, type PageQuery } from '../http/paging.js';
import { closedObject, oneOf, STRING } from '../http/schema.js';
import { publicCellSchema, publicManifestSchema, releaseInfoSchema } from './schemas.js';
import { filterCells, type ReleaseCatalog } from './catalog.js';
import { badRequest, releaseRouteSchema, resolvePublicRelease } from './http.js';

// Kept for importers of the old place.
export { resolvePublicRelease } from './http.js';

const REGION_CODE = '^(NL01|VR\\d{2}|GM\\d{4}|WK\\d{6}|BU\\d{8})$';
export const RELEASE_PAGE = { defaultLimit: 100, maxLimit: 1000 };
export const CELL_PAGE = { defaultLimit: 10_000, maxLimit: 10_000 };

export interface ReleaseRoutesOptions {
  catalog: ReleaseCatalog;
  knownIndicator: (id: string) => boolean;
  /** Absolute base of public URLs (configured, never taken from the request). */
  publicBaseUrl: string;
}

type IdRoute = { Params: { id: string } };
type CellsRoute = {
  Params: { id: string };
  Querystring: {
    indicator?: string;
    year?: number;
    level?: string;
    region?: string;
    parent?: string;
  } & PageQuery;
};

const listSchema = {
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
};

const releaseSchema = releaseRouteSchema({
  summary: 'A release: its state, approvals and public manifest with the audit summary',
  response: { 200: closedObject({ release: releaseInfoSchema, manifest: publicManifestSchema }) },
});

const cellsSchema = releaseRouteSchema({
  summary: 'Cells of a release, paged (JSON, or CSV with Accept: text/csv)',
  querystring: {
    indicator: { type: 'string', pattern: '^[a-z0-9_]{1,64}$' },
    year: { type: 'integer', minimum: 1900, maximum: 2100 },
    level: oneOf(REGION_LEVELS),
    region: { type: 'string', pattern: REGION_CODE },
    parent: { type: 'string', pattern: REGION_CODE },
    ...pageQueryProperties(CELL_PAGE),
  },
  response: {
    200: closedObject({
      release: STRING,
      cells: { type: 'array', items: publicCellSchema },
      page: pageSchema,
    }),
  },
});

const releaseList =
  ({ catalog, publicBaseUrl }: ReleaseRoutesOptions) =>
  async (req: FastifyRequest<{ Querystring: PageQuery }>, reply: FastifyReply) => {
    const list = await catalog.listPublic();
    const { items, page } = paginate(list, req, req.query, RELEASE_PAGE, publicBaseUrl);
    void reply.header('cache-control', 'no-cache');
    return { releases: items, page };
  };

const oneRelease =
  ({ catalog }: ReleaseRoutesOptions) =>
  async (req: FastifyRequest<IdRoute>, reply: FastifyReply) => {
    const id = await resolvePublicRelease(catalog, req, reply, req.params.id);
    if (!id) return reply;
    const release = await catalog.info(id);
    const manifest = await catalog.manifest(id);
    void reply.header('cache-control', 'no-cache');
    return { release, manifest };
  };

const releaseCells =
  (opts: ReleaseRoutesOptions) => async (req: FastifyRequest<CellsRoute>, reply: FastifyReply) => {
    const q = req.query;
    if (q.indicator !== undefined && !opts.knownIndicator(q.indicator)) {
      return badRequest(reply, `querystring/indicator: unknown indicator '${q.indicator}'`);
    }
    const id = await resolvePublicRelease(opts.catalog, req, reply, req.params.id);
    if (!id) return reply;
    const { items, page } = paginate(
      filterCells(await opts.catalog.cells(id), q),
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
  };

export const releaseRoutes: FastifyPluginAsync<ReleaseRoutesOptions> = async (app, opts) => {
  app.get<{ Querystring: PageQuery }>('/releases', { schema: listSchema }, releaseList(opts));
  app.get<IdRoute>('/releases/:id', { schema: releaseSchema }, oneRelease(opts));
  app.get<CellsRoute>('/releases/:id/cells', { schema: cellsSchema }, releaseCells(opts));
};
