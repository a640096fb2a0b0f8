/**
 * What statuses alone tell. A ratio or mean is `not-applicable` exactly when its denominator is
 * 0, a median when it has no units; so every other row of such an indicator (published or
 * confidential) says that count is at least 1. Which rows are not-applicable follows from the
 * data, not from the suppression pattern: no pattern can hide it. Together with the additive
 * relations this gives every variable bounds the attacker has before any value is published (a
 * wijk whose two buurten carry a confidential mean has at least 2 units, whatever is suppressed).
 *
 * `statusBounds` computes them by bounds propagation over the whole model. On a system with
 * cycles propagation gives an outer bound of the exact (LP) projection, and so does stopping
 * early: the bounds returned always contain everything the attacker could derive from statuses.
 * That is the safe side where they are used (the prior range, `priorLo`/`priorHi` in
 * primary.ts): a wider prior asks the published table for more.
 */
import type { TableModel } from './model.js';
import type { RuleProfile } from './profiles.js';
import { termRanges } from './propagate.js';
import type { ComputedCell } from '../contracts/index.js';

/**
 * The count a row's status tells about (null: none): a ratio or mean is not-applicable exactly
 * when its denominator is 0, a median when its number of units is 0.
 */
export function statusCount(p: RuleProfile, c: ComputedCell): 'numerator' | 'denominator' | null {
  if (p.kind === 'ratio') return 'denominator';
  if (p.kind === 'median') return 'numerator';
  if (p.kind === 'magnitude' && c.denominator !== null) return 'denominator';
  return null;
}

const TOL = 1e-9;

/**
 * Bounds of every variable from statuses and relations alone, without any published value:
 * a not-applicable row fixes its count (and a mean's sum) at 0, any other row of a ratio, mean
 * or median bounds its count below by 1; the relations carry this on (parent ≥ Σ children's
 * lower bounds, and so on). `null` when no status says anything: every variable is in [0, ∞).
 */
export function statusBounds(
  cells: readonly ComputedCell[],
  profileOf: (c: ComputedCell) => RuleProfile,
  model: TableModel,
): { lower: Float64Array; upper: Float64Array } | null {
  const nv = model.vars.length;
  const truth = (v: number): number => (model.vars[v] as { truth: number }).truth;
  const lower = new Float64Array(nv);
  const upper = new Float64Array(nv).fill(Infinity);
  const seeds = seedStatusBounds(cells, profileOf, model, lower, upper);
  if (seeds.length === 0) return null;

  const queued = new Uint8Array(model.equations.length);
  const queue: number[] = [];
  const push = (v: number, except = -1): void => {
    for (const q of model.varEquations[v] as number[]) {
      if (q === except || queued[q]) continue;
      queued[q] = 1;
      queue.push(q);
    }
  };
  for (const v of seeds) push(v);
  // Lower bounds only grow by sums of others, upper bounds are 0 or ∞: on a hierarchy this ends
  // after a few passes. The budget guards against floating-point creep on cycles; stopping there
  // keeps an outer bound (see the header), which is the safe side.
  let budget = 16 * model.equations.length + 64;
  for (let head = 0; head < queue.length && budget > 0; head++, budget--) {
    const q = queue[head] as number;
    queued[q] = 0;
    const e = model.equations[q] as { parent: number; children: number[]; residual: number };
    // parent − Σ children = residual, as Σ t_j = residual with t_0 = parent, t_j = −child_j.
    const members = [e.parent, ...e.children];
    const k = members.length;
    const tMin = new Float64Array(k);
    const tMax = new Float64Array(k);
    members.forEach((m, j) => {
      if (j === 0) {
        tMin[j] = lower[m] as number;
        tMax[j] = upper[m] as number;
      } else {
        tMin[j] = -(upper[m] as number);
        tMax[j] = -(lower[m] as number);
      }
    });
    const t = termRanges(tMin, tMax, e.residual, e.residual);
    members.forEach((m, j) => {
      const lo = j === 0 ? (t.lo[j] as number) : -(t.hi[j] as number);
      const hi = j === 0 ? (t.hi[j] as number) : -(t.lo[j] as number);
      let moved = false;
      if (lo > (lower[m] as number) + TOL * Math.max(1, Math.abs(lo))) {
        lower[m] = lo;
        moved = true;
      }
      if (hi < (upper[m] as number) - TOL * Math.max(1, Math.abs(hi))) {
        upper[m] = hi;
        moved = true;
      }
      if (moved) push(m, q);
    });
  }
  // Never narrower than the truth (floating-point noise in the residuals).
  for (let v = 0; v < nv; v++) {
    const x = truth(v);
    if ((lower[v] as number) > x) lower[v] = x;
    if ((upper[v] as number) < x) upper[v] = x;
  }
  return { lower, upper };
}

/**
 * What each row's status says of its own variables, written into `lower`/`upper`; returns the
 * variables it bounded, from which the relations carry the bounds on.
 */
function seedStatusBounds(
  cells: readonly ComputedCell[],
  profileOf: (c: ComputedCell) => RuleProfile,
  model: TableModel,
  lower: Float64Array,
  upper: Float64Array,
): number[] {
  const truth = (v: number): number => (model.vars[v] as { truth: number }).truth;
  const seeds: number[] = [];
  cells.forEach((c, i) => {
    const p = profileOf(c);
    const role = statusCount(p, c);
    if (role === null) return;
    const v = (role === 'numerator' ? model.cellNum[i] : model.cellDen[i]) ?? null;
    if (v === null) return;
    // The same readings as the audit's (audit.ts, readRows), from the row each cell gives.
    if (c.value === null) {
      if (truth(v) !== 0) return;
      if ((upper[v] as number) !== 0) seeds.push(v);
      upper[v] = 0;
      const num = model.cellNum[i] ?? null;
      if (p.kind === 'magnitude' && num !== null && truth(num) === 0) {
        if ((upper[num] as number) !== 0) seeds.push(num);
        upper[num] = 0;
      }
    } else if (truth(v) >= 1 && (lower[v] as number) < 1) {
      lower[v] = 1;
      seeds.push(v);
    }
  });
  return seeds;
}
