/**
 * Release downloads: the public cells as CSV (filtered as users ask) and the release's own
 * Parquet file. Published releases never change, so both carry strong ETags.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { notModified, strongEtag } from './cache.js';
import { toCsv } from './csv.js';
import { QueryError } from './filter.js';
import { guarded, Lru, NotFound, openDataDoc, type OpenDataContext } from './http.js';
import { REGION_LEVELS, type PublicCell } from './types.js';

const doc = openDataDoc;

const sendError = (reply: FastifyReply, status: number, code: string, message: string) =>
  reply
    .code(status)
    .header('Cache-Control', 'no-store')
    .type('application/json; charset=utf-8')
    .send({ error: { code, message } });

type CellsQuery = {
  Params: { id: string };
  Querystring: Record<string, string | string[] | undefined>;
};
type IdParams = { Params: { id: string } };

/** The CSV's filters, each given at most once; an empty value is no filter. */
function cellsFilter(q: CellsQuery['Querystring']) {
  const one = (name: string): string | undefined => {
    const v = q[name];
    if (Array.isArray(v)) throw new QueryError(`query parameter '${name}' may appear only once`);
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
  const year = yearRaw === undefined ? undefined : Number(yearRaw);
  return { indicator, year, level, region, parent };
}

/** `cells.csv`: the filtered public cells, each filter combination written once and kept. */
function cellsCsv(ctx: OpenDataContext) {
  const { source } = ctx;
  const csvs = new Lru<{ body: string; etag: string }>(32);
  return async (req: FastifyRequest<CellsQuery>, reply: FastifyReply) => {
    const { indicator, year, level, region, parent } = cellsFilter(req.query);
    const { release, cacheControl } = await ctx.resolve(req.params.id);
    if (indicator !== undefined && !source.indicators().some((i) => i.id === indicator)) {
      throw new QueryError(`query parameter 'indicator': unknown indicator '${indicator}'`);
    }
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
      const body = toCsv(all.filter(keep));
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
  };
}

/** `cells.parquet`: the release file itself, its ETag hashed once per file version. */
function cellsParquet(ctx: OpenDataContext) {
  const parquetTags = new Lru<string>(16);
  return async (req: FastifyRequest<IdParams>, reply: FastifyReply) => {
    const { release, cacheControl } = await ctx.resolve(req.params.id);
    const path = await ctx.source.parquetPath(release.id);
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
  };
}

export function registerDownloadRoutes(app: FastifyInstance, ctx: OpenDataContext): void {
  app.get<CellsQuery>(
    '/api/v1/releases/:id/cells.csv',
    doc(
      'Cells of a published release as CSV (UTF-8 with BOM, comma-separated, CRLF)',
      "Columns indicator_id,year,region_level,region_code,parent_code,breakdown,value,numerator,denominator,status (published, confidential, not-applicable). A confidential figure is '.', a figure that cannot occur is blank (CBS convention). Optional filters: indicator, year, level, region, parent.",
    ),
    guarded<CellsQuery>(sendError, cellsCsv(ctx)),
  );
  app.get<IdParams>(
    '/api/v1/releases/:id/cells.parquet',
    doc('Cells of a published release as Parquet (the release file itself)'),
    guarded<IdParams>(sendError, cellsParquet(ctx)),
  );
}
