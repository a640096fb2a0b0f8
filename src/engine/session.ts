/**
 * The broker's DuckDB session: one instance per analytical database, with small typed helpers.
 * Other modules take a `DuckDBConnection` so they stay testable against an in-memory database.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DuckDBConnection, DuckDBInstance, type DuckDBValue } from '@duckdb/node-api';

export interface BrokerDatabase {
  readonly path: string;
  readonly conn: DuckDBConnection;
  close(): void;
}

export async function openBrokerDatabase(
  path = ':memory:',
  options: {
    threads?: number;
    /** DuckDB's `memory_limit` (e.g. `2GB`); beyond it DuckDB spills to `tempDirectory`. */
    memoryLimit?: string;
    /** Where DuckDB spills (default: `<path>.tmp` next to a file database). */
    tempDirectory?: string;
    preserveInsertionOrder?: boolean;
  } = {},
): Promise<BrokerDatabase> {
  const config: Record<string, string> = {
    preserve_insertion_order: String(options.preserveInsertionOrder ?? true),
  };
  if (options.threads) config.threads = String(options.threads);
  if (options.memoryLimit) config.memory_limit = options.memoryLimit;
  if (options.tempDirectory) config.temp_directory = options.tempDirectory;
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const instance = await DuckDBInstance.create(path, config);
  const conn = await instance.connect();
  return {
    path,
    conn,
    close() {
      conn.closeSync();
      instance.closeSync();
    },
  };
}

/** Runs a query and returns plain JS row objects (BIGINT as bigint, DATE as DuckDB date objects). */
export async function queryRows<T = Record<string, unknown>>(
  conn: DuckDBConnection,
  sql: string,
  params?: DuckDBValue[] | Record<string, DuckDBValue>,
): Promise<T[]> {
  const reader = await conn.runAndReadAll(sql, params);
  return reader.getRowObjectsJS() as T[];
}

/** Quotes an identifier for DuckDB SQL; identifiers here come from contracts, never from users. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Quotes a string literal (file paths in COPY/read_* cannot be bound as parameters). */
export function quoteLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
