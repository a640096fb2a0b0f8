/**
 * Broker-shaped tables from raw provider files, for tests and benchmarks of the engine without the
 * full ingest: the quarantine rule of the ground truth, then identifier columns replaced by a hash
 * and renamed `*_pseudonym`, plus `region_hierarchy`. Production data arrive through ingest instead.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { DATASETS, brokerColumnName } from '../../src/ingest/contracts.js';
import {
  loadRawTables,
  readFormerBuurten,
  type RawLoadReport,
  type RegionHierarchyRow,
} from './truth/ground-truth.js';

const id = (s: string) => `"${s.replaceAll('"', '""')}"`;

export async function createRegionHierarchy(
  conn: DuckDBConnection,
  rows: readonly RegionHierarchyRow[],
): Promise<void> {
  await conn.run(
    'CREATE OR REPLACE TABLE region_hierarchy (buurt_code VARCHAR PRIMARY KEY, wijk_code VARCHAR NOT NULL, gemeente_code VARCHAR NOT NULL, veiligheidsregio_code VARCHAR NOT NULL)',
  );
  const a = await conn.createAppender('region_hierarchy');
  for (const r of rows) {
    a.appendVarchar(r.buurt_code);
    a.appendVarchar(r.wijk_code);
    a.appendVarchar(r.gemeente_code);
    a.appendVarchar(r.veiligheidsregio_code);
    a.endRow();
  }
  a.closeSync();
}

/** Turns `raw_<dataset>` tables into broker tables `<dataset>`; drops the raw tables. */
export async function brokerFromRawTables(conn: DuckDBConnection): Promise<void> {
  for (const d of DATASETS) {
    const cols = d.columns
      .map((c) =>
        c.identifier
          ? `md5('samenzicht-test:' || ${id(c.name)}) AS ${id(brokerColumnName(c))}`
          : id(c.name),
      )
      .join(', ');
    await conn.run(
      `CREATE OR REPLACE TABLE ${id(d.id)} AS SELECT ${cols} FROM ${id(`raw_${d.id}`)}`,
    );
    await conn.run(`DROP TABLE ${id(`raw_${d.id}`)}`);
  }
}

/** Former buurt code → current buurt code (herindelingen), as ingest writes it. */
export async function createRegionConversion(
  conn: DuckDBConnection,
  rows: readonly { formerBuurtCode: string; currentBuurtCode: string; lastYear?: number }[],
): Promise<void> {
  await conn.run(
    'CREATE OR REPLACE TABLE region_conversion (former_buurt_code VARCHAR PRIMARY KEY, current_buurt_code VARCHAR NOT NULL, last_year INTEGER)',
  );
  const a = await conn.createAppender('region_conversion');
  for (const r of rows) {
    a.appendVarchar(r.formerBuurtCode);
    a.appendVarchar(r.currentBuurtCode);
    if (r.lastYear === undefined) a.appendNull();
    else a.appendInteger(r.lastYear);
    a.endRow();
  }
  a.closeSync();
}

/**
 * Raw synthetic delivery → broker tables + region_hierarchy (+ region_conversion) in `conn`.
 * `conversion`: the former buurt codes of the region set's herindelingen (buurtConversion in
 * src/regions); by default the table the generator wrote beside its ground truth.
 */
export async function loadSynthAsBroker(
  conn: DuckDBConnection,
  synthDir: string,
  hierarchy: readonly RegionHierarchyRow[],
  conversion?: readonly { formerBuurtCode: string; currentBuurtCode: string; lastYear?: number }[],
): Promise<RawLoadReport[]> {
  const rows =
    conversion ??
    [...readFormerBuurten(synthDir)].map(([formerBuurtCode, currentBuurtCode]) => ({
      formerBuurtCode,
      currentBuurtCode,
    }));
  const report = await loadRawTables(conn, synthDir, [
    ...hierarchy.map((h) => h.buurt_code),
    ...rows.map((r) => r.formerBuurtCode),
  ]);
  await brokerFromRawTables(conn);
  await createRegionHierarchy(conn, hierarchy);
  await createRegionConversion(conn, rows);
  return report;
}

/** The buurt → wijk → gemeente → veiligheidsregio rows of a region set (any object with regions). */
export function hierarchyOf(set: {
  regions: readonly { code: string; level: string; parentCode: string | null }[];
}): RegionHierarchyRow[] {
  const parent = new Map(set.regions.map((r) => [r.code, r.parentCode]));
  const up = (code: string, what: string): string => {
    const p = parent.get(code);
    if (!p) throw new Error(`region ${code} has no parent ${what}`);
    return p;
  };
  return set.regions
    .filter((r) => r.level === 'buurt')
    .map((b) => {
      const wijk = up(b.code, 'wijk');
      const gemeente = up(wijk, 'gemeente');
      return {
        buurt_code: b.code,
        wijk_code: wijk,
        gemeente_code: gemeente,
        veiligheidsregio_code: up(gemeente, 'veiligheidsregio'),
      };
    })
    .sort((a, b) => (a.buurt_code < b.buurt_code ? -1 : 1));
}
