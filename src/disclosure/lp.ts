/**
 * Attacker intervals by linear programming. A subproblem has bounded columns (the unknown or
 * rounded published variables) and equality rows (the additive relations, with every fixed
 * member moved to the right-hand side). For each target column we maximise it, and minimise it
 * only when the maximum and the lowest value seen in any optimal solution so far (a point the
 * attacker cannot exclude) do not already prove the interval wide enough.
 *
 * One-row subproblems have a closed-form LP optimum (interval arithmetic over a single equation
 * is exact); larger ones go to HiGHS through a persistent model, re-solved per objective with a
 * warm start, which is several times faster than re-parsing LP text per solve.
 */
import * as highsModule from 'highs';
import type { Highs } from 'highs';
import { passesRequirement } from './primary.js';
import { divideRange, scaledRange, termRanges } from './propagate.js';

// `highs` is a CommonJS package whose ESM build has a default export; TypeScript (NodeNext) sees
// the CommonJS shape, so pick the loader from whichever form the runtime gives.
type Loader = () => Promise<Highs>;
const mod = highsModule as unknown as { default: Loader | { default: Loader } };
const highsLoader: Loader = typeof mod.default === 'function' ? mod.default : mod.default.default;

let highsPromise: Promise<Highs> | null = null;

export function loadHighs(): Promise<Highs> {
  highsPromise ??= highsLoader();
  return highsPromise;
}

export interface SubLp {
  lower: number[];
  upper: number[];
  /** Each row: Σ coef · x[col] = rhs. */
  rows: { cols: number[]; coefs: number[]; rhs: number }[];
}

export interface Interval {
  lower: number;
  upper: number;
  /** true: the LP optimum; false: an inner bound from witness points (already wide enough). */
  exact: boolean;
}

export interface SolveCounters {
  lp: number;
  closedForm: number;
  witness: number;
}

const TIME_LIMIT_S = 30;

function closedForm(lp: SubLp, t: number): Interval {
  let lo = lp.lower[t] as number;
  let hi = lp.upper[t] as number;
  for (const row of lp.rows) {
    const k = row.cols.indexOf(t);
    if (k < 0) continue;
    const terms = row.cols.map((c, j) =>
      scaledRange(row.coefs[j] as number, lp.lower[c] as number, lp.upper[c] as number),
    );
    const ranges = termRanges(
      terms.map((x) => x[0]),
      terms.map((x) => x[1]),
      row.rhs,
      row.rhs,
    );
    const [rl, rh] = divideRange(
      ranges.lo[k] as number,
      ranges.hi[k] as number,
      row.coefs[k] as number,
    );
    lo = Math.max(lo, rl);
    hi = Math.min(hi, rh);
  }
  return { lower: lo, upper: hi, exact: true };
}

/** Witness data: true values and each target's requirement (see `solveIntervals`). */
export interface Witness {
  truth: number[];
  required: number[];
  rangeLo?: number[] | null;
  rangeHi?: number[] | null;
}

type Model = ReturnType<Highs['raw']['createModel']>;
type Sense = Highs['constants']['objectiveSense']['minimize'];

/** The equality rows as a CSR matrix. */
function csrRows(lp: SubLp): { starts: number[]; indices: number[]; values: number[] } {
  const starts = [0];
  const indices: number[] = [];
  const values: number[] = [];
  for (const r of lp.rows) {
    r.cols.forEach((c, j) => {
      indices.push(c);
      values.push(r.coefs[j] as number);
    });
    starts.push(indices.length);
  }
  return { starts, indices, values };
}

/** Sets the solver options and passes the subproblem (zero objective) into `model`. */
function passSubproblem(highs: Highs, model: Model, lp: SubLp): void {
  const inf = highs.infinity;
  const n = lp.lower.length;
  const { starts, indices, values } = csrRows(lp);
  const clamp = (x: number): number => (x === Infinity ? inf : x === -Infinity ? -inf : x);
  model.setOptionValue('output_flag', false);
  model.setOptionValue('time_limit', TIME_LIMIT_S);
  model.setOptionValue('mip_rel_gap', 0);
  model.setOptionValue('presolve', 'off');
  // Primal simplex: after a change of objective the last basis is still primal feasible, so
  // each re-solve starts from a feasible vertex (1.5× faster than dual here, side by side).
  model.setOptionValue('simplex_strategy', 4);
  const st = model.passLp({
    numCols: n,
    numRows: lp.rows.length,
    colCost: new Float64Array(n),
    colLower: lp.lower.map(clamp),
    colUpper: lp.upper.map(clamp),
    rowLower: lp.rows.map((r) => r.rhs),
    rowUpper: lp.rows.map((r) => r.rhs),
    matrix: {
      format: 'csr',
      numRows: lp.rows.length,
      numCols: n,
      starts: Int32Array.from(starts),
      indices: Int32Array.from(indices),
      values: Float64Array.from(values),
    },
  });
  if (st.status === -1) throw new Error('HiGHS rejected an audit subproblem');
}

