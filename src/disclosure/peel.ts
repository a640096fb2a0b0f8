/**
 * Folding the trees that hang off a table with cycles, so that only its cyclic core needs LPs.
 *
 * A region × breakdown table has cycles at the levels that carry the breakdown (gemeente and
 * up), but below them hang trees: each gemeente's wijken and buurten. A tree touches the rest of
 * the system through one column (or one row), so its whole effect on the rest is an interval for
 * that column: the projection of the tree's constraints onto it, which is exact for a tree
 * (see propagate.ts). Peeling repeatedly removes a column that appears in one row (its box is
 * added to that row's peeled term) and folds a row left with one column into that column's box.
 * What remains is the 2-core: every row with two or more columns, every column in two or more
 * rows. A core row that lost columns gets one slack column whose box is the range of its peeled
 * term.
 *
 * The core's feasible set is the exact projection of the whole system, so its LP intervals are
 * exact. Intervals of peeled columns follow from the core downwards: a peeled column's row holds
 * independent boxed terms and one column (or slack) whose final interval is known, and interval
 * arithmetic over one equation with independent boxes is its exact projection.
 */
import type { SubLp } from './lp.js';
import { divideRange, scaledRange, termRanges } from './propagate.js';

export interface PeeledLp {
  /** The core LP: its first `coreCols.length` columns are `coreCols`, then the slacks. */
  core: SubLp;
  /** Input column of each core column. */
  coreCols: number[];
  /**
   * Core column whose interval decides each input column's: itself for a core column, the top
   * of its tree for a peeled one, -1 when its tree touches no core (its box is then exact).
   */
  anchor: Int32Array;
  /** True value of each core column (a slack's is its row's peeled part at the truth). */
  coreTruth(truth: ArrayLike<number>): number[];
  /** Intervals of every input column from intervals of the core's columns (NaN where unknown). */
  expand(
    lower: ArrayLike<number>,
    upper: ArrayLike<number>,
  ): { lower: Float64Array; upper: Float64Array };
}

