/**
 * The wide TypedDataSet and UntypedDataSet of a release: one row per combination of dimension
 * codes, one column per topic.
 */
import {
  DIMENSION,
  figureOf,
  type Dimension,
  type Figure,
  type Measure,
  type ReleaseDataset,
} from '../dataset.js';
import {
  columnarSet,
  dbl,
  int,
  str,
  type EntitySet,
  type PropertyDef,
  type Value,
} from '../entity-set.js';
import type { PublicCell } from '../types.js';
import {
  combinationKeys,
  distinctSorted,
  indexOfSorted,
  type DimensionIndex,
} from './combinations.js';
import { CONFIDENTIAL_SYMBOL, SET } from './vocabulary.js';

/**
 * The cells of a release grouped by row (combination), without a row object: `members` lists
 * cell numbers row after row, `start[r]..start[r+1]` being row r's. A national release has
 * millions of cells over hundreds of thousands of rows, too sparse for a dense rows×indicators
 * grid; this costs six bytes per cell.
 */
interface DataRows {
  size: number;
  /** Code index of each row in each of DATA_DIMENSIONS. */
  codeOf: Uint32Array[];
  start: Uint32Array;
  members: Uint32Array;
  /** Index (into the indicator list) of each cell's indicator. */
  indicatorOf: Uint16Array;
}

function codeIndex(dimension: Dimension): Map<string, number> {
  return new Map(dimension.codes.map((c, i) => [c.id, i]));
}

function dataRows(
  dataset: ReleaseDataset,
  dims: readonly Dimension[],
  indicators: string[],
): DataRows {
  const { cells } = dataset;
  const readers: Record<string, (c: PublicCell) => string> = {
    [DIMENSION.period]: (c) => dataset.periodCode(c.year),
    [DIMENSION.region]: (c) => c.region_code,
    [DIMENSION.breakdown]: (c) => dataset.breakdownCode(c.breakdown),
  };
  const index = dims.map((d): DimensionIndex => {
    const codes = codeIndex(d);
    const read = readers[d.id] as (c: PublicCell) => string;
    return { of: (c) => codes.get(read(c)) as number, size: Math.max(1, d.codes.length) };
  });
  const keys = combinationKeys(cells, index);
  const rows = distinctSorted(keys);
  const size = rows.length;
  const codeOf = dims.map(() => new Uint32Array(size));
  for (let r = 0; r < size; r++) {
    let k = rows[r] as number;
    for (let d = dims.length - 1; d >= 0; d--) {
      const radix = (index[d] as DimensionIndex).size;
      (codeOf[d] as Uint32Array)[r] = k % radix;
      k = Math.floor(k / radix);
    }
  }
  // Counting sort of the cells by row.
  const rowOf = new Uint32Array(cells.length);
  const start = new Uint32Array(size + 1);
  for (let i = 0; i < cells.length; i++) {
    const r = indexOfSorted(rows, keys[i] as number);
    rowOf[i] = r;
    start[r + 1] = (start[r + 1] as number) + 1;
  }
  for (let r = 0; r < size; r++) start[r + 1] = (start[r + 1] as number) + (start[r] as number);
  const fill = start.slice(0, size);
  const members = new Uint32Array(cells.length);
  for (let i = 0; i < cells.length; i++) {
    const r = rowOf[i] as number;
    members[fill[r] as number] = i;
    fill[r] = (fill[r] as number) + 1;
  }
  const indicatorIndex = new Map(indicators.map((id, i) => [id, i]));
  const indicatorOf = new Uint16Array(cells.length);
  for (let i = 0; i < cells.length; i++)
    indicatorOf[i] = indicatorIndex.get((cells[i] as PublicCell).indicator_id) ?? 0;
  return { size, codeOf, start, members, indicatorOf };
}

/**
 * The cell of (row, indicator), or -1. Reading an entity reads all columns of one row in turn,
 * so the row's cells are spread once into a slot per indicator and reused until the row changes.
 */
function cellReader(
  rows: DataRows,
  indicatorCount: number,
): (row: number, indicator: number) => number {
  const slots = new Int32Array(indicatorCount);
  let current = -1;
  return (row, indicator) => {
    if (row !== current) {
      slots.fill(-1);
      for (let m = rows.start[row] as number; m < (rows.start[row + 1] as number); m++) {
        const cell = rows.members[m] as number;
        slots[rows.indicatorOf[cell] as number] = cell;
      }
      current = row;
    }
    return slots[indicator] as number;
  };
}

/** A figure as a plain decimal string (never exponent notation, which String() may give). */
export function decimalString(v: number): string {
  const s = String(v);
  return s.includes('e')
    ? v.toLocaleString('en-US', { useGrouping: false, maximumFractionDigits: 20 })
    : s;
}

export function dataSets(
  dataset: ReleaseDataset,
  dims: readonly Dimension[],
  topics: readonly Measure[],
): { typed: EntitySet; untyped: EntitySet } {
  const indicators = [...new Set(topics.map((m) => m.indicator))];
  const rows = dataRows(dataset, dims, indicators);
  const cellAt = cellReader(rows, indicators.length);
  const { cells } = dataset;
  const dimColumns: Record<string, (i: number) => Value> = { ID: (i) => i };
  dims.forEach((d, k) => {
    const codes = d.codes.map((c) => c.id);
    const codeOf = rows.codeOf[k] as Uint32Array;
    dimColumns[d.id] = (i) => codes[codeOf[i] as number] as string;
  });
  const typed: Record<string, (i: number) => Value> = { ...dimColumns };
  const untyped: Record<string, (i: number) => Value> = { ...dimColumns };
  for (const m of topics) {
    if (Object.hasOwn(dimColumns, m.id))
      throw new Error(`topic ${m.id} would share its name with a column of the data sets`);
    const indicator = indicators.indexOf(m.indicator);
    const figure: Figure = m.figure;
    typed[m.id] = (i) => {
      const c = cellAt(i, indicator);
      return c < 0 ? null : figureOf(cells[c] as PublicCell, figure);
    };
    untyped[m.id] = (i) => {
      const c = cellAt(i, indicator);
      if (c < 0) return null;
      const cell = cells[c] as PublicCell;
      if (cell.status === 'confidential') return CONFIDENTIAL_SYMBOL;
      const v = figureOf(cell, figure);
      return v === null ? null : decimalString(v);
    };
  }
  const head: PropertyDef[] = [int('ID'), ...dims.map((d) => str(d.id))];
  const indexed = dims.map((d) => d.id);
  return {
    typed: columnarSet(
      SET.typed,
      'TypedData',
      'ID',
      [...head, ...topics.map((m) => dbl(m.id))],
      rows.size,
      typed,
      indexed,
    ),
    untyped: columnarSet(
      SET.untyped,
      'UntypedData',
      'ID',
      [...head, ...topics.map((m) => str(m.id, true))],
      rows.size,
      untyped,
      indexed,
    ),
  };
}
