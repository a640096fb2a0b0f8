/**
 * Loads one contribution (a provider's pseudonymised file) into the broker's DuckDB database:
 * every row is either loaded into the dataset table or quarantined with its reason, and counted.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { sha256File } from './sha256.js';
import { brokerColumnName, type DatasetContract } from './contracts.js';
import { parseExpression, REASONS, validationSelect, type ValidationContext } from './validate.js';
import { queryRows, quoteIdent, quoteLiteral } from '../engine/session.js';
import { CONVERSION_TABLE } from './regions-table.js';

export class ContributionError extends Error {
  override name = 'ContributionError';
}

export interface IngestReport {
  dataset: string;
  file: string;
  sha256: string;
  rowsIn: number;
  loaded: number;
  quarantined: number;
  /** Quarantined rows per reason. */
  reasons: Record<string, number>;
}

/**
 * Where to look up region codes and which delivered pseudonyms to accept. Identifier columns are
 * loaded as delivered (stage 1); the broker's own stage runs on the loaded table afterwards.
 */
export type LoadOptions = ValidationContext;

export const QUARANTINE_TABLE = 'quarantine';

async function ensureQuarantineTable(conn: DuckDBConnection): Promise<void> {
  await conn.run(
    `CREATE TABLE IF NOT EXISTS ${QUARANTINE_TABLE} (dataset VARCHAR, file VARCHAR, row_number BIGINT, field VARCHAR, reason VARCHAR)`,
  );
}

/**
 * Adds the region set's conversion table (former buurt codes of herindelingen) when
 * writeRegionHierarchy made one and the caller did not name it: a database with only a
 * hierarchy validates as before.
 */
async function withConversion(conn: DuckDBConnection, options: LoadOptions): Promise<LoadOptions> {
  if (options.conversionTable) return options;
  const found = await queryRows<{ n: bigint }>(
    conn,
    `SELECT count(*) AS n FROM duckdb_tables() WHERE table_name = $1`,
    [CONVERSION_TABLE],
  );
  return Number(found[0]?.n ?? 0) > 0 ? { ...options, conversionTable: CONVERSION_TABLE } : options;
}

/** Reads the header of the delivered file and checks it against the contract. */
async function checkColumns(
  conn: DuckDBConnection,
  dataset: DatasetContract,
  file: string,
): Promise<string[]> {
  const source =
    dataset.format === 'parquet'
      ? `read_parquet(${quoteLiteral(file)})`
      : `read_csv(${quoteLiteral(file)}, delim = ';', header = true, all_varchar = true)`;
  let names: string[];
  try {
    const rows = await queryRows<{ column_name: string }>(conn, `DESCRIBE SELECT * FROM ${source}`);
    names = rows.map((r) => r.column_name);
  } catch (err) {
    throw new ContributionError(
      `${file}: cannot read as ${dataset.format} (${err instanceof Error ? err.message.split('\n')[0] : err})`,
    );
  }
  const expected = dataset.columns.map(brokerColumnName);
  const missing = expected.filter((n) => !names.includes(n));
  if (missing.length > 0) {
    throw new ContributionError(
      `${file}: dataset ${dataset.id} lacks column(s) ${missing.join(', ')} (found: ${names.join(', ')})`,
    );
  }
  const unexpected = names.filter((n) => !expected.includes(n));
  if (unexpected.length > 0) {
    throw new ContributionError(
      `${file}: dataset ${dataset.id} has column(s) not in its contract: ${unexpected.join(', ')}`,
    );
  }
  return names;
}

/**
 * Loads `file` as dataset `dataset.id`, replacing an earlier load of the same dataset.
 * Row numbers in the quarantine count data rows from 1 (the header is not a row).
 */
