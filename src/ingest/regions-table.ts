import type { DuckDBConnection } from '@duckdb/node-api';
import { buurtConversion, type RegionSet } from '../regions/index.js';

export const REGION_TABLE = 'region_hierarchy';
/**
 * Former buurt code → buurt of the region set (herindelingen up to its year). Ingest accepts a
 * former code as known; the engine counts its records in the current buurt (one division).
 */
export const CONVERSION_TABLE = 'region_conversion';

/**
 * The rows of the two tables for a region set, as plain data (a validator process gets them over
 * its IPC channel): buurt, wijk, gemeente, veiligheidsregio; and former buurt, current buurt,
 * last year.
 */
export interface RegionRows {
  hierarchy: [string, string, string, string][];
  conversion: [string, string, number][];
}

export function regionRows(regions: RegionSet): RegionRows {
  const hierarchy: RegionRows['hierarchy'] = [];
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
    hierarchy.push([buurt.code, wijk, gemeente, vr]);
  }
  const conversion: RegionRows['conversion'] = buurtConversion(regions).map((c) => [
    c.formerBuurtCode,
    c.currentBuurtCode,
    c.lastYear,
  ]);
  return { hierarchy, conversion };
}

/** Writes the region tables from their rows; returns the number of buurten. */
export async function writeRegionRows(conn: DuckDBConnection, rows: RegionRows): Promise<number> {
  await conn.run(
    `CREATE OR REPLACE TABLE ${REGION_TABLE} (buurt_code VARCHAR PRIMARY KEY, wijk_code VARCHAR NOT NULL, gemeente_code VARCHAR NOT NULL, veiligheidsregio_code VARCHAR NOT NULL)`,
  );
  const appender = await conn.createAppender(REGION_TABLE);
  for (const chain of rows.hierarchy) {
    for (const code of chain) appender.appendVarchar(code);
    appender.endRow();
  }
  appender.closeSync();
  await conn.run(
    `CREATE OR REPLACE TABLE ${CONVERSION_TABLE} (former_buurt_code VARCHAR PRIMARY KEY, current_buurt_code VARCHAR NOT NULL, last_year INTEGER NOT NULL)`,
  );
  const conversion = await conn.createAppender(CONVERSION_TABLE);
  for (const [former, current, lastYear] of rows.conversion) {
    conversion.appendVarchar(former);
    conversion.appendVarchar(current);
    conversion.appendInteger(lastYear);
    conversion.endRow();
  }
  conversion.closeSync();
  return rows.hierarchy.length;
}

/** Writes the buurt → wijk → gemeente → veiligheidsregio chain of a region set into DuckDB. */
export async function writeRegionHierarchy(
  conn: DuckDBConnection,
  regions: RegionSet,
): Promise<number> {
  return writeRegionRows(conn, regionRows(regions));
}
