/**
 * The generator's ground truth beside the deliveries: the defects it injected and the residents
 * per year and region, as ingest should find them.
 */
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { NATIONAL_CODE } from '../regions/index.js';
import { countRows, q } from './sql.js';

/** ground-truth/defects.csv from the table `defects`; returns its path and number of rows. */
export async function writeDefects(
  conn: DuckDBConnection,
  outDir: string,
): Promise<{ path: string; count: number }> {
  const path = join(outDir, 'ground-truth', 'defects.csv');
  await conn.run(`COPY (SELECT dataset, file, "row", field, kind FROM defects ORDER BY dataset, "row", kind)
      TO ${q(path)} (FORMAT csv, HEADER true)`);
  return { path, count: await countRows(conn, 'defects') };
}

/**
 * ground-truth/population.csv. Residents: BRP rows not listed in defects.csv (all listed BRP
 * defects are rows ingest quarantines), counted per year at every level of the region set.
 */
export async function writePopulation(conn: DuckDBConnection, outDir: string): Promise<string> {
  const path = join(outDir, 'ground-truth', 'population.csv');
  await conn.run(`COPY (
      WITH r AS (
        SELECT f.peiljaar::INTEGER AS year, f.buurtcode FROM brp_file f
        WHERE f._rn NOT IN (SELECT "row" FROM defects WHERE dataset = 'brp_personen')
      ), j AS (SELECT r.year, b.buurt_code, b.wijk_code, b.gm_code, b.vr_code FROM r
        LEFT JOIN buurt_conv c ON c.former_code = r.buurtcode
        JOIN buurt b ON b.buurt_code = coalesce(c.buurt_code, r.buurtcode))
      SELECT * FROM (
      SELECT year, 'nederland' AS region_level, '${NATIONAL_CODE}' AS region_code, count(*) AS residents FROM j GROUP BY ALL
      UNION ALL SELECT year, 'veiligheidsregio', vr_code, count(*) FROM j GROUP BY ALL
      UNION ALL SELECT year, 'gemeente', gm_code, count(*) FROM j GROUP BY ALL
      UNION ALL SELECT year, 'wijk', wijk_code, count(*) FROM j GROUP BY ALL
      UNION ALL SELECT year, 'buurt', buurt_code, count(*) FROM j GROUP BY ALL)
      ORDER BY year, CASE region_level WHEN 'nederland' THEN 0 WHEN 'veiligheidsregio' THEN 1 WHEN 'gemeente' THEN 2 WHEN 'wijk' THEN 3 ELSE 4 END, region_code
    ) TO ${q(path)} (FORMAT csv, HEADER true)`);
  return path;
}
