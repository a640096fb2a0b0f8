/**
 * The immutable expression tree that indicator definitions compile into (after Kysely's
 * OperationNode): plain frozen objects, built only through the constructors below, turned into SQL
 * only by `sql.ts`. Values live in `Param` nodes and always become bound parameters.
 */

export type Value = string | number | boolean | null;

export type ExprNode =
  | { readonly kind: 'Column'; readonly table: string; readonly column: string }
  | { readonly kind: 'Param'; readonly value: Value }
  | {
      readonly kind: 'Binary';
      readonly op: BinaryOp;
      readonly left: ExprNode;
      readonly right: ExprNode;
    }
  | { readonly kind: 'Logical'; readonly op: 'AND' | 'OR'; readonly operands: readonly ExprNode[] }
  | { readonly kind: 'Not'; readonly expr: ExprNode }
  | { readonly kind: 'IsNull'; readonly expr: ExprNode; readonly negated: boolean }
  | {
      readonly kind: 'InList';
      readonly expr: ExprNode;
      readonly list: readonly ExprNode[];
      readonly negated: boolean;
    }
  | { readonly kind: 'Call'; readonly fn: ScalarFn; readonly args: readonly ExprNode[] }
  | {
      readonly kind: 'Agg';
      readonly fn: AggFn;
      readonly args: readonly ExprNode[];
      readonly distinct: boolean;
    }
  | { readonly kind: 'Star' }
  | {
      readonly kind: 'Cast';
      readonly expr: ExprNode;
      readonly type: 'BIGINT' | 'DOUBLE' | 'INTEGER' | 'VARCHAR';
    }
  | { readonly kind: 'Exists'; readonly query: SelectNode; readonly negated: boolean }
  | { readonly kind: 'Scalar'; readonly query: SelectNode }
  | {
      readonly kind: 'Case';
      readonly whens: readonly (readonly [ExprNode, ExprNode])[];
      readonly otherwise: ExprNode | null;
    };

export type BinaryOp = '=' | '<>' | '<' | '<=' | '>' | '>=' | '+' | '-' | '*' | '/' | '||';
export const SCALAR_FNS = ['year', 'make_date', 'starts_with', 'coalesce', 'round'] as const;
export type ScalarFn = (typeof SCALAR_FNS)[number];
export const AGG_FNS = ['count', 'sum', 'max', 'median', 'grouping'] as const;
export type AggFn = (typeof AGG_FNS)[number];

export type FromNode =
  | { readonly kind: 'Table'; readonly name: string; readonly alias: string }
  /** The reference years as a one-column table; the list is supplied at compile time. */
  | { readonly kind: 'Years'; readonly alias: string; readonly column: string }
  | { readonly kind: 'SubqueryFrom'; readonly query: SelectNode; readonly alias: string };

export interface JoinNode {
  readonly kind: 'Join';
  readonly type: 'INNER' | 'LEFT';
  readonly from: FromNode;
  readonly on: ExprNode;
}

export interface SelectNode {
  readonly kind: 'Select';
  readonly with: readonly { readonly name: string; readonly query: SelectNode }[];
  readonly columns: readonly { readonly expr: ExprNode; readonly alias: string }[];
  readonly from: FromNode;
  readonly joins: readonly JoinNode[];
  readonly where: ExprNode | null;
  readonly groupBy:
    | { readonly kind: 'GroupBy'; readonly exprs: readonly ExprNode[] }
    | { readonly kind: 'GroupingSets'; readonly sets: readonly (readonly ExprNode[])[] }
    | null;
}

function freeze<T extends object>(o: T): T {
  return Object.freeze(o);
}

/** A stable text of a node: the basis of series keys and of canonical operand order. */
export function canonical(node: unknown): string {
  return JSON.stringify(node);
}

export const col = (table: string, column: string): ExprNode =>
  freeze({ kind: 'Column', table, column });
export const param = (value: Value): ExprNode => freeze({ kind: 'Param', value });
export const bin = (op: BinaryOp, left: ExprNode, right: ExprNode): ExprNode =>
  freeze({ kind: 'Binary', op, left, right });
