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
  return new TreePeeling(lp);
}

type Row = SubLp['rows'][number];

/** The peeling of one LP: its working boxes and bookkeeping, then the core and the way back. */
class TreePeeling implements PeeledLp {
  readonly core: SubLp;
  readonly coreCols: number[] = [];
  readonly anchor: Int32Array;
  private readonly n: number;
  private readonly m: number;
  /** Boxes of the input columns, narrowed by the rows folded into them. */
  private readonly lower: Float64Array;
  private readonly upper: Float64Array;
  private readonly rowsOf: number[][];
  private readonly colDegree: Int32Array;
  private readonly rowDegree: Int32Array;
  private readonly colAlive: Uint8Array;
  private readonly rowAlive: Uint8Array;
  // Σ coef · x over the columns peeled from each row, as an interval, and which they were.
  private readonly peeledLo: Float64Array;
  private readonly peeledHi: Float64Array;
  private readonly peeledFrom: { col: number; coef: number }[][];
  /** Rows folded into a column, in order: (row, column it was folded into). */
  private readonly folds: [number, number][] = [];
  /** Row from which each peeled column was peeled (-1: never peeled). */
  private readonly peeledRow: Int32Array;
  private readonly leaves: number[] = [];
  /** Core column of each input column (-1: peeled, or in no row). */
  private readonly coreIndex: Int32Array;
  /** Slack column in the core of each row that lost columns (-1: none). */
  private readonly slackOf: Int32Array;

  constructor(private readonly lp: SubLp) {
    const n = lp.lower.length;
    const m = lp.rows.length;
    this.n = n;
    this.m = m;
    this.lower = Float64Array.from(lp.lower);
    this.upper = Float64Array.from(lp.upper);
    this.rowsOf = Array.from({ length: n }, () => []);
    lp.rows.forEach((row, r) => row.cols.forEach((c) => (this.rowsOf[c] as number[]).push(r)));
    this.colDegree = Int32Array.from(this.rowsOf, (rs) => rs.length);
    this.rowDegree = Int32Array.from(lp.rows, (row) => row.cols.length);
    this.colAlive = new Uint8Array(n).fill(1);
    this.rowAlive = new Uint8Array(m).fill(1);
    this.peeledLo = new Float64Array(m);
    this.peeledHi = new Float64Array(m);
    this.peeledFrom = Array.from({ length: m }, () => []);
    this.peeledRow = new Int32Array(n).fill(-1);
    this.coreIndex = new Int32Array(n).fill(-1);
    this.slackOf = new Int32Array(m).fill(-1);

    this.peelLeaves();
    this.core = this.buildCore();
    this.anchor = this.anchors();
  }

  /** Folds a row left with one column into that column's box. */
  private fold(r: number): void {
    const row = this.lp.rows[r] as Row;
    this.rowAlive[r] = 0;
    const j = row.cols.findIndex((c) => this.colAlive[c]);
    if (j < 0) return; // no column left: a constraint among peeled columns only (their tree)
    const y = row.cols[j] as number;
    // a · y = rhs − peeled
    const [lo, hi] = divideRange(
      row.rhs - (this.peeledHi[r] as number),
      row.rhs - (this.peeledLo[r] as number),
      row.coefs[j] as number,
    );
    if (lo > (this.lower[y] as number)) this.lower[y] = lo;
    if (hi < (this.upper[y] as number)) this.upper[y] = hi;
    this.folds.push([r, y]);
    if (--(this.colDegree[y] as number) === 1) this.leaves.push(y);
  }

  /** Removes a column that appears in one row: its box joins that row's peeled term. */
  private peel(c: number): void {
    const r = (this.rowsOf[c] as number[]).find((q) => this.rowAlive[q]);
    if (r === undefined) return; // all its rows folded into it: the top of a separate tree
    const row = this.lp.rows[r] as Row;
    const a = row.coefs[row.cols.indexOf(c)] as number;
    const [lo, hi] = scaledRange(a, this.lower[c] as number, this.upper[c] as number);
    this.peeledLo[r] = (this.peeledLo[r] as number) + lo;
    this.peeledHi[r] = (this.peeledHi[r] as number) + hi;
    this.peeledFrom[r]?.push({ col: c, coef: a });
    this.colAlive[c] = 0;
    this.peeledRow[c] = r;
    if (--(this.rowDegree[r] as number) <= 1) this.fold(r);
  }

