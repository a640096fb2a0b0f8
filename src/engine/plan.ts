/**
 * Definitions → node trees. A series (the units an indicator counts or sums) becomes one SELECT of
 * unit rows; `seriesQuery` wraps it in the aggregation over every region level and year at once
 * (GROUPING SETS over the region hierarchy).
 */
import { createHash } from 'node:crypto';
import { CELL_KEY_SEPARATOR, NATIONAL_CODE, joinCellKey } from '../contracts/index.js';
import { brokerColumnName, datasetContract, type DatasetContract } from '../ingest/contracts.js';
import {
  AGE_GROUPS,
  type Breakdown,
  type Link,
  type Measure,
  type Predicate,
  type Series,
} from '../indicators/schema.js';
import {
  agg,
  and,
  bin,
  call,
  canonical,
  caseWhen,
  cast,
  col,
  exists,
  inList,
  isNull,
  join,
  or,
  param,
  scalar,
  select,
  star,
  subqueryFrom,
  table,
  years,
  type ExprNode,
  type SelectNode,
} from './nodes.js';

const YEAR: ExprNode = col('y', 'year');
const HIERARCHY_LEVELS = ['veiligheidsregio', 'gemeente', 'wijk', 'buurt'] as const;
/** How a breakdown appears in a cell's `breakdown` string (e.g. `leeftijd=12-17`). */
export const BREAKDOWN_LABEL: Record<Breakdown, string> = {
  geslacht: 'geslacht',
  leeftijdsgroep: 'leeftijd',
};

interface Scope {
  alias: string;
  contract: DatasetContract;
  outer: { alias: string; contract: DatasetContract } | null;
  /** Alias of the BRP row of the unit (for age), if any. */
  person: string | null;
  depth: number;
}

function column(alias: string, contract: DatasetContract, name: string): ExprNode {
  const c = contract.columns.find((x) => x.name === name);
  if (!c) throw new Error(`dataset ${contract.id} has no column ${name}`);
  return col(alias, brokerColumnName(c));
}

const jan1 = (): ExprNode => call('make_date', YEAR, param(1), param(1));
const dec31 = (): ExprNode => call('make_date', YEAR, param(12), param(31));
/** Whole cents, so that sums and comparisons are exact whatever the order of addition. */
const cents = (e: ExprNode): ExprNode => cast(call('round', bin('*', e, param(100))), 'BIGINT');
const age = (person: string): ExprNode =>
  bin('-', YEAR, call('year', col(person, 'geboortedatum')));

function predicate(p: Predicate, s: Scope): ExprNode {
  if ('age' in p) {
    if (!s.person) throw new Error('age needs a BRP record');
    return and(
      bin('>=', age(s.person), param(p.age.min)),
      bin('<=', age(s.person), param(p.age.max)),
    )!;
  }
  if ('anyOf' in p) return or(...p.anyOf.map((q) => predicate(q, s)))!;
  if ('exists' in p) return exists(linkQuery(p.exists, s));
  if ('notExists' in p) return exists(linkQuery(p.notExists, s), true);
  if ('unexplainedPurchase' in p) return unexplained(p.unexplainedPurchase, s);
  const c = column(s.alias, s.contract, p.col);
  switch (p.op) {
    case 'eq':
      return bin('=', c, param(p.value));
    case 'ne':
      return bin('<>', c, param(p.value));
    case 'lt':
      return bin('<', c, param(p.value));
    case 'lte':
      return bin('<=', c, param(p.value));
    case 'gt':
      return bin('>', c, param(p.value));
    case 'gte':
      return bin('>=', c, param(p.value));
    case 'in':
    case 'notIn': {
      // Sorted, so the order of values in a definition does not change the tree or its key.
      const values = [...new Set(p.values)].sort((a, b) =>
        canonical(a) < canonical(b) ? -1 : canonical(a) > canonical(b) ? 1 : 0,
      );
      return inList(c, values.map(param), p.op === 'notIn');
    }
    case 'startsWith':
      return or(...[...p.values].sort().map((v) => call('starts_with', c, param(v))))!;
    case 'isNull':
      return isNull(c);
    case 'notNull':
      return isNull(c, true);
    case 'inYear':
      return bin('=', call('year', c), YEAR);
    case 'beforeYear':
      return bin('<', c, jan1());
    case 'notBeforeYear':
      return bin('>=', c, jan1());
    case 'byYearEnd':
      return bin('<=', c, dec31());
    case 'isYear':
      return bin('=', c, YEAR);
    case 'lteOuter':
    case 'ltOuter':
    case 'gteOuter': {
      if (!s.outer) throw new Error(`${p.op} outside a link`);
      const o = column(s.outer.alias, s.outer.contract, p.outer);
      return bin(p.op === 'lteOuter' ? '<=' : p.op === 'ltOuter' ? '<' : '>=', c, o);
    }
  }
}

