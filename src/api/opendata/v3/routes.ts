/**
 * The OData v3 feed as opendata.cbs.nl serves it, so that cbsodataR and Python cbsodata read a
 * Samenzicht instance with only their base URL changed. One table per published release:
 *
 *   /ODataCatalog/Tables              every published release as a table (ApiUrl, FeedUrl, …)
 *   /ODataApi/OData/{Identifier}      a table's service document, $metadata and entity sets
 *   /ODataFeed/OData/{Identifier}     the same (CBS's bulk feed; both page here)
 *
 * JSON light only (`odata=minimalmetadata`), with DataServiceVersion 3.0. Links of `latest` name
 * the concrete release, so a paging client reads all pages from one release even when a newer
 * one is published in between.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { cachedJsonSender, cachedSender, SHORT } from '../cache.js';
import {
  matchingRows,
  readQueryOptions,
  type EntitySet,
  type Matches,
  type QueryOptions,
} from '../entity-set.js';
import { ModelCache, sendPage, type PageDialect } from '../feed.js';
import { QueryError } from '../filter.js';
import {
  cachedBuild,
  feedHandler,
  HIDDEN as hidden,
  NotFound,
  pageLimit,
  singleValued,
  widePageLimit,
  openDataDoc as doc,
  type FeedDialect,
  type FeedOptions,
  type OpenDataContext,
} from '../http.js';
import {
  buildTablesSet,
  buildV3Model,
  catalogMetadataXmlV3,
  DATA_SETS,
  findSet,
  metadataXmlV3,
  SET,
  tableShape,
  type TableShape,
  type V3Model,
} from './model.js';

export const CATALOG_ROOT = '/ODataCatalog';
export const API_ROOT = '/ODataApi/OData';
export const FEED_ROOT = '/ODataFeed/OData';

const JSON_V3 = 'application/json;odata=minimalmetadata;streaming=true;charset=utf-8';
const SUPPORTED = ['$filter', '$select', '$top', '$skip', '$orderby', '$format', '$inlinecount'];

export type V3Options = FeedOptions;

const V3_DIALECT: FeedDialect = {
  version: ['DataServiceVersion', '3.0;'],
  errorType: 'application/json;charset=utf-8',
  errorBody: (code, message) =>
    JSON.stringify({ 'odata.error': { code, message: { lang: 'en-US', value: message } } }),
};

/**
 * The canonical casing of the v3 paths. CBS matches them in any case and its clients differ
 * (`ODataFeed/odata`, `ODataApi/OData`); Fastify's router does not, so `rewriteUrl` uses this.
 */
export function canonicalV3Url(url: string): string {
  // `/+`: a base URL given with a trailing slash makes clients write `//ODataFeed/odata/…`.
  const m = /^\/+(odatacatalog|odataapi\/odata|odatafeed\/odata)(?=[/?]|$)/i.exec(url);
  if (!m) return url;
  const prefix = (m[1] as string).toLowerCase();
  const canonical =
    prefix === 'odatacatalog' ? CATALOG_ROOT : prefix === 'odataapi/odata' ? API_ROOT : FEED_ROOT;
  return canonical + url.slice(m[0].length);
}

/** A client states the highest version it reads (MaxDataServiceVersion); below 3.0 it gets none. */
function checkVersion(req: FastifyRequest): void {
  const raw = req.headers['maxdataserviceversion'];
  if (typeof raw !== 'string' || raw.trim() === '') return;
  const m = /^\s*(\d+)/.exec(raw);
  if (!m || Number(m[1]) < 3) {
    throw new QueryError(
      `this feed speaks OData 3.0 (DataServiceVersion 3.0); the request allows at most MaxDataServiceVersion ${raw.trim()}`,
    );
  }
}

/** JSON light is all this feed writes; an Atom or verbose JSON client would misread it. */
function checkFormat(format: string | undefined): void {
  if (format === undefined) return;
  const f = format.trim().toLowerCase();
  if (
    f === 'json' ||
    f === 'application/json' ||
    /^application\/json;\s*odata=minimalmetadata(;.*)?$/.test(f)
  )
    return;
  throw new QueryError(
    `$format=${format}: this feed serves JSON only (JSON light, odata=minimalmetadata); use $format=json or leave $format out`,
  );
}

function readOptions(
  req: FastifyRequest<Route>,
  supported: readonly string[] = SUPPORTED,
): { query: Record<string, unknown>; options: QueryOptions } {
  const query = singleValued(req.query);
  const options = readQueryOptions(query, supported);
  checkFormat(options.format);
  return { query, options };
}

type Route = { Params: { id?: string; set?: string }; Querystring: Record<string, unknown> };

/** Every v3 answer states its version, and a client that reads less than 3.0 gets none. */
const v3 = feedHandler<Route>(V3_DIALECT, checkVersion);

