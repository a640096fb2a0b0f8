/** DuckDB SQL helpers shared by the provider tool, the broker and the linkage report. */
import type { DuckDBConnection } from '@duckdb/node-api';

/** A quoted SQL identifier. */
export const q = (name: string): string => `"${name.replaceAll('"', '""')}"`;
/** A quoted SQL string literal. */
export const lit = (s: string): string => `'${s.replaceAll("'", "''")}'`;

export async function rows<T>(conn: DuckDBConnection, sql: string): Promise<T[]> {
  return (await conn.runAndReadAll(sql)).getRowObjectsJS() as T[];
}