export const not = (expr: ExprNode): ExprNode => freeze({ kind: 'Not', expr });
export const isNull = (expr: ExprNode, negated = false): ExprNode =>
  freeze({ kind: 'IsNull', expr, negated });
export const inList = (expr: ExprNode, list: readonly ExprNode[], negated = false): ExprNode =>
  freeze({ kind: 'InList', expr, list: freeze([...list]), negated });
export const call = (fn: ScalarFn, ...args: ExprNode[]): ExprNode =>
  freeze({ kind: 'Call', fn, args: freeze(args) });
export const agg = (fn: AggFn, args: ExprNode[], distinct = false): ExprNode =>
  freeze({ kind: 'Agg', fn, args: freeze(args), distinct });
export const star: ExprNode = freeze({ kind: 'Star' });
export const cast = (expr: ExprNode, type: 'BIGINT' | 'DOUBLE' | 'INTEGER' | 'VARCHAR'): ExprNode =>
  freeze({ kind: 'Cast', expr, type });
export const exists = (query: SelectNode, negated = false): ExprNode =>
  freeze({ kind: 'Exists', query, negated });
export const scalar = (query: SelectNode): ExprNode => freeze({ kind: 'Scalar', query });
export const caseWhen = (
  whens: [ExprNode, ExprNode][],
  otherwise: ExprNode | null = null,
): ExprNode => freeze({ kind: 'Case', whens: freeze(whens.map((w) => freeze(w))), otherwise });

/**
 * Conjunction/disjunction with operands in canonical order: the same conditions in any order give
 * the same node, hence the same SQL and the same series key.
 */
export function logical(op: 'AND' | 'OR', operands: readonly ExprNode[]): ExprNode | null {
  const flat = operands.flatMap((o) => (o.kind === 'Logical' && o.op === op ? o.operands : [o]));
  if (flat.length === 0) return null;
  if (flat.length === 1) return flat[0]!;
  const sorted = [...flat].sort((a, b) =>
    canonical(a) < canonical(b) ? -1 : canonical(a) > canonical(b) ? 1 : 0,
  );
  return freeze({ kind: 'Logical' as const, op, operands: freeze(sorted) });
}
export const and = (...operands: (ExprNode | null)[]): ExprNode | null =>
  logical(
    'AND',
    operands.filter((o): o is ExprNode => o !== null),
  );
export const or = (...operands: ExprNode[]): ExprNode | null => logical('OR', operands);

export const table = (name: string, alias: string): FromNode =>
  freeze({ kind: 'Table', name, alias });
export const years = (alias: string, column: string): FromNode =>
  freeze({ kind: 'Years', alias, column });
export const subqueryFrom = (query: SelectNode, alias: string): FromNode =>
  freeze({ kind: 'SubqueryFrom', query, alias });
export const join = (type: 'INNER' | 'LEFT', from: FromNode, on: ExprNode): JoinNode =>
  freeze({ kind: 'Join', type, from, on });

export function select(parts: {
  with?: { name: string; query: SelectNode }[];
  columns: { expr: ExprNode; alias: string }[];
  from: FromNode;
  joins?: JoinNode[];
  where?: ExprNode | null;
  groupBy?: ExprNode[];
  groupingSets?: ExprNode[][];
}): SelectNode {
  return freeze({
    kind: 'Select',
    with: freeze((parts.with ?? []).map((c) => freeze({ ...c }))),
    columns: freeze(parts.columns.map((c) => freeze({ ...c }))),
    from: parts.from,
    joins: freeze([...(parts.joins ?? [])]),
    where: parts.where ?? null,
    groupBy: parts.groupingSets
      ? freeze({
          kind: 'GroupingSets' as const,
          sets: freeze(parts.groupingSets.map((s) => freeze([...s]))),
        })
      : parts.groupBy
        ? freeze({ kind: 'GroupBy' as const, exprs: freeze([...parts.groupBy]) })
        : null,
  });
}
