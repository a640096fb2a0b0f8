/**
 * The unit rows of a series: one row per counted unit and year, with its buurt, the requested
 * breakdown values and the measure inputs. A series' key is the hash of this node.
 */
import { createHash } from 'node:crypto';
import { datasetContract, type DatasetContract } from '../../ingest/contracts.js';
import { AGE_GROUPS, type Breakdown, type Measure, type Series } from '../../indicators/schema.js';
import {
  and,
  bin,
  call,
  canonical,
  caseWhen,
  col,
  isNull,
  join,
  or,
  param,
  select,
  table,
  years,
  type ExprNode,
  type JoinNode,
  type SelectNode,
} from '../nodes.js';
import { YEAR, age, cents, column, dec31, jan1 } from './exprs.js';
import { breakdownColumn, UNIT } from './output.js';
import { predicate, type Scope } from './predicates.js';

function timeCondition(series: Series, contract: DatasetContract): ExprNode {
  const t = series.time;
  switch (t.type) {
    case 'year':
      return bin('=', column('t', contract, t.col), YEAR);
    case 'date':
      return bin('=', call('year', column('t', contract, t.col)), YEAR);
    case 'stock':
      return bin('<=', column('t', contract, t.col), YEAR);
    case 'active':
      return and(
        bin('<=', column('t', contract, t.start), dec31()),
        or(isNull(column('t', contract, t.end)), bin('>=', column('t', contract, t.end), jan1()))!,
      )!;
  }
}

/** Whether a series has a BRP record per unit, so it can be broken down by sex and age. */
export function hasPerson(series: Series): boolean {
  return series.dataset === 'brp_personen' || series.region.type === 'residence';
}

/** The unit rows: the base, the series' conditions and its measure inputs. */
export function unitsQuery(series: Series, breakdowns: readonly Breakdown[]): SelectNode {
  const u = unitBase(series, breakdowns);
  const m = series.measure;
  const t = (name: string) => column('t', u.contract, name);
  if (m.type === 'sum' || m.type === 'median')
    u.columns.push({ expr: cents(t(m.col)), alias: UNIT.amount });
  if (m.type === 'sum') u.columns.push({ expr: t(m.contributor), alias: UNIT.contributor });
  if (m.type === 'distinct') u.columns.push({ expr: t(m.col), alias: UNIT.distinct });
  return select({
    columns: u.columns,
    from: years('y', UNIT.year),
    joins: u.joins,
    where: and(...series.where.map((p) => predicate(p, u.scope))),
  });
}

/** The part of a series that fixes its rows: dataset, time binding and region binding. */
export function baseOf(series: Series): string {
  return canonical({ dataset: series.dataset, time: series.time, region: series.region });
}

export interface UnitBase {
  contract: DatasetContract;
  joins: JoinNode[];
  scope: Scope;
  /** Year, buurt and the breakdown values. */
  columns: { expr: ExprNode; alias: string }[];
}

/** The unit rows without their conditions and measure inputs. */
export function unitBase(series: Series, breakdowns: readonly Breakdown[]): UnitBase {
  const contract = datasetContract(series.dataset);
  const brp = datasetContract('brp_personen');
  const joins = [join('INNER', table(contract.id, 't'), timeCondition(series, contract))];
  let buurt: ExprNode;
  let person: string | null = contract.id === 'brp_personen' ? 't' : null;
  if (series.region.type === 'column') {
    buurt = column('t', contract, series.region.col);
  } else {
    joins.push(
      join(
        'INNER',
        table('brp_personen', 'r'),
        and(
          bin('=', column('r', brp, 'peiljaar'), YEAR),
          bin('=', column('r', brp, 'bsn'), column('t', contract, series.region.bsnCol)),
        )!,
      ),
    );
    buurt = column('r', brp, 'buurtcode');
    person = 'r';
  }
  const scope: Scope = { alias: 't', contract, outer: null, person, depth: 0 };
  const columns = [
    { expr: YEAR, alias: UNIT.year },
    { expr: buurt, alias: UNIT.buurt },
    ...breakdowns.map((b) => breakdownValue(b, person)),
  ];
  return { contract, joins, scope, columns };
}

function breakdownValue(b: Breakdown, person: string | null): { expr: ExprNode; alias: string } {
  if (!person) throw new Error(`breakdown ${b} needs a BRP record`);
  const alias = breakdownColumn(b).name;
  if (b === 'geslacht') return { expr: col(person, 'geslacht'), alias };
  const a = age(person);
  const whens = AGE_GROUPS.map(([label, min, max]): [ExprNode, ExprNode] => [
    and(bin('>=', a, param(min)), bin('<=', a, param(max)))!,
    param(label),
  ]);
  return { expr: caseWhen(whens), alias };
}

/** The canonical key of a count series: a hash of its unit node and measure (not of the years). */
export function seriesKey(
  series: Series,
  measure: Measure | { type: 'count' } = series.measure,
): string {
  const node = unitsQuery(series, []);
  return createHash('sha256')
    .update(canonical({ node, measure, unit: datasetContract(series.dataset).unit }))
    .digest('hex')
    .slice(0, 20);
}
