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
import { stageCsv, stageParquet } from './stage.js';
import { UPLOAD_LIMITS, type UploadLimits } from './limits.js';
import { ContributionError } from './refusal.js';

export { ContributionError };

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
export interface LoadOptions extends ValidationContext {
  /** What a file may hold (default UPLOAD_LIMITS); a CSV file is checked before DuckDB reads it. */
  limits?: UploadLimits;
  /**
   * Looks at the staged rows (every delivered column as VARCHAR, with `source_row`) before any
   * is judged; a refusal it throws ends the load with nothing loaded.
   */
  inspect?: (conn: DuckDBConnection, staging: string, rows: number) => Promise<void>;
}

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

/**
 * The verdict per row of `staging`, as table `verdicts_<id>` (`source_row`, `field`, `reason`;
 * no reason for a row that is loaded).
 */
async function judgeRows(
  conn: DuckDBConnection,
  dataset: DatasetContract,
  options: LoadOptions,
  staging: string,
): Promise<string> {
  // Verdict per row: the first failing field, then duplicate keys among the valid rows (all but
  // the first row of a key). The first row per key is a grouped minimum, not a window: a file of
  // ten million rows with one key (a decompression bomb) is then one group, which DuckDB keeps
  // within its memory limit, where a window over one partition of ten million rows is not.
  const verdicts = `verdicts_${dataset.id}`;
  const checked = `checked_${dataset.id}`;
  const keyColumns = dataset.key
    .map((k) => dataset.columns.find((c) => c.name === k)!)
    .map((c) => `trim(s.${quoteIdent(brokerColumnName(c))})`);
  await conn.run(`
    CREATE OR REPLACE TEMP TABLE ${quoteIdent(checked)} AS
    SELECT s.source_row, ${validationSelect(dataset, options)} FROM ${quoteIdent(staging)} s`);
  await conn.run(`
    CREATE OR REPLACE TEMP TABLE ${quoteIdent(verdicts)} AS
    WITH firsts AS (
      SELECT min(c.source_row) AS source_row
      FROM ${quoteIdent(checked)} c JOIN ${quoteIdent(staging)} s USING (source_row)
      WHERE c.failure IS NULL
      GROUP BY ${keyColumns.join(', ')}
    )
    SELECT c.source_row,
      CASE WHEN c.failure IS NOT NULL THEN c.failure.field WHEN f.source_row IS NULL THEN ${quoteLiteral(dataset.key.join('+'))} END AS field,
      CASE WHEN c.failure IS NOT NULL THEN c.failure.reason WHEN f.source_row IS NULL THEN ${quoteLiteral(REASONS.duplicate)} END AS reason
    FROM ${quoteIdent(checked)} c LEFT JOIN firsts f USING (source_row)`);
  await conn.run(`DROP TABLE ${quoteIdent(checked)}`);
  return verdicts;
}

/**
 * The dataset's quarantine (the rows judged unfit and those DuckDB could not take apart) and its
 * table of the rows loaded, parsed to their types; the work tables are dropped.
 */
async function quarantineAndLoad(
  conn: DuckDBConnection,
  dataset: DatasetContract,
  file: string,
  tables: { staging: string; verdicts: string; rejected: string },
): Promise<{ loaded: number; reasons: Record<string, number> }> {
  const { staging, verdicts, rejected } = tables;
  await conn.run(`DELETE FROM ${QUARANTINE_TABLE} WHERE dataset = $1`, [dataset.id]);
  await conn.run(
    `INSERT INTO ${QUARANTINE_TABLE} SELECT $1, $2, source_row, field, reason FROM ${quoteIdent(verdicts)} WHERE reason IS NOT NULL ` +
      `UNION ALL SELECT $1, $2, source_row, field, reason FROM ${quoteIdent(rejected)}`,
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

  const [counts] = await queryRows<{ loaded: bigint }>(
    conn,
    `SELECT count(*) AS loaded FROM ${quoteIdent(dataset.id)}`,
  );
  const reasonRows = await queryRows<{ reason: string; n: bigint }>(
    conn,
    `SELECT reason, count(*) AS n FROM ${QUARANTINE_TABLE} WHERE dataset = $1 GROUP BY reason ORDER BY reason`,
    [dataset.id],
  );
  await conn.run(
    `DROP TABLE ${quoteIdent(staging)}; DROP TABLE ${quoteIdent(verdicts)}; DROP TABLE ${quoteIdent(rejected)};`,
  );
  return {
    loaded: Number(counts!.loaded),
    reasons: Object.fromEntries(reasonRows.map((r) => [r.reason, Number(r.n)])),
  };
}

/**
 * Loads `file` as dataset `dataset.id`, replacing an earlier load of the same dataset.
 * Row numbers in the quarantine count data rows from 1 (the header is not a row, nor is an empty
 * line). A CSV row that cannot be taken apart (a ragged row) is quarantined with its reason.
 */
export async function loadContribution(
  conn: DuckDBConnection,
  dataset: DatasetContract,
  file: string,
  options: LoadOptions,
): Promise<IngestReport> {
  const sha256 = await sha256File(file);
  options = await withConversion(conn, options);
  await ensureQuarantineTable(conn);
  const staging = `staging_${dataset.id}`;
  const rejected = `rejected_${dataset.id}`;
  const rowsIn =
    dataset.format === 'parquet'
      ? await stageParquet(conn, dataset, file, staging, rejected)
      : await stageCsv(conn, dataset, file, options.limits ?? UPLOAD_LIMITS, staging, rejected);
  try {
    await options.inspect?.(conn, staging, rowsIn);
  } catch (err) {
    await conn.run(`DROP TABLE ${quoteIdent(staging)}; DROP TABLE ${quoteIdent(rejected)};`);
    throw err;
  }

  const verdicts = await judgeRows(conn, dataset, options, staging);
  const { loaded, reasons } = await quarantineAndLoad(conn, dataset, file, {
    staging,
    verdicts,
    rejected,
  });
  const quarantined = Object.values(reasons).reduce((a, b) => a + b, 0);
  if (loaded + quarantined !== rowsIn) {
    // Would mean a row was lost between staging and the table: never acceptable.
    throw new Error(
      `${file}: ${rowsIn} rows in, but ${loaded} loaded and ${quarantined} quarantined`,
    );
  }
  return { dataset: dataset.id, file, sha256, rowsIn, loaded, quarantined, reasons };
}
