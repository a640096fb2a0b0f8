/**
 * The OData v4 feed as datasets.cbs.nl serves it, so that cbsodata4 (R, Python), Power BI and
 * Excel read a Samenzicht instance with only their base URL (and catalogue) changed:
 *
 *   /odata/v1/                       service document: Datasets, Catalogs
 *   /odata/v1/Datasets               one dataset per published release
 *   /odata/v1/{Catalog}/{Id}/        a release's service document, $metadata, entity sets, Properties
 *   /odata/v4/                       the latest published release (a stable URL for Power BI)
 *
 * Context and next links of `latest` point at the concrete release, so a paging client reads
 * all pages from one release even when a newer one is published in between.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendCached, SHORT } from '../cache.js';
import { countOf, readQueryOptions, runQuery, type EntitySet } from '../entity-set.js';
import { QueryError } from '../filter.js';
import {
  guarded,
  HIDDEN,
  Lru,
  NotFound,
  nextPageQuery,
  pageLimit,
  pageSizeFor,
  singleValued,
  openDataDoc,
  type FeedOptions,
  type OpenDataContext,
  type SendError,
} from '../http.js';
import { buildCatalogModel, buildV4Model, metadataXml, type V4Model } from './model.js';

export const V4_ROOT = '/odata/v1';
export const LATEST_ROOT = '/odata/v4';

const ODATA_JSON =
  'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';
const SUPPORTED = ['$filter', '$select', '$orderby', '$top', '$skip', '$count', '$format'];

export type V4Options = FeedOptions;

const doc = openDataDoc;
const hidden = HIDDEN;

const sendError: SendError = (reply, status, code, message) =>
  reply
    .code(status)
    .header('OData-Version', '4.0')
    .header('Cache-Control', 'no-store')
    .type('application/json; charset=utf-8')
    .send({ error: { code, message } });

/** OData 4.01 §8.2.7: a client that cannot read 4.0 must not get it. */
function checkVersion(req: FastifyRequest): void {
  const max = req.headers['odata-maxversion'];
  if (typeof max === 'string' && max.trim() !== '' && Number.parseFloat(max) < 4) {
    throw new QueryError(
      `this feed speaks OData 4.0, the client accepts at most ${max.trim()}; the OData v3 feed is at /ODataFeed/OData/{Identifier}`,
    );
  }
}

type Params = { catalog?: string; id?: string; set?: string; segment?: string; '*'?: string };
type Route = { Params: Params; Querystring: Record<string, unknown> };

