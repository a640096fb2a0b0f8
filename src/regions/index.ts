/**
 * Region sets: the CBS hierarchy Nederland ⊃ veiligheidsregio ⊃ gemeente ⊃ wijk ⊃ buurt for one
 * year, with optional geometry, read from CBS files (plain or compressed; the project ships the
 * real Netherlands in src/regions/cbs-files/) or imported divisions, or generated as a synthetic
 * country when asked for explicitly.
 */
import { dirname } from 'node:path';
import { loadCbsRegions } from './cbs.js';
import { findRegionFile } from './files.js';
import { loadImportedRegions } from './imported-load.js';
import {
  BASE_YEAR,
  BUURT_FILE,
  REQUIRED_FILES,
  WIJK_FILE,
  checkRegionsDir,
  findImportFiles,
  projectRegionsDir,
  type ImportedFile,
} from './resolve.js';
import { buildRegionSet } from './set.js';
import { syntheticCountry } from './synthetic.js';
import { RegionsDirError, type RegionSet } from './types.js';

export { NATIONAL_CODE, REGION_LEVELS, RegionImportError, RegionsDirError } from './types.js';
export type { Region, RegionLevel, RegionSet, RegionSource } from './types.js';
export {
  BASE_YEAR,
  REQUIRED_FILES,
  SYNTHETIC_REGIONS,
  checkRegionsDir,
  describeDir,
  projectRegionsDir,
  resolveRegionsDir,
  type RegionsDirHow,
} from './resolve.js';
export { rewindForD3 } from './set.js';
export {
  ATTRIBUTION,
  MAX_YEAR,
  MIN_YEAR,
  importRegionDivision,
  type ImportOptions,
  type ImportResult,
} from './imported.js';
export { parseDivision, type Division, type DivisionFeature } from './division.js';
export {
  HERINDELINGEN,
  buurtConversion,
  currentGemeente,
  formerCode,
  herindelingenBetween,
  herindelingenIn,
  type BuurtConversion,
  type FormerGemeente,
  type Herindeling,
} from './herindelingen.js';
export { regionBasis, type RegionBasis } from './basis.js';

/** One region set a directory offers. */
export interface RegionSetEntry {
  year: number;
  /** `base`: the CBS 2023 files (with 2014 wijken/buurten); `import`: `regions import`. */
  kind: 'base' | 'import';
  files: string[];
}

/**
 * The region sets in `dir`, the one loadRegionSet picks first: newest year first; in a tie the
 * imported division (a consistent three-level set) before the base files.
 */
export function listRegionSets(dir: string): RegionSetEntry[] {
  const out: RegionSetEntry[] = findImportFiles(dir).map((f) => ({
    year: f.year,
    kind: 'import' as const,
    files: [f.path],
  }));
  const base = [...REQUIRED_FILES, WIJK_FILE, BUURT_FILE]
    .map((f) => findRegionFile(dir, f))
    .filter((p): p is string => p !== null);
  if (REQUIRED_FILES.every((f) => findRegionFile(dir, f) !== null)) {
    out.push({ year: BASE_YEAR, kind: 'base', files: base });
  }
  return out.sort((a, b) => b.year - a.year || (a.kind === 'import' ? -1 : 1));
}

/**
 * Loads a region set.
 * - `dir` null: the synthetic country (12 gemeenten, 3 veiligheidsregio's), for tests and for
 *   `--regions synthetic`; never chosen silently.
 * - `dir` a region directory (see resolveRegionsDir): its newest set, or the one of `opts.year`.
 */
export async function loadRegionSet(
  dir: string | null,
  opts: { seed?: number; year?: number } = {},
): Promise<RegionSet> {
  if (dir === null) {
    const c = syntheticCountry(opts.seed ?? 1);
    const gemeenten = c.regions.filter((r) => r.level === 'gemeente').length;
    return buildRegionSet(
      BASE_YEAR,
      {
        kind: 'synthetic',
        dir: null,
        description: `synthetic country (${gemeenten} gemeenten in 3 veiligheidsregio's, all regions generated; chosen explicitly, not CBS data)`,
        files: [],
      },
      c.regions,
      c.geometry,
    );
  }
  checkRegionsDir(dir, 'loadRegionSet', { complete: dir === projectRegionsDir() });
  const sets = listRegionSets(dir);
  const entry = opts.year === undefined ? sets[0] : sets.find((s) => s.year === opts.year);
  if (!entry) {
    throw new RegionsDirError(
      `regions directory ${dir} has no region set of ${opts.year}; it has ${sets.map((s) => s.year).join(', ')}`,
    );
  }
  if (entry.kind === 'import') {
    const file: ImportedFile = findImportFiles(dir).find((f) => f.path === entry.files[0])!;
    const imp = await loadImportedRegions(file);
    return buildRegionSet(
      imp.year,
      { kind: 'cbs', dir: dirname(file.path), description: imp.description, files: imp.files },
      imp.regions,
      imp.geometry,
    );
  }
  const cbs = await loadCbsRegions(dir);
  return buildRegionSet(
    BASE_YEAR,
    { kind: 'cbs', dir, description: cbs.description, files: cbs.files },
    cbs.regions,
    cbs.geometry,
  );
}