  private peelLeaves(): void {
    const { n, m, leaves, colAlive, colDegree } = this;
    for (let r = 0; r < m; r++) if (this.rowDegree[r] === 1) this.fold(r);
    for (let c = 0; c < n; c++) if (colDegree[c] === 1) leaves.push(c);
    for (let h = 0; h < leaves.length; h++) {
      const c = leaves[h] as number;
      if (colAlive[c] && colDegree[c] === 1) this.peel(c);
    }
  }

  /** The 2-core: the columns left in two or more rows, the rows left, one slack per cut row. */
  private buildCore(): SubLp {
    const { n, m, coreCols, coreIndex } = this;
    for (let c = 0; c < n; c++) {
      if (this.colAlive[c] && (this.colDegree[c] as number) >= 2) {
        coreIndex[c] = coreCols.length;
        coreCols.push(c);
      }
    }
    const core: SubLp = {
      lower: coreCols.map((c) => this.lower[c] as number),
      upper: coreCols.map((c) => this.upper[c] as number),
      rows: [],
    };
    for (let r = 0; r < m; r++) {
      if (!this.rowAlive[r]) continue;
      const row = this.lp.rows[r] as Row;
      const out = { cols: [] as number[], coefs: [] as number[], rhs: row.rhs };
      row.cols.forEach((c, j) => {
        if (coreIndex[c] !== -1) {
          out.cols.push(coreIndex[c] as number);
          out.coefs.push(row.coefs[j] as number);
        }
      });
      if ((this.peeledFrom[r] as unknown[]).length > 0) {
        this.slackOf[r] = core.lower.length;
        out.cols.push(core.lower.length);
        out.coefs.push(1);
        core.lower.push(this.peeledLo[r] as number);
        core.upper.push(this.peeledHi[r] as number);
      }
      core.rows.push(out);
    }
    return core;
  }

  /**
   * The anchor of a peeled column: through its row to the column that row was folded into (or
   * the row's slack in the core), and on up.
   */
  private anchors(): Int32Array {
    const { n, coreIndex, slackOf } = this;
    const foldedInto = new Int32Array(this.m).fill(-1);
    for (const [r, y] of this.folds) foldedInto[r] = y;
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
        const r = this.peeledRow[x] as number;
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
    return anchor;
  }

  expand(
    coreLower: ArrayLike<number>,
    coreUpper: ArrayLike<number>,
  ): { lower: Float64Array; upper: Float64Array } {
    const out = { lower: Float64Array.from(this.lower), upper: Float64Array.from(this.upper) };
    this.coreCols.forEach((c, k) => {
      out.lower[c] = coreLower[k] as number;
      out.upper[c] = coreUpper[k] as number;
    });
    for (let r = 0; r < this.m; r++) {
      const s = this.slackOf[r] as number;
      if (s !== -1) this.spread(out, r, coreLower[s] as number, coreUpper[s] as number);
    }
    for (let f = this.folds.length - 1; f >= 0; f--) {
      const [r, y] = this.folds[f] as [number, number];
      const row = this.lp.rows[r] as Row;
      const a = row.coefs[row.cols.indexOf(y)] as number;
      // Σ peeled = rhs − a · y
      const [yl, yu] = scaledRange(a, out.lower[y] as number, out.upper[y] as number);
      this.spread(out, r, row.rhs - yu, row.rhs - yl);
    }
    return out;
  }

  /** One equation Σ coef · x = S over independent boxes: each member's exact range. */
  private spread(
    out: { lower: Float64Array; upper: Float64Array },
    r: number,
    sLo: number,
    sHi: number,
  ): void {
    const { lower, upper } = this;
    const members = this.peeledFrom[r] as { col: number; coef: number }[];
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
      out.lower[col] = Math.max(lower[col] as number, lo);
      out.upper[col] = Math.min(upper[col] as number, hi);
    });
  }

  coreTruth(truth: ArrayLike<number>): number[] {
    const { coreCols } = this;
    const out = coreCols.map((c) => truth[c] as number);
    for (const row of this.core.rows) {
      const last = row.cols.length - 1;
      if ((row.cols[last] as number) < coreCols.length) continue; // no slack
      let rest = row.rhs;
      for (let j = 0; j < last; j++) {
        rest -= (row.coefs[j] as number) * (out[row.cols[j] as number] as number);
      }
      out[row.cols[last] as number] = rest;
    }
    return out;
  }
}
