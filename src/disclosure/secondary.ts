/**
 * Secondary suppression, HiTaS-style: every additive relation (one parent and its children) is a
 * small subproblem, solved on its own and revisited whenever a neighbouring relation adds a
 * suppression, until nothing changes. The global interval audit then checks the combination;
 * `protect` strengthens the cells it names and runs this again.
 *
 * Inside one relation the check is pessimistic about capacity: a suppressed member j can move
 * at most its own value a_j either way (the LP gives children an unbounded upward move). Then a
 * suppressed child i gets width w_i = C + min(a_i, C), with C the capacity of the other
 * suppressed members, and a suppressed parent gets C_children + min(a_p, C_children). A
 * protected variable needs w_i ≥ its required width; any suppressed variable needs a second
 * suppression in each of its relations (otherwise the relation recomputes it exactly). A
 * protected variable whose rule reveals a range by itself (a frequency-unsafe count) also needs
 * [t − min(t, C), t + C] ∩ [l, h] at least min(required, h − l) wide, with [l, h] its prior range
 * (the rule's range as far as the statuses leave it open; see `passesRequirement`):
 * `capacityNeeded` gives the least C for both.
 *
 * Choosing what to add is a small covering problem (min Σ cost with Σ capacity ≥ deficit). It is
 * solved by comparing the cheapest single cell that covers the deficit with a greedy cover in
 * order of cost per unit of capacity, and taking the cheaper one. The baseline strategy instead
 * adds the smallest sibling, one at a time.
 */
import type { TableModel } from './model.js';
import type { RuleName } from './types.js';

export type Strategy = 'optimal' | 'smallest-sibling';

export interface SuppressionState {
  suppressed: Uint8Array;
  /** 1 = primary (protected: needs its required width), 0 = secondary. */
  protectedVar: Uint8Array;
  required: Float64Array;
  /** The prior range per variable (−∞/∞ when none): `PrimaryResult.priorLo/priorHi`. */
  rangeLo: Float64Array;
  rangeHi: Float64Array;
  reason: (RuleName | null)[];
  cost: Float64Array;
}

const EPS = 1e-9;

/**
 * The least capacity C of the other suppressed members of a relation such that a member with
 * value `own`, able to move up by C and down by min(own, C), gets an interval at least `need`
 * wide and, inside its prior range [rl, rh], at least min(need, rh − rl) wide. Inside the range
 * the interval is [max(own − C, l0), min(own + C, rh)] with l0 = max(rl, 0): its width grows by
 * 2 per unit of C until one side reaches its end (after a = rh − own up, b = own − l0 down), then
 * by 1, then stops at a + b.
 */
export function capacityNeeded(own: number, need: number, rl: number, rh: number): number {
  const plain = need / 2 <= own ? need / 2 : need - own;
  if (rl === -Infinity && rh === Infinity) return Math.max(0, plain);
  const w = Math.min(need, Math.max(0, rh - rl));
  const a = Math.max(0, rh - own);
  const b = Math.max(0, own - Math.max(rl, 0));
  const lo = Math.min(a, b);
  const ranged = w <= 2 * lo ? w / 2 : w <= a + b ? w - lo : Math.max(a, b);
  return Math.max(0, plain, ranged);
}

// eslint-disable-next-line max-lines-per-function -- #18: not yet split into named steps
export function runSecondary(
  model: TableModel,
  state: SuppressionState,
  strategy: Strategy,
  seedEquations?: number[],
): number {
  const { equations, vars, varEquations } = model;
  const { suppressed, protectedVar, required, rangeLo, rangeHi, reason, cost } = state;
  const a = (v: number): number => (vars[v] as { truth: number }).truth;
  const queued = new Uint8Array(equations.length);
  const queue: number[] = [];
  const push = (q: number): void => {
    if (!queued[q]) {
      queued[q] = 1;
      queue.push(q);
    }
  };
  if (seedEquations) for (const q of [...seedEquations].sort((x, y) => x - y)) push(q);
  else
    equations.forEach((e, q) => {
      if (suppressed[e.parent] || e.children.some((c) => suppressed[c])) push(q);
    });
  let added = 0;
  /**
   * One step of lookahead: suppressing j also exposes j in each of its other relations that has
   * no suppression yet, where a partner will be needed; add the cheapest such partner's cost.
   * This is what keeps a 2-D pattern to a rectangle (as OPT does) instead of a staircase.
   */
  const lookahead =
    (q: number) =>
    (j: number): number => {
      let c = cost[j] as number;
      for (const r of varEquations[j] as number[]) {
        if (r === q) continue;
        const f = equations[r] as { parent: number; children: number[] };
        const members = [f.parent, ...f.children];
        if (members.some((m) => suppressed[m])) continue;
        let best = Infinity;
        for (const m of members)
          if (m !== j && a(m) > 0 && (cost[m] as number) < best) best = cost[m] as number;
        if (best < Infinity) c += best;
      }
      return c;
    };
  const suppress = (v: number, q: number): void => {
    suppressed[v] = 1;
    reason[v] = 'secondary';
    added++;
    for (const r of varEquations[v] as number[]) if (r !== q) push(r);
  };

  for (let head = 0; head < queue.length; head++) {
    const q = queue[head] as number;
    queued[q] = 0;
    const e = equations[q] as { parent: number; children: number[] };
    for (let guard = 0; guard <= e.children.length + 1; guard++) {
      // The member with the largest deficit (capacity still missing), ties by variable index.
      let worst = -1;
      let worstDeficit = 0;
      let supChildren = 0;
      let capChildren = 0;
      for (const c of e.children) {
        if (suppressed[c]) {
          supChildren++;
          capChildren += a(c);
        }
      }
      const pSup = suppressed[e.parent] === 1;
      const totalSup = supChildren + (pSup ? 1 : 0);
      const deficitOf = (v: number, others: number, otherCount: number): number => {
        const need = protectedVar[v] ? (required[v] as number) : 0;
        const own = a(v);
        const width = otherCount === 0 ? 0 : others + Math.min(own, others);
        const cap = protectedVar[v]
          ? capacityNeeded(own, need, rangeLo[v] as number, rangeHi[v] as number)
          : 0;
        if (otherCount > 0 && others + EPS >= cap && (!protectedVar[v] || width > EPS)) return 0;
        if (cap <= 0) return 2 * EPS; // only a partner is missing
        const delta = cap - (otherCount === 0 ? 0 : others);
        return Math.max(delta, 2 * EPS);
      };
      if (totalSup === 0) break;
      if (pSup) {
        const d = deficitOf(e.parent, capChildren, supChildren);
        if (d > worstDeficit) {
          worstDeficit = d;
          worst = e.parent;
        }
      }
      for (const c of e.children) {
        if (!suppressed[c]) continue;
        const d = deficitOf(c, capChildren - a(c) + (pSup ? a(e.parent) : 0), totalSup - 1);
        if (d > worstDeficit + EPS) {
          worstDeficit = d;
          worst = c;
        }
      }
      if (worst < 0) break;
      const candidates = e.children.filter(
        (c) => !suppressed[c] && c !== worst && Number.isFinite(cost[c]),
      );
      const pick = choose(candidates, worstDeficit, a, lookahead(q), strategy);
      if (pick.length > 0) for (const v of pick) suppress(v, q);
      else if (!pSup && worst !== e.parent) suppress(e.parent, q);
      else break;
    }
  }
  return added;
}

