/**
 * Attacker intervals by linear programming. A subproblem has bounded columns (the unknown or
 * rounded published variables) and equality rows (the additive relations, with every fixed
 * member moved to the right-hand side). For each target column we minimise and maximise it.
 *
 * One-row subproblems have a closed-form LP optimum (interval arithmetic over a single equation
 * is exact); larger ones go to HiGHS through a persistent model, re-solved per objective with a
 * warm start, which is several times faster than re-parsing LP text per solve.
 */
import * as highsModule from 'highs';
import type { Highs } from 'highs';

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
}

export interface SolveCounters {
  lp: number;
  closedForm: number;
}

const TIME_LIMIT_S = 30;

function closedForm(lp: SubLp, t: number): Interval {
  let lo = lp.lower[t] as number;
  let hi = lp.upper[t] as number;
  for (const row of lp.rows) {
    const k = row.cols.indexOf(t);
    if (k < 0) continue;
    const ct = row.coefs[k] as number;
    let sMin = 0;
    let sMax = 0;
    row.cols.forEach((c, j) => {
      if (j === k) return;
      const a = row.coefs[j] as number;
      const l = lp.lower[c] as number;
      const u = lp.upper[c] as number;
      sMin += a > 0 ? a * l : a * u;
      sMax += a > 0 ? a * u : a * l;
    });
    // ct · x_t = rhs − S, S ∈ [sMin, sMax]
    const a = (row.rhs - sMax) / ct;
    const b = (row.rhs - sMin) / ct;
    const rl = Number.isNaN(a) ? -Infinity : Math.min(a, b);
    const rh = Number.isNaN(b) ? Infinity : Math.max(a, b);
    lo = Math.max(lo, rl);
    hi = Math.min(hi, rh);
  }
  return { lower: lo, upper: hi };
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
    const out: Interval[] = [];
    let prev = -1;
    for (const t of targets) {
      if (prev >= 0) model.changeColCost(prev, 0);
      model.changeColCost(t, 1);
      prev = t;
      const bound = (sense: 1 | -1): number => {
        model.changeObjectiveSense(
          sense === 1 ? highs.constants.objectiveSense.minimize : highs.constants.objectiveSense.maximize,
        );
        model.run();
        counters.lp++;
        const status = model.getModelStatus();
        if (status === 7) return model.getObjectiveValue();
        if (status === 10 || status === 9) return sense === 1 ? -Infinity : Infinity;
        if (process.env.SDC_DEBUG) console.log("LPSTATUS", status, lp.lower.length, lp.rows.length);
        return fallback(t);
      };
      const lower = bound(1);
      const upper = bound(-1);
      out.push({ lower: lower <= -inf ? -Infinity : lower, upper: upper >= inf ? Infinity : upper });
    }
    return out;
  } finally {
    model.dispose();
  }
}
