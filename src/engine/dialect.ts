/**
 * The SQL dialects the compiler (`sql.ts`) writes: DuckDB (the default, the broker's own database)
 * and PostgreSQL (the dialect Citus distributes, for an instance past one machine). One node tree,
 * one compiler; a dialect only spells the few constructs the two databases write differently.
 * Identifiers are quoted the same way in both (`"name"`, after the strict pattern in `sql.ts`), and
 * `GROUPING SETS`, `grouping()`, `EXISTS`, `CASE`, `coalesce`, `||` (NULL if either side is NULL),
 * `count(*)` (BIGINT) and `CAST(boolean AS INTEGER)` mean the same in both.
 */
import type { AggFn, ScalarFn, Value } from './nodes.js';

export type CastType = 'BIGINT' | 'DOUBLE' | 'INTEGER' | 'VARCHAR';
export type DialectName = 'duckdb' | 'postgres';
export const DIALECT_NAMES: readonly DialectName[] = ['duckdb', 'postgres'];

export interface Dialect {
  readonly name: DialectName;
  /**
   * A bound parameter (`placeholder` is `$n`) with the type the database needs where it cannot
   * infer one. `int32`: the argument of a function that takes a 32-bit integer (make_date).
   */
  param(placeholder: string, value: Value, int32: boolean): string;
  /** The spelling of a cast's target type. */
  type(type: CastType): string;
  /** A binary operation on compiled operands (`/` is always a division of reals). */
  binary(op: string, left: string, right: string): string;
  /** A scalar function on compiled arguments. */
  call(fn: ScalarFn, args: readonly string[]): string;
  /** An aggregate on compiled arguments (`max(x, n)`: the n largest values, largest first). */
  agg(fn: AggFn, args: readonly string[], distinct: boolean): string;
  /** A one-column derived table of the given (compiled) integer values. */
  values(items: readonly string[], column: string, alias: string): string;
  /** A query whose single value is the number of non-temporary tables named `table` in scope. */
  tableCount(table: string): string;
}

export const DUCKDB: Dialect = {
  name: 'duckdb',
  param(n, value) {
    // Give DuckDB the parameter's type where it cannot infer it from context.
    if (typeof value === 'number') return Number.isInteger(value) ? `${n}::BIGINT` : `${n}::DOUBLE`;
    if (typeof value === 'boolean') return `${n}::BOOLEAN`;
    if (typeof value === 'string') return `${n}::VARCHAR`;
    return n;
  },
  type: (t) => t,
  // DuckDB's `/` divides as reals already (integer division is `//`).
  binary: (op, l, r) => `(${l} ${op} ${r})`,
  call: (fn, args) => `${fn}(${args.join(', ')})`,
  agg: (fn, args, distinct) => `${fn}(${distinct ? 'DISTINCT ' : ''}${args.join(', ')})`,
  values: (items, column, alias) =>
    `(SELECT CAST(unnest([${items.join(', ')}]) AS INTEGER) AS ${column}) AS ${alias}`,
  tableCount: (table) =>
    `SELECT count(*) FROM duckdb_tables() WHERE table_name = '${tableName(table)}' AND NOT temporary`,
};

const PG_TYPES: Record<CastType, string> = {
  BIGINT: 'BIGINT',
  DOUBLE: 'DOUBLE PRECISION',
  INTEGER: 'INTEGER',
  VARCHAR: 'VARCHAR',
};

export const POSTGRES: Dialect = {
  name: 'postgres',
  param(n, value, int32) {
    if (typeof value === 'number') {
      if (!Number.isInteger(value)) return `${n}::DOUBLE PRECISION`;
      return int32 ? `${n}::INTEGER` : `${n}::BIGINT`;
    }
    if (typeof value === 'boolean') return `${n}::BOOLEAN`;
    if (typeof value === 'string') return `${n}::VARCHAR`;
    return n;
  },
  type: (t) => PG_TYPES[t],
  // PostgreSQL's `/` truncates on integers; the node tree means a division of reals.
  binary: (op, l, r) =>
    op === '/' ? `(CAST(${l} AS DOUBLE PRECISION) / ${r})` : `(${l} ${op} ${r})`,
  call(fn, args) {
    switch (fn) {
      case 'year':
        return `CAST(EXTRACT(YEAR FROM ${args[0]}) AS INTEGER)`;
      case 'round': {
        // DuckDB rounds a double half away from zero; PostgreSQL's round(double precision) rounds
        // half to even, and a cast to numeric keeps only 15 digits (28.499999999999996 → 28.5).
        // sign·floor(|x| + ½) is DuckDB's rounding, exactly, for every |x| ≥ ½ (and 0 below).
        const x = args[0]!;
        return `(sign(${x}) * floor(abs(${x}) + CAST(0.5 AS DOUBLE PRECISION)))`;
      }
      default:
        // make_date (its parameters bound as INTEGER), starts_with, coalesce: the same.
        return `${fn}(${args.join(', ')})`;
    }
  },
  agg(fn, args, distinct) {
    const x = args[0]!;
    if (fn === 'median') return `percentile_cont(0.5) WITHIN GROUP (ORDER BY ${x})`;
    if (fn === 'max' && args.length === 2)
      return `(array_agg(${x} ORDER BY ${x} DESC) FILTER (WHERE ${x} IS NOT NULL))[1:${args[1]}]`;
    return `${fn}(${distinct ? 'DISTINCT ' : ''}${args.join(', ')})`;
  },
  values: (items, column, alias) =>
    `(SELECT CAST(unnest(ARRAY[${items.join(', ')}]) AS INTEGER) AS ${column}) AS ${alias}`,
  tableCount: (table) =>
    `SELECT count(*) FROM pg_tables WHERE tablename = '${tableName(table)}' AND schemaname = ANY (current_schemas(false))`,
};

const TABLE = /^[a-z_][a-z0-9_]*$/;
function tableName(table: string): string {
  if (!TABLE.test(table)) throw new Error(`invalid table name '${table}'`);
  return table;
}

export function dialectOf(name: string): Dialect {
  if (name === 'duckdb') return DUCKDB;
  if (name === 'postgres') return POSTGRES;
  throw new Error(`unknown SQL dialect '${name}' (known: ${DIALECT_NAMES.join(', ')})`);
}
