/**
 * The cell: one figure of one indicator for one year, region and breakdown, and its one key.
 */
import { RATIO_SCALE, type RatioKind } from './indicators.js';
import type { RegionLevel } from './regions.js';

/** A computed (true, unprotected) cell, as the engine hands it to disclosure control. */
export interface ComputedCell {
  indicatorId: string;
  year: number;
  regionLevel: RegionLevel;
  regionCode: string;
  parentCode: string | null;
  breakdown: string;
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  contributors: number;
  largest: number | null;
  secondLargest: number | null;
  numeratorKey: string;
  denominatorKey: string | null;
}

/** What a cell holds beside its identity and series; amounts in euros. */
export type CellFigures = Pick<
  ComputedCell,
  'value' | 'numerator' | 'denominator' | 'contributors' | 'largest' | 'secondLargest'
>;

/** A count's figures: its value is its numerator, and no single contribution dominates it. */
export function countFigures(n: number, contributors: number): CellFigures {
  return {
    value: n,
    numerator: n,
    denominator: null,
    contributors,
    largest: null,
    secondLargest: null,
  };
}

/** A ratio's figures: every counted unit contributes; no value without a denominator. */
export function ratioFigures(kind: RatioKind, n: number, d: number): CellFigures {
  return {
    ...countFigures(n, n),
    value: d > 0 ? (RATIO_SCALE[kind] * n) / d : null,
    denominator: d,
  };
}

/** Joins the parts of a cell's key. */
export const CELL_KEY_SEPARATOR = '|';

/** Breakdown parts sorted by variable name, so `a=1&b=2` and `b=2&a=1` are the same cell. */
export function canonicalBreakdown(b: string): string {
  if (b === '') return '';
  if (!b.includes('&')) return b.trim();
  return b
    .split('&')
    .map((p) => p.trim())
    .sort()
    .join('&');
}

/**
 * A cell's identity: `series|year|regionCode|breakdown`, the breakdown canonical. `series` is an
 * indicator id (a figure), a count's series key (a disclosure variable) or null (a position
 * within one series: `year|regionCode|breakdown`, as the engine's SQL builds it; see
 * `joinCellKey`).
 */
export function cellKey(
  series: string | null,
  year: number,
  regionCode: string,
  breakdown: string,
): string {
  const position = `${year}${CELL_KEY_SEPARATOR}${regionCode}${CELL_KEY_SEPARATOR}${canonicalBreakdown(breakdown)}`;
  return series === null ? position : `${series}${CELL_KEY_SEPARATOR}${position}`;
}

/**
 * The same key as `cellKey(null, …)` over parts of any kind, for a builder that is not JS
 * strings: the engine's planner passes SQL expressions (year as text, a canonical breakdown)
 * and `||`. test/contracts/cells.test.ts checks in DuckDB that both agree.
 */
export function joinCellKey<T>(
  parts: { year: T; regionCode: T; breakdown: T },
  concat: (a: T, b: T) => T,
  separator: T,
): T {
  return concat(
    concat(concat(concat(parts.year, separator), parts.regionCode), separator),
    parts.breakdown,
  );
}
