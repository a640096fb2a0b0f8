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
import { scanCsv } from './csv-scan.js';
import { directIdentifierKind } from './identifiers.js';
import { UPLOAD_LIMITS, type UploadLimits } from './limits.js';
import { ContributionError, isOutOfMemory } from './refusal.js';

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

const DELIMITERS: [string, string][] = [
  [',', 'commas'],
  ['\t', 'tabs'],
  ['|', 'vertical bars'],
];

/**
 * The delivered columns against the contract: a header that is one field because the file uses
 * another delimiter, then direct identifiers (by name), then missing, repeated and extra
 * columns. Throws ContributionError naming the columns.
 */
export function checkColumns(
  dataset: DatasetContract,
  names: readonly string[],
  file: string,
): void {
  const expected = dataset.columns.map(brokerColumnName);
  const refuse = (code: ContributionError['code'], detail: string, field?: string) =>
    new ContributionError(file, code, detail, field ? { field } : {});
  if (names.length === 1 && expected.length > 1) {
    const used = DELIMITERS.find(([d]) => names[0]!.includes(d));
    if (used)
      throw refuse(
        'wrong-delimiter',
        `the header is one field: the file is separated by ${used[1]}, not by semicolons (;) as dataset ${dataset.id} is delivered`,
      );
  }
  const direct = names
    .filter((n) => !expected.includes(n))
    .map((n) => ({ n, kind: directIdentifierKind(n) }))
    .filter((d): d is { n: string; kind: string } => d.kind !== null);
  if (direct.length > 0) {
    const raw = direct.filter((d) => d.kind === 'a raw identifier').map((d) => d.n);
    throw refuse(
      'direct-identifier',
      `column(s) ${direct.map((d) => `${d.n} (${d.kind})`).join(', ')} are direct identifiers, which the broker never receives: ${
        raw.length === 0
          ? 'remove them from the file'
          : `deliver ${raw.join(', ')} pseudonymised (samenzicht deliver does)${raw.length < direct.length ? ', and remove the others' : ''}`
      }`,
      direct[0]!.n,
    );
  }
  const missing = expected.filter((n) => !names.includes(n));
  if (missing.length > 0) {
    throw refuse(
      'missing-columns',
      `dataset ${dataset.id} lacks column(s) ${missing.join(', ')} (found: ${names.join(', ')})`,
      missing[0],
    );
  }
  const repeated = names.filter((n, i) => names.indexOf(n) !== i);
  if (repeated.length > 0) {
    throw refuse(
      'duplicate-columns',
      `column(s) ${[...new Set(repeated)].join(', ')} appear more than once in the header`,
      repeated[0],
    );
  }
  const unexpected = names.filter((n) => !expected.includes(n));
  if (unexpected.length > 0) {
    throw refuse(
      'unexpected-columns',
      `dataset ${dataset.id} has column(s) not in its contract: ${unexpected.join(', ')}`,
      unexpected[0],
    );
  }
}

/** The columns of a Parquet file, checked against the contract. */
async function parquetColumns(
  conn: DuckDBConnection,
  dataset: DatasetContract,
  file: string,
): Promise<string[]> {
  let names: string[];
  try {
    const rows = await queryRows<{ column_name: string }>(
      conn,
      `DESCRIBE SELECT * FROM read_parquet(${quoteLiteral(file)})`,
    );
    names = rows.map((r) => r.column_name);
  } catch (err) {
    if (isOutOfMemory(err)) throw err;
    throw new ContributionError(
      file,
      'unreadable',
      `cannot read as parquet (${err instanceof Error ? err.message.split('\n')[0] : err})`,
    );
  }
  checkColumns(dataset, names, file);
  return names;
}

/** DuckDB's reasons for a CSV row it could not read, as quarantine reasons. */
const REJECT_REASONS: Record<string, string> = {
  'MISSING COLUMNS': REASONS.fields,
  'TOO MANY COLUMNS': REASONS.fields,
  'UNQUOTED VALUE': REASONS.quotes,
  'LINE SIZE OVER MAXIMUM': REASONS.rowSize,
  'INVALID ENCODING': REASONS.encoding,
  'INVALID UNICODE': REASONS.encoding,
};

/**
 * Stages a CSV file as `staging` (`source_row` and every column as VARCHAR): the rows DuckDB
 * reads, numbered as the file numbers them, and `rejected` (`source_row`, `field`, `reason`) for
 * those it cannot take apart (a ragged row, a stray quote), which are quarantined, not fatal.
 * The scan's row count must equal both together.
 */
