/**
 * A run's memory budget (`runMemoryLimit` in samenzicht.json): what the run process may use in
 * all, split between the two parts of it that hold memory.
 *
 *   V8 heap   60 %  `--max-old-space-size` of the run process: the cell tables, the disclosure
 *                   model, the release rows and, on a later run, the published cells it is
 *                   audited against live in JavaScript and cannot spill, so they get the larger
 *                   share (their size follows the number of cells, not of rows: at national scale
 *                   with every level and breakdown a re-run needs more than 5.7 GB). Disclosure
 *                   control protects one year per worker thread, each capped at a third of this
 *                   share, while the run's own thread holds the cells and the merged rows;
 *   DuckDB    25 %  `memory_limit`: the linked microdata and the indicator queries; beyond it
 *                   DuckDB spills to the run's temp directory (broker/runs/<id>/spill) instead;
 *   headroom  15 %  what neither cap counts: V8's young generation and code space, the audit's
 *                   worker threads (each with its own heap and HiGHS WebAssembly memory),
 *                   DuckDB's allocations outside its buffer pool, Node itself.
 *
 * So a run that needs more than the budget spills (DuckDB) or, if its JavaScript alone outgrows
 * the heap share, fails with a reason naming the budget, rather than growing until the kernel
 * kills it, or the server with it (the run is a process of its own: src/pipeline/run-process.ts).
 */

export const HEAP_SHARE = 0.6;
export const DUCKDB_SHARE = 0.25;

/** The smallest budget a run can work in. */
export const MIN_RUN_MEMORY = 2 ** 30;

export interface RunMemoryBudget {
  /** The budget as configured, e.g. `8GB`. */
  limit: string;
  bytes: number;
  /** `--max-old-space-size` of the run process, in MiB. */
  heapMb: number;
  /** DuckDB's `memory_limit`, e.g. `1907MiB`. */
  duckdbMemoryLimit: string;
}

const UNITS: Record<string, number> = { K: 1, M: 2, G: 3, T: 4 };

/**
 * Bytes of a size as DuckDB reads one: `KB`/`MB`/`GB`/`TB` are powers of 1000, `KiB`… of 1024.
 * Null for anything else.
 */
export function parseMemorySize(size: string): number | null {
  const m = /^(\d+(?:\.\d+)?)\s*([KMGT])(i?)B$/i.exec(size.trim());
  if (!m) return null;
  const power = UNITS[m[2]!.toUpperCase()]!;
  return Math.floor(Number(m[1]) * (m[3] ? 1024 : 1000) ** power);
}

export function runMemoryBudget(limit: string): RunMemoryBudget {
  const bytes = parseMemorySize(limit);
  if (bytes === null)
    throw new RangeError(`run memory '${limit}': give a size such as 8GB or 6GiB`);
  if (bytes < MIN_RUN_MEMORY)
    throw new RangeError(
      `run memory '${limit}' is too small: a run needs at least 1GiB (its heap and DuckDB share it)`,
    );
  const mib = bytes / 2 ** 20;
  return {
    limit,
    bytes,
    heapMb: Math.floor(mib * HEAP_SHARE),
    duckdbMemoryLimit: `${Math.floor(mib * DUCKDB_SHARE)}MiB`,
  };
}
