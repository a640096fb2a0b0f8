import type { FeatureCollection } from 'geojson';

import type { Region as PublicRegion, RegionLevel } from '../contracts/index.js';

// The region vocabulary is declared once, in src/contracts; the regions barrel passes it on.
export { REGION_LEVELS, NATIONAL_CODE, type RegionLevel } from '../contracts/index.js';

/** A region as the public API serves it (the contract), and what the operator's set knows more. */
export interface Region extends PublicRegion {
  inhabitants?: number;
}

export interface RegionSource {
  kind: 'cbs' | 'synthetic';
  dir: string | null;
  /** One line for the CLI and the API: which files, which years. */
  description: string;
  /** The stored files the set was read from (empty for the synthetic country). */
  files?: readonly string[];
}

export interface RegionSet {
  year: number;
  source: RegionSource;
  regions: readonly Region[];
  get(code: string): Region | undefined;
  ofLevel(level: RegionLevel): Region[];
  childrenOf(code: string): Region[];
  /** Parent first, up to Nederland; empty for Nederland and unknown codes. */
  ancestors(code: string): Region[];
  /** Features with properties {code, name} in d3-geo winding; null when the level has no geometry. */
  geoJson(level: RegionLevel, within?: string): FeatureCollection | null;
}

export class RegionsDirError extends Error {
  override name = 'RegionsDirError';
}

/** A division file that cannot be imported (or a stored import that cannot be read). */
export class RegionImportError extends Error {
  override name = 'RegionImportError';
}
