/**
 * Staging a delivered file in DuckDB: its columns checked against the contract, then every row
 * as VARCHAR with its row number in the file (`source_row`), and the rows DuckDB could not take
 * apart, which load.ts quarantines.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { brokerColumnName, type DatasetContract } from './contracts.js';
import { REASONS } from './validate.js';
import { queryRows, quoteIdent, quoteLiteral } from '../engine/session.js';
import { scanCsv } from './csv-scan.js';
import { directIdentifierKind } from './identifiers.js';
import type { UploadLimits } from './limits.js';
import { ContributionError, isOutOfMemory } from './refusal.js';

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
 * `rejected` (`source_row`, `field`, `reason`) from DuckDB's rejects table of dataset `id`:
 * one row per line it could not take apart, with the first field it failed on.
 */
async function tabulateRejects(
  conn: DuckDBConnection,
  id: string,
  emptyLines: readonly number[],
  rejected: string,
): Promise<void> {
  const rejects = quoteIdent(`rejects_${id}`);
  const empty = quoteIdent(`empty_lines_${id}`);
  // DuckDB numbers a rejected row by its line, the header and empty lines counted (a line
  // break inside a quoted value is not); the file's row numbers count neither.
  await conn.run(`CREATE TEMP TABLE ${empty} (r BIGINT)`);
  if (emptyLines.length > 0) {
    const appender = await conn.createAppender(`empty_lines_${id}`);
    for (const r of emptyLines) {
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
}

/**
 * Stages a CSV file as `staging` (`source_row` and every column as VARCHAR): the rows DuckDB
 * reads, numbered as the file numbers them, and `rejected` (`source_row`, `field`, `reason`) for
 * those it cannot take apart (a ragged row, a stray quote), which are quarantined, not fatal.
 * The scan's row count must equal both together.
 */
export async function stageCsv(
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
    await tabulateRejects(conn, id, scan.emptyLines, rejected);
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

/** Stages a Parquet file as `staging` (every column as VARCHAR); none of its rows is rejected. */
export async function stageParquet(
  conn: DuckDBConnection,
  dataset: DatasetContract,
  file: string,
  staging: string,
  rejected: string,
): Promise<number> {
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
  return Number(n!.n);
}
