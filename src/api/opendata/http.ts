/**
 * What the open data routes share: resolving a release id (or `latest`) to a published release,
 * the statistical dataset of a release (built once, kept in a small LRU), matching rows cached
 * for paging clients, and errors as 4xx with a message that names the problem.
 */
import type { FastifyReply, FastifyRequest, RouteGenericInterface } from 'fastify';
import { IMMUTABLE, SHORT } from './cache.js';
import {
  buildDataset,
  datasetIdentity,
  datasetVersions,
  observationCount,
  type DatasetIdentity,
  type ReleaseDataset,
} from './dataset.js';
import { matchingRows, type EntitySet, type Matches } from './entity-set.js';
import { QueryError, type FilterDialect } from './filter.js';
import type { ReleaseSource, ReleaseSummary } from './types.js';

/** What both OData feeds are configured with. */
export interface FeedOptions {
  /** Absolute base of the URLs a feed writes (contexts, next links); never the Host header. */
  publicBaseUrl: string;
  /** Entities per page of an observation set before a next link. */
  pageSize: number;
}

/** OpenAPI documentation only: the handlers give their own OData-style errors. */
export const openDataDoc = (summary: string, description?: string) => ({
  schema: { summary, tags: ['open data'], ...(description ? { description } : {}) },
});
/** A route variant (a trailing slash, a count) that the OpenAPI document need not list twice. */
export const HIDDEN = { schema: { hide: true } };

export class NotFound extends Error {
  readonly status: number = 404;
}
/** A withdrawn release stays known but is no longer served (as the v1 cells route does). */
export class Gone extends NotFound {
  override readonly status = 410;
}

/** A tiny insertion-ordered LRU; releases are few and large, so only a handful are kept. */
export class Lru<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly max: number) {}
  get(k: string): V | undefined {
    const v = this.map.get(k);
    if (v !== undefined) {
      this.map.delete(k);
      this.map.set(k, v);
    }
    return v;
  }
  set(k: string, v: V): void {
    this.map.delete(k);
    this.map.set(k, v);
    while (this.map.size > this.max) this.map.delete(this.map.keys().next().value as string);
  }
  delete(k: string): void {
    this.map.delete(k);
  }
}

/** What `cachedBuild` keeps its promises in: an `Lru` or a `Map`. */
interface PromiseCache<V> {
  get(k: string): Promise<V> | undefined;
  set(k: string, v: Promise<V>): unknown;
  delete(k: string): unknown;
}

/** The promise under `key`, built on first use; a failed build is forgotten so a later request retries. */
export function cachedBuild<V>(
  cache: PromiseCache<V>,
  key: string,
  build: () => Promise<V>,
): Promise<V> {
  let p = cache.get(key);
  if (!p) {
    p = build();
    p.catch(() => cache.delete(key));
    cache.set(key, p);
  }
  return p;
}

export interface Resolved {
  release: ReleaseSummary;
  cacheControl: string;
}

/** A published release in the public catalogue, with its dataset identity. */
export interface CatalogEntry {
  release: ReleaseSummary;
  identity: DatasetIdentity;
  observationCount: number;
}

/** OData-style error body; the message names what was wrong (never a server path). */
export type SendError = (
  reply: FastifyReply,
  status: number,
  code: string,
  message: string,
) => FastifyReply;

export function encodeQuery(params: [string, string][]): string {
  return params
    .map(([k, v]) => `${encodeURIComponent(k).replaceAll('%24', '$')}=${encodeURIComponent(v)}`)
    .join('&');
}

/**
 * Python's requests adds its params to `odata.nextLink`, which already has them, so cbsodata
 * (v3 and v4) sends its options twice from the second page on. The same value twice
 * is one value; different values stay an error.
 */
export function singleValued(query: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(query))
    out[k] = Array.isArray(v) && v.length > 0 && v.every((x) => x === v[0]) ? v[0] : v;
  return out;
}

/** The query string of the next page: every option but $skip/$top, then the new ones. */
export function nextPageQuery(
  query: Record<string, unknown>,
  next: { skip: number; top: number | null },
): string {
  const params: [string, string][] = [];
  for (const [k, v] of Object.entries(query)) {
    if (k === '$skip' || k === '$top' || typeof v !== 'string') continue;
    params.push([k, v]);
  }
  params.push(['$skip', String(next.skip)]);
  if (next.top !== null) params.push(['$top', String(next.top)]);
  return encodeQuery(params);
}

/**
 * Only the observation sets page at the feed's page size. Metadata sets (code lists, groups,
 * measures, the dataset list) are sent whole, as CBS sends them: cbsodataR's `cbs_get_meta` and
 * cbsodata4's metadata reads take the first page and never follow a next link. They are bounded
 * by the region set: a national division with buurten has about 17,000 codes.
 */
export const METADATA_PAGE = 50_000;

export function pageLimit(isObservationSet: boolean, pageSize: number): number {
  return isObservationSet ? pageSize : Math.max(pageSize, METADATA_PAGE);
}

/**
 * A wide data set (v3's TypedDataSet: one column per measure) pages by values, not rows: 10,000
 * rows of 75 columns are 26 MB of JSON and seconds of work per page. At most this many values per
 * page (a v4 Observations page of 10,000 rows has 80,000), and at least 100 rows.
 */
export const MAX_VALUES_PER_PAGE = 100_000;

export function widePageLimit(columns: number, pageSize: number): number {
  return Math.min(pageSize, Math.max(100, Math.floor(MAX_VALUES_PER_PAGE / Math.max(1, columns))));
}

