/**
 * Exact attacker intervals without a solver, for subproblems whose relations form no cycle.
 *
 * Most published tables are hierarchies: a region is the sum of its subregions, and a subregion
 * sits under one parent. Their incidence graph (columns and rows as nodes, an edge where a column
 * appears in a row) is then a forest: the system is Berge-acyclic. For such systems, bounds
 * propagation to its fixpoint gives each column exactly its projection of the feasible set: every
 * linear equality over a box has a convex projection, so bounds consistency is generalised arc
 * consistency, and on an acyclic constraint network that implies every value left in a domain
 * extends to a full solution (Freuder 1982; Beeri, Fagin, Maier & Yannakakis 1983). The min and
 * max LPs would return the same numbers; propagation needs no solver and is linear in the size.
 *
 * With a cycle (a two-dimensional table: region × breakdown) propagation only gives an outer
 * bound, which would overstate protection, so the caller must use LPs there: `null` is returned.
 */
import type { SubLp } from './lp.js';

/** Union–find over `n` elements (path halving); `parent[root] = other` joins two sets. */
function disjointSets(n: number): { parent: Int32Array; find: (x: number) => number } {
  const parent = new Int32Array(n);
  for (let i = 0; i < n; i++) parent[i] = i;
  const find = (x: number): number => {
    while (parent[x] !== x) {
      const p = parent[x] as number;
      parent[x] = parent[p] as number;
      x = p;
    }
    return x;
  };
  return { parent, find };
}

/** Whether the column–row incidence graph of `lp` is a forest (union–find over both kinds). */
export function isAcyclic(lp: SubLp): boolean {
  const n = lp.lower.length;
  const { parent, find } = disjointSets(n + lp.rows.length);
  for (let r = 0; r < lp.rows.length; r++) {
    for (const c of (lp.rows[r] as SubLp['rows'][number]).cols) {
      const a = find(c);
      const b = find(n + r);
      if (a === b) return false;
      parent[a] = b;
    }
  }
  return true;
}

const TOL = 1e-9;

/** Range of a · x for x in [l, u]. */
export function scaledRange(a: number, l: number, u: number): [number, number] {
  return a > 0 ? [a * l, a * u] : [a * u, a * l];
}

/** Range of x when a · x lies in [lo, hi]. */
export function divideRange(lo: number, hi: number, a: number): [number, number] {
  const p = lo / a;
  const q = hi / a;
  return [Math.min(p, q), Math.max(p, q)];
}

/**
 * One equation Σ t_j = S with independent terms t_j in [tMin_j, tMax_j] and S in [sLo, sHi]: the
 * range each term can take, [sLo − Σ_{i≠j} tMax_i, sHi − Σ_{i≠j} tMin_i]. Over one equation with
 * independent boxes this interval arithmetic is the exact projection. Infinite terms are counted,
 * not summed, so ∞ − ∞ never arises.
 */
export function termRanges(
  tMin: ArrayLike<number>,
  tMax: ArrayLike<number>,
  sLo: number,
  sHi: number,
): { lo: Float64Array; hi: Float64Array } {
  const k = tMin.length;
  let sumMin = 0;
  let sumMax = 0;
  let infMin = 0;
  let infMax = 0;
  for (let j = 0; j < k; j++) {
    if (tMin[j] === -Infinity) infMin++;
    else sumMin += tMin[j] as number;
    if (tMax[j] === Infinity) infMax++;
    else sumMax += tMax[j] as number;
  }
  const lo = new Float64Array(k);
  const hi = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    const l = tMin[j] as number;
    const u = tMax[j] as number;
    // Range of the other terms.
    const oMin =
      l === -Infinity ? (infMin > 1 ? -Infinity : sumMin) : infMin > 0 ? -Infinity : sumMin - l;
    const oMax =
      u === Infinity ? (infMax > 1 ? Infinity : sumMax) : infMax > 0 ? Infinity : sumMax - u;
    lo[j] = sLo - oMax;
    hi[j] = sHi - oMin;
  }
  return { lo, hi };
}

/**
 * Bounds of every column of an acyclic subproblem, or `null` when it has a cycle. The bounds
 * start at the columns' own boxes; rows are revisited whenever a member's bound moves.
 */
