/**
 * The release format: what a release is on disk.
 *
 * `releases/<id>/` holds the public files (`manifest.json`, `cells.csv`, `cells.parquet`: the
 * public surface, see `src/public/`) and `restricted/` (mode 0700), the reviewers' report: the
 * full manifest with exact input counts, the internal rows with primary/secondary status and
 * rule, and the audit with its intervals. No route serves a file of `restricted/` to the public.
 */
import type { CellStatus, PublishedCell } from '../disclosure/index.js';
import {
  PUBLIC_CELL_COLUMNS,
  type PublicHerindeling,
  type PublicManifest,
  type PublicRegionBasis,
} from '../public/index.js';

export const CELL_STATUSES = [
  'published',
  'suppressed-primary',
  'suppressed-secondary',
  'not-applicable',
] as const satisfies readonly CellStatus[];
export type { CellStatus };

/** One internal release row (restricted): what disclosure control produces, with its rule. */
export type ReleaseRow = PublishedCell;

/** Columns of the restricted `restricted/cells.csv`: the public ones and the rule. */
export const RELEASE_COLUMNS = [
  ...PUBLIC_CELL_COLUMNS,
  'rule',
] as const satisfies readonly (keyof ReleaseRow)[];

export const RESTRICTED_DIR = 'restricted';

export const RELEASE_FILES = {
  /** Public. */
  manifest: 'manifest.json',
  cellsCsv: 'cells.csv',
  cellsParquet: 'cells.parquet',
  /** Restricted: reviewers, the broker and the board only. */
  restrictedManifest: `${RESTRICTED_DIR}/manifest.json`,
  restrictedCells: `${RESTRICTED_DIR}/cells.csv`,
  audit: `${RESTRICTED_DIR}/audit.json`,
} as const;

export const PUBLIC_RELEASE_FILES = [
  RELEASE_FILES.manifest,
  RELEASE_FILES.cellsCsv,
  RELEASE_FILES.cellsParquet,
] as const;

export interface InputFileRecord {
  dataset: string;
  provider: string;
  file: string;
  sha256: string;
  rows: number;
  loaded: number;
  quarantined: number;
  [more: string]: unknown;
}

/** The full manifest (restricted): the public one plus exact inputs, linkage and the internal hash. */
export interface ReleaseManifest {
  id: string;
  format: 'samenzicht-release/2';
  createdAt: string;
  codeVersion: string;
  /**
   * `source` is the region set's technical description (files, years): restricted. `basis`: all
   * years on the division of `year` (absent in releases made before it was recorded).
   */
  regionSet: {
    year: number;
    kind: 'cbs' | 'synthetic';
    source: string;
    basis?: PublicRegionBasis;
    herindelingen?: PublicHerindeling[];
  };
  years: number[];
  indicators: { id: string; levels: string[]; breakdowns?: string[]; [more: string]: unknown }[];
  rules: PublicManifest['rules'];
  inputs: InputFileRecord[];
  linkage?: unknown;
  /** Hash and counts of the internal rows (restricted/cells.csv). */
  cells: { count: number; sha256: string; byStatus: Record<string, number> };
  /** A release that revises an earlier one names it; the audit then includes the earlier cells. */
  previousRelease: string | null;
  notes: PublicManifest['notes'];
}