function linkQuery(l: Link, s: Scope): SelectNode {
  // Aliases follow the nesting depth, not the order of predicates, so reordering keeps the tree.
  const alias = `l${s.depth + 1}`;
  const contract = datasetContract(l.dataset);
  const inner: Scope = {
    alias,
    contract,
    outer: { alias: s.alias, contract: s.contract },
    person: null,
    depth: s.depth + 1,
  };
  const matches = l.match.map((m) =>
    bin('=', column(alias, contract, m.col), column(s.alias, s.contract, m.outer)),
  );
  return select({
    columns: [{ expr: param(1), alias: 'one' }],
    from: table(contract.id, alias),
    where: and(...matches, ...l.where.map((q) => predicate(q, inner))),
  });
}

function unexplained(
  u: { price: string; buyer: string; incomeMultiple: number; threshold: number },
  s: Scope,
): ExprNode {
  const brp = datasetContract('brp_personen');
  const inc = datasetContract('bd_inkomen');
  const buyer = column(s.alias, s.contract, u.buyer);
  const budget = select({
    columns: [
      {
        expr: call(
          'coalesce',
          agg('sum', [
            bin(
              '+',
              bin('*', cents(column('hi', inc, 'verzamelinkomen')), param(u.incomeMultiple)),
              cents(column('hi', inc, 'vermogen')),
            ),
          ]),
          param(0),
        ),
        alias: 'budget',
      },
    ],
    from: table('brp_personen', 'hb'),
    joins: [
      join(
        'INNER',
        table('brp_personen', 'hm'),
        and(
          bin('=', column('hm', brp, 'peiljaar'), column('hb', brp, 'peiljaar')),
          bin('=', column('hm', brp, 'huishoudnummer'), column('hb', brp, 'huishoudnummer')),
        )!,
      ),
      join(
        'INNER',
        table('bd_inkomen', 'hi'),
        and(
          bin('=', column('hi', inc, 'jaar'), column('hm', brp, 'peiljaar')),
          bin('=', column('hi', inc, 'bsn'), column('hm', brp, 'bsn')),
        )!,
      ),
    ],
    where: and(
      bin('=', column('hb', brp, 'peiljaar'), YEAR),
      bin('=', column('hb', brp, 'bsn'), buyer),
    ),
  });
  const price = cents(column(s.alias, s.contract, u.price));
  return bin('>', bin('-', price, scalar(budget)), param(Math.round(u.threshold * 100)));
}

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

/**
 * The unit rows of a series: one row per counted unit and year, with its buurt, the requested
 * breakdown values and the measure inputs.
 */
export function unitsQuery(series: Series, breakdowns: readonly Breakdown[]): SelectNode {
  const u = unitBase(series, breakdowns);
  const m = series.measure;
  const t = (name: string) => column('t', u.contract, name);
  if (m.type === 'sum' || m.type === 'median')
    u.columns.push({ expr: cents(t(m.col)), alias: 'amount' });
  if (m.type === 'sum') u.columns.push({ expr: t(m.contributor), alias: 'contributor' });
  if (m.type === 'distinct') u.columns.push({ expr: t(m.col), alias: 'distinct_value' });
  return select({
    columns: u.columns,
    from: years('y', 'year'),
    joins: u.joins,
    where: and(...series.where.map((p) => predicate(p, u.scope))),
  });
}

/** The part of a series that fixes its rows: dataset, time binding and region binding. */
export function baseOf(series: Series): string {
  return canonical({ dataset: series.dataset, time: series.time, region: series.region });
}

