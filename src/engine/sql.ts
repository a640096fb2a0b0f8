/**
 * Node tree → SQL text plus parameter list, in a dialect (`dialect.ts`: DuckDB by default, or
 * PostgreSQL). With its dialects, the only place a query's text is produced: identifiers are
 * checked against a strict pattern and quoted, function names come from allowlists, and every
 * value becomes a positional parameter ($1, $2, …). Both dialects get the same parameters in the
 * same order.
 */
import { DUCKDB, type Dialect } from './dialect.js';
import {
  AGG_FNS,
  SCALAR_FNS,
  type ExprNode,
  type FromNode,
  type SelectNode,
  type Value,
} from './nodes.js';

export interface CompiledQuery {
  readonly sql: string;
  readonly params: Value[];
}

const IDENT = /^[a-z_][a-z0-9_]*$/;

function ident(name: string): string {
  if (!IDENT.test(name)) throw new Error(`invalid SQL identifier '${name}'`);
  return `"${name}"`;
}

class Compiler {
  readonly params: Value[] = [];
  constructor(
    private readonly yearList: readonly number[],
    private readonly dialect: Dialect,
  ) {}

  /** `int32`: the value is an argument of a function that takes a 32-bit integer. */
  bind(value: Value, int32 = false): string {
    this.params.push(value);
    return this.dialect.param(`$${this.params.length}`, value, int32);
  }

  expr(e: ExprNode): string {
    switch (e.kind) {
      case 'Column':
        return `${ident(e.table)}.${ident(e.column)}`;
      case 'Param':
        return this.bind(e.value);
      case 'Binary':
        return this.dialect.binary(e.op, this.expr(e.left), this.expr(e.right));
      case 'Logical':
        return `(${e.operands.map((o) => this.expr(o)).join(` ${e.op} `)})`;
      case 'Not':
        return `(NOT ${this.expr(e.expr)})`;
      case 'IsNull':
        return `(${this.expr(e.expr)} IS ${e.negated ? 'NOT ' : ''}NULL)`;
      case 'InList':
        return `(${this.expr(e.expr)} ${e.negated ? 'NOT ' : ''}IN (${e.list.map((x) => this.expr(x)).join(', ')}))`;
      case 'Call':
        if (!(SCALAR_FNS as readonly string[]).includes(e.fn))
          throw new Error(`function ${e.fn} not allowed`);
        return this.dialect.call(
          e.fn,
          e.args.map((a) =>
            e.fn === 'make_date' && a.kind === 'Param' ? this.bind(a.value, true) : this.expr(a),
          ),
        );
      case 'Agg':
        if (!(AGG_FNS as readonly string[]).includes(e.fn))
          throw new Error(`aggregate ${e.fn} not allowed`);
        return this.dialect.agg(
          e.fn,
          e.args.map((a) => this.expr(a)),
          e.distinct,
        );
      case 'Star':
        return '*';
      case 'Cast':
        return `CAST(${this.expr(e.expr)} AS ${this.dialect.type(e.type)})`;
      case 'Exists':
        return `(${e.negated ? 'NOT ' : ''}EXISTS (${this.select(e.query)}))`;
      case 'Scalar':
        return `(${this.select(e.query)})`;
      case 'Case': {
        const whens = e.whens
          .map(([w, t]) => `WHEN ${this.expr(w)} THEN ${this.expr(t)}`)
          .join(' ');
        return `CASE ${whens}${e.otherwise ? ` ELSE ${this.expr(e.otherwise)}` : ''} END`;
      }
    }
  }

  from(f: FromNode): string {
    switch (f.kind) {
      case 'Table':
        return `${ident(f.name)} AS ${ident(f.alias)}`;
      case 'Years': {
        if (this.yearList.length === 0) throw new Error('no years to compute');
        const list = this.yearList.map((y) => this.bind(y));
        return this.dialect.values(list, ident(f.column), ident(f.alias));
      }
      case 'SubqueryFrom':
        return `(${this.select(f.query)}) AS ${ident(f.alias)}`;
    }
  }

  select(s: SelectNode): string {
    const parts: string[] = [];
    if (s.with.length > 0) {
      parts.push(
        `WITH ${s.with.map((c) => `${ident(c.name)} AS (${this.select(c.query)})`).join(', ')}`,
      );
    }
    parts.push(
      `SELECT ${s.columns.map((c) => `${this.expr(c.expr)} AS ${ident(c.alias)}`).join(', ')}`,
    );
    parts.push(`FROM ${this.from(s.from)}`);
    for (const j of s.joins)
      parts.push(`${j.type} JOIN ${this.from(j.from)} ON ${this.expr(j.on)}`);
    if (s.where) parts.push(`WHERE ${this.expr(s.where)}`);
    if (s.groupBy?.kind === 'GroupBy')
      parts.push(`GROUP BY ${s.groupBy.exprs.map((e) => this.expr(e)).join(', ')}`);
    if (s.groupBy?.kind === 'GroupingSets') {
      const sets = s.groupBy.sets
        .map((set) => `(${set.map((e) => this.expr(e)).join(', ')})`)
        .join(', ');
      parts.push(`GROUP BY GROUPING SETS (${sets})`);
    }
    return parts.join('\n');
  }
}

/** Compiles a query for the given reference years (the `Years` node's list), DuckDB by default. */
export function compileSelect(
  node: SelectNode,
  yearList: readonly number[],
  dialect: Dialect = DUCKDB,
): CompiledQuery {
  const c = new Compiler(yearList, dialect);
  const sql = c.select(node);
  return { sql, params: c.params };
}
