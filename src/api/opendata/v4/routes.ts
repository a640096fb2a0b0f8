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
import { cachedJsonSender, cachedSender, SHORT } from '../cache.js';
import { readQueryOptions, runQuery, type EntitySet } from '../entity-set.js';
import { ModelCache, sendPage, type PageDialect } from '../feed.js';
import { QueryError } from '../filter.js';
import {
  feedHandler,
  HIDDEN as hidden,
  NotFound,
  pageLimit,
  singleValued,
  openDataDoc as doc,
  type FeedDialect,
  type FeedOptions,
  type OpenDataContext,
} from '../http.js';
import { buildCatalogModel, buildV4Model, metadataXml, type V4Model } from './model.js';

export const V4_ROOT = '/odata/v1';
export const LATEST_ROOT = '/odata/v4';

const ODATA_JSON =
  'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';
const SUPPORTED = ['$filter', '$select', '$orderby', '$top', '$skip', '$count', '$format'];

export type V4Options = FeedOptions;

const V4_DIALECT: FeedDialect = {
  version: ['OData-Version', '4.0'],
  errorType: 'application/json; charset=utf-8',
  errorBody: (code, message) => ({ error: { code, message } }),
};

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

/** Every v4 answer states its version, and a client that reads less than 4.0 gets none. */
const v4 = feedHandler<Route>(V4_DIALECT, checkVersion);

const sendJson = cachedJsonSender(ODATA_JSON);
const sendXml = cachedSender('application/xml; charset=utf-8');

const V4_PAGES: PageDialect = {
  sendCount: cachedSender('text/plain; charset=utf-8'),
  sendJson,
  context: (root, set, select) => ({
    '@odata.context': `${root}$metadata#${set}${select ? `(${select.join(',')})` : ''}`,
  }),
  count: (n) => ({ '@odata.count': n }),
  nextLink: (root, set, query) => ({ '@odata.nextLink': `${root}${set}?${query}` }),
};

function serviceDocument(m: V4Model, root: string) {
  return {
    '@odata.context': `${root}$metadata`,
    value: [
      ...[...m.sets.keys()].map((name) => ({ name, kind: 'EntitySet', url: name })),
      ...[...m.singletons.keys()].map((name) => ({ name, kind: 'Singleton', url: name })),
    ],
  };
}

/** The v4 feed of one plugin instance: its models and how it answers. */
class V4Feed {
  readonly catalogRoot: string;
  readonly #models: ModelCache<V4Model>;

  constructor(
    readonly ctx: OpenDataContext,
    readonly opts: V4Options,
  ) {
    this.catalogRoot = `${opts.publicBaseUrl}${V4_ROOT}/`;
    this.#models = new ModelCache(ctx, buildV4Model);
  }

  datasetRoot(id: string): string {
    const { catalog } = this.ctx;
    return `${this.opts.publicBaseUrl}${V4_ROOT}/${encodeURIComponent(catalog)}/${encodeURIComponent(id)}/`;
  }

  async catalogModel(): Promise<V4Model> {
    const info = {
      identifier: this.ctx.catalog,
      title: this.ctx.catalog,
      description: 'Gepubliceerde releases van deze Samenzicht-instantie, één dataset per release.',
      homepage: `${this.opts.publicBaseUrl}/`,
    };
    return buildCatalogModel(info, await this.ctx.entries());
  }

  checkCatalog(name: string | undefined): void {
    if (name === undefined || name.toLowerCase() !== this.ctx.catalog.toLowerCase())
      throw new NotFound(`unknown catalog '${name ?? ''}' (known: ${this.ctx.catalog})`);
  }

  /** The release a route addresses: `{Catalog}/{Id}` (or `latest`), or the latest for /odata/v4. */
  async release(req: FastifyRequest<Route>) {
    if (req.params.catalog !== undefined) this.checkCatalog(req.params.catalog);
    const { release, cacheControl } = await this.ctx.resolve(req.params.id ?? 'latest');
    const m = await this.#models.of(release);
    // `latest` names the release it served in its links, so its pages stay on that release.
    return { m, cacheControl, root: this.datasetRoot(release.id) };
  }