const sendJson = cachedJsonSender(JSON_V3);
const sendXml = cachedSender('application/xml;charset=utf-8');

const V3_PAGES: PageDialect = {
  sendCount: cachedSender('text/plain;charset=utf-8'),
  sendJson,
  // JSON light (v3) names a projection in the metadata URL as `#Set&$select=…`.
  context: (root, set, select) => ({
    'odata.metadata': `${root}/$metadata#${set}${select ? `&$select=${select.join(',')}` : ''}`,
  }),
  count: (n) => ({ 'odata.count': String(n) }),
  nextLink: (root, set, query) => ({ 'odata.nextLink': `${root}/${set}?${query}` }),
};

const serviceDocument = (root: string, names: Iterable<string>) => ({
  'odata.metadata': `${root}/$metadata`,
  value: [...names].map((name) => ({ name, url: `${root}/${name}` })),
});

/** The two services of a table (CBS's API and its bulk feed); both page here. */
const TABLE_SERVICES = [
  [API_ROOT, 'ODataApi'],
  [FEED_ROOT, 'ODataFeed'],
] as const;

/** The v3 feed of one plugin instance: its models, table shapes and how it answers. */
class V3Feed {
  readonly base: string;
  readonly catalogRoot: string;
  readonly #models: ModelCache<V3Model>;
  // A release's content never changes under its id: its shape is counted once.
  readonly #shapes = new Map<string, Promise<TableShape>>();

  constructor(
    readonly ctx: OpenDataContext,
    readonly opts: V3Options,
  ) {
    this.base = opts.publicBaseUrl.replace(/\/+$/, '');
    this.catalogRoot = `${this.base}${CATALOG_ROOT}`;
    this.#models = new ModelCache(ctx, buildV3Model);
  }

  tableUrl(root: string, id: string): string {
    return `${this.base}${root}/${encodeURIComponent(id)}`;
  }

  /** One page of a set (or its count) as JSON light; `root` is the absolute service root. */
  sendSet(
    req: FastifyRequest<Route>,
    reply: FastifyReply,
    set: EntitySet,
    matches: (filter: string | undefined, orderby: string | undefined) => Matches,
    root: string,
    cacheControl: string,
    countOnly: boolean,
  ): FastifyReply {
    const { query, options } = readOptions(req);
    const limit = DATA_SETS.includes(set.name)
      ? widePageLimit(set.properties.length, this.opts.pageSize)
      : pageLimit(false, this.opts.pageSize);
    const page = { set, query, options, matches, limit, root, cacheControl, countOnly };
    return sendPage(req, reply, V3_PAGES, page);
  }

  /** `ODataCatalog/Tables`: every published release with its shape and both service URLs. */
  async tablesSet(): Promise<EntitySet> {
    const entries = await this.ctx.entries();
    const listings = await Promise.all(
      entries.map(async (e) => ({
        identity: e.identity,
        shape: await this.#shapeOf(e.release.id),
        apiUrl: this.tableUrl(API_ROOT, e.release.id),
        feedUrl: this.tableUrl(FEED_ROOT, e.release.id),
      })),
    );
    return buildTablesSet(listings);
  }

  #shapeOf(id: string): Promise<TableShape> {
    return cachedBuild(this.#shapes, id, async () =>
      tableShape(await this.ctx.source.cells(id), this.ctx.source.indicators()),
    );
  }

  /** The table a route under `prefix` addresses (the id may be `latest`). */
  async table(prefix: string, req: FastifyRequest<Route>) {
    const { release, cacheControl } = await this.ctx.resolve(req.params.id as string);
    const model = await this.#models.of(release);
    return { release, model, cacheControl, root: this.tableUrl(prefix, release.id) };
  }
}

// ---- the catalogue -----------------------------------------------------------------------------

const catalogService = (feed: V3Feed) =>
  v3(async (req, reply) => {
    readOptions(req, ['$format']);
    return sendJson(req, reply, serviceDocument(feed.catalogRoot, [SET.tables]), SHORT);
  });

const catalogMetadata = () =>
  v3(async (req, reply) => {
    readOptions(req, ['$format']);
    return sendXml(req, reply, catalogMetadataXmlV3(), SHORT);
  });

const tables = (feed: V3Feed, countOnly: boolean) =>
  v3(async (req, reply) => {
    const name = req.params.set ?? SET.tables;
    if (name.toLowerCase() !== SET.tables.toLowerCase())
      throw new NotFound(`unknown entity set '${name}' of the catalogue (known: ${SET.tables})`);
    const set = await feed.tablesSet();
    const matches = (f: string | undefined, o: string | undefined) => matchingRows(set, f, o, 'v3');
    return feed.sendSet(req, reply, set, matches, feed.catalogRoot, SHORT, countOnly);
  });

