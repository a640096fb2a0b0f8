/**
 * Open data API (Fastify plugin): release downloads as CSV and Parquet, and an OData v4 feed in
 * CBS's long format at /odata/v4/ (latest published release) and /odata/v4/releases/{id}/.
 * Published releases never change, so their responses are cached for a year with strong ETags.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type {
  FastifyPluginAsync,
  FastifyReply,
  FastifyRequest,
  RouteGenericInterface,
} from 'fastify';
import { IMMUTABLE, notModified, SHORT, strongEtag } from './cache.js';
import { toCsv } from './csv.js';
import { QueryError } from './filter.js';
import {
  buildModel,
  matchingRows,
  metadataXml,
  readQueryOptions,
  runQuery,
  type EntitySet,
  type Matches,
  type ODataModel,
  type QueryResult,
} from './odata.js';
import {
  REGION_LEVELS,
  type OpendataOptions,
  type PublicCell,
  type ReleaseSummary,
} from './types.js';
import { normaliseBaseUrl } from '../http/paging.js';

export type {
  PublicCell,
  ReleaseSource,
  ReleaseSummary,
  IndicatorSummary,
  OpendataOptions,
  RegionLevel,
  PublicStatus,
} from './types.js';
export { toCsv, CSV_COLUMNS } from './csv.js';
export { parseFilter, compileFilter, QueryError } from './filter.js';
export { buildModel, metadataXml, runQuery, TOTAL_BREAKDOWN, VALUE_ATTRIBUTE } from './odata.js';
export { strongEtag, matchesIfNoneMatch, IMMUTABLE } from './cache.js';
export { releaseSourceFromCatalog } from './catalog.js';

class NotFound extends Error {
  readonly status: number = 404;
}
/** A withdrawn release stays known but is no longer served (as the v1 cells route does). */
class Gone extends NotFound {
  override readonly status = 410;
}

/** OpenAPI documentation only (no validation: the handlers give their own OData-style errors). */
const doc = (summary: string, description?: string) => ({
  schema: { summary, tags: ['open data'], ...(description ? { description } : {}) },
});

const ODATA_JSON =
  'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';

interface Resolved {
  release: ReleaseSummary;
  cacheControl: string;
}