async function stageCsv(
  conn: DuckDBConnection,
  dataset: DatasetContract,
  file: string,
  limits: UploadLimits,
  staging: string,
  rejected: string,
): Promise<number> {
  const scan = await scanCsv(file, { limits, onHeader: (n) => checkColumns(dataset, n, file) });
  const id = dataset.id;
  const read = quoteIdent(`read_${id}`);
  const rejects = quoteIdent(`rejects_${id}`);
  const rejectScans = quoteIdent(`reject_scans_${id}`);
  const empty = quoteIdent(`empty_lines_${id}`);
  const columns = `{${scan.header.map((n) => `${quoteLiteral(n)}: 'VARCHAR'`).join(', ')}}`;
  const drop = `DROP TABLE IF EXISTS ${rejects}; DROP TABLE IF EXISTS ${rejectScans}; DROP TABLE IF EXISTS ${read}; DROP TABLE IF EXISTS ${empty};`;
  await conn.run(drop);
  try {
    try {
      await conn.run(
        `CREATE TEMP TABLE ${read} AS SELECT row_number() OVER () AS k, * FROM read_csv(${quoteLiteral(file)}, ` +
          `delim = ';', quote = '"', escape = '"', header = true, auto_detect = false, columns = ${columns}, ` +
          `compression = 'none', null_padding = false, store_rejects = true, ` +
          `rejects_table = ${quoteLiteral(`rejects_${id}`)}, rejects_scan = ${quoteLiteral(`reject_scans_${id}`)})`,
      );
    } catch (err) {
      if (isOutOfMemory(err)) throw err;
      throw new ContributionError(
        file,
        'unreadable',
        `cannot read as csv-semicolon (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`,
      );
    }
    // DuckDB numbers a rejected row by its line, the header and empty lines counted (a line
    // break inside a quoted value is not); the file's row numbers count neither.
    await conn.run(`CREATE TEMP TABLE ${empty} (r BIGINT)`);
    if (scan.emptyLines.length > 0) {
      const appender = await conn.createAppender(`empty_lines_${id}`);
      for (const r of scan.emptyLines) {
        appender.appendBigInt(BigInt(r));
        appender.endRow();
      }
      appender.closeSync();
    }
    const reasons = Object.entries(REJECT_REASONS)
      .map(([type, reason]) => `WHEN ${quoteLiteral(type)} THEN ${quoteLiteral(reason)}`)
      .join(' ');
    await conn.run(`
      CREATE OR REPLACE TEMP TABLE ${quoteIdent(rejected)} AS
      WITH lines AS (
        SELECT line - 1 AS r, arg_min(coalesce(column_name, '(row)'), column_idx) AS field, arg_min(error_type, column_idx) AS error_type
        FROM ${rejects} GROUP BY line
      )
      SELECT r - (SELECT count(*) FROM ${empty} e WHERE e.r < lines.r) AS source_row, field,
        CASE error_type ${reasons} ELSE ${quoteLiteral(REASONS.unreadable)} END AS reason
      FROM lines`);
    const [n] = await queryRows<{ staged: bigint; rejected: bigint }>(
      conn,
      `SELECT (SELECT count(*) FROM ${read}) AS staged, (SELECT count(*) FROM ${quoteIdent(rejected)}) AS rejected`,
    );
    const staged = Number(n!.staged);
    const bad = Number(n!.rejected);
    if (staged + bad !== scan.rows) {
      throw new ContributionError(
        file,
        'unreadable',
        `the file has ${scan.rows} rows, but ${staged} could be read and ${bad} could not be taken apart: check its quotes and line breaks`,
      );
    }
    await conn.run(`DROP TABLE IF EXISTS ${quoteIdent(staging)}`);
    await conn.run(
      bad === 0
        ? // Every row read: they are numbered as the file numbers them already.
          `ALTER TABLE ${read} RENAME COLUMN k TO source_row; ALTER TABLE ${read} RENAME TO ${quoteIdent(staging)};`
        : `CREATE TEMP TABLE ${quoteIdent(staging)} AS
           WITH ok AS (
             SELECT range AS source_row, row_number() OVER (ORDER BY range) AS k FROM range(1, ${scan.rows + 1})
             WHERE range NOT IN (SELECT source_row FROM ${quoteIdent(rejected)})
           )
           SELECT ok.source_row, s.* EXCLUDE (k) FROM ${read} s JOIN ok USING (k) ORDER BY ok.source_row`,
    );
    return scan.rows;
  } finally {
    await conn.run(drop);
  }
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
  let rowsIn: number;
  if (dataset.format === 'parquet') {
    const names = await parquetColumns(conn, dataset, file);
    const textColumns = names.map((n) => `CAST(${quoteIdent(n)} AS VARCHAR) AS ${quoteIdent(n)}`);
    try {
      await conn.run(
        `CREATE OR REPLACE TEMP TABLE ${quoteIdent(staging)} AS SELECT file_row_number + 1 AS source_row, ${textColumns.join(', ')} FROM read_parquet(${quoteLiteral(file)}, file_row_number = true)`,
      );
    } catch (err) {
      if (isOutOfMemory(err)) throw err;
      throw new ContributionError(
        file,
        'unreadable',
        err instanceof Error ? err.message.split('\n')[0]! : String(err),
      );
    }
    await conn.run(
      `CREATE OR REPLACE TEMP TABLE ${quoteIdent(rejected)} (source_row BIGINT, field VARCHAR, reason VARCHAR)`,
    );
    const [n] = await queryRows<{ n: bigint }>(
      conn,
      `SELECT count(*) AS n FROM ${quoteIdent(staging)}`,
    );
    rowsIn = Number(n!.n);
  } else {
    rowsIn = await stageCsv(
      conn,
      dataset,
      file,
      options.limits ?? UPLOAD_LIMITS,
      staging,
      rejected,
    );
  }
  try {
    await options.inspect?.(conn, staging, rowsIn);
  } catch (err) {
    await conn.run(`DROP TABLE ${quoteIdent(staging)}; DROP TABLE ${quoteIdent(rejected)};`);
    throw err;
  }

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

  const reasons = Object.fromEntries(reasonRows.map((r) => [r.reason, Number(r.n)]));
  const quarantined = Object.values(reasons).reduce((a, b) => a + b, 0);
  const loaded = Number(counts!.loaded);
  if (loaded + quarantined !== rowsIn) {
    // Would mean a row was lost between staging and the table: never acceptable.
    throw new Error(
      `${file}: ${rowsIn} rows in, but ${loaded} loaded and ${quarantined} quarantined`,
    );
  }
  return { dataset: dataset.id, file, sha256, rowsIn, loaded, quarantined, reasons };
}