function registerCatalogueRoutes(app: FastifyInstance, feed: V3Feed): void {
  const service = catalogService(feed);
  app.get(`${CATALOG_ROOT}/`, doc('OData v3 catalogue service document (Tables)'), service);
  app.get(CATALOG_ROOT, hidden, service);
  app.get(
    `${CATALOG_ROOT}/$metadata`,
    doc('OData v3 CSDL of the catalogue (Tables)'),
    catalogMetadata(),
  );
  app.get(
    `${CATALOG_ROOT}/${SET.tables}`,
    doc(
      'Every published release as an opendata.cbs.nl table: ID, Identifier, Title, ShortTitle, Summary, Modified, ReasonDelivery, OutputStatus, Period, ApiUrl, FeedUrl, RecordCount, ColumnCount, …',
      'Query options $filter (eq ne gt ge lt le and or not, startswith/endswith/substringof), $select, $orderby, $top, $skip, $inlinecount, $format=json.',
    ),
    tables(feed, false),
  );
  app.get(`${CATALOG_ROOT}/${SET.tables}/$count`, hidden, tables(feed, true));
  // Set names in any case, as CBS matches them.
  app.get(`${CATALOG_ROOT}/:set`, hidden, tables(feed, false));
  app.get(`${CATALOG_ROOT}/:set/$count`, hidden, tables(feed, true));
}

// ---- one table ---------------------------------------------------------------------------------

const tableServiceDoc = (feed: V3Feed, prefix: string) =>
  v3(async (req, reply) => {
    readOptions(req, ['$format']);
    const { model, cacheControl, root } = await feed.table(prefix, req);
    return sendJson(req, reply, serviceDocument(root, model.sets.keys()), cacheControl);
  });

const tableMetadata = (feed: V3Feed, prefix: string) =>
  v3(async (req, reply) => {
    readOptions(req, ['$format']);
    const { model, cacheControl } = await feed.table(prefix, req);
    return sendXml(req, reply, metadataXmlV3(model), cacheControl);
  });

const tableEntitySet = (feed: V3Feed, prefix: string, countOnly: boolean) =>
  v3(async (req, reply) => {
    readOptions(req); // a bad option is a 400 before the release is read
    const { release, model, cacheControl, root } = await feed.table(prefix, req);
    const name = req.params.set as string;
    const set = findSet(model, name);
    if (!set)
      throw new NotFound(
        `unknown entity set '${name}' of table '${release.id}' (known: ${[...model.sets.keys()].join(', ')})`,
      );
    const matches = feed.ctx.matchesOf('v3', release.id, set, 'v3');
    return feed.sendSet(req, reply, set, matches, root, cacheControl, countOnly);
  });

function registerTableRoutes(
  app: FastifyInstance,
  feed: V3Feed,
  prefix: string,
  service: string,
): void {
  const serviceDoc = tableServiceDoc(feed, prefix);
  const path = `${prefix}/:id`;
  app.get(
    path,
    doc(
      `OData v3 service document of one release as an opendata.cbs.nl table (${service})`,
      'Lists TableInfos, UntypedDataSet, TypedDataSet, DataProperties, CategoryGroups and a code table per dimension (Perioden, RegioS, Breakdown), with absolute URLs. The id may be `latest`.',
    ),
    serviceDoc,
  );
  app.get(`${path}/`, hidden, serviceDoc);
  app.get(
    `${path}/$metadata`,
    doc(`OData v3 CSDL of one release (${service})`),
    tableMetadata(feed, prefix),
  );
  app.get(
    `${path}/:set`,
    doc(
      `An entity set of one release (${service}): TableInfos, TypedDataSet, UntypedDataSet, DataProperties, CategoryGroups, Perioden, RegioS, Breakdown`,
      'TypedDataSet has one row per Breakdown, RegioS and Perioden and a column per topic (null: secret or no figure); UntypedDataSet the same as text with "." for a secret figure. Query options $filter (eq ne gt ge lt le and or not, startswith/endswith/substringof), $select, $orderby, $top, $skip, $inlinecount, $format=json; server-driven paging with odata.nextLink.',
    ),
    tableEntitySet(feed, prefix, false),
  );
  app.get(
    `${path}/:set/$count`,
    doc(`Number of entities of a set of one release (${service}), after $filter, as text`),
    tableEntitySet(feed, prefix, true),
  );
}

export function registerV3Routes(
  app: FastifyInstance,
  ctx: OpenDataContext,
  opts: V3Options,
): void {
  const feed = new V3Feed(ctx, opts);
  registerCatalogueRoutes(app, feed);
  for (const [prefix, service] of TABLE_SERVICES) registerTableRoutes(app, feed, prefix, service);
}
