/**
 * Where the compiled SQL runs: a database connection with its dialect. The engine reads every
 * result column by column; the DuckDB executor is what `computeIndicators` has always used (a
 * `DuckDBConnection` is wrapped in it), the PostgreSQL one runs the same queries over `pg`.
 */
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import type { ClientBase } from 'pg';
import { DUCKDB, POSTGRES, type Dialect } from './dialect.js';
import type { Value } from './nodes.js';

export interface Executor {
  readonly dialect: Dialect;
  /** Runs a query; its result column by column, by column name, in the order of the select list. */
  query(sql: string, params?: readonly Value[]): Promise<Map<string, unknown[]>>;
  /** Runs a statement whose result is not read (DDL). */
  run(sql: string): Promise<void>;
}

/** DuckDB: values as `getColumnsJS` gives them (BIGINT as bigint, lists as arrays). */
export function duckdbExecutor(conn: DuckDBConnection): Executor {
  return {
    dialect: DUCKDB,
    async query(sql, params) {
      const reader = await conn.runAndReadAll(sql, params as DuckDBValue[] | undefined);
      const names = reader.columnNames();
      const cols = reader.getColumnsJS();
      return new Map(names.map((n, i) => [n, cols[i] ?? []]));
    },
    async run(sql) {
      await conn.run(sql);
    },
  };
}

/**
 * PostgreSQL (or Citus) over one `pg` client: one session, because the engine's `region_lookup`
 * is a temporary view. Values as `pg` parses them (BIGINT and NUMERIC as strings, which the
 * engine turns into numbers; DOUBLE PRECISION as numbers; arrays as arrays).
 */
export function postgresExecutor(client: ClientBase): Executor {
  return {
    dialect: POSTGRES,
    async query(sql, params) {
      const r = await client.query<unknown[]>({
        text: sql,
        values: params ? [...params] : [],
        rowMode: 'array',
      });
      return new Map(r.fields.map((f, i) => [f.name, r.rows.map((row) => row[i])]));
    },
    async run(sql) {
      await client.query(sql);
    },
  };
}

export function isExecutor(x: DuckDBConnection | Executor): x is Executor {
  return 'dialect' in x && typeof (x as Executor).query === 'function';
}

export function executorOf(x: DuckDBConnection | Executor): Executor {
  return isExecutor(x) ? x : duckdbExecutor(x);
}