export function peelTrees(lp: SubLp): PeeledLp {
  const n = lp.lower.length;
  const m = lp.rows.length;
  const lower = Float64Array.from(lp.lower);
  const upper = Float64Array.from(lp.upper);
  const rowsOf: number[][] = Array.from({ length: n }, () => []);
  lp.rows.forEach((row, r) => row.cols.forEach((c) => (rowsOf[c] as number[]).push(r)));
  const colDegree = Int32Array.from(rowsOf, (rs) => rs.length);
  const rowDegree = Int32Array.from(lp.rows, (row) => row.cols.length);
  const colAlive = new Uint8Array(n).fill(1);
  const rowAlive = new Uint8Array(m).fill(1);
  // Σ coef · x over the columns peeled from each row, as an interval, and which they were.
  const peeledLo = new Float64Array(m);
  const peeledHi = new Float64Array(m);
  const peeledFrom: { col: number; coef: number }[][] = Array.from({ length: m }, () => []);
  /** Rows folded into a column, in order: (row, column it was folded into). */
  const folds: [number, number][] = [];
  /** Row from which each peeled column was peeled (-1: never peeled). */
  const peeledRow = new Int32Array(n).fill(-1);

  const leaves: number[] = [];
  const fold = (r: number): void => {
    const row = lp.rows[r] as SubLp['rows'][number];
    rowAlive[r] = 0;
    const j = row.cols.findIndex((c) => colAlive[c]);
    if (j < 0) return; // no column left: a constraint among peeled columns only (their tree)
    const y = row.cols[j] as number;
    // a · y = rhs − peeled
    const [lo, hi] = divideRange(
      row.rhs - (peeledHi[r] as number),
      row.rhs - (peeledLo[r] as number),
      row.coefs[j] as number,
    );
    if (lo > (lower[y] as number)) lower[y] = lo;
    if (hi < (upper[y] as number)) upper[y] = hi;
    folds.push([r, y]);
    if (--(colDegree[y] as number) === 1) leaves.push(y);
  };
  const peel = (c: number): void => {
    const r = (rowsOf[c] as number[]).find((q) => rowAlive[q]);
    if (r === undefined) return; // all its rows folded into it: the top of a separate tree
    const row = lp.rows[r] as SubLp['rows'][number];
    const a = row.coefs[row.cols.indexOf(c)] as number;
    const [lo, hi] = scaledRange(a, lower[c] as number, upper[c] as number);
    peeledLo[r] = (peeledLo[r] as number) + lo;
    peeledHi[r] = (peeledHi[r] as number) + hi;
    peeledFrom[r]?.push({ col: c, coef: a });
    colAlive[c] = 0;
    peeledRow[c] = r;
    if (--(rowDegree[r] as number) <= 1) fold(r);
  };
  for (let r = 0; r < m; r++) if (rowDegree[r] === 1) fold(r);
  for (let c = 0; c < n; c++) if (colDegree[c] === 1) leaves.push(c);
  for (let h = 0; h < leaves.length; h++) {
    const c = leaves[h] as number;
    if (colAlive[c] && colDegree[c] === 1) peel(c);
  }

  const coreCols: number[] = [];
  const coreIndex = new Int32Array(n).fill(-1);
  for (let c = 0; c < n; c++) {
    if (colAlive[c] && (colDegree[c] as number) >= 2) {
      coreIndex[c] = coreCols.length;
      coreCols.push(c);
    }
  }
  const core: SubLp = {
    lower: coreCols.map((c) => lower[c] as number),
    upper: coreCols.map((c) => upper[c] as number),
    rows: [],
  };
  const slackOf = new Int32Array(m).fill(-1);
  for (let r = 0; r < m; r++) {
    if (!rowAlive[r]) continue;
    const row = lp.rows[r] as SubLp['rows'][number];
    const out = { cols: [] as number[], coefs: [] as number[], rhs: row.rhs };
    row.cols.forEach((c, j) => {
      if (coreIndex[c] !== -1) {
        out.cols.push(coreIndex[c] as number);
        out.coefs.push(row.coefs[j] as number);
      }
    });
    if ((peeledFrom[r] as unknown[]).length > 0) {
      slackOf[r] = core.lower.length;
      out.cols.push(core.lower.length);
      out.coefs.push(1);
      core.lower.push(peeledLo[r] as number);
      core.upper.push(peeledHi[r] as number);
    }
    core.rows.push(out);
  }

  // The anchor of a peeled column: through its row to the column that row was folded into (or
  // the row's slack in the core), and on up.
  const foldedInto = new Int32Array(m).fill(-1);
  for (const [r, y] of folds) foldedInto[r] = y;
  const anchor = new Int32Array(n).fill(-2);
  const anchorOf = (c: number): number => {
    const path: number[] = [];
    let x = c;
    let found = -1;
    for (;;) {
      if (anchor[x] !== -2) {
        found = anchor[x] as number;
        break;
      }
      if (coreIndex[x] !== -1) {
        found = coreIndex[x] as number;
        break;
      }
      path.push(x);
      const r = peeledRow[x] as number;
      if (r < 0) break; // never peeled and not core: its own box is exact
      if (slackOf[r] !== -1) {
        found = slackOf[r] as number;
        break;
      }
      const y = foldedInto[r] as number;
      if (y < 0) break; // its row emptied: a whole tree, exact from the boxes
      x = y;
    }
    for (const p of path) anchor[p] = found;
    return found;
  };
  for (let c = 0; c < n; c++) {
    if (coreIndex[c] !== -1) anchor[c] = coreIndex[c] as number;
    else anchorOf(c);
  }

  const expand = (
    coreLower: ArrayLike<number>,
    coreUpper: ArrayLike<number>,
  ): { lower: Float64Array; upper: Float64Array } => {
    const outLo = Float64Array.from(lower);
    const outHi = Float64Array.from(upper);
    coreCols.forEach((c, k) => {
      outLo[c] = coreLower[k] as number;
      outHi[c] = coreUpper[k] as number;
    });
    // One equation Σ coef · x = S over independent boxes: each member's exact range.
    const spread = (r: number, sLo: number, sHi: number): void => {
      const members = peeledFrom[r] as { col: number; coef: number }[];
      const terms = members.map(({ col, coef }) =>
        scaledRange(coef, lower[col] as number, upper[col] as number),
      );
      const ranges = termRanges(
        terms.map((t) => t[0]),
        terms.map((t) => t[1]),
        sLo,
        sHi,
      );
      members.forEach(({ col, coef }, k) => {
        const [lo, hi] = divideRange(ranges.lo[k] as number, ranges.hi[k] as number, coef);
        outLo[col] = Math.max(lower[col] as number, lo);
        outHi[col] = Math.min(upper[col] as number, hi);
      });
    };
    for (let r = 0; r < m; r++) {
      const s = slackOf[r] as number;
      if (s !== -1) spread(r, coreLower[s] as number, coreUpper[s] as number);
    }
    for (let f = folds.length - 1; f >= 0; f--) {
      const [r, y] = folds[f] as [number, number];
      const row = lp.rows[r] as SubLp['rows'][number];
      const a = row.coefs[row.cols.indexOf(y)] as number;
      // Σ peeled = rhs − a · y
      const [yl, yu] = scaledRange(a, outLo[y] as number, outHi[y] as number);
      spread(r, row.rhs - yu, row.rhs - yl);
    }
    return { lower: outLo, upper: outHi };
  };

  const coreTruth = (truth: ArrayLike<number>): number[] => {
    const out = coreCols.map((c) => truth[c] as number);
    for (const row of core.rows) {
      const last = row.cols.length - 1;
      if ((row.cols[last] as number) < coreCols.length) continue; // no slack
      let rest = row.rhs;
      for (let j = 0; j < last; j++) {
        rest -= (row.coefs[j] as number) * (out[row.cols[j] as number] as number);
      }
      out[row.cols[last] as number] = rest;
    }
    return out;
  };

  return { core, coreCols, anchor, coreTruth, expand };
}
