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

/**
 * Creates (or replaces) table `name` with one row per item: each column is its definition and
 * how to read it from an item (a string is a VARCHAR, a number an INTEGER, null NULL).
 */
async function fillTable<T>(
  conn: DuckDBConnection,
  name: string,
  columns: readonly (readonly [string, (row: T) => string | number | null])[],
  rows: readonly T[],
): Promise<void> {
  await conn.run(`CREATE OR REPLACE TABLE ${name} (${columns.map(([ddl]) => ddl).join(', ')})`);
  const a = await conn.createAppender(name);
  for (const r of rows) {
    for (const [, get] of columns) {
      const v = get(r);
      if (v === null) a.appendNull();
      else if (typeof v === 'number') a.appendInteger(v);
      else a.appendVarchar(v);
    }
    a.endRow();
  }
  a.closeSync();
}

export async function createRegionHierarchy(
  conn: DuckDBConnection,
  rows: readonly RegionHierarchyRow[],
): Promise<void> {
  await fillTable<RegionHierarchyRow>(
    conn,
    'region_hierarchy',
    [
      ['buurt_code VARCHAR PRIMARY KEY', (r) => r.buurt_code],
      ['wijk_code VARCHAR NOT NULL', (r) => r.wijk_code],
      ['gemeente_code VARCHAR NOT NULL', (r) => r.gemeente_code],
      ['veiligheidsregio_code VARCHAR NOT NULL', (r) => r.veiligheidsregio_code],
    ],
    rows,
  );
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
type ConversionRow = { formerBuurtCode: string; currentBuurtCode: string; lastYear?: number };

export async function createRegionConversion(
  conn: DuckDBConnection,
  rows: readonly ConversionRow[],
): Promise<void> {
  await fillTable<ConversionRow>(
    conn,
    'region_conversion',
    [
      ['former_buurt_code VARCHAR PRIMARY KEY', (r) => r.formerBuurtCode],
      ['current_buurt_code VARCHAR NOT NULL', (r) => r.currentBuurtCode],
      ['last_year INTEGER', (r) => r.lastYear ?? null],
    ],
    rows,
  );
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