/** Server-driven page size: the feed's maximum, or less when the client prefers (RFC 7240). */
export function pageSizeFor(req: FastifyRequest, reply: FastifyReply, max: number): number {
  const prefer = /odata\.maxpagesize=(\d+)/.exec(String(req.headers['prefer'] ?? ''));
  if (prefer && Number(prefer[1]) > 0) {
    const size = Math.min(max, Number(prefer[1]));
    void reply.header('Preference-Applied', `odata.maxpagesize=${size}`);
    return size;
  }
  return max;
}

/** How one OData version answers: its version header on every answer, and its errors. */
export interface FeedDialect {
  version: readonly [header: string, value: string];
  errorType: string;
  errorBody: (code: string, message: string) => unknown;
}

/** An error answer in a version's dialect; never cached, whatever the route's caching. */
const errorSender =
  ({ version, errorType, errorBody }: FeedDialect): SendError =>
  (reply, status, code, message) =>
    reply
      .code(status)
      .header(version[0], version[1])
      .header('Cache-Control', 'no-store')
      .type(errorType)
      .send(errorBody(code, message));

type Handler<Q extends RouteGenericInterface> = (
  req: FastifyRequest<Q>,
  reply: FastifyReply,
) => Promise<unknown>;

/**
 * The handlers of one feed: every answer states the dialect's version, `check` (the client's
 * version) runs first, and errors come in the dialect.
 */
export function feedHandler<Q extends RouteGenericInterface>(
  dialect: FeedDialect,
  check: (req: FastifyRequest<Q>) => void,
) {
  const sendError = errorSender(dialect);
  const [header, version] = dialect.version;
  return (handler: Handler<Q>) =>
    guarded<Q>(sendError, async (req, reply) => {
      reply.header(header, version);
      check(req);
      return handler(req, reply);
    });
}

/** Runs a handler, turning bad input into 400 and unknown things into 404/410. */
export function guarded<Q extends RouteGenericInterface>(
  sendError: SendError,
  handler: (req: FastifyRequest<Q>, reply: FastifyReply) => Promise<unknown>,
) {
  return async (req: FastifyRequest<Q>, reply: FastifyReply): Promise<unknown> => {
    try {
      return await handler(req, reply);
    } catch (e) {
      if (e instanceof QueryError) return sendError(reply, 400, 'BadRequest', e.message);
      if (e instanceof NotFound)
        return sendError(reply, e.status, e.status === 410 ? 'Gone' : 'NotFound', e.message);
      throw e;
    }
  };
}

/** Releases, their datasets and cached matches: one per plugin instance. */
export class OpenDataContext {
  readonly #datasets = new Lru<Promise<ReleaseDataset>>(4);
  readonly #counts = new Map<string, Promise<number>>();
  // Paging clients repeat the same $filter with a growing $skip: keep the matching row numbers.
  readonly #matches = new Lru<Matches>(32);

  constructor(
    readonly source: ReleaseSource,
    readonly catalog: string,
  ) {}

  async resolve(idParam: string): Promise<Resolved> {
    const latest = idParam === 'latest';
    const id = latest ? await this.source.latestPublishedId() : idParam;
    if (id === null) throw new NotFound('no release has been published yet');
    const release = (await this.source.list()).find((r) => r.id === id);
    if (!release) throw new NotFound(`release '${idParam}' not found`);
    if (release.status === 'withdrawn') throw new Gone(`release '${id}' was withdrawn`);
    if (release.status !== 'published') throw new NotFound(`release '${idParam}' not found`);
    return { release, cacheControl: latest ? SHORT : IMMUTABLE };
  }

  /** Published releases (not withdrawn ones) in order of publication, with version and size. */
  async entries(): Promise<CatalogEntry[]> {
    const list = await this.source.list();
    const versions = datasetVersions(list);
    const out: CatalogEntry[] = [];
    for (const release of list) {
      const version = versions.get(release.id);
      if (!version || release.status !== 'published') continue;
      out.push({
        release,
        identity: datasetIdentity(this.catalog, release, version),
        observationCount: await this.#observationCount(release.id),
      });
    }
    return out.sort((a, b) => a.identity.version - b.identity.version);
  }

  #observationCount(id: string): Promise<number> {
    return cachedBuild(this.#counts, id, async () =>
      observationCount(await this.source.cells(id), this.source.indicators()),
    );
  }

  dataset(release: ReleaseSummary): Promise<ReleaseDataset> {
    return cachedBuild(this.#datasets, release.id, async () => {
      const versions = datasetVersions(await this.source.list());
      const version = versions.get(release.id);
      if (!version) throw new NotFound(`release '${release.id}' not found`);
      return buildDataset({
        identity: datasetIdentity(this.catalog, release, version),
        mapYear: release.regionSet?.year ?? null,
        cells: await this.source.cells(release.id),
        indicators: this.source.indicators(),
        regionName: (c) => this.source.regionName(c),
      });
    });
  }

  /** Matching row numbers of a set, cached per (feed, release, set, filter, order). */
  matchesOf(feed: string, releaseId: string, set: EntitySet, dialect: FilterDialect) {
    return (filter: string | undefined, orderby: string | undefined): Matches => {
      if (filter === undefined && orderby === undefined) return null;
      const key = JSON.stringify([feed, releaseId, set.name, filter, orderby]);
      let m = this.#matches.get(key);
      if (m === undefined) {
        m = matchingRows(set, filter, orderby, dialect);
        this.#matches.set(key, m);
      }
      return m;
    };
  }
}

/** XML text and attribute escaping for the CSDL documents. */
export function xmlEscape(s: string): string {
  return s
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}
