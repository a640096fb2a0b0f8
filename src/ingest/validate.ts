/**
 * Row validation against a dataset contract, compiled to one DuckDB expression per column.
 *
 * Each check yields a reason or NULL; the first failing column (in contract order) decides the
 * row's quarantine reason, so every row gets exactly one verdict and is counted once.
 */
import type { ColumnContract, DatasetContract } from './contracts.js';
import { brokerColumnName } from './contracts.js';
import { quoteIdent, quoteLiteral } from '../engine/session.js';

/** Plausible date range: anything outside is an impossible date (e.g. year 2099 or 1066). */
export const DATE_RANGE = { from: '1900-01-01', to: '2030-12-31' } as const;

const DATE_PATTERNS = { iso: '%Y-%m-%d', dutch: '%d-%m-%Y' } as const;

/** The SQL expression that parses a raw VARCHAR value into the contract type (NULL when invalid). */
export function parseExpression(column: ColumnContract, raw: string): string {
  switch (column.type) {
    case 'VARCHAR':
      return raw;
    case 'INTEGER':
      return `TRY_CAST(${raw} AS INTEGER)`;
    case 'BIGINT':
      return `TRY_CAST(${raw} AS BIGINT)`;
    case 'DOUBLE':
      // Reject NaN/inf text: a provider's amount is always finite.
      return `CASE WHEN isfinite(TRY_CAST(${raw} AS DOUBLE)) THEN TRY_CAST(${raw} AS DOUBLE) END`;
    case 'BOOLEAN':
      return `CASE lower(${raw}) WHEN 'true' THEN TRUE WHEN 'false' THEN FALSE END`;
    case 'DATE': {
      const pattern = DATE_PATTERNS[column.dateFormat ?? 'iso'];
      const parsed = `CAST(TRY_STRPTIME(${raw}, ${quoteLiteral(pattern)}) AS DATE)`;
      return `CASE WHEN ${parsed} BETWEEN DATE ${quoteLiteral(DATE_RANGE.from)} AND DATE ${quoteLiteral(DATE_RANGE.to)} THEN ${parsed} END`;
    }
  }
}

export interface ValidationContext {
  /** Table with a `buurt_code` column listing every buurt of the region set. */
  regionTable: string;
  /** Pattern (SQL LIKE-free regex) that a delivered pseudonym must match. */
  pseudonymPattern: string;
  /**
   * Table with a `former_buurt_code` column: buurt codes of an earlier division that map to a
   * buurt of the set (herindelingen). Such codes are known, not quarantined.
   */
  conversionTable?: string;
}

/** Human-readable reason codes; stable, since quarantine reports are compared across runs. */
export const REASONS = {
  missing: 'missing value',
  type: 'value does not fit the column type',
  date: 'invalid or impossible date',
  year: 'impossible year',
  value: 'value not allowed by the contract',
  region: 'unknown region code',
  pseudonym: 'not a pseudonym of the agreed scheme',
  oneOf: 'exactly one of the identifier columns must be filled',
  duplicate: 'duplicate key (delivered before)',
  control: 'control character (such as NUL) in a value',
  // Rows the CSV reader could not take apart (src/ingest/load.ts):
  fields: 'wrong number of fields',
  quotes: 'malformed quotes',
  rowSize: 'row too long to read',
  encoding: 'not UTF-8',
  unreadable: 'unreadable row',
} as const;

/** Control bytes that text never holds (tab, line breaks and form feed excepted). */
const CONTROL_PATTERN = String.raw`[\x00-\x08\x0b\x0e-\x1f\x7f]`;

/**
 * `isPeriod`: the column is the dataset's period (a year), so a year outside DATE_RANGE is as
 * impossible as a date outside it.
 */
function columnCheck(column: ColumnContract, ctx: ValidationContext, isPeriod = false): string {
  const name = brokerColumnName(column);
  const raw = `NULLIF(trim(s.${quoteIdent(name)}), '')`;
  const checks: string[] = [];
  if (!column.nullable) checks.push(`WHEN ${raw} IS NULL THEN ${quoteLiteral(REASONS.missing)}`);
  if (column.type === 'VARCHAR') {
    checks.push(
      `WHEN regexp_matches(${raw}, ${quoteLiteral(CONTROL_PATTERN)}) THEN ${quoteLiteral(REASONS.control)}`,
    );
  }
  const parsed = parseExpression(column, raw);
  const typeReason = column.type === 'DATE' ? REASONS.date : REASONS.type;
  if (column.type !== 'VARCHAR') {
    checks.push(`WHEN ${raw} IS NOT NULL AND ${parsed} IS NULL THEN ${quoteLiteral(typeReason)}`);
  }
  if (isPeriod && column.type === 'INTEGER') {
    const [from, to] = [DATE_RANGE.from, DATE_RANGE.to].map((d) => Number(d.slice(0, 4)));
    checks.push(
      `WHEN ${raw} IS NOT NULL AND ${parsed} NOT BETWEEN ${from} AND ${to} THEN ${quoteLiteral(REASONS.year)}`,
    );
  }
  if (column.values) {
    const list = column.values.map(quoteLiteral).join(', ');
    checks.push(
      `WHEN ${raw} IS NOT NULL AND ${raw} NOT IN (${list}) THEN ${quoteLiteral(REASONS.value)}`,
    );
  }
  if (column.regionLevel === 'buurt') {
    checks.push(
      `WHEN ${raw} IS NOT NULL AND ${raw} NOT IN (SELECT buurt_code FROM ${quoteIdent(ctx.regionTable)})${
        ctx.conversionTable
          ? ` AND ${raw} NOT IN (SELECT former_buurt_code FROM ${quoteIdent(ctx.conversionTable)})`
          : ''
      } THEN ${quoteLiteral(REASONS.region)}`,
    );
  }
  if (column.identifier) {
    checks.push(
      `WHEN ${raw} IS NOT NULL AND NOT regexp_full_match(${raw}, ${quoteLiteral(ctx.pseudonymPattern)}) THEN ${quoteLiteral(REASONS.pseudonym)}`,
    );
  }
  return checks.length === 0 ? 'NULL' : `CASE ${checks.join(' ')} END`;
}

/**
 * A SELECT fragment `failure`: the struct {field, reason} of the first failing check, NULL when valid.
 * Fragments are assembled from contract metadata only (never user input).
 */
export function validationSelect(dataset: DatasetContract, ctx: ValidationContext): string {
  const perColumn = dataset.columns.map((c) => ({
    field: brokerColumnName(c),
    check: columnCheck(c, ctx, c.name === dataset.period),
  }));
  for (const group of dataset.oneOf) {
    const cols = group.map((name) => dataset.columns.find((c) => c.name === name)!);
    const filled = cols
      .map((c) => `(NULLIF(trim(s.${quoteIdent(brokerColumnName(c))}), '') IS NOT NULL)::INTEGER`)
      .join(' + ');
    perColumn.push({
      field: cols.map(brokerColumnName).join('|'),
      check: `CASE WHEN ${filled} <> 1 THEN ${quoteLiteral(REASONS.oneOf)} END`,
    });
  }
  // One list of (field, reason) pairs, filtered to the failures: every check is evaluated once.
  const pairs = perColumn
    .map((p) => `{'field': ${quoteLiteral(p.field)}, 'reason': ${p.check}}`)
    .join(', ');
  return `list_filter([${pairs}], x -> x.reason IS NOT NULL)[1] AS failure`;
}
