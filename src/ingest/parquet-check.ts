/**
 * A delivered Parquet file measured from its metadata, before a row of it is read: rows, columns
 * and the bytes it decompresses to. That size is not the file's: a few kilobytes of zstd and
 * run-length encoding can hold ten million rows (a decompression bomb). It is counted per column
 * chunk as the larger of the chunk's uncompressed size (what its pages take after decompression)
 * and what its values take decoded (rows × the width of the column's type), so that neither
 * compression nor dictionary and run-length encoding hides a file's real size.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { open } from 'node:fs/promises';
import { queryRows, quoteIdent, quoteLiteral } from '../engine/session.js';
import { sniffEncoding } from './encoding.js';
import { formatBytes, type UploadLimits } from './limits.js';
import { ContributionError, isOutOfMemory } from './refusal.js';

export interface ParquetSize {
  rows: number;
  columns: number;
  /** At least this many bytes once decompressed and decoded. */
  decompressedBytes: number;
}

const MAGIC = Buffer.from('PAR1');

/**
 * Bytes per value decoded, by physical type: fixed widths as stored; a BYTE_ARRAY value at least
 * its 4-byte length (plus its bytes when the chunk's statistics show every value is the same).
 */
const decodedWidth = `CASE type
  WHEN 'BOOLEAN' THEN 1 WHEN 'INT32' THEN 4 WHEN 'FLOAT' THEN 4 WHEN 'INT64' THEN 8 WHEN 'DOUBLE' THEN 8
  WHEN 'INT96' THEN 12 WHEN 'FIXED_LEN_BYTE_ARRAY' THEN 16
  ELSE 4 + CASE WHEN min_is_exact AND max_is_exact AND stats_min_value = stats_max_value THEN coalesce(strlen(stats_min_value), 0) ELSE 0 END END`;

async function endsOf(file: string): Promise<{ head: Buffer; tail: Buffer; size: number }> {
  const fh = await open(file, 'r');
  try {
    const size = (await fh.stat()).size;
    const head = Buffer.alloc(Math.min(size, 4096));
    await fh.read(head, 0, head.length, 0);
    const tail = Buffer.alloc(Math.min(size, 4));
    await fh.read(tail, 0, tail.length, Math.max(0, size - 4));
    return { head, tail, size };
  } finally {
    await fh.close();
  }
}

/** Refuses a file that is no Parquet, or whose metadata puts it over `limits`. */
export async function checkParquet(
  conn: DuckDBConnection,
  file: string,
  limits: UploadLimits,
): Promise<ParquetSize> {
  const refuse = (code: ContributionError['code'], detail: string, info = {}) =>
    new ContributionError(file, code, detail, info);
  const { head, tail, size } = await endsOf(file);
  if (size === 0) throw refuse('empty-file', 'the file is empty');
  if (size < 12 || !head.subarray(0, 4).equals(MAGIC) || !tail.equals(MAGIC)) {
    const sniffed = sniffEncoding(head, size <= head.length);
    const what =
      sniffed.kind === 'utf-8'
        ? 'text (CSV?)'
        : sniffed.kind === 'binary' && sniffed.format
          ? sniffed.format
          : size >= 4 && head.subarray(0, 4).equals(MAGIC)
            ? 'a Parquet file that is cut off (its footer is missing)'
            : 'not a Parquet file';
    throw refuse('wrong-format', `the file is ${what}; this dataset is delivered as Parquet`);
  }
  const f = quoteLiteral(file);
  let meta: { rows: bigint; columns: bigint; uncompressed: bigint; decoded: bigint } | undefined;
  try {
    [meta] = await queryRows(
      conn,
      `SELECT (SELECT sum(num_rows) FROM parquet_file_metadata(${f})) AS rows,
              (SELECT num_children FROM parquet_schema(${f}) LIMIT 1) AS columns,
              sum(total_uncompressed_size) AS uncompressed,
              sum(greatest(total_uncompressed_size, num_values * (${decodedWidth}))) AS decoded
       FROM parquet_metadata(${f})`,
    );
  } catch (err) {
    if (isOutOfMemory(err)) throw err;
    throw refuse(
      'unreadable',
      `cannot read its Parquet metadata (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`,
    );
  }
  const rows = Number(meta?.rows ?? 0);
  const columns = Number(meta?.columns ?? 0);
  const decompressedBytes = Number(meta?.decoded ?? 0);
  if (columns > limits.columns)
    throw refuse(
      'column-limit',
      `the file has ${columns.toLocaleString('en-US')} columns, more than ${limits.columns.toLocaleString('en-US')} (the column limit)`,
      { limit: { name: 'columns', value: limits.columns } },
    );
  if (rows > limits.rows)
    throw refuse(
      'row-limit',
      `the file has ${rows.toLocaleString('en-US')} rows, more than ${limits.rows.toLocaleString('en-US')} (the row limit)`,
      { limit: { name: 'rows', value: limits.rows } },
    );
  if (decompressedBytes > limits.decompressedBytes)
    throw refuse(
      'decompressed-size-limit',
      `the file decompresses to at least ${decompressedBytes.toLocaleString('en-US')} bytes (${rows.toLocaleString('en-US')} rows, counted from its metadata; the file itself is ${size.toLocaleString('en-US')} bytes), more than ${formatBytes(limits.decompressedBytes)} (the decompressed size limit)`,
      { limit: { name: 'decompressedBytes', value: limits.decompressedBytes } },
    );
  if (rows === 0) throw refuse('no-rows', 'the file has no rows');
  return { rows, columns, decompressedBytes };
}

/** Refuses the first staged value longer than the field length limit (Parquet; CSV is scanned). */
export async function checkFieldLengths(
  conn: DuckDBConnection,
  file: string,
  staging: string,
  columns: readonly string[],
  limits: UploadLimits,
): Promise<void> {
  const firsts = columns.map(
    (c, i) =>
      `min(source_row) FILTER (WHERE strlen(${quoteIdent(c)}) > ${limits.fieldBytes}) AS c${i}`,
  );
  const [row] = await queryRows<Record<string, bigint | null>>(
    conn,
    `SELECT ${firsts.join(', ')} FROM ${quoteIdent(staging)}`,
  );
  let worst: { column: string; row: number } | null = null;
  columns.forEach((column, i) => {
    const r = row?.[`c${i}`];
    if (r !== null && r !== undefined && (!worst || Number(r) < worst.row))
      worst = { column, row: Number(r) };
  });
  if (!worst) return;
  const { column, row: at } = worst as { column: string; row: number };
  throw new ContributionError(
    file,
    'field-length-limit',
    `row ${at}, field ${column}: a value longer than ${formatBytes(limits.fieldBytes)} (the field length limit)`,
    { row: at, field: column, limit: { name: 'fieldBytes', value: limits.fieldBytes } },
  );
}