  /** Sends one entity set (or its count); its context and next links use `root`. */
  sendSet(
    req: FastifyRequest<Route>,
    reply: FastifyReply,
    set: EntitySet,
    feedKey: string,
    root: string,
    cacheControl: string,
    countOnly: boolean,
  ): FastifyReply {
    const query = singleValued(req.query);
    const options = readQueryOptions(query, SUPPORTED);
    const matches = this.ctx.matchesOf('v4', feedKey, set, 'v4');
    const limit = pageLimit(set.name === 'Observations', this.opts.pageSize);
    const page = { set, query, options, matches, limit, root, cacheControl, countOnly };
    return sendPage(req, reply, V4_PAGES, page);
  }
}

// ---- the catalogue -----------------------------------------------------------------------------

const catalogService = (feed: V4Feed) =>
  v4(async (req, reply) =>
    sendJson(req, reply, serviceDocument(await feed.catalogModel(), feed.catalogRoot), SHORT),
  );

const catalogMetadata = (feed: V4Feed) =>
  v4(async (req, reply) => sendXml(req, reply, metadataXml(await feed.catalogModel()), SHORT));

const catalogSet = (feed: V4Feed, name: 'Datasets' | 'Catalogs', countOnly: boolean) =>
  v4(async (req, reply) => {
    const set = (await feed.catalogModel()).sets.get(name) as EntitySet;
    return feed.sendSet(req, reply, set, 'catalog', feed.catalogRoot, SHORT, countOnly);
  });

/** `Catalogs/{id}` (cbsodata for Python), `Catalogs('{id}')` (OData key syntax), `{Catalog}`. */
const oneCatalog = (feed: V4Feed) =>
  v4(async (req, reply) => {
    const key = req.params.catalog ?? /^Catalogs\('(.*)'\)$/.exec(req.params.segment ?? '')?.[1];
    if (key === undefined && req.params.segment !== undefined) {
      // `/odata/v1/{Catalog}`: the catalogue's own service document.
      feed.checkCatalog(req.params.segment);
      const doc = serviceDocument(await feed.catalogModel(), feed.catalogRoot);
      return sendJson(req, reply, doc, SHORT);
    }
    feed.checkCatalog(key);
    const row = (await feed.catalogModel()).sets.get('Catalogs') as EntitySet;
    const { value } = runQuery(row, {}, 1);
    return sendJson(
      req,
      reply,
      { '@odata.context': `${feed.catalogRoot}$metadata#Catalogs/$entity`, ...value[0] },
      SHORT,
    );
  });

const catalogDatasets = (feed: V4Feed) =>
  v4(async (req, reply) => {
    feed.checkCatalog(req.params.catalog);
    const set = (await feed.catalogModel()).sets.get('Datasets') as EntitySet;
    return feed.sendSet(req, reply, set, 'catalog', feed.catalogRoot, SHORT, false);
  });

const CATALOG_SET_DOCS = {
  Datasets:
    'Every published release as a dataset: Identifier, Catalog, Title, Version, Status, VersionReason, ObservationCount, …',
  Catalogs: 'The catalogue of this instance',
} as const;

function registerCatalogueRoutes(app: FastifyInstance, feed: V4Feed): void {
  const service = catalogService(feed);
  app.get(V4_ROOT, doc('OData v4 catalogue service document: Datasets and Catalogs'), service);
  app.get(`${V4_ROOT}/`, hidden, service);
  app.get(
    `${V4_ROOT}/$metadata`,
    doc('OData v4 CSDL of the catalogue (Datasets, Catalogs)'),
    catalogMetadata(feed),
  );
  for (const name of ['Datasets', 'Catalogs'] as const) {
    app.get(`${V4_ROOT}/${name}`, doc(CATALOG_SET_DOCS[name]), catalogSet(feed, name, false));
    app.get(`${V4_ROOT}/${name}/$count`, hidden, catalogSet(feed, name, true));
  }
  const catalog = oneCatalog(feed);
  app.get(`${V4_ROOT}/Catalogs/:catalog`, hidden, catalog);
  app.get(`${V4_ROOT}/:segment`, hidden, catalog);
  app.get(`${V4_ROOT}/:catalog/Datasets`, hidden, catalogDatasets(feed));
}

// ---- one release -------------------------------------------------------------------------------

