/** Small SQL helpers of the generator. */
import type { DuckDBConnection } from '@duckdb/node-api';

/** A string as an SQL literal. */
export const q = (s: string) => `'${s.replaceAll("'", "''")}'`;

/** The number of rows of `from` (a table, view or parenthesised query). */
export async function countRows(conn: DuckDBConnection, from: string): Promise<number> {
  return Number(
    (await conn.runAndReadAll(`SELECT count(*) FROM ${from}`)).getRowsJS()[0]?.[0] ?? 0,
  );
}
