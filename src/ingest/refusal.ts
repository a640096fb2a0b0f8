/**
 * Why a contribution file is refused as a whole, as a machine-readable code with the HTTP status
 * it answers: 413 when the file is over a limit (what it would cost to take in), 422 when its
 * content cannot be taken in (format, encoding, columns, raw identifiers). A refusal names the
 * file (by the label it is given, never a server path), the row where there is one, and the field.
 *
 * Single bad rows are not refused: they are quarantined with their reason (load.ts).
 */
import type { UploadLimits } from './limits.js';

export const REFUSALS = {
  'empty-file': 422,
  'missing-header': 422,
  'no-rows': 422,
  binary: 422,
  'not-utf8': 422,
  'wrong-delimiter': 422,
  'missing-columns': 422,
  'unexpected-columns': 422,
  'duplicate-columns': 422,
  'direct-identifier': 422,
  'raw-identifier': 422,
  'unbalanced-quote': 422,
  'wrong-format': 422,
  unreadable: 422,
  'row-limit': 413,
  'decompressed-size-limit': 413,
  'field-length-limit': 413,
  'column-limit': 413,
  'line-length-limit': 413,
  'memory-limit': 413,
  'time-limit': 413,
} as const;

export type RefusalCode = keyof typeof REFUSALS;

export const isRefusalCode = (c: unknown): c is RefusalCode =>
  typeof c === 'string' && Object.hasOwn(REFUSALS, c);

export interface RefusalDetail {
  /** The column (broker name) the refusal is about. */
  field?: string;
  /** The data row (from 1; the header is not a row). */
  row?: number;
  /** The limit that was crossed, with its value. */
  limit?: { name: keyof UploadLimits | 'memory' | 'time'; value: number | string };
  /** Rows the refusal counts (e.g. rows holding a raw identifier); never their values. */
  rows?: number;
}

/**
 * A contribution that does not fit its contract as a whole. `detail` is the message without the
 * file; `message` is `<file>: <detail>`.
 */
export class ContributionError extends Error {
  override name = 'ContributionError';
  constructor(
    readonly file: string,
    readonly code: RefusalCode,
    readonly detail: string,
    readonly info: RefusalDetail = {},
  ) {
    super(`${file}: ${detail}`);
  }
}

/** A refusal as it crosses from the validator process to the server (plain data). */
export interface Refusal extends RefusalDetail {
  code: RefusalCode;
  /** The whole message, naming the file by its label. */
  message: string;
}

/** DuckDB over its memory limit or its spill space: a refusal (`memory-limit`), not a bad file. */
export const isOutOfMemory = (err: unknown): boolean =>
  /Out of Memory Error|max_temp_directory_size/i.test(
    err instanceof Error ? err.message : String(err),
  );
