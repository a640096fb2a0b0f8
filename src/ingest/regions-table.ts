import type { DuckDBConnection } from '@duckdb/node-api';
import { buurtConversion, type RegionSet } from '../regions/index.js';

export const REGION_TABLE = 'region_hierarchy';
/**
 * Former buurt code → buurt of the region set (herindelingen up to its year). Ingest accepts a
 * former code as known; the engine counts its records in the current buurt (one division).
 */
export const CONVERSION_TABLE = 'region_conversion';

/** Writes the buurt → wijk → gemeente → veiligheidsregio chain of a region set into DuckDB. */
export async function writeRegionHierarchy(
  conn: DuckDBConnection,
  regions: RegionSet,
): Promise<number> {
  await conn.run(
    `CREATE OR REPLACE TABLE ${REGION_TABLE} (buurt_code VARCHAR PRIMARY KEY, wijk_code VARCHAR NOT NULL, gemeente_code VARCHAR NOT NULL, veiligheidsregio_code VARCHAR NOT NULL)`,
  );
  const appender = await conn.createAppender(REGION_TABLE);
  let n = 0;
  for (const buurt of regions.ofLevel('buurt')) {
    const chain = new Map(regions.ancestors(buurt.code).map((r) => [r.level, r.code]));
    const wijk = chain.get('wijk');
    const gemeente = chain.get('gemeente');
    const vr = chain.get('veiligheidsregio');
    if (!wijk || !gemeente || !vr) {
      throw new Error(
        `region set: buurt ${buurt.code} has no complete chain up to a veiligheidsregio`,
      );
    }
    appender.appendVarchar(buurt.code);
    appender.appendVarchar(wijk);
    appender.appendVarchar(gemeente);
    appender.appendVarchar(vr);
    appender.endRow();
    n++;
  }
  appender.closeSync();
  await writeRegionConversion(conn, regions);
  return n;
}

async function writeRegionConversion(conn: DuckDBConnection, regions: RegionSet): Promise<void> {
  await conn.run(
    `CREATE OR REPLACE TABLE ${CONVERSION_TABLE} (former_buurt_code VARCHAR PRIMARY KEY, current_buurt_code VARCHAR NOT NULL, last_year INTEGER NOT NULL)`,
  );
  const appender = await conn.createAppender(CONVERSION_TABLE);
  for (const c of buurtConversion(regions)) {
    appender.appendVarchar(c.formerBuurtCode);
    appender.appendVarchar(c.currentBuurtCode);
    appender.appendInteger(c.lastYear);
    appender.endRow();
  }
  appender.closeSync();
}
