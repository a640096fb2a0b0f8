/**
 * One division for every year: records delivered with a buurt code of an earlier division (before
 * a gemeentelijke herindeling) count in the buurt of the region set that now holds that area, so
 * a series does not break at a herindeling. The planner joins units to `region_lookup`
 * (delivered code → current buurt, wijk, gemeente, veiligheidsregio) instead of the hierarchy.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { executorOf, type Executor } from './executor.js';

export const REGION_LOOKUP = 'region_lookup';
/** Written by ingest (src/ingest/regions-table.ts) or the test fixture; optional. */
const CONVERSION_TABLE = 'region_conversion';

/**
 * (Re)creates the temporary view `region_lookup` on `conn` (DuckDB, or an executor of another
 * dialect; the same SQL in both): every buurt of `region_hierarchy` under its own code, plus every
 * former code of `region_conversion` when that table exists. A former code that is not in the
 * table stays unknown, as it is at ingest.
 */
export async function prepareRegionLookup(conn: DuckDBConnection | Executor): Promise<void> {
  const db = executorOf(conn);
  const found = await db.query(db.dialect.tableCount(CONVERSION_TABLE));
  const hasConversion = Number([...found.values()][0]?.[0] ?? 0) > 0;
  const own =
    'SELECT buurt_code AS delivered_code, buurt_code, wijk_code, gemeente_code, veiligheidsregio_code FROM region_hierarchy';
  const former = `SELECT c.former_buurt_code, h.buurt_code, h.wijk_code, h.gemeente_code, h.veiligheidsregio_code
    FROM ${CONVERSION_TABLE} c JOIN region_hierarchy h ON h.buurt_code = c.current_buurt_code`;
  await db.run(
    `CREATE OR REPLACE TEMP VIEW ${REGION_LOOKUP} AS ${own}${hasConversion ? ` UNION ALL ${former}` : ''}`,
  );
}
