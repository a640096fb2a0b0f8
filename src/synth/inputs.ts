/**
 * The model's only input: the region set as three small CSVs (gemeenten with their scaled
 * population, buurten, herindelingen), read by DuckDB into `gm`, `buurt_in` and `buurt_conv`.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { buurtConversion, type RegionSet } from '../regions/index.js';
import { scaledPopulation } from './params.js';
import { q } from './sql.js';

function csvLine(values: (string | number)[]): string {
  return values
    .map((v) =>
      typeof v === 'string' && /[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : String(v),
    )
    .join(',');
}

const csvFile = (lines: string[]) => `${lines.join('\n')}\n`;

function gemeenteLines(regions: RegionSet, scale: number): string[] {
  const lines = ['gm_code,vr_code,inhabitants,target'];
  for (const g of regions.ofLevel('gemeente')) {
    const inh = g.inhabitants ?? 0;
    lines.push(csvLine([g.code, g.parentCode ?? '', inh, scaledPopulation(inh, scale)]));
  }
  return lines;
}

function buurtLines(regions: RegionSet): string[] {
  const lines = ['buurt_code,wijk_code,gm_code'];
  for (const b of regions.ofLevel('buurt')) {
    const chain = regions.ancestors(b.code);
    const wijk = chain.find((r) => r.level === 'wijk');
    const gm = chain.find((r) => r.level === 'gemeente');
    if (!wijk || !gm) throw new Error(`region set: buurt ${b.code} lacks a wijk or gemeente`);
    lines.push(csvLine([b.code, wijk.code, gm.code]));
  }
  const gemeentenWithoutBuurt = regions
    .ofLevel('gemeente')
    .filter((g) =>
      regions.childrenOf(g.code).every((w) => regions.childrenOf(w.code).length === 0),
    );
  if (gemeentenWithoutBuurt.length > 0) {
    throw new Error(`region set: gemeente ${gemeentenWithoutBuurt[0]!.code} has no buurten`);
  }
  return lines;
}

function conversionLines(regions: RegionSet): string[] {
  const lines = [
    'former_buurt_code,former_gemeente_code,current_buurt_code,current_gemeente_code,last_year',
  ];
  for (const c of buurtConversion(regions)) {
    lines.push(
      csvLine([
        c.formerBuurtCode,
        c.formerGemeenteCode,
        c.currentBuurtCode,
        c.currentGemeenteCode,
        c.lastYear,
      ]),
    );
  }
  return lines;
}

/**
 * Writes the inputs (the herindelingen to `conversionPath`, beside the ground truth; the others to
 * `work`) and reads them into DuckDB.
 */
export async function loadRegionInputs(
  conn: DuckDBConnection,
  regions: RegionSet,
  scale: number,
  files: { work: string; conversionPath: string },
): Promise<void> {
  const gmPath = join(files.work, 'gm.csv');
  const buurtPath = join(files.work, 'buurt.csv');
  const gemeenten = gemeenteLines(regions, scale);
  const buurten = buurtLines(regions);
  await writeFile(files.conversionPath, csvFile(conversionLines(regions)));
  await writeFile(gmPath, csvFile(gemeenten));
  await writeFile(buurtPath, csvFile(buurten));
  await conn.run(`CREATE TABLE gm AS SELECT * FROM read_csv(${q(gmPath)}, header = true,
      columns = {'gm_code': 'VARCHAR', 'vr_code': 'VARCHAR', 'inhabitants': 'BIGINT', 'target': 'BIGINT'})`);
  await conn.run(`CREATE TABLE buurt_in AS SELECT * FROM read_csv(${q(buurtPath)}, header = true,
      columns = {'buurt_code': 'VARCHAR', 'wijk_code': 'VARCHAR', 'gm_code': 'VARCHAR'})`);
  await conn.run(`CREATE TABLE buurt_conv AS SELECT current_buurt_code AS buurt_code, former_buurt_code AS former_code, last_year
      FROM read_csv(${q(files.conversionPath)}, header = true, columns = {'former_buurt_code': 'VARCHAR', 'former_gemeente_code': 'VARCHAR',
        'current_buurt_code': 'VARCHAR', 'current_gemeente_code': 'VARCHAR', 'last_year': 'INTEGER'})`);
}
