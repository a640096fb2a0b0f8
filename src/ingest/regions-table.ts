import type { DuckDBConnection } from '@duckdb/node-api';
import type { RegionSet } from '../regions/index.js';

export const REGION_TABLE = 'region_hierarchy';

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
  return n;
}
