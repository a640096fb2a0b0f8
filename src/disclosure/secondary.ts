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
import { choose } from './cover.js';

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

type Relation = { parent: number; children: number[] };

/** The member of a relation with the largest deficit, and whether the parent is suppressed. */
interface Worst {
  worst: number;
  worstDeficit: number;
  pSup: boolean;
}

/** One run of secondary suppression over a work list of relations. */
class SecondaryRun {
  private readonly queued: Uint8Array;
  private readonly queue: number[] = [];
  added = 0;

  constructor(
    private readonly model: TableModel,
    private readonly state: SuppressionState,
    private readonly strategy: Strategy,
  ) {
    this.queued = new Uint8Array(model.equations.length);
  }

  private a(v: number): number {
    return (this.model.vars[v] as { truth: number }).truth;
  }

  push(q: number): void {
    if (!this.queued[q]) {
      this.queued[q] = 1;
      this.queue.push(q);
    }
  }

  /** The seed relations in index order, or else every relation with a suppressed member. */
  seed(seedEquations?: number[]): void {
    const { suppressed } = this.state;
    if (seedEquations) for (const q of [...seedEquations].sort((x, y) => x - y)) this.push(q);
    else
      this.model.equations.forEach((e, q) => {
        if (suppressed[e.parent] || e.children.some((c) => suppressed[c])) this.push(q);
      });
  }

  /** Settles queued relations until none is left; returns the suppressions added. */
  drain(): number {
    for (let head = 0; head < this.queue.length; head++) {
      const q = this.queue[head] as number;
      this.queued[q] = 0;
      this.settle(q);
    }
    return this.added;
  }

  /**
   * One step of lookahead: suppressing j also exposes j in each of its other relations that has
   * no suppression yet, where a partner will be needed; add the cheapest such partner's cost.
   * This is what keeps a 2-D pattern to a rectangle (as OPT does) instead of a staircase.
   */
  private lookahead(q: number): (j: number) => number {
    const { equations, varEquations } = this.model;
    const { suppressed, cost } = this.state;
    return (j) => {
      let c = cost[j] as number;
      for (const r of varEquations[j] as number[]) {
        if (r === q) continue;
        const f = equations[r] as Relation;
        const members = [f.parent, ...f.children];
        if (members.some((m) => suppressed[m])) continue;
        let best = Infinity;
        for (const m of members)
          if (m !== j && this.a(m) > 0 && (cost[m] as number) < best) best = cost[m] as number;
        if (best < Infinity) c += best;
      }
      return c;
    };
  }

  private suppress(v: number, q: number): void {
    this.state.suppressed[v] = 1;
    this.state.reason[v] = 'secondary';
    this.added++;
    for (const r of this.model.varEquations[v] as number[]) if (r !== q) this.push(r);
  }

  /** Adds suppressions to relation q until every suppressed member is covered (or none helps). */
  private settle(q: number): void {
    const { suppressed, cost } = this.state;
    const e = this.model.equations[q] as Relation;
    for (let guard = 0; guard <= e.children.length + 1; guard++) {
      const found = this.worstMember(e);
      if (!found) break;
      const { worst, worstDeficit, pSup } = found;
      const candidates = e.children.filter(
        (c) => !suppressed[c] && c !== worst && Number.isFinite(cost[c]),
      );
      const pick = choose(
        candidates,
        worstDeficit,
        (v) => this.a(v),
        this.lookahead(q),
        this.strategy,
      );
      if (pick.length > 0) for (const v of pick) this.suppress(v, q);
      else if (!pSup && worst !== e.parent) this.suppress(e.parent, q);
      else break;
    }
  }

  /** The member with the largest deficit (capacity still missing), ties by variable index. */
  private worstMember(e: Relation): Worst | null {
    const { suppressed } = this.state;
    let worst = -1;
    let worstDeficit = 0;
    let supChildren = 0;
    let capChildren = 0;
    for (const c of e.children) {
      if (suppressed[c]) {
        supChildren++;
        capChildren += this.a(c);
      }
    }
    const pSup = suppressed[e.parent] === 1;
    const totalSup = supChildren + (pSup ? 1 : 0);
    if (totalSup === 0) return null;
    if (pSup) {
      const d = this.deficitOf(e.parent, capChildren, supChildren);
      if (d > worstDeficit) {
        worstDeficit = d;
        worst = e.parent;
      }
    }
    for (const c of e.children) {
      if (!suppressed[c]) continue;
      const others = capChildren - this.a(c) + (pSup ? this.a(e.parent) : 0);
      const d = this.deficitOf(c, others, totalSup - 1);
      if (d > worstDeficit + EPS) {
        worstDeficit = d;
        worst = c;
      }
    }
    return worst < 0 ? null : { worst, worstDeficit, pSup };
  }

  /** The capacity v still misses given the others' capacity; 2·EPS when only a partner is missing. */
  private deficitOf(v: number, others: number, otherCount: number): number {
    const { protectedVar, required, rangeLo, rangeHi } = this.state;
    const need = protectedVar[v] ? (required[v] as number) : 0;
    const own = this.a(v);
    const width = otherCount === 0 ? 0 : others + Math.min(own, others);
    const cap = protectedVar[v]
      ? capacityNeeded(own, need, rangeLo[v] as number, rangeHi[v] as number)
      : 0;
    if (otherCount > 0 && others + EPS >= cap && (!protectedVar[v] || width > EPS)) return 0;
    if (cap <= 0) return 2 * EPS; // only a partner is missing
    const delta = cap - (otherCount === 0 ? 0 : others);
    return Math.max(delta, 2 * EPS);
  }
}

export function runSecondary(
  model: TableModel,
  state: SuppressionState,
  strategy: Strategy,
  seedEquations?: number[],
): number {
  const run = new SecondaryRun(model, state, strategy);
  run.seed(seedEquations);
  return run.drain();
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