export function registerV4Routes(
  app: FastifyInstance,
  ctx: OpenDataContext,
  opts: V4Options,
): void {
  const base = opts.publicBaseUrl;
  const models = new Lru<Promise<V4Model>>(4);
  const datasetRoot = (id: string) =>
    `${base}${V4_ROOT}/${encodeURIComponent(ctx.catalog)}/${encodeURIComponent(id)}/`;

  function model(id: string, build: () => Promise<V4Model>): Promise<V4Model> {
    let m = models.get(id);
    if (!m) {
      m = build();
      m.catch(() => models.delete(id));
      models.set(id, m);
    }
    return m;
  }

  const catalogInfo = () => ({
    identifier: ctx.catalog,
    title: ctx.catalog,
    description: 'Gepubliceerde releases van deze Samenzicht-instantie, één dataset per release.',
    homepage: `${base}/`,
  });

  function sendJson(
    req: FastifyRequest,
    reply: FastifyReply,
    payload: unknown,
    cacheControl: string,
  ): FastifyReply {
    reply.header('OData-Version', '4.0');
    return sendCached(req, reply, JSON.stringify(payload), ODATA_JSON, cacheControl);
  }

  function sendXml(req: FastifyRequest, reply: FastifyReply, xml: string, cacheControl: string) {
    reply.header('OData-Version', '4.0');
    return sendCached(req, reply, xml, 'application/xml; charset=utf-8', cacheControl);
  }

  function serviceDocument(m: V4Model, root: string) {
    return {
      '@odata.context': `${root}$metadata`,
      value: [
        ...[...m.sets.keys()].map((name) => ({ name, kind: 'EntitySet', url: name })),
        ...[...m.singletons.keys()].map((name) => ({ name, kind: 'Singleton', url: name })),
      ],
    };
  }

  /** Sends one entity set (or its count) under `root`, whose links use `linkRoot`. */
  function sendSet(
    req: FastifyRequest<Route>,
    reply: FastifyReply,
    set: EntitySet,
    feedKey: string,
    contextRoot: string,
    linkRoot: string,
    cacheControl: string,
    countOnly: boolean,
  ): FastifyReply {
    const query = singleValued(req.query);
    const options = readQueryOptions(query, SUPPORTED);
    const matches = ctx.matchesOf('v4', feedKey, set, 'v4');
    if (countOnly) {
      reply.header('OData-Version', '4.0');
      const body = String(countOf(set, options, matches));
      return sendCached(req, reply, body, 'text/plain; charset=utf-8', cacheControl);
    }
    const size = pageSizeFor(req, reply, pageLimit(set.name === 'Observations', opts.pageSize));
    const result = runQuery(set, options, size, matches);
    const select = result.select ? `(${result.select.join(',')})` : '';
    const payload: Record<string, unknown> = {
      '@odata.context': `${contextRoot}$metadata#${set.name}${select}`,
    };
    if (result.count !== undefined) payload['@odata.count'] = result.count;
    payload['value'] = result.value;
    if (result.next)
      payload['@odata.nextLink'] = `${linkRoot}${set.name}?${nextPageQuery(query, result.next)}`;
    return sendJson(req, reply, payload, cacheControl);
  }

  // ---- the catalogue -------------------------------------------------------------------------

  const catalogModel = async () => buildCatalogModel(catalogInfo(), await ctx.entries());
  const catalogRoot = `${base}${V4_ROOT}/`;

  const checkCatalog = (name: string | undefined): void => {
    if (name === undefined || name.toLowerCase() !== ctx.catalog.toLowerCase())
      throw new NotFound(`unknown catalog '${name ?? ''}' (known: ${ctx.catalog})`);
  };

  const catalogService = guarded<Route>(sendError, async (req, reply) => {
    checkVersion(req);
    return sendJson(req, reply, serviceDocument(await catalogModel(), catalogRoot), SHORT);
  });
  app.get(
    V4_ROOT,
    doc('OData v4 catalogue service document: Datasets and Catalogs'),
    catalogService,
  );
  app.get(`${V4_ROOT}/`, hidden, catalogService);
  app.get(
    `${V4_ROOT}/$metadata`,
    doc('OData v4 CSDL of the catalogue (Datasets, Catalogs)'),
    guarded<Route>(sendError, async (req, reply) => {
      checkVersion(req);
      return sendXml(req, reply, metadataXml(await catalogModel()), SHORT);
    }),
  );
  for (const name of ['Datasets', 'Catalogs'] as const) {
    for (const countOnly of [false, true]) {
      app.get(
        `${V4_ROOT}/${name}${countOnly ? '/$count' : ''}`,
        countOnly
          ? hidden
          : doc(
              name === 'Datasets'
                ? 'Every published release as a dataset: Identifier, Catalog, Title, Version, Status, VersionReason, ObservationCount, …'
                : 'The catalogue of this instance',
            ),
        guarded<Route>(sendError, async (req, reply) => {
          checkVersion(req);
          const set = (await catalogModel()).sets.get(name) as EntitySet;
          return sendSet(req, reply, set, 'catalog', catalogRoot, catalogRoot, SHORT, countOnly);
        }),
      );
    }
  }
  // `Catalogs/{id}` (cbsodata for Python), `Catalogs('{id}')` (OData key syntax), `{Catalog}`.
  const oneCatalog = guarded<Route>(sendError, async (req, reply) => {
    checkVersion(req);
    const key = req.params.catalog ?? /^Catalogs\('(.*)'\)$/.exec(req.params.segment ?? '')?.[1];
    if (key === undefined && req.params.segment !== undefined) {
      // `/odata/v1/{Catalog}`: the catalogue's own service document.
      checkCatalog(req.params.segment);
      return sendJson(req, reply, serviceDocument(await catalogModel(), catalogRoot), SHORT);
    }
    checkCatalog(key);
    const row = (await catalogModel()).sets.get('Catalogs') as EntitySet;
    const { value } = runQuery(row, {}, 1);
    return sendJson(
      req,
      reply,
      { '@odata.context': `${catalogRoot}$metadata#Catalogs/$entity`, ...value[0] },
      SHORT,
    );
  });
  app.get(`${V4_ROOT}/Catalogs/:catalog`, hidden, oneCatalog);
  app.get(`${V4_ROOT}/:segment`, hidden, oneCatalog);
  app.get(
    `${V4_ROOT}/:catalog/Datasets`,
    hidden,
    guarded<Route>(sendError, async (req, reply) => {
      checkVersion(req);
      checkCatalog(req.params.catalog);
      const set = (await catalogModel()).sets.get('Datasets') as EntitySet;
      return sendSet(req, reply, set, 'catalog', catalogRoot, catalogRoot, SHORT, false);
    }),
  );

  // ---- one release ---------------------------------------------------------------------------

  /** The release a route addresses: `{Catalog}/{Id}` (or `latest`), or the latest for /odata/v4. */
  async function release(req: FastifyRequest<Route>) {
    checkVersion(req);
    if (req.params.catalog !== undefined) checkCatalog(req.params.catalog);
    const { release, cacheControl } = await ctx.resolve(req.params.id ?? 'latest');
    const m = await model(release.id, async () => buildV4Model(await ctx.dataset(release)));
    // `latest` names the release it served in its links, so its pages stay on that release.
    return { m, cacheControl, root: datasetRoot(release.id) };
  }

  const serviceDoc = guarded<Route>(sendError, async (req, reply) => {
    const { m, cacheControl, root } = await release(req);
    return sendJson(req, reply, serviceDocument(m, root), cacheControl);
  });
  const metadata = guarded<Route>(sendError, async (req, reply) => {
    const { m, cacheControl } = await release(req);
    return sendXml(req, reply, metadataXml(m), cacheControl);
  });
  const setOf = (countOnly: boolean) =>
    guarded<Route>(sendError, async (req, reply) => {
      const { m, cacheControl, root } = await release(req);
      const name = req.params.set as string;
      const singleton = m.singletons.get(name);
      if (singleton && !countOnly) {
        readQueryOptions(req.query, ['$format', '$select']);
        return sendJson(
          req,
          reply,
          { '@odata.context': `${root}$metadata#${singleton.name}`, ...singleton.value },
          cacheControl,
        );
      }
      const set = m.sets.get(name);
      if (!set)
        throw new NotFound(
          `unknown entity set '${name}' (known: ${[...m.sets.keys(), ...m.singletons.keys()].join(', ')})`,
        );
      return sendSet(req, reply, set, m.releaseId as string, root, root, cacheControl, countOnly);
    });

  const SETS =
    'Observations, Dimensions, MeasureCodes, MeasureGroups, PeriodenCodes, PeriodenGroups, RegioSCodes, RegioSGroups, BreakdownCodes, BreakdownGroups, Properties';
  const QUERY =
    'Query options $filter (eq ne gt ge lt le and or not, startswith/endswith/contains), $select, $orderby, $top, $skip, $count; server-driven paging with @odata.nextLink.';
  const dataset = `${V4_ROOT}/:catalog/:id`;
  app.get(
    dataset,
    doc('OData v4 service document of one release (as datasets.cbs.nl)'),
    serviceDoc,
  );
  app.get(`${dataset}/`, hidden, serviceDoc);
  app.get(`${dataset}/$metadata`, doc('OData v4 CSDL of one release'), metadata);
  app.get(`${dataset}/:set`, doc(`An entity set of one release: ${SETS}`, QUERY), setOf(false));
  app.get(
    `${dataset}/:set/$count`,
    doc('Number of entities of a set (after $filter), as text'),
    setOf(true),
  );

  app.get(
    LATEST_ROOT,
    doc('OData v4 service document of the latest published release'),
    serviceDoc,
  );
  app.get(`${LATEST_ROOT}/`, hidden, serviceDoc);
  app.get(
    `${LATEST_ROOT}/$metadata`,
    doc('OData v4 CSDL of the latest published release'),
    metadata,
  );
  app.get(
    `${LATEST_ROOT}/:set`,
    doc(`An entity set of the latest release: ${SETS}`, QUERY),
    setOf(false),
  );
  app.get(`${LATEST_ROOT}/:set/$count`, hidden, setOf(true));

  // The feed of one release used to live here; its address moved to the catalogue's.
  const moved = async (req: FastifyRequest<Route>, reply: FastifyReply) => {
    const rest = req.params['*'] ?? '';
    const q = req.url.indexOf('?');
    const search = q >= 0 ? req.url.slice(q) : '';
    return reply
      .header('Cache-Control', 'public, max-age=86400')
      .redirect(
        `${V4_ROOT}/${encodeURIComponent(ctx.catalog)}/${encodeURIComponent(req.params.id as string)}/${rest}${search}`,
        308,
      );
  };
  app.get<Route>(`${LATEST_ROOT}/releases/:id`, hidden, moved);
  app.get<Route>(`${LATEST_ROOT}/releases/:id/*`, hidden, moved);
}
