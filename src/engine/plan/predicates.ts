/**
 * Predicates → expressions over the row in scope: the generic operators of a definition, links to
 * other datasets (EXISTS), and named predicates, which build their own expression through the
 * context this compiler lends them (src/indicators/predicates/).
 */
import { datasetContract, type DatasetContract } from '../../ingest/contracts.js';
import type { Link, Predicate } from '../../indicators/schema.js';
import {
  namedPredicateOf,
  type NamedPredicateCall,
  type PredicateCompileContext,
} from '../../indicators/predicates/index.js';
import {
  and,
  bin,
  call,
  canonical,
  exists,
  inList,
  isNull,
  or,
  param,
  select,
  table,
  type BinaryOp,
  type ExprNode,
  type SelectNode,
} from '../nodes.js';
import { YEAR, age, cents, column, dec31, jan1 } from './exprs.js';

export interface Scope {
  alias: string;
  contract: DatasetContract;
  outer: { alias: string; contract: DatasetContract } | null;
  /** Alias of the BRP row of the unit (for age), if any. */
  person: string | null;
  depth: number;
}

type ColumnPredicate = Extract<Predicate, { col: string }>;

const COMPARISON: Partial<Record<ColumnPredicate['op'], BinaryOp>> = {
  eq: '=',
  ne: '<>',
  lt: '<',
  lte: '<=',
  gt: '>',
  gte: '>=',
  lteOuter: '<=',
  ltOuter: '<',
  gteOuter: '>=',
};

export function predicate(p: Predicate, s: Scope): ExprNode {
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
  if (!('col' in p)) return namedPredicate(p, s);
  return columnPredicate(p, s);
}

function columnPredicate(p: ColumnPredicate, s: Scope): ExprNode {
  const c = column(s.alias, s.contract, p.col);
  switch (p.op) {
    case 'eq':
    case 'ne':
    case 'lt':
    case 'lte':
    case 'gt':
    case 'gte':
      return bin(COMPARISON[p.op]!, c, param(p.value));
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
      return bin(COMPARISON[p.op]!, c, column(s.outer.alias, s.outer.contract, p.outer));
    }
  }
}

function namedPredicate(p: NamedPredicateCall, s: Scope): ExprNode {
  const named = namedPredicateOf(p);
  if (!named) throw new Error(`unknown predicate ${Object.keys(p).join(', ')}`);
  const ctx: PredicateCompileContext = {
    row: (name) => column(s.alias, s.contract, name),
    column,
    year: YEAR,
    cents,
  };
  return named.compile(ctx);
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