export function propagateAcyclic(lp: SubLp): { lower: Float64Array; upper: Float64Array } | null {
  if (!isAcyclic(lp)) return null;
  const n = lp.lower.length;
  const lower = Float64Array.from(lp.lower);
  const upper = Float64Array.from(lp.upper);
  const rowsOf: number[][] = Array.from({ length: n }, () => []);
  lp.rows.forEach((row, r) => row.cols.forEach((c) => (rowsOf[c] as number[]).push(r)));
  const queued = new Uint8Array(lp.rows.length).fill(1);
  const queue: number[] = lp.rows.map((_, r) => r);
  // On a forest each row is revisited at most once per neighbouring row's change; the cap is a
  // guard against floating-point creep, never reached in practice.
  let budget = 8 * (lp.rows.length + n) + 64;
  for (let head = 0; head < queue.length; head++) {
    if (--budget < 0) throw new Error('bounds propagation did not converge on an acyclic system');
    const r = queue[head] as number;
    queued[r] = 0;
    const row = lp.rows[r] as SubLp['rows'][number];
    const k = row.cols.length;
    const tMin = new Float64Array(k);
    const tMax = new Float64Array(k);
    for (let j = 0; j < k; j++) {
      const c = row.cols[j] as number;
      [tMin[j], tMax[j]] = scaledRange(
        row.coefs[j] as number,
        lower[c] as number,
        upper[c] as number,
      );
    }
    const terms = termRanges(tMin, tMax, row.rhs, row.rhs);
    for (let j = 0; j < k; j++) {
      const c = row.cols[j] as number;
      const [p, q] = divideRange(
        terms.lo[j] as number,
        terms.hi[j] as number,
        row.coefs[j] as number,
      );
      const newLo = Math.max(lower[c] as number, p);
      const newHi = Math.min(upper[c] as number, q);
      const moved =
        newLo > (lower[c] as number) + TOL * Math.max(1, Math.abs(newLo)) ||
        newHi < (upper[c] as number) - TOL * Math.max(1, Math.abs(newHi));
      if (newLo > (lower[c] as number)) lower[c] = newLo;
      if (newHi < (upper[c] as number)) upper[c] = newHi;
      if (!moved) continue;
      for (const r2 of rowsOf[c] as number[]) {
        if (r2 === r || queued[r2]) continue;
        queued[r2] = 1;
        queue.push(r2);
      }
    }
  }
  return { lower, upper };
}

/**
 * Inner bounds for a system with cycles, without a solver: the columns that would close a cycle
 * are fixed at their true values (columns earlier in `order` stay free first), and the acyclic
 * rest is propagated exactly. Fixing columns only shrinks the attacker's feasible set (the truth
 * stays in it), so every interval returned lies inside the column's real interval: wide enough
 * here is a proof, too narrow here proves nothing and needs the LPs.
 */
export function innerBoundsByForest(
  lp: SubLp,
  truth: ArrayLike<number>,
  order: readonly number[],
): { lower: Float64Array; upper: Float64Array } {
  const n = lp.lower.length;
  const rowsOf: number[][] = Array.from({ length: n }, () => []);
  lp.rows.forEach((row, r) => row.cols.forEach((c) => (rowsOf[c] as number[]).push(r)));
  const { parent, find } = disjointSets(lp.rows.length);
  const fixed = new Uint8Array(n);
  const seen = new Uint8Array(n);
  const visit = (c: number): void => {
    if (seen[c]) return;
    seen[c] = 1;
    const roots = (rowsOf[c] as number[]).map(find);
    if (new Set(roots).size < roots.length) {
      fixed[c] = 1; // two of its rows are already connected: keeping it would close a cycle
      return;
    }
    for (const r of roots) parent[r] = roots[0] as number;
  };
  for (const c of order) visit(c);
  for (let c = 0; c < n; c++) visit(c);
  const reduced: SubLp = {
    lower: lp.lower.map((l, c) => (fixed[c] ? (truth[c] as number) : l)),
    upper: lp.upper.map((u, c) => (fixed[c] ? (truth[c] as number) : u)),
    rows: lp.rows.map((row) => {
      const out = { cols: [] as number[], coefs: [] as number[], rhs: row.rhs };
      row.cols.forEach((c, j) => {
        if (fixed[c]) out.rhs -= (row.coefs[j] as number) * (truth[c] as number);
        else {
          out.cols.push(c);
          out.coefs.push(row.coefs[j] as number);
        }
      });
      return out;
    }),
  };
  const bounds = propagateAcyclic(reduced);
  if (!bounds)
    throw new Error('internal error: the spanning forest of an audit subproblem has a cycle');
  return bounds;
}