/** A tiny insertion-ordered LRU; releases are few and large, so only a handful are kept. */
class Lru<V> {
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

function sendError(
  reply: FastifyReply,
  status: number,
  code: string,
  message: string,
): FastifyReply {
  return reply
    .code(status)
    .header('OData-Version', '4.0')
    .header('Cache-Control', 'no-store')
    .type('application/json; charset=utf-8')
    .send({ error: { code, message } });
}

function encodeQuery(params: [string, string][]): string {
  return params
    .map(([k, v]) => `${encodeURIComponent(k).replaceAll('%24', '$')}=${encodeURIComponent(v)}`)
    .join('&');
}

export const opendataRoutes: FastifyPluginAsync<OpendataOptions> = async (app, opts) => {
  const source = opts.releases;
  const pageSize = opts.pageSize ?? 10_000;
  const publicBaseUrl = normaliseBaseUrl(opts.publicBaseUrl);
  const models = new Lru<Promise<ODataModel>>(4);
  const csvs = new Lru<{ body: string; etag: string }>(32);
  const parquetTags = new Lru<string>(16);
  // Paging clients repeat the same $filter with a growing $skip: keep the matching row numbers.
  const matchCache = new Lru<Matches>(32);
  const matchesOf =
    (releaseId: string, set: EntitySet) =>
    (filter: string | undefined, orderby: string | undefined): Matches => {
      if (filter === undefined && orderby === undefined) return null;
      const key = JSON.stringify([releaseId, set.name, filter, orderby]);
      let m = matchCache.get(key);
      if (m === undefined) {
        m = matchingRows(set, filter, orderby);
        matchCache.set(key, m);
      }
      return m;
    };

  async function resolve(idParam: string): Promise<Resolved> {
    const latest = idParam === 'latest';
    const id = latest ? await source.latestPublishedId() : idParam;
    if (id === null) throw new NotFound('no release has been published yet');
    const release = (await source.list()).find((r) => r.id === id);
    if (!release) throw new NotFound(`release '${idParam}' not found`);
    if (release.status === 'withdrawn') throw new Gone(`release '${id}' was withdrawn`);
    if (release.status !== 'published') throw new NotFound(`release '${idParam}' not found`);
    return { release, cacheControl: latest ? SHORT : IMMUTABLE };
  }

  function model(id: string): Promise<ODataModel> {
    let m = models.get(id);
    if (!m) {
      m = source
        .cells(id)
        .then((rows) => buildModel(id, rows, source.indicators(), (c) => source.regionName(c)));
      m.catch(() => models.delete(id));
      models.set(id, m);
    }
    return m;
  }

  /** Runs a handler, turning bad input into 400 and unknown things into 404 with an OData error body. */
  function guarded<Q extends RouteGenericInterface>(
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

  // ---- downloads -------------------------------------------------------------------------

  type CellsQuery = {
    Params: { id: string };
    Querystring: Record<string, string | string[] | undefined>;
  };

  app.get<CellsQuery>(
    '/api/v1/releases/:id/cells.csv',
    doc(
      'Cells of a published release as CSV (UTF-8 with BOM, comma-separated, CRLF)',
      "Columns indicator_id,year,region_level,region_code,parent_code,breakdown,value,numerator,denominator,status (published, confidential, not-applicable). A confidential figure is '.', a figure that cannot occur is blank (CBS convention). Optional filters: indicator, year, level, region, parent.",
    ),
    guarded<CellsQuery>(async (req, reply) => {
      const q = req.query;
      const one = (name: string): string | undefined => {
        const v = q[name];
        if (Array.isArray(v))
          throw new QueryError(`query parameter '${name}' may appear only once`);
        return v === undefined || v === '' ? undefined : v;
      };
      const indicator = one('indicator');
      const yearRaw = one('year');
      const level = one('level');
      const region = one('region');
      const parent = one('parent');
      if (yearRaw !== undefined && !/^\d{4}$/.test(yearRaw))
        throw new QueryError(`query parameter 'year' must be a year like 2023, got '${yearRaw}'`);
      if (level !== undefined && !(REGION_LEVELS as readonly string[]).includes(level)) {
        throw new QueryError(
          `query parameter 'level' must be one of ${REGION_LEVELS.join(', ')}, got '${level}'`,
        );
      }
      const { release, cacheControl } = await resolve(req.params.id);
      if (indicator !== undefined && !source.indicators().some((i) => i.id === indicator)) {
        throw new QueryError(`query parameter 'indicator': unknown indicator '${indicator}'`);
      }
      const year = yearRaw === undefined ? undefined : Number(yearRaw);
      const key = JSON.stringify([release.id, indicator, year, level, region, parent]);
      let entry = csvs.get(key);
      if (!entry) {
        const all = await source.cells(release.id);
        const keep = (r: PublicCell): boolean =>
          (indicator === undefined || r.indicator_id === indicator) &&
          (year === undefined || r.year === year) &&
          (level === undefined || r.region_level === level) &&
          (region === undefined || r.region_code === region) &&
          (parent === undefined || r.parent_code === parent);
        // Narrow through the OData model's indexes (row numbers into the same rows) when we can.
        const observations = (await model(release.id)).sets.get('Observations');
        const hit =
          region !== undefined
            ? observations?.lookup('RegionS', region)
            : indicator !== undefined
              ? observations?.lookup('Measure', indicator)
              : undefined;
        const rows = hit ? hit.map((i) => all[i] as PublicCell).filter(keep) : all.filter(keep);
        const body = toCsv(rows);
        entry = { body, etag: strongEtag(body) };
        csvs.set(key, entry);
      }
      if (notModified(req, reply, entry.etag, cacheControl)) return reply;
      const name = ['samenzicht', release.id, indicator, year]
        .filter((x) => x !== undefined)
        .join('-')
        .replace(/[^A-Za-z0-9_.-]/g, '_');
      return reply
        .type('text/csv; charset=utf-8; header=present')
        .header('Content-Disposition', `attachment; filename="${name}.csv"`)
        .send(entry.body);
    }),
  );

  type IdParams = { Params: { id: string } };

  app.get<IdParams>(
    '/api/v1/releases/:id/cells.parquet',
    doc('Cells of a published release as Parquet (the release file itself)'),
    guarded<IdParams>(async (req, reply) => {
      const { release, cacheControl } = await resolve(req.params.id);
      const path = await source.parquetPath(release.id);
      const info = path === null ? null : await stat(path).catch(() => null);
      if (path === null || info === null || !info.isFile())
        throw new NotFound(`release '${release.id}' has no cells.parquet`);
      const key = `${path}|${info.size}|${info.mtimeMs}`;
      let etag = parquetTags.get(key);
      if (etag === undefined) {
        const hash = createHash('sha256');
        for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
        etag = `"${hash.digest('base64url').slice(0, 32)}"`;
        parquetTags.set(key, etag);
      }
      if (notModified(req, reply, etag, cacheControl)) return reply;
      return reply
        .type('application/vnd.apache.parquet')
        .header('Content-Length', String(info.size))
        .header(
          'Content-Disposition',
          `attachment; filename="samenzicht-${release.id.replace(/[^A-Za-z0-9_.-]/g, '_')}-cells.parquet"`,
        )
        .send(createReadStream(path));
    }),
  );

  // ---- OData v4 --------------------------------------------------------------------------

  function serviceRoot(releaseId: string | null): string {
    const base = `${publicBaseUrl}/odata/v4/`;
    return releaseId === null ? base : `${base}releases/${encodeURIComponent(releaseId)}/`;
  }

  function sendJson(
    req: FastifyRequest,
    reply: FastifyReply,
    payload: unknown,
    cacheControl: string,
  ): FastifyReply {
    const body = JSON.stringify(payload);
    reply.header('OData-Version', '4.0');
    if (notModified(req, reply, strongEtag(body), cacheControl)) return reply;
    return reply.type(ODATA_JSON).send(body);
  }

  function registerService(prefix: string, explicit: boolean): void {
    type P = { Params: { id?: string; set?: string }; Querystring: Record<string, unknown> };
    const releaseOf = (req: FastifyRequest<P>): string =>
      explicit ? (req.params.id as string) : 'latest';
    // A context/next link of the "latest" feed points at the concrete release, so paging stays
    // consistent even when a newer release is published between two pages.
    const serviceDoc = guarded<P>(async (req, reply) => {
      const { release, cacheControl } = await resolve(releaseOf(req));
      const m = await model(release.id);
      const root = serviceRoot(explicit ? release.id : null);
      return sendJson(
        req,
        reply,
        {
          '@odata.context': `${root}$metadata`,
          value: [...m.sets.keys()].map((name) => ({ name, kind: 'EntitySet', url: name })),
        },
        cacheControl,
      );
    });
    const which = explicit ? 'one published release' : 'the latest published release';
    app.get<P>(prefix, doc(`OData v4 service document of ${which}`), serviceDoc);
    app.get<P>(`${prefix}/`, { schema: { hide: true } }, serviceDoc);

    app.get<P>(
      `${prefix}/$metadata`,
      doc(`OData v4 CSDL metadata of ${which}`),
      guarded<P>(async (req, reply) => {
        const { release, cacheControl } = await resolve(releaseOf(req));
        const xml = metadataXml(await model(release.id));
        reply.header('OData-Version', '4.0');
        if (notModified(req, reply, strongEtag(xml), cacheControl)) return reply;
        return reply.type('application/xml; charset=utf-8').send(xml);
      }),
    );

    const entitySet = (countOnly: boolean) =>
      guarded<P>(async (req, reply) => {
        const { release, cacheControl } = await resolve(releaseOf(req));
        const m = await model(release.id);
        const setName = req.params.set as string;
        const set = m.sets.get(setName);
        if (!set)
          throw new NotFound(
            `unknown entity set '${setName}' (known: ${[...m.sets.keys()].join(', ')})`,
          );
        const options = readQueryOptions(req.query);
        let size = pageSize;
        const prefer = /odata\.maxpagesize=(\d+)/.exec(String(req.headers['prefer'] ?? ''));
        if (prefer && Number(prefer[1]) > 0) {
          size = Math.min(pageSize, Number(prefer[1]));
          reply.header('Preference-Applied', `odata.maxpagesize=${size}`);
        }
        if (countOnly) {
          const { count } = runQuery(
            set,
            { ...options, top: '0', skip: undefined, count: 'true' },
            size,
            matchesOf(release.id, set),
          );
          const body = String(count);
          reply.header('OData-Version', '4.0');
          if (notModified(req, reply, strongEtag(body), cacheControl)) return reply;
          return reply.type('text/plain; charset=utf-8').send(body);
        }
        const result: QueryResult = runQuery(set, options, size, matchesOf(release.id, set));
        const root = serviceRoot(release.id);
        const context = `${serviceRoot(explicit ? release.id : null)}$metadata#${set.name}${result.select ? `(${result.select.join(',')})` : ''}`;
        const payload: Record<string, unknown> = { '@odata.context': context };
        if (result.count !== undefined) payload['@odata.count'] = result.count;
        payload['value'] = result.value;
        if (result.next) {
          const params: [string, string][] = [];
          for (const [k, v] of Object.entries(req.query)) {
            if (k === '$skip' || k === '$top' || typeof v !== 'string') continue;
            params.push([k, v]);
          }
          params.push(['$skip', String(result.next.skip)]);
          if (result.next.top !== null) params.push(['$top', String(result.next.top)]);
          payload['@odata.nextLink'] = `${root}${set.name}?${encodeQuery(params)}`;
        }
        return sendJson(req, reply, payload, cacheControl);
      });
    app.get<P>(
      `${prefix}/:set`,
      doc(
        `OData v4 entity set of ${which}: Observations, Dimensions, MeasureCodes, PeriodenCodes, RegionSCodes, BreakdownCodes`,
        'CBS long format. Query options $filter (eq ne gt ge lt le and or not, startswith/endswith/contains), $select, $orderby, $top, $skip, $count; server-driven paging with @odata.nextLink.',
      ),
      entitySet(false),
    );
    app.get<P>(
      `${prefix}/:set/$count`,
      doc(`Number of entities of a set of ${which} (after $filter), as text`),
      entitySet(true),
    );
  }

  registerService('/odata/v4', false);
  registerService('/odata/v4/releases/:id', true);
};

export default opendataRoutes;