const releaseService = (feed: V4Feed) =>
  v4(async (req, reply) => {
    const { m, cacheControl, root } = await feed.release(req);
    return sendJson(req, reply, serviceDocument(m, root), cacheControl);
  });

const releaseMetadata = (feed: V4Feed) =>
  v4(async (req, reply) => {
    const { m, cacheControl } = await feed.release(req);
    return sendXml(req, reply, metadataXml(m), cacheControl);
  });

const releaseSet = (feed: V4Feed, countOnly: boolean) =>
  v4(async (req, reply) => {
    const { m, cacheControl, root } = await feed.release(req);
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
    return feed.sendSet(req, reply, set, m.releaseId as string, root, cacheControl, countOnly);
  });

const SETS =
  'Observations, Dimensions, MeasureCodes, MeasureGroups, PeriodenCodes, PeriodenGroups, RegioSCodes, RegioSGroups, BreakdownCodes, BreakdownGroups, Properties';
const QUERY =
  'Query options $filter (eq ne gt ge lt le and or not, startswith/endswith/contains), $select, $orderby, $top, $skip, $count; server-driven paging with @odata.nextLink.';

/** What the OpenAPI document says of a release's feed; a count without a summary is hidden. */
interface ReleaseFeedDocs {
  service: string;
  metadata: string;
  set: string;
  count?: string;
}

/** A release's service document, CSDL, entity sets and their counts under `root`. */
function registerReleaseFeed(
  app: FastifyInstance,
  feed: V4Feed,
  root: string,
  docs: ReleaseFeedDocs,
): void {
  const service = releaseService(feed);
  app.get(root, doc(docs.service), service);
  app.get(`${root}/`, hidden, service);
  app.get(`${root}/$metadata`, doc(docs.metadata), releaseMetadata(feed));
  app.get(`${root}/:set`, doc(docs.set, QUERY), releaseSet(feed, false));
  app.get(`${root}/:set/$count`, docs.count ? doc(docs.count) : hidden, releaseSet(feed, true));
}

/** `/odata/v1/{Catalog}/{Id}/…`: one release of the catalogue. */
const registerDatasetRoutes = (app: FastifyInstance, feed: V4Feed) =>
  registerReleaseFeed(app, feed, `${V4_ROOT}/:catalog/:id`, {
    service: 'OData v4 service document of one release (as datasets.cbs.nl)',
    metadata: 'OData v4 CSDL of one release',
    set: `An entity set of one release: ${SETS}`,
    count: 'Number of entities of a set (after $filter), as text',
  });

/** `/odata/v4/…`: the latest published release, a stable URL for Power BI. */
const registerLatestRoutes = (app: FastifyInstance, feed: V4Feed) =>
  registerReleaseFeed(app, feed, LATEST_ROOT, {
    service: 'OData v4 service document of the latest published release',
    metadata: 'OData v4 CSDL of the latest published release',
    set: `An entity set of the latest release: ${SETS}`,
  });

/** The feed of one release used to live under /odata/v4/releases; its address moved to the catalogue's. */
function registerMovedRoutes(app: FastifyInstance, catalog: string): void {
  const moved = async (req: FastifyRequest<Route>, reply: FastifyReply) => {
    const rest = req.params['*'] ?? '';
    const q = req.url.indexOf('?');
    const search = q >= 0 ? req.url.slice(q) : '';
    return reply
      .header('Cache-Control', 'public, max-age=86400')
      .redirect(
        `${V4_ROOT}/${encodeURIComponent(catalog)}/${encodeURIComponent(req.params.id as string)}/${rest}${search}`,
        308,
      );
  };
  app.get<Route>(`${LATEST_ROOT}/releases/:id`, hidden, moved);
  app.get<Route>(`${LATEST_ROOT}/releases/:id/*`, hidden, moved);
}

export function registerV4Routes(
  app: FastifyInstance,
  ctx: OpenDataContext,
  opts: V4Options,
): void {
  const feed = new V4Feed(ctx, opts);
  registerCatalogueRoutes(app, feed);
  registerDatasetRoutes(app, feed);
  registerLatestRoutes(app, feed);
  registerMovedRoutes(app, ctx.catalog);
}
