/**
 * The planner: definitions → node trees (`plan/`). A series (the units an indicator counts or sums)
 * becomes one SELECT of unit rows (`plan/units.ts`); `planSeries` wraps it in the aggregation over
 * every region level and year at once (GROUPING SETS over the region hierarchy, `plan/levels.ts`).
 * A plan describes the columns its query yields (`plan/output.ts`); the reader reads by that.
 */
import type { Breakdown, Series } from '../indicators/schema.js';
import type { SelectNode } from './nodes.js';
import { planCountGroup, planSeries } from './plan/series.js';

export { planCountGroup, planSeries } from './plan/series.js';
export { baseOf, hasPerson, seriesKey, unitsQuery } from './plan/units.js';
export { BREAKDOWN_LABEL, cellKeyExpr } from './plan/levels.js';
export type {
  BreakdownColumn,
  KeyColumn,
  MeasureColumn,
  MeasureRole,
  QueryPlan,
} from './plan/output.js';

/** The query of `planSeries`, without its output description. */
export function seriesQuery(series: Series, breakdowns: readonly Breakdown[]): SelectNode {
  return planSeries(series, breakdowns).query;
}

/** The query of `planCountGroup`, without its output description. */
export function groupCountQuery(
  members: readonly Series[],
  breakdowns: readonly Breakdown[],
): SelectNode {
  return planCountGroup(members, breakdowns).query;
}
