/**
 * GROUPING SETS over the four hierarchy levels and Nederland, for the total and each breakdown:
 * the last step of every series query, which turns buurt rows into cells keyed `year|code|breakdown`.
 */
import { CELL_KEY_SEPARATOR, NATIONAL_CODE, joinCellKey } from '../../contracts/index.js';
import type { Breakdown } from '../../indicators/schema.js';
import {
  agg,
  bin,
  call,
  caseWhen,
  cast,
  col,
  join,
  param,
  select,
  subqueryFrom,
  table,
  type ExprNode,
  type SelectNode,
} from '../nodes.js';
import {
  CELL_KEY,
  UNIT,
  groupingColumn,
  levelCodeColumn,
  type BreakdownColumn,
  type MeasureColumn,
  type MeasureRole,
  type QueryPlan,
} from './output.js';

const HIERARCHY_LEVELS = ['veiligheidsregio', 'gemeente', 'wijk', 'buurt'] as const;

/** How a breakdown appears in a cell's `breakdown` string (e.g. `leeftijd=12-17`). */
export const BREAKDOWN_LABEL: Record<Breakdown, string> = {
  geslacht: 'geslacht',
  leeftijdsgroep: 'leeftijd',
};

/** Counts and cent sums as DOUBLE (exact below 2^53): far cheaper to hand to JS than HUGEINT. */
const AS_DOUBLE: ReadonlySet<MeasureRole> = new Set(['units', 'contributors', 'sum']);

/** A measure of the aggregation: its expression over the source rows (alias `a`) and its column. */
export interface LevelMeasure {
  expr: ExprNode;
  column: MeasureColumn;
}

/**
 * The cells of every level from `source` (year, buurt code, breakdown values, measure inputs).
 * Output: the cell key (NULL for a unit outside every breakdown category) and the measures.
 */
export function aggregateLevels(
  source: SelectNode,
  breakdowns: readonly BreakdownColumn[],
  measures: readonly LevelMeasure[],
  seriesCount: number,
): QueryPlan {
  const grouped = groupedLevels(source, breakdowns, measures);
  // Codes are never NULL in region_lookup, so the first non-NULL code is the grouped level.
  const code = call(
    'coalesce',
    ...[...HIERARCHY_LEVELS].reverse().map((l) => col('g', levelCodeColumn(l))),
    param(NATIONAL_CODE),
  );
  const bd =
    breakdowns.length === 0
      ? param('')
      : caseWhen(
          breakdowns.map((b): [ExprNode, ExprNode] => [
            bin('=', col('g', groupingColumn(b)), param(0)),
            bin('||', param(`${BREAKDOWN_LABEL[b.breakdown]}=`), col('g', b.name)),
          ]),
          param(''),
        );
  const query = select({
    columns: [
      { expr: cellKeyExpr(cast(col('g', UNIT.year), 'VARCHAR'), code, bd), alias: CELL_KEY.name },
      ...measures.map(({ column: m }) => ({
        expr: AS_DOUBLE.has(m.role) ? cast(col('g', m.name), 'DOUBLE') : col('g', m.name),
        alias: m.name,
      })),
    ],
    from: subqueryFrom(grouped, 'g'),
  });
  return { query, key: CELL_KEY, measures: measures.map((m) => m.column), seriesCount };
}

/** The GROUPING SETS query: year, the hierarchy codes, breakdown values and grouping flags. */
function groupedLevels(
  source: SelectNode,
  breakdowns: readonly BreakdownColumn[],
  measures: readonly LevelMeasure[],
): SelectNode {
  const h = (level: string) => col('h', levelCodeColumn(level));
  const year = col('a', UNIT.year);
  const sets: ExprNode[][] = [];
  for (const bd of [null, ...breakdowns]) {
    const tail = bd ? [col('a', bd.name)] : [];
    sets.push([year, ...tail]);
    for (const l of HIERARCHY_LEVELS) sets.push([year, h(l), ...tail]);
  }
  return select({
    columns: [
      { expr: year, alias: UNIT.year },
      ...HIERARCHY_LEVELS.map((l) => ({ expr: h(l), alias: levelCodeColumn(l) })),
      ...breakdowns.flatMap((b) => [
        { expr: col('a', b.name), alias: b.name },
        { expr: agg('grouping', [col('a', b.name)]), alias: groupingColumn(b) },
      ]),
      ...measures.map((m) => ({ expr: m.expr, alias: m.column.name })),
    ],
    from: subqueryFrom(source, 'a'),
    joins: [
      join(
        'INNER',
        // Delivered code → buurt of the release's division (src/engine/division.ts).
        table('region_lookup', 'h'),
        bin('=', col('h', 'delivered_code'), col('a', UNIT.buurt)),
      ),
    ],
    groupingSets: sets,
  });
}

/**
 * `cellKey(null, year, regionCode, breakdown)` (src/contracts/cells.ts) as a SQL expression over a
 * year as text, a region code and a canonical breakdown (one `label=value` part, or '').
 */
export function cellKeyExpr(year: ExprNode, regionCode: ExprNode, breakdown: ExprNode): ExprNode {
  return joinCellKey(
    { year, regionCode, breakdown },
    (a, b) => bin('||', a, b),
    param(CELL_KEY_SEPARATOR),
  );
}
