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

/**
 * Min and max of each target column. `fallback` is returned for a target whose LP does not
 * solve to optimality (the caller passes the true value: a zero-width interval fails the audit,
 * which is the safe reading of a solver failure).
 */
// eslint-disable-next-line max-lines-per-function -- #18: not yet split into named steps
export async function solveIntervals(
  lp: SubLp,
  targets: number[],
  fallback: (t: number) => number,
  counters: SolveCounters,
  witness?: {
    truth: number[];
    required: number[];
    rangeLo?: number[] | null;
    rangeHi?: number[] | null;
  },
): Promise<Interval[]> {
  if (lp.rows.length <= 1) {
    counters.closedForm += targets.length;
    return targets.map((t) => closedForm(lp, t));
  }
  const highs = await loadHighs();
  const inf = highs.infinity;
  const n = lp.lower.length;
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
  const clamp = (x: number): number => (x === Infinity ? inf : x === -Infinity ? -inf : x);
  const model = highs.raw.createModel();
  try {
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
    const minimize = highs.constants.objectiveSense.minimize;
    const maximize = highs.constants.objectiveSense.maximize;
    // Witness points: every optimal solution is a point the attacker cannot exclude, so the range
    // of each column over the solutions seen is an inner bound of its interval.
    const seenLo = witness ? Float64Array.from(witness.truth) : null;
    const seenHi = witness ? Float64Array.from(witness.truth) : null;
    const observe = (): void => {
      if (!seenLo || !seenHi) return;
      const sol = model.getSolution();
      if (sol.status === -1) return;
      const x = sol.value.colValue;
      for (let j = 0; j < n; j++) {
        const v = x[j] as number;
        if (v < (seenLo[j] as number)) seenLo[j] = v;
        if (v > (seenHi[j] as number)) seenHi[j] = v;
      }
    };
    const costs = new Float64Array(n);
    const solveFor = (sense: typeof minimize): number => {
      model.changeObjectiveSense(sense);
      model.changeColsCost({ kind: 'range', from: 0, to: n - 1 }, costs);
      model.run();
      counters.lp++;
      return model.getModelStatus();
    };
    /** Whether an inner bound already proves the requirement (it is monotone in the interval). */
    const enough = (t: number, lower: number, upper: number): boolean =>
      !!witness &&
      passesRequirement(
        lower,
        upper,
        witness.required[t] ?? 0,
        witness.rangeLo?.[t] ?? -Infinity,
        witness.rangeHi?.[t] ?? Infinity,
        true,
      );
    const out: Interval[] = [];
    for (const t of targets) {
      if (witness && seenLo && seenHi) {
        if (enough(t, seenLo[t] as number, seenHi[t] as number)) {
          counters.witness++;
          out.push({ lower: seenLo[t] as number, upper: seenHi[t] as number, exact: false });
          continue;
        }
      }
      costs[t] = 1;
      const bound = (sense: 1 | -1): number => {
        const status = solveFor(sense === 1 ? minimize : maximize);
        if (status === 7) {
          observe();
          return model.getObjectiveValue();
        }
        if (status === 10 || status === 9) return sense === 1 ? -Infinity : Infinity;
        return fallback(t);
      };
      // The maximum first: a small count's room lies above it, so the maximum together with the
      // lowest value already seen (a witness) often proves the width, and the minimum is skipped.
      const upper = bound(-1);
      if (witness && seenLo) {
        const low = Math.min(seenLo[t] as number, witness.truth[t] as number);
        const top = upper >= inf ? Infinity : upper;
        if (enough(t, low, top)) {
          costs[t] = 0;
          counters.witness++;
          out.push({ lower: low, upper: top, exact: false });
          continue;
        }
      }
      const lower = bound(1);
      costs[t] = 0;
      out.push({
        lower: lower <= -inf ? -Infinity : lower,
        upper: upper >= inf ? Infinity : upper,
        exact: true,
      });
    }
    return out;
  } finally {
    model.dispose();
  }
}
