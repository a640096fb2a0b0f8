/**
 * What a planned query yields, typed: the planner describes every output column (its role and,
 * for a measure, the series it belongs to) and the reader (`../read.ts`) reads by that description.
 * Every column name the planner gives a query's output, its unit rows and its breakdowns is made
 * here, so the planner and the reader cannot drift apart on a string.
 */
import type { Breakdown } from '../../indicators/schema.js';
import type { SelectNode } from '../nodes.js';

/**
 * What a measure column holds for one series; amounts are in cents. `units`: the units counted;
 * `contributors`: the units the dominance rules protect; `sum`: the sum of the amounts;
 * `largest`: the two largest amounts, largest first (a list); `median`: the median amount.
 */
export type MeasureRole = 'units' | 'contributors' | 'sum' | 'largest' | 'median';

/** A measure column of the output. A series without a `contributors` column counts its units. */
export interface MeasureColumn {
  readonly role: MeasureRole;
  readonly name: string;
  /** Which series of the query (0 in a one-series query; the member index in a count group). */
  readonly series: number;
}

/** The cell key `year|regioncode|breakdown` (src/contracts/cells.ts); NULL outside every category. */
export interface KeyColumn {
  readonly role: 'cellKey';
  readonly name: string;
}

/** A breakdown's value column in the unit rows and the levels aggregation. */
export interface BreakdownColumn {
  readonly role: 'breakdown';
  readonly breakdown: Breakdown;
  readonly name: string;
}

/** A planned query and the description of what it yields. */
export interface QueryPlan {
  readonly query: SelectNode;
  readonly key: KeyColumn;
  /** The measure columns, in select order. */
  readonly measures: readonly MeasureColumn[];
  /** How many series the query computes: the `series` indexes are 0 … seriesCount − 1. */
  readonly seriesCount: number;
}

export const CELL_KEY: KeyColumn = Object.freeze({ role: 'cellKey', name: 'k' });

const MEASURE_NAME: Record<MeasureRole, string> = {
  units: 'n',
  contributors: 'c',
  sum: 's',
  largest: 'top',
  median: 'med',
};

/** The measure column of the only series of a query. */
export function measureColumn(role: MeasureRole): MeasureColumn {
  return Object.freeze({ role, name: MEASURE_NAME[role], series: 0 });
}

/** The units column of member `series` of a count group (`n_0`, `n_1`, …). */
export function memberUnitsColumn(series: number): MeasureColumn {
  return Object.freeze({ role: 'units', name: `${MEASURE_NAME.units}_${series}`, series });
}

export function breakdownColumn(breakdown: Breakdown): BreakdownColumn {
  return Object.freeze({ role: 'breakdown', breakdown, name: `bd_${breakdown}` });
}

/** The columns of a unit row (`unitsQuery`) besides the breakdowns. */
export const UNIT = Object.freeze({
  year: 'year',
  buurt: 'buurt_code',
  /** The measured amount in cents (sum, median). */
  amount: 'amount',
  /** The unit the dominance rules protect (sum). */
  contributor: 'contributor',
  /** The value whose distinct occurrences are counted (distinct). */
  distinct: 'distinct_value',
  /** A member's conditions as a flag, in a count group's unit rows. */
  flag: (member: number) => `f_${member}`,
});

/** Columns of the levels aggregation: a hierarchy level's code and a breakdown's grouping flag. */
export const levelCodeColumn = (level: string): string => `${level}_code`;
export const groupingColumn = (b: BreakdownColumn): string => `g_${b.name}`;

/** The per-buurt partial totals a pre-aggregated source gives the levels aggregation to add up. */
export const PARTIAL = Object.freeze({ units: 'n', amount: UNIT.amount });
