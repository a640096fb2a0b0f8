/** Adapts the public ReleaseCatalog (public release files + governance state) to the plugin's ReleaseSource. */
import type { RegionSet } from '../../regions/index.js';
import type { IndicatorMeta } from '../meta/routes.js';
import type { ReleaseCatalog } from '../releases/catalog.js';
import type { ReleaseSource } from './types.js';

export function releaseSourceFromCatalog(
  catalog: ReleaseCatalog,
  indicators: readonly IndicatorMeta[],
  regions: RegionSet,
): ReleaseSource {
  return {
    list: async () =>
      (await catalog.listPublic()).map(({ id, status, createdAt, publishedAt }) => ({
        id,
        status,
        createdAt,
        publishedAt,
      })),
    cells: async (id) => (await catalog.cells(id)).rows,
    parquetPath: (id) => catalog.parquetPath(id),
    indicators: () => indicators.map(({ id, title, unit, kind }) => ({ id, title, unit, kind })),
    regionName: (code) => regions.get(code)?.name,
    latestPublishedId: () => catalog.latestPublishedId(),
  };
}
