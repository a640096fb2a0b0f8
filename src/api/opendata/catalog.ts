/** Adapts the lead's ReleaseCatalog (release files + governance state) to the plugin's ReleaseSource. */
import { join } from 'node:path';
import type { RegionSet } from '../../regions/index.js';
import { releasesDir, RELEASE_FILES } from '../../release/index.js';
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
      (await catalog.list()).map(({ id, status, createdAt, publishedAt }) => ({
        id,
        status,
        createdAt,
        publishedAt,
      })),
    cells: async (id) => catalog.cells(id).rows,
    parquetPath: (id) => join(releasesDir(catalog.dataDir), id, RELEASE_FILES.cellsParquet),
    indicators: () => indicators.map(({ id, title, unit, kind }) => ({ id, title, unit, kind })),
    regionName: (code) => regions.get(code)?.name,
    latestPublishedId: () => catalog.latestPublishedId(),
  };
}