function unitBase(series: Series, breakdowns: readonly Breakdown[]) {
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
    { expr: YEAR, alias: 'year' },
    { expr: buurt, alias: 'buurt_code' },
  ];
  for (const b of breakdowns) {
    if (!person) throw new Error(`breakdown ${b} needs a BRP record`);
    if (b === 'geslacht') columns.push({ expr: col(person, 'geslacht'), alias: 'bd_geslacht' });
    if (b === 'leeftijdsgroep') {
      const a = age(person);
      const whens = AGE_GROUPS.map(([label, min, max]): [ExprNode, ExprNode] => [
        and(bin('>=', a, param(min)), bin('<=', a, param(max)))!,
        param(label),
      ]);
      columns.push({ expr: caseWhen(whens), alias: 'bd_leeftijdsgroep' });
    }
  }
  return { contract, joins, scope, columns };
}

/**
 * Several count series over the same rows (same base) in one query: each member's conditions
 * become a flag column, and the aggregation counts the rows of each flag (`n_0`, `n_1`, …).
 */
export function groupCountQuery(
  members: readonly Series[],
  breakdowns: readonly Breakdown[],
): SelectNode {
  const first = members[0];
  if (!first) throw new Error('groupCountQuery needs a series');
  for (const m of members) {
    if (baseOf(m) !== baseOf(first) || m.measure.type !== 'count')
      throw new Error('groupCountQuery: members must share their base and count');
  }
  const u = unitBase(first, breakdowns);
  // Conditions every member shares go into WHERE (so they filter before the costly links);
  // the rest become one flag per member.
  const conjuncts = members.map((m) => {
    const all = and(...m.where.map((p) => predicate(p, u.scope)));
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
  const unrestricted = flags.some((f) => f === null);
  const units = select({
    columns: [...u.columns, ...flags.map((f, i) => ({ expr: f ?? param(true), alias: `f_${i}` }))],
    from: years('y', 'year'),
    joins: u.joins,
    where: and(...shared, unrestricted ? null : or(...(flags as ExprNode[]))),
  });
  const bdCols = breakdowns.map((b) => `bd_${b}`);
  const keys = [col('u', 'year'), col('u', 'buurt_code'), ...bdCols.map((b) => col('u', b))];
  const source = select({
    columns: [
      { expr: col('u', 'year'), alias: 'year' },
      { expr: col('u', 'buurt_code'), alias: 'buurt_code' },
      ...bdCols.map((b) => ({ expr: col('u', b), alias: b })),
      ...members.map((_, i) => ({
        expr: agg('sum', [cast(col('u', `f_${i}`), 'INTEGER')]),
        alias: `n_${i}`,
      })),
    ],
    from: subqueryFrom(units, 'u'),
    groupBy: keys,
  });
  return aggregateLevels(
    source,
    bdCols,
    members.map((_, i) => ({ expr: agg('sum', [col('a', `n_${i}`)]), alias: `n_${i}` })),
  );
}

/**
 * GROUPING SETS over the four hierarchy levels and Nederland, for the total and each breakdown.
 * Output: `k` = `year|regioncode|breakdown` (NULL for a unit outside every breakdown category)
 * and the measures.
 */
function aggregateLevels(
  source: SelectNode,
  bdCols: string[],
  measures: { expr: ExprNode; alias: string }[],
): SelectNode {
  const h = (level: string) => col('h', `${level}_code`);
  const sets: ExprNode[][] = [];
  for (const bd of [null, ...bdCols]) {
    const tail = bd ? [col('a', bd)] : [];
    sets.push([col('a', 'year'), ...tail]);
    for (const l of HIERARCHY_LEVELS) sets.push([col('a', 'year'), h(l), ...tail]);
  }
  const grouped = select({
    columns: [
      { expr: col('a', 'year'), alias: 'year' },
      ...HIERARCHY_LEVELS.map((l) => ({ expr: h(l), alias: `${l}_code` })),
      ...bdCols.flatMap((b) => [
        { expr: col('a', b), alias: b },
        { expr: agg('grouping', [col('a', b)]), alias: `g_${b}` },
      ]),
      ...measures,
    ],
    from: subqueryFrom(source, 'a'),
    joins: [
      join(
        'INNER',
        // Delivered code → buurt of the release's division (src/engine/division.ts).
        table('region_lookup', 'h'),
        bin('=', col('h', 'delivered_code'), col('a', 'buurt_code')),
      ),
    ],
    groupingSets: sets,
  });
  // Codes are never NULL in region_lookup, so the first non-NULL code is the grouped level.
  const code = call(
    'coalesce',
    ...[...HIERARCHY_LEVELS].reverse().map((l) => col('g', `${l}_code`)),
    param(NATIONAL_CODE),
  );
  const bd =
    bdCols.length === 0
      ? param('')
      : caseWhen(
          bdCols.map((b): [ExprNode, ExprNode] => [
            bin('=', col('g', `g_${b}`), param(0)),
            bin('||', param(`${BREAKDOWN_LABEL[b.slice(3) as Breakdown]}=`), col('g', b)),
          ]),
          param(''),
        );
  return select({
    columns: [
      { expr: cellKeyExpr(cast(col('g', 'year'), 'VARCHAR'), code, bd), alias: 'k' },
      // Counts and cent sums as DOUBLE (exact below 2^53): far cheaper to hand to JS than HUGEINT.
      ...measures.map((m) => ({
        expr:
          m.alias === 'top' || m.alias === 'med'
            ? col('g', m.alias)
            : cast(col('g', m.alias), 'DOUBLE'),
        alias: m.alias,
      })),
    ],
    from: subqueryFrom(grouped, 'g'),
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

/**
 * The aggregation of a series over every level at once. Output columns: year, the four hierarchy
 * codes, breakdown values, `g_<level>`/`g_<breakdown>` grouping flags (0 = grouped by it), and
 * n (units), c (contributors), s (sum in cents), top (two largest), med (median in cents).
 */
export function seriesQuery(series: Series, breakdowns: readonly Breakdown[]): SelectNode {
  const units = unitsQuery(series, breakdowns);
  const m = series.measure;
  const bdCols = breakdowns.map((b) => `bd_${b}`);
  // Pre-aggregate where the measure allows it, so GROUPING SETS run over buurt totals, not units.
  let source: SelectNode;
  let n: ExprNode;
  let c: ExprNode;
  const extra: { expr: ExprNode; alias: string }[] = [];
  const keys = [col('u', 'year'), col('u', 'buurt_code'), ...bdCols.map((b) => col('u', b))];
  const keyCols = (q: string) => [
    { expr: col(q, 'year'), alias: 'year' },
    { expr: col(q, 'buurt_code'), alias: 'buurt_code' },
    ...bdCols.map((b) => ({ expr: col(q, b), alias: b })),
  ];
  if (m.type === 'count') {
    source = select({
      columns: [...keyCols('u'), { expr: agg('count', [star]), alias: 'n' }],
      from: subqueryFrom(units, 'u'),
      groupBy: keys,
    });
    n = agg('sum', [col('a', 'n')]);
    c = n;
  } else if (m.type === 'sum') {
    source = select({
      columns: [
        ...keyCols('u'),
        { expr: col('u', 'contributor'), alias: 'contributor' },
        { expr: agg('count', [star]), alias: 'n' },
        { expr: agg('sum', [col('u', 'amount')]), alias: 'amount' },
      ],
      from: subqueryFrom(units, 'u'),
      groupBy: [...keys, col('u', 'contributor')],
    });
    n = agg('sum', [col('a', 'n')]);
    c = agg('count', [star]);
    extra.push(
      { expr: agg('sum', [col('a', 'amount')]), alias: 's' },
      { expr: agg('max', [col('a', 'amount'), param(2)]), alias: 'top' },
    );
  } else {
    source = units;
    n = agg('count', [star]);
    c = m.type === 'distinct' ? agg('count', [col('a', 'distinct_value')], true) : n;
    if (m.type === 'distinct') n = c;
    if (m.type === 'median') {
      extra.push(
        { expr: agg('median', [col('a', 'amount')]), alias: 'med' },
        { expr: agg('max', [col('a', 'amount'), param(2)]), alias: 'top' },
      );
    }
  }
  return aggregateLevels(source, bdCols, [
    { expr: n, alias: 'n' },
    { expr: c, alias: 'c' },
    ...extra,
  ]);
}
