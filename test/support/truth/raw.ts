/**
 * Reading the RAW provider files (real identifiers, before pseudonymisation) and applying the
 * quarantine rule of docs/indicators.md, so that the ground truth counts exactly the rows ingest
 * keeps. Each dataset becomes a typed table `raw_<dataset>`.
 *
 * The rule, per row (values trimmed, empty = missing):
 *  1. a required column is missing;
 *  2. a value does not parse as its contract type (INTEGER/BIGINT cast, finite DOUBLE,
 *     `true`/`false`, a real calendar date in the contract's format between 1900-01-01 and
 *     2030-12-31);
 *  3. a categorical value is not in the contract's list;
 *  4. a buurt code is not in the region set (nor a former buurt code of one of its herindelingen);
 *  5. a BSN is not 9 digits passing the 11-proef, a KvK-nummer not 8 digits;
 *  6. not exactly one column of a `oneOf` group is filled;
 * rejects the row. Of the remaining rows, a repeat of an earlier row's key (contract `key`, typed
 * values, file order) is a duplicate and rejected: the first is kept.
 */
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import {
  DATASETS,
  type ColumnContract,
  type DatasetContract,
} from '../../../src/ingest/contracts.js';

export const DATE_RANGE = { from: '1900-01-01', to: '2030-12-31' } as const;

const q = (s: string) => `'${s.replaceAll("'", "''")}'`;
const id = (s: string) => `"${s.replaceAll('"', '""')}"`;

function parse(c: ColumnContract, v: string, parquet: boolean): string {
  switch (c.type) {
    case 'VARCHAR':
      return v;
    case 'INTEGER':
    case 'BIGINT':
      return `TRY_CAST(${v} AS ${c.type})`;
    case 'DOUBLE':
      return `CASE WHEN isfinite(TRY_CAST(${v} AS DOUBLE)) THEN TRY_CAST(${v} AS DOUBLE) END`;
    case 'BOOLEAN':
      return `CASE lower(${v}) WHEN 'true' THEN TRUE WHEN 'false' THEN FALSE END`;
    case 'DATE': {
      // Parquet dates are typed; cast to text they read as ISO whatever the CSV convention.
      const pattern = !parquet && c.dateFormat === 'dutch' ? '%d-%m-%Y' : '%Y-%m-%d';
      const d = `CAST(TRY_STRPTIME(${v}, ${q(pattern)}) AS DATE)`;
      return `CASE WHEN ${d} BETWEEN DATE ${q(DATE_RANGE.from)} AND DATE ${q(DATE_RANGE.to)} THEN ${d} END`;
    }
  }
}

/** BSN: 9 digits with 9·d1 + 8·d2 + … + 2·d8 − d9 divisible by 11. */
function bsnValid(v: string): string {
  const digits = Array.from(
    { length: 8 },
    (_, i) => `${9 - i} * CAST(substr(${v}, ${i + 1}, 1) AS INTEGER)`,
  ).join(' + ');
  return `(regexp_full_match(${v}, '[0-9]{9}') AND (${digits} - CAST(substr(${v}, 9, 1) AS INTEGER)) % 11 = 0)`;
}

function valid(c: ColumnContract, v: string, parquet: boolean, buurtTable: string): string {
  const checks: string[] = [];
  if (c.type !== 'VARCHAR') checks.push(`${parse(c, v, parquet)} IS NOT NULL`);
  if (c.values) checks.push(`${v} IN (${c.values.map(q).join(', ')})`);
  if (c.regionLevel === 'buurt') checks.push(`${v} IN (SELECT buurt_code FROM ${id(buurtTable)})`);
  if (c.identifier === 'bsn') checks.push(bsnValid(v));
  if (c.identifier === 'kvk') checks.push(`regexp_full_match(${v}, '[0-9]{8}')`);
  const ok = checks.length > 0 ? checks.join(' AND ') : 'TRUE';
  return `(CASE WHEN ${v} IS NULL THEN ${c.nullable ? 'TRUE' : 'FALSE'} ELSE coalesce(${ok}, FALSE) END)`;
}

export interface RawLoadReport {
  dataset: string;
  rows: number;
  kept: number;
  rejected: number;
  duplicates: number;
}

/**
 * Creates `raw_<dataset>` for every dataset whose file exists under `<synthDir>/providers/`, plus
 * `raw_buurten(buurt_code)` from `buurtCodes`. Returns rows read, kept and rejected per dataset.
 */
export async function loadRawTables(
  conn: DuckDBConnection,
  synthDir: string,
  buurtCodes: readonly string[],
  datasets: readonly DatasetContract[] = DATASETS,
): Promise<RawLoadReport[]> {
  await conn.run('CREATE OR REPLACE TABLE raw_buurten (buurt_code VARCHAR PRIMARY KEY)');
  const appender = await conn.createAppender('raw_buurten');
  for (const b of new Set(buurtCodes)) {
    appender.appendVarchar(b);
    appender.endRow();
  }
  appender.closeSync();

  const report: RawLoadReport[] = [];
  for (const d of datasets) {
    const path = join(synthDir, 'providers', d.provider, d.file);
    if (!existsSync(path)) throw new Error(`${path}: missing delivery of dataset ${d.id}`);
    const parquet = d.format === 'parquet';
    const reader = parquet
      ? `read_parquet(${q(path)})`
      : `read_csv(${q(path)}, delim = ';', header = true, all_varchar = true, auto_detect = false, columns = {${d.columns
          .map((c) => `${q(c.name)}: 'VARCHAR'`)
          .join(', ')}})`;
    const stage = `raw_stage_${d.id}`;
    // A table keeps insertion (file) order, so rowid is the row's position in the delivery.
    await conn.run(
      `CREATE OR REPLACE TEMP TABLE ${id(stage)} AS SELECT ${d.columns
        .map((c) => `NULLIF(trim(CAST(${id(c.name)} AS VARCHAR)), '') AS ${id(c.name)}`)
        .join(', ')} FROM ${reader}`,
    );
    const checks = d.columns.map((c) => valid(c, `s.${id(c.name)}`, parquet, 'raw_buurten'));
    for (const group of d.oneOf) {
      checks.push(`(${group.map((g) => `(s.${id(g)} IS NOT NULL)::INTEGER`).join(' + ')}) = 1`);
    }
    const typed = d.columns
      .map((c) => `${parse(c, `s.${id(c.name)}`, parquet)} AS ${id(c.name)}`)
      .join(', ');
    const target = `raw_${d.id}`;
    await conn.run(
      `CREATE OR REPLACE TABLE ${id(target)} AS
       SELECT ${d.columns.map((c) => id(c.name)).join(', ')} FROM (
         SELECT ${typed}, s.rowid AS _row FROM ${id(stage)} s WHERE ${checks.join(' AND ')}
       ) QUALIFY row_number() OVER (PARTITION BY ${d.key.map(id).join(', ')} ORDER BY _row) = 1
       ORDER BY _row`,
    );
    const counts = await conn.runAndReadAll(
      `SELECT (SELECT count(*) FROM ${id(stage)}) AS total,
              (SELECT count(*) FROM ${id(stage)} s WHERE ${checks.join(' AND ')}) AS valid,
              (SELECT count(*) FROM ${id(target)}) AS kept`,
    );
    const row = counts.getRowObjectsJS()[0]!;
    const total = Number(row.total);
    const validRows = Number(row.valid);
    const kept = Number(row.kept);
    report.push({
      dataset: d.id,
      rows: total,
      kept,
      rejected: total - kept,
      duplicates: validRows - kept,
    });
    await conn.run(`DROP TABLE ${id(stage)}`);
  }
  return report;
}
