/**
 * What the broker accepts in one contribution file, and what validating it may cost. A file over
 * a content limit is refused (413, naming the limit) before the work it would cause: the CSV scan
 * stops at the first field, line or row too many; a Parquet file is measured from its metadata
 * before a row is read. The resource limits bound the validator process itself (a child process,
 * see validation-pool.ts): whatever a file holds, it cannot take more memory or time than these.
 */

export interface UploadLimits {
  /** Bytes of the file as uploaded (a Parquet file: compressed); more is refused while it arrives. */
  uploadBytes: number;
  /** Data rows (the header is not a row). */
  rows: number;
  /**
   * Bytes the file takes once decompressed and decoded. A CSV file is its own size; for
   * Parquet, counted from its metadata before a row is read (see parquet-check.ts).
   */
  decompressedBytes: number;
  /** Bytes of one value (UTF-8). */
  fieldBytes: number;
  /** Columns of the header (Parquet: of the schema). */
  columns: number;
  /** Bytes of one line of a CSV file, without its line break. */
  lineBytes: number;
}

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

export const UPLOAD_LIMITS: Readonly<UploadLimits> = Object.freeze({
  uploadBytes: 4 * GiB,
  rows: 50_000_000,
  decompressedBytes: 16 * GiB,
  fieldBytes: 64 * KiB,
  columns: 256,
  lineBytes: 1 * MiB,
});

/** How each limit is named in a refusal. */
export const LIMIT_NAMES: Record<keyof UploadLimits, string> = {
  uploadBytes: 'upload size',
  rows: 'rows',
  decompressedBytes: 'decompressed size',
  fieldBytes: 'field length',
  columns: 'columns',
  lineBytes: 'line length',
};

export interface ValidatorResources {
  /** DuckDB's `memory_limit` in the validator process; beyond it DuckDB spills to disk. */
  memoryLimit: string;
  /** DuckDB's `threads`. */
  threads: number;
  /** DuckDB's `max_temp_directory_size`: how much it may spill next to the upload. */
  maxTempSize: string;
  /** The validator process's JavaScript heap (`--max-old-space-size`, MB). */
  heapMb: number;
  /**
   * Wall-clock time one validation may take; then its process is killed and the file refused.
   * Below the server's 10-minute idle-connection timeout, so the client hears why.
   */
  timeoutMs: number;
}

export const VALIDATOR_RESOURCES: Readonly<ValidatorResources> = Object.freeze({
  memoryLimit: '1GB',
  threads: 1,
  maxTempSize: '40GB',
  heapMb: 512,
  timeoutMs: 540_000,
});

function positive(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1)
    throw new Error(`upload limit ${name} must be a whole number ≥ 1, not ${String(v)}`);
  return v;
}

/** The defaults with `overrides` (e.g. lower limits in a test); each must be a whole number ≥ 1. */
export function uploadLimits(overrides: Partial<UploadLimits> = {}): UploadLimits {
  const out = { ...UPLOAD_LIMITS };
  for (const [k, v] of Object.entries(overrides)) {
    if (!(k in UPLOAD_LIMITS)) throw new Error(`unknown upload limit '${k}'`);
    if (v !== undefined) out[k as keyof UploadLimits] = positive(k, v);
  }
  return out;
}

export function validatorResources(
  overrides: Partial<ValidatorResources> = {},
): ValidatorResources {
  const out: ValidatorResources = { ...VALIDATOR_RESOURCES };
  for (const [k, v] of Object.entries(overrides)) {
    if (v === undefined) continue;
    if (!(k in VALIDATOR_RESOURCES)) throw new Error(`unknown validator resource '${k}'`);
    if (k === 'memoryLimit' || k === 'maxTempSize') {
      if (typeof v !== 'string' || !/^\d+(\.\d+)?\s*[KMGT]i?B$/i.test(v))
        throw new Error(`validator resource ${k} must be a size such as '1GB', not ${String(v)}`);
      out[k] = v;
    } else out[k as 'threads' | 'heapMb' | 'timeoutMs'] = positive(k, v);
  }
  return out;
}

/** `65536` → `64 KiB`, `17179869184` → `16 GiB`, `1500` → `1,500 bytes`. */
export function formatBytes(n: number): string {
  for (const [unit, size] of [
    ['GiB', GiB],
    ['MiB', MiB],
    ['KiB', KiB],
  ] as const) {
    if (n >= size && n % size === 0) return `${n / size} ${unit}`;
  }
  if (n >= 10 * MiB) return `${(n / MiB).toFixed(1)} MiB`;
  return `${n.toLocaleString('en-US')} bytes`;
}
