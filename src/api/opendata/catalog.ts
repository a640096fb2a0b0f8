/** Adapts the public ReleaseCatalog (public release files + governance state) to the plugin's ReleaseSource. */
import type { RegionSet } from '../../regions/index.js';
import type { IndicatorMeta } from '../../contracts/index.js';
import type { ReleaseCatalog } from '../releases/catalog.js';
import type { IndicatorSummary, ReleaseSource, ReleaseSummary } from './types.js';

/** The part of a public release's information that the feeds describe a dataset with. */
export function releaseSummary(r: ReleaseSummary): ReleaseSummary {
  const { id, status, createdAt, publishedAt, years, regionSet } = r;
  return { id, status, createdAt, publishedAt, years, regionSet };
}

/** The part of an indicator's public metadata that the feeds describe their measures with. */
export function indicatorSummary(i: IndicatorSummary): IndicatorSummary {
  const { id, title, description, theme, unit, kind } = i;
  return { id, title, description, theme, unit, kind };
}

export function releaseSourceFromCatalog(
  catalog: ReleaseCatalog,
  indicators: readonly IndicatorMeta[],
  regions: RegionSet,
): ReleaseSource {
  return {
    list: async () => (await catalog.listPublic()).map(releaseSummary),
    cells: async (id) => (await catalog.cells(id)).rows,
    parquetPath: (id) => catalog.parquetPath(id),
    indicators: () => indicators.map(indicatorSummary),
    regionName: (code) => regions.get(code)?.name,
    latestPublishedId: () => catalog.latestPublishedId(),
  };
}
