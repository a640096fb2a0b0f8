/**
 * The query of one series, or of a group of count series over the same rows: the unit rows,
 * pre-aggregated per buurt where the measure allows it, then aggregated over every level and year
 * at once (`levels.ts`). Each plan carries the description of the columns it yields (`output.ts`).
 */
import type { Breakdown, Measure, Series } from '../../indicators/schema.js';
import {
  agg,
  and,
  canonical,
  cast,
  col,
  or,
  param,
  select,
  star,
  subqueryFrom,
  years,
  type ExprNode,
  type SelectNode,
} from '../nodes.js';
import { aggregateLevels, type LevelMeasure } from './levels.js';
import {
  PARTIAL,
  UNIT,
  breakdownColumn,
  measureColumn,
  memberUnitsColumn,
  type BreakdownColumn,
  type QueryPlan,
} from './output.js';
import { predicate, type Scope } from './predicates.js';
import { baseOf, unitBase, unitsQuery } from './units.js';

type Column = { expr: ExprNode; alias: string };

/**
 * Unit rows (alias `u`) totalled per year, buurt and breakdown values, and per `extraKeys`: the
 * GROUPING SETS then run over buurt totals, not units.
 */
function perBuurt(
  units: SelectNode,
  breakdowns: readonly BreakdownColumn[],
  totals: Column[],
  extraKeys: string[] = [],
): SelectNode {
  const keys = [UNIT.year, UNIT.buurt, ...breakdowns.map((b) => b.name), ...extraKeys];
  return select({
    columns: [...keys.map((k) => ({ expr: col('u', k), alias: k })), ...totals],
    from: subqueryFrom(units, 'u'),
    groupBy: keys.map((k) => col('u', k)),
  });
}

const measure = (role: Parameters<typeof measureColumn>[0], expr: ExprNode): LevelMeasure => ({
  expr,
  column: measureColumn(role),
});

/** The source rows of a measure and its measures over them (alias `a`), units first. */
function measureSource(
  m: Measure,
  units: SelectNode,
  breakdowns: readonly BreakdownColumn[],
): { source: SelectNode; measures: LevelMeasure[] } {
  const count = agg('count', [star]);
  const amountSum = agg('sum', [col('a', PARTIAL.amount)]);
  const twoLargest = agg('max', [col('a', PARTIAL.amount), param(2)]);
  switch (m.type) {
    case 'count': {
      const n = agg('sum', [col('a', PARTIAL.units)]);
      return {
        source: perBuurt(units, breakdowns, [{ expr: count, alias: PARTIAL.units }]),
        measures: [measure('units', n), measure('contributors', n)],
      };
    }
    case 'sum': {
      const totals = [
        { expr: count, alias: PARTIAL.units },
        { expr: agg('sum', [col('u', UNIT.amount)]), alias: PARTIAL.amount },
      ];
      return {
        // One row per buurt and contributor: the contributors are the rows of the source.
        source: perBuurt(units, breakdowns, totals, [UNIT.contributor]),
        measures: [
          measure('units', agg('sum', [col('a', PARTIAL.units)])),
          measure('contributors', count),
          measure('sum', amountSum),
          measure('largest', twoLargest),
        ],
      };
    }
    case 'distinct': {
      const n = agg('count', [col('a', UNIT.distinct)], true);
      return { source: units, measures: [measure('units', n), measure('contributors', n)] };
    }
    case 'median':
      return {
        source: units,
        measures: [
          measure('units', count),
          measure('contributors', count),
          measure('median', agg('median', [col('a', UNIT.amount)])),
          measure('largest', twoLargest),
        ],
      };
  }
}

/**
 * The aggregation of a series over every level at once: the cell key and its measures — units,
 * contributors, and for amounts the sum or median and the two largest (in cents).
 */
export function planSeries(series: Series, breakdowns: readonly Breakdown[]): QueryPlan {
  const bds = breakdowns.map(breakdownColumn);
  const { source, measures } = measureSource(series.measure, unitsQuery(series, breakdowns), bds);
  return aggregateLevels(source, bds, measures, 1);
}

/**
 * Conditions every member shares go into WHERE (so they filter before the costly links); the rest
 * become one flag per member (null: the member takes every row).
 */
function splitConditions(
  members: readonly Series[],
  scope: Scope,
): { shared: ExprNode[]; flags: (ExprNode | null)[] } {
  const conjuncts = members.map((m) => {
    const all = and(...m.where.map((p) => predicate(p, scope)));
    return all === null
      ? []
      : all.kind === 'Logical' && all.op === 'AND'
        ? [...all.operands]
        : [all];
  });
  const shared = (conjuncts[0] ?? []).filter((c) =>
    conjuncts.every((list) => list.some((x) => canonical(x) === canonical(c))),
  );
  const sharedKeys = new Set(shared.map(canonical));
  const flags = conjuncts.map((list) => and(...list.filter((c) => !sharedKeys.has(canonical(c)))));
  return { shared, flags };
}

/**
 * Several count series over the same rows (same base) in one query: each member's conditions
 * become a flag column, and the aggregation counts the rows of each flag (one units column each).
 */
export function planCountGroup(
  members: readonly Series[],
  breakdowns: readonly Breakdown[],
): QueryPlan {
  const first = members[0];
  if (!first) throw new Error('groupCountQuery needs a series');
  for (const m of members) {
    if (baseOf(m) !== baseOf(first) || m.measure.type !== 'count')
      throw new Error('groupCountQuery: members must share their base and count');
  }
  const u = unitBase(first, breakdowns);
  const { shared, flags } = splitConditions(members, u.scope);
  const unrestricted = flags.some((f) => f === null);
  const units = select({
    columns: [
      ...u.columns,
      ...flags.map((f, i) => ({ expr: f ?? param(true), alias: UNIT.flag(i) })),
    ],
    from: years('y', UNIT.year),
    joins: u.joins,
    where: and(...shared, unrestricted ? null : or(...(flags as ExprNode[]))),
  });
  const bds = breakdowns.map(breakdownColumn);
  const columns = members.map((_, i) => memberUnitsColumn(i));
  const source = perBuurt(
    units,
    bds,
    columns.map((c, i) => ({
      expr: agg('sum', [cast(col('u', UNIT.flag(i)), 'INTEGER')]),
      alias: c.name,
    })),
  );
  const measures = columns.map((c) => ({ expr: agg('sum', [col('a', c.name)]), column: c }));
  return aggregateLevels(source, bds, measures, members.length);
}