/** The targets of one passed subproblem, solved one objective after another on the same model. */
class TargetSolver {
  private readonly n: number;
  private readonly inf: number;
  private readonly costs: Float64Array;
  // Witness points: every optimal solution is a point the attacker cannot exclude, so the range
  // of each column over the solutions seen is an inner bound of its interval.
  private readonly seenLo: Float64Array | null;
  private readonly seenHi: Float64Array | null;

  constructor(
    private readonly highs: Highs,
    private readonly model: Model,
    lp: SubLp,
    private readonly fallback: (t: number) => number,
    private readonly counters: SolveCounters,
    private readonly witness: Witness | undefined,
  ) {
    this.n = lp.lower.length;
    this.inf = highs.infinity;
    this.costs = new Float64Array(this.n);
    this.seenLo = witness ? Float64Array.from(witness.truth) : null;
    this.seenHi = witness ? Float64Array.from(witness.truth) : null;
  }

  private observe(): void {
    const { seenLo, seenHi } = this;
    if (!seenLo || !seenHi) return;
    const sol = this.model.getSolution();
    if (sol.status === -1) return;
    const x = sol.value.colValue;
    for (let j = 0; j < this.n; j++) {
      const v = x[j] as number;
      if (v < (seenLo[j] as number)) seenLo[j] = v;
      if (v > (seenHi[j] as number)) seenHi[j] = v;
    }
  }

  private solveFor(sense: Sense): number {
    this.model.changeObjectiveSense(sense);
    this.model.changeColsCost({ kind: 'range', from: 0, to: this.n - 1 }, this.costs);
    this.model.run();
    this.counters.lp++;
    return this.model.getModelStatus();
  }

  /** Whether an inner bound already proves the requirement (it is monotone in the interval). */
  private enough(t: number, lower: number, upper: number): boolean {
    const w = this.witness;
    return (
      !!w &&
      passesRequirement(
        lower,
        upper,
        w.required[t] ?? 0,
        w.rangeLo?.[t] ?? -Infinity,
        w.rangeHi?.[t] ?? Infinity,
        true,
      )
    );
  }

  /** The optimum of `t` in one direction (1: minimum, -1: maximum); costs[t] is set. */
  private bound(t: number, sense: 1 | -1): number {
    const { minimize, maximize } = this.highs.constants.objectiveSense;
    const status = this.solveFor(sense === 1 ? minimize : maximize);
    if (status === 7) {
      this.observe();
      return this.model.getObjectiveValue();
    }
    if (status === 10 || status === 9) return sense === 1 ? -Infinity : Infinity;
    return this.fallback(t);
  }

  /** A witness interval for `t` (counted), or null when it does not prove the requirement. */
  private witnessed(t: number, lower: number, upper: number): Interval | null {
    if (!this.enough(t, lower, upper)) return null;
    this.counters.witness++;
    return { lower, upper, exact: false };
  }

  interval(t: number): Interval {
    const { witness, seenLo, seenHi, inf } = this;
    if (witness && seenLo && seenHi) {
      const seen = this.witnessed(t, seenLo[t] as number, seenHi[t] as number);
      if (seen) return seen;
    }
    this.costs[t] = 1;
    // The maximum first: a small count's room lies above it, so the maximum together with the
    // lowest value already seen (a witness) often proves the width, and the minimum is skipped.
    const upper = this.bound(t, -1);
    if (witness && seenLo) {
      const low = Math.min(seenLo[t] as number, witness.truth[t] as number);
      const top = upper >= inf ? Infinity : upper;
      const seen = this.witnessed(t, low, top);
      if (seen) {
        this.costs[t] = 0;
        return seen;
      }
    }
    const lower = this.bound(t, 1);
    this.costs[t] = 0;
    return {
      lower: lower <= -inf ? -Infinity : lower,
      upper: upper >= inf ? Infinity : upper,
      exact: true,
    };
  }
}

/**
 * Min and max of each target column. `fallback` is returned for a target whose LP does not
 * solve to optimality (the caller passes the true value: a zero-width interval fails the audit,
 * which is the safe reading of a solver failure).
 */
export async function solveIntervals(
  lp: SubLp,
  targets: number[],
  fallback: (t: number) => number,
  counters: SolveCounters,
  witness?: Witness,
): Promise<Interval[]> {
  if (lp.rows.length <= 1) {
    counters.closedForm += targets.length;
    return targets.map((t) => closedForm(lp, t));
  }
  const highs = await loadHighs();
  const model = highs.raw.createModel();
  try {
    passSubproblem(highs, model, lp);
    const solver = new TargetSolver(highs, model, lp, fallback, counters, witness);
    return targets.map((t) => solver.interval(t));
  } finally {
    model.dispose();
  }
}
