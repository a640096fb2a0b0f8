/**
 * The release format: what a published release is on disk and over the API.
 * `cells.csv`/`cells.parquet` columns are an interface others rely on (ARCHITECTURE.md).
 */
import type { CellStatus, PublishedCell } from '../disclosure/index.js';

export const CELL_STATUSES = [
  'published',
  'suppressed-primary',
  'suppressed-secondary',
  'not-applicable',
] as const satisfies readonly CellStatus[];
export type { CellStatus };

/** One published cell, exactly the columns of cells.csv: what disclosure control produces. */
export type ReleaseRow = PublishedCell;

export const RELEASE_COLUMNS = [
  'indicator_id',
  'year',
  'region_level',
  'region_code',
  'parent_code',
  'breakdown',
  'value',
  'numerator',
  'denominator',
  'status',
  'rule',
] as const satisfies readonly (keyof ReleaseRow)[];

export const RELEASE_FILES = {
  manifest: 'manifest.json',
  cellsCsv: 'cells.csv',
  cellsParquet: 'cells.parquet',
  audit: 'audit.json',
} as const;

export interface InputFileRecord {
  dataset: string;
  provider: string;
  file: string;
  sha256: string;
  rows: number;
  loaded: number;
  quarantined: number;
}

export interface ReleaseManifest {
  id: string;
  format: 'samenzicht-release/1';
  createdAt: string;
  codeVersion: string;
  regionSet: { year: number; source: string };
  years: number[];
  indicators: unknown[];
  rules: Record<string, unknown>;
  inputs: InputFileRecord[];
  linkage?: unknown;
  cells: { count: number; sha256: string; byStatus: Record<string, number> };
  /** A release that revises an earlier one names it; the audit then includes the earlier cells. */
  previousRelease: string | null;
  notes: string[];
}
