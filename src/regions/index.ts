/**
 * Region sets: the CBS hierarchy Nederland ⊃ veiligheidsregio ⊃ gemeente ⊃ wijk ⊃ buurt for one
 * year, with optional geometry, read from CBS files or generated as a synthetic country.
 */
import { loadCbsRegions } from './cbs.js';
import { buildRegionSet } from './set.js';
import { syntheticCountry } from './synthetic.js';
import type { RegionSet } from './types.js';

export { REGION_LEVELS, RegionsDirError } from './types.js';
export type { Region, RegionLevel, RegionSet, RegionSource } from './types.js';
export { resolveRegionsDir, REQUIRED_FILES } from './resolve.js';
export { rewindForD3 } from './set.js';

/** Year of the gemeente/veiligheidsregio division. */
const REGION_YEAR = 2023;

/** Loads the CBS region set from `dir`, or generates the synthetic country when `dir` is null. */
export async function loadRegionSet(
  dir: string | null,
  opts: { seed?: number } = {},
): Promise<RegionSet> {
  if (dir === null) {
    const c = syntheticCountry(opts.seed ?? 1);
    const gemeenten = c.regions.filter((r) => r.level === 'gemeente').length;
    return buildRegionSet(
      REGION_YEAR,
      {
        kind: 'synthetic',
        dir: null,
        description: `synthetic country (${gemeenten} gemeenten in 3 veiligheidsregio's, all regions generated; no CBS region files found)`,
      },
      c.regions,
      c.geometry,
    );
  }
  const cbs = await loadCbsRegions(dir);
  return buildRegionSet(
    REGION_YEAR,
    { kind: 'cbs', dir, description: cbs.description },
    cbs.regions,
    cbs.geometry,
  );
}