export async function loadContribution(
  conn: DuckDBConnection,
  dataset: DatasetContract,
  file: string,
  options: LoadOptions,
): Promise<IngestReport> {
  const sha256 = await sha256File(file);
  const names = await checkColumns(conn, dataset, file);
  options = await withConversion(conn, options);
  await ensureQuarantineTable(conn);
  const staging = `staging_${dataset.id}`;
  const textColumns = names.map((n) => `CAST(${quoteIdent(n)} AS VARCHAR) AS ${quoteIdent(n)}`);
  const source =
    dataset.format === 'parquet'
      ? `SELECT file_row_number + 1 AS source_row, ${textColumns.join(', ')} FROM read_parquet(${quoteLiteral(file)}, file_row_number = true)`
      : `SELECT row_number() OVER () AS source_row, * FROM read_csv(${quoteLiteral(file)}, delim = ';', header = true, all_varchar = true, quote = '"', escape = '"')`;
  try {
    await conn.run(`CREATE OR REPLACE TEMP TABLE ${quoteIdent(staging)} AS ${source}`);
  } catch (err) {
    throw new ContributionError(
      `${file}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`,
    );
  }

  // Verdict per row: the first failing field, then duplicate keys among the valid rows.
  const verdicts = `verdicts_${dataset.id}`;
  const keyColumns = dataset.key
    .map((k) => dataset.columns.find((c) => c.name === k)!)
    .map((c) => `s.${quoteIdent(brokerColumnName(c))}`);
  await conn.run(`
    CREATE OR REPLACE TEMP TABLE ${quoteIdent(verdicts)} AS
    WITH checked AS (SELECT s.source_row, ${validationSelect(dataset, options)} FROM ${quoteIdent(staging)} s),
    ranked AS (
      SELECT c.source_row, c.failure,
        CASE WHEN c.failure IS NULL THEN row_number() OVER (
          PARTITION BY (c.failure IS NULL), ${keyColumns.map((k) => `trim(${k})`).join(', ')} ORDER BY c.source_row) END AS occurrence
      FROM checked c JOIN ${quoteIdent(staging)} s USING (source_row)
    )
    SELECT source_row,
      CASE WHEN failure IS NOT NULL THEN failure.field WHEN occurrence > 1 THEN ${quoteLiteral(dataset.key.join('+'))} END AS field,
      CASE WHEN failure IS NOT NULL THEN failure.reason WHEN occurrence > 1 THEN ${quoteLiteral(REASONS.duplicate)} END AS reason
    FROM ranked`);

  await conn.run(`DELETE FROM ${QUARANTINE_TABLE} WHERE dataset = $1`, [dataset.id]);
  await conn.run(
    `INSERT INTO ${QUARANTINE_TABLE} SELECT $1, $2, source_row, field, reason FROM ${quoteIdent(verdicts)} WHERE reason IS NOT NULL`,
    [dataset.id, file],
  );

  const selectList = dataset.columns.map((c) => {
    const name = brokerColumnName(c);
    return `${parseExpression(c, `NULLIF(trim(s.${quoteIdent(name)}), '')`)} AS ${quoteIdent(name)}`;
  });
  await conn.run(`
    CREATE OR REPLACE TABLE ${quoteIdent(dataset.id)} AS
    SELECT ${selectList.join(', ')}
    FROM ${quoteIdent(staging)} s JOIN ${quoteIdent(verdicts)} v USING (source_row)
    WHERE v.reason IS NULL
    ORDER BY s.source_row`);

  const [counts] = await queryRows<{ rows_in: bigint; loaded: bigint }>(
    conn,
    `SELECT (SELECT count(*) FROM ${quoteIdent(staging)}) AS rows_in, (SELECT count(*) FROM ${quoteIdent(dataset.id)}) AS loaded`,
  );
  const reasonRows = await queryRows<{ reason: string; n: bigint }>(
    conn,
    `SELECT reason, count(*) AS n FROM ${QUARANTINE_TABLE} WHERE dataset = $1 GROUP BY reason ORDER BY reason`,
    [dataset.id],
  );
  await conn.run(`DROP TABLE ${quoteIdent(staging)}; DROP TABLE ${quoteIdent(verdicts)};`);

  const reasons = Object.fromEntries(reasonRows.map((r) => [r.reason, Number(r.n)]));
  const quarantined = Object.values(reasons).reduce((a, b) => a + b, 0);
  const rowsIn = Number(counts!.rows_in);
  const loaded = Number(counts!.loaded);
  if (loaded + quarantined !== rowsIn) {
    // Would mean a row was lost between staging and the table: never acceptable.
    throw new ContributionError(
      `${file}: ${rowsIn} rows in, but ${loaded} loaded and ${quarantined} quarantined`,
    );
  }
  return { dataset: dataset.id, file, sha256, rowsIn, loaded, quarantined, reasons };
}
