/**
 * What secondary suppression adds to one relation: a small covering problem (min Σ cost with
 * Σ capacity ≥ deficit over the unsuppressed candidates). Exact by dynamic programming when the
 * capacities are small integers (counts); otherwise the cheaper of the cheapest single cell that
 * covers the deficit and a greedy cover in order of cost per unit of capacity. The baseline
 * strategy adds the smallest sibling instead.
 */
import type { Strategy } from './secondary.js';

const EPS = 1e-9;

/** A candidate's capacity (its value) and its cost (memoised). */
interface Measures {
  a: (v: number) => number;
  cost: (v: number) => number;
}

/** The baseline: the smallest positive sibling (any sibling when none is positive), by index. */
function smallestSibling(candidates: number[], a: (v: number) => number): number[] {
  const positive = candidates.filter((c) => a(c) > 0);
  const pool = positive.length > 0 ? positive : candidates;
  let best = pool[0] as number;
  for (const c of pool) if (a(c) < a(best) || (a(c) === a(best) && c < best)) best = c;
  return [best];
}

/** table[i][cap] = min cost with items < i reaching capacity ≥ cap (capped at `need`). */
function coverTable(items: number[], need: number, { a, cost }: Measures): Float64Array[] {
  const table = [new Float64Array(need + 1).fill(Infinity)];
  (table[0] as Float64Array)[0] = 0;
  items.forEach((c, i) => {
    const prev = table[i] as Float64Array;
    const row = Float64Array.from(prev);
    const w = a(c);
    const k = cost(c);
    for (let cap = 0; cap <= need; cap++) {
      if (prev[cap] === Infinity) continue;
      const to = Math.min(need, cap + w);
      const v = (prev[cap] as number) + k;
      if (v < (row[to] as number) - 1e-12) row[to] = v;
    }
    table.push(row);
  });
  return table;
}

/** The items of an optimal cover, read back from the table; null when it does not close. */
function coverPick(
  table: Float64Array[],
  items: number[],
  need: number,
  { a, cost }: Measures,
): number[] | null {
  const pick: number[] = [];
  let cap = need;
  for (let i = items.length; i > 0 && cap > 0; i--) {
    const here = (table[i] as Float64Array)[cap] as number;
    if (Math.abs(here - ((table[i - 1] as Float64Array)[cap] as number)) < 1e-12) continue; // not taken
    const c = items[i - 1] as number;
    const w = a(c);
    const k = cost(c);
    const before = table[i - 1] as Float64Array;
    let from = -1;
    for (let q = 0; q <= need; q++) {
      if (Math.min(need, q + w) === cap && Math.abs((before[q] as number) + k - here) < 1e-9) {
        from = q;
        break;
      }
    }
    pick.push(c);
    cap = from;
  }
  return cap === 0 ? pick.sort((x, y) => x - y) : null;
}

// Exact when capacities are integers and the deficit is small (counts): min Σ cost subject to
// Σ capacity ≥ deficit, by dynamic programming over capacity. Null when it does not apply.
function exactCover(candidates: number[], deficit: number, m: Measures): number[] | null {
  const { a } = m;
  const need = Math.ceil(deficit - EPS);
  const positive = candidates.filter((c) => a(c) > 0);
  if (!(
    need >= 1 &&
    need <= 5000 &&
    positive.length > 0 &&
    positive.every((c) => Number.isInteger(a(c)))
  ))
    return null;
  const items = [...positive].sort((x, y) => x - y);
  const table = coverTable(items, need, m);
  if ((table[items.length] as Float64Array)[need] === Infinity) return null;
  return coverPick(table, items, need, m);
}

/** The cheaper of the cheapest single covering candidate and a greedy cover by cost per unit. */
function heuristicCover(candidates: number[], deficit: number, { a, cost }: Measures): number[] {
  // A: the cheapest single candidate covering the deficit.
  let single = -1;
  for (const c of candidates) {
    if (a(c) + EPS < deficit) continue;
    if (single < 0 || cost(c) < cost(single) || (cost(c) === cost(single) && c < single))
      single = c;
  }
  // B: greedy by cost per unit of capacity.
  const ratio = (c: number): number => (a(c) > 0 ? cost(c) / a(c) : Infinity);
  const order = candidates
    .filter((c) => a(c) > 0)
    .sort((x, y) => ratio(x) - ratio(y) || a(y) - a(x) || x - y);
  const greedy: number[] = [];
  let got = 0;
  for (const c of order) {
    if (got + EPS >= deficit) break;
    greedy.push(c);
    got += a(c);
  }
  const covered = got + EPS >= deficit;
  if (single >= 0) {
    const gCost = greedy.reduce((s, c) => s + cost(c), 0);
    if (!covered || cost(single) <= gCost) return [single];
    return greedy;
  }
  if (greedy.length > 0) return greedy;
  // Only zero-valued candidates: they still break exact recomputation.
  return [candidates.reduce((b, c) => (cost(c) < cost(b) ? c : b))];
}

/** The candidates to suppress so the relation covers `deficit` (costs from `costOf`, memoised). */
export function choose(
  candidates: number[],
  deficit: number,
  a: (v: number) => number,
  costOf: (v: number) => number,
  strategy: Strategy,
): number[] {
  if (candidates.length === 0) return [];
  if (strategy === 'smallest-sibling') return smallestSibling(candidates, a);
  const memo = new Map<number, number>();
  const cost = (v: number): number => {
    let c = memo.get(v);
    if (c === undefined) {
      c = costOf(v);
      memo.set(v, c);
    }
    return c;
  };
  const m: Measures = { a, cost };
  return exactCover(candidates, deficit, m) ?? heuristicCover(candidates, deficit, m);
}