// eslint-disable-next-line max-lines-per-function -- #18: not yet split into named steps
function choose(
  candidates: number[],
  deficit: number,
  a: (v: number) => number,
  costOf: (v: number) => number,
  strategy: Strategy,
): number[] {
  if (candidates.length === 0) return [];
  if (strategy === 'smallest-sibling') {
    const positive = candidates.filter((c) => a(c) > 0);
    const pool = positive.length > 0 ? positive : candidates;
    let best = pool[0] as number;
    for (const c of pool) if (a(c) < a(best) || (a(c) === a(best) && c < best)) best = c;
    return [best];
  }
  const memo = new Map<number, number>();
  const cost = (v: number): number => {
    let c = memo.get(v);
    if (c === undefined) {
      c = costOf(v);
      memo.set(v, c);
    }
    return c;
  };
  // Exact when capacities are integers and the deficit is small (counts): min Σ cost subject to
  // Σ capacity ≥ deficit, by dynamic programming over capacity.
  const need = Math.ceil(deficit - EPS);
  const positive = candidates.filter((c) => a(c) > 0);
  if (
    need >= 1 &&
    need <= 5000 &&
    positive.length > 0 &&
    positive.every((c) => Number.isInteger(a(c)))
  ) {
    const items = [...positive].sort((x, y) => x - y);
    // table[i][cap] = min cost with items < i reaching capacity ≥ cap (capped at `need`).
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
    if ((table[items.length] as Float64Array)[need] !== Infinity) {
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
      if (cap === 0) return pick.sort((x, y) => x - y);
    }
  }
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

/**
 * After a failed audit: widen a variable's protection with one more suppression, the cheapest
 * published member (positive values first) of the relations nearest to it: its own relations,
 * or when everything there is suppressed already, the relations of those suppressed members,
 * and so on. Ties go to a member shared by more relations, then to the lower index.
 */
export function strengthen(
  model: TableModel,
  state: SuppressionState,
  v: number,
): { touched: number[]; added: number } {
  const truth = (m: number): number => (model.vars[m] as { truth: number }).truth;
  const seen = new Set<number>([v]);
  let frontier = [v];
  while (frontier.length > 0) {
    const shared = new Map<number, number>();
    const next: number[] = [];
    for (const f of frontier) {
      for (const q of model.varEquations[f] as number[]) {
        const e = model.equations[q] as { parent: number; children: number[] };
        for (const m of [e.parent, ...e.children]) {
          if (state.suppressed[m]) {
            if (!seen.has(m)) {
              seen.add(m);
              next.push(m);
            }
          } else if (Number.isFinite(state.cost[m])) shared.set(m, (shared.get(m) ?? 0) + 1);
        }
      }
    }
    let best = -1;
    const key = (x: number): [number, number, number] => [
      truth(x) > 0 ? 0 : 1,
      state.cost[x] as number,
      -(shared.get(x) as number),
    ];
    for (const m of [...shared.keys()].sort((x, y) => x - y)) {
      if (best < 0) {
        best = m;
        continue;
      }
      const [a1, a2, a3] = key(m);
      const [b1, b2, b3] = key(best);
      if (a1 < b1 || (a1 === b1 && (a2 < b2 || (a2 === b2 && a3 < b3)))) best = m;
    }
    if (best >= 0) {
      state.suppressed[best] = 1;
      state.reason[best] = 'secondary';
      return { touched: [...(model.varEquations[best] as number[])], added: 1 };
    }
    frontier = next.sort((x, y) => x - y);
  }
  return { touched: [], added: 0 };
}
