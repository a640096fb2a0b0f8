/**
 * Rows of the v3 data sets are combinations of dimension codes. Each cell's combination is one
 * mixed-radix number, so rows sort and deduplicate as plain numbers in a typed array.
 */
import { figuresOf } from '../dataset.js';
import type { IndicatorSummary, PublicCell } from '../types.js';
import { DATA_DIMENSIONS, type TableShape } from './vocabulary.js';

/** How each cell indexes one dimension (0..size-1), in the order the rows should sort. */
export interface DimensionIndex {
  of: (cell: PublicCell) => number;
  size: number;
}

/** One mixed-radix number per cell: its combination of dimension codes, sortable as numbers. */
export function combinationKeys(
  cells: readonly PublicCell[],
  dims: readonly DimensionIndex[],
): Float64Array {
  const keys = new Float64Array(cells.length);
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i] as PublicCell;
    let k = 0;
    for (const d of dims) k = k * d.size + d.of(cell);
    keys[i] = k;
  }
  return keys;
}

/** The distinct keys, ascending (a typed array sorts numerically). */
export function distinctSorted(keys: Float64Array): Float64Array {
  const sorted = keys.slice().sort();
  let n = 0;
  for (let i = 0; i < sorted.length; i++) {
    if (n === 0 || sorted[i] !== sorted[n - 1]) sorted[n++] = sorted[i] as number;
  }
  return sorted.slice(0, n);
}

export function indexOfSorted(sorted: Float64Array, key: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = sorted[mid] as number;
    if (v === key) return mid;
    if (v < key) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** A dimension index that numbers values as they are first seen. */
function firstSeen<T>(read: (c: PublicCell) => T, cells: readonly PublicCell[]): DimensionIndex {
  const ids = new Map<T, number>();
  for (const c of cells) {
    const v = read(c);
    if (!ids.has(v)) ids.set(v, ids.size);
  }
  return { of: (c) => ids.get(read(c)) as number, size: Math.max(1, ids.size) };
}

/**
 * RecordCount and ColumnCount of a release without building its dataset (for the Tables list),
 * counted the way buildV3Model lays the data sets out.
 */
export function tableShape(
  cells: readonly PublicCell[],
  indicators: readonly IndicatorSummary[],
): TableShape {
  const dims = [
    firstSeen((c) => c.breakdown, cells),
    firstSeen((c) => c.region_code, cells),
    firstSeen((c) => c.year, cells),
  ];
  const records = distinctSorted(combinationKeys(cells, dims)).length;
  const kind = new Map(indicators.map((i) => [i.id, i.kind]));
  let topics = 0;
  for (const id of new Set(cells.map((c) => c.indicator_id)))
    topics += figuresOf(kind.get(id) ?? '').length;
  return { records, columns: DATA_DIMENSIONS.length + topics };
}
