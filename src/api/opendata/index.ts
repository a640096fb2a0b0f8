/**
 * Open data API (Fastify plugin): release downloads as CSV and Parquet, and the two OData feeds
 * that CBS's own clients read, both fed by the public cells of published releases only:
 * - v4 as datasets.cbs.nl: `/odata/v1/Datasets`, `/odata/v1/{Catalog}/{Id}/…`, and the latest
 *   release at `/odata/v4/` (cbsodata4 for R and Python, Power BI, Excel);
 * - v3 as opendata.cbs.nl: `/ODataCatalog/Tables`, `/ODataApi/OData/{Id}/…`,
 *   `/ODataFeed/OData/{Id}/…` (cbsodataR, Python cbsodata, older Power BI reports).
 */
import type { FastifyPluginAsync } from 'fastify';
import { normaliseBaseUrl } from '../http/paging.js';
import { registerDownloadRoutes } from './downloads.js';
import { OpenDataContext } from './http.js';
import type { OpendataOptions } from './types.js';
import { registerV3Routes } from './v3/index.js';
import { registerV4Routes } from './v4/routes.js';

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
export { TOTAL_BREAKDOWN, VALUE_ATTRIBUTE, FIGURES_OF_KIND } from './dataset.js';
export { strongEtag, matchesIfNoneMatch, IMMUTABLE } from './cache.js';
export { indicatorSummary, releaseSourceFromCatalog, releaseSummary } from './catalog.js';
export { canonicalV3Url } from './v3/index.js';
export { V4_ROOT, LATEST_ROOT } from './v4/routes.js';

/** The catalogue of an instance in the v4 feed (CBS's own is `CBS`); the dashboard links to it. */
export const CATALOG = 'Samenzicht';

export const opendataRoutes: FastifyPluginAsync<OpendataOptions> = async (app, opts) => {
  const ctx = new OpenDataContext(opts.releases, CATALOG);
  const feed = {
    publicBaseUrl: normaliseBaseUrl(opts.publicBaseUrl),
    pageSize: opts.pageSize ?? 10_000,
  };
  registerDownloadRoutes(app, ctx);
  registerV4Routes(app, ctx, feed);
  registerV3Routes(app, ctx, feed);
};

export default opendataRoutes;
