/**
 * The state one audit of one model shares between its steps (audit.ts): the attacker's box per
 * variable, which variables are targets, and the intervals recorded so far. The steps read the
 * release into the boxes (audit-reading.ts), solve whole components (audit-components.ts,
 * audit-cores.ts) and capped subproblems (audit-subproblems.ts), and report (audit-report.ts).
 */
import type { SolveCounters, SubLp } from './lp.js';
import { cellLabel, type TableModel } from './model.js';
import { inRangeRequired, inRangeWidth, passesRequirement, type PrimaryResult } from './primary.js';
import type { ComputedCell } from '../contracts/index.js';
import type { AuditInterval, RuleName } from './types.js';

export const TOL = 1e-6;

/** The rules an audit reports under, in report order. */
export const RULES: readonly RuleName[] = [
  'frequency',
  'zero',
  'nk-dominance',
  'p-percent',
  'group-disclosure',
  'min-denominator',
  'single-value',
  'secondary',
  'linked-denominator',
  'earlier-release',
];

/** What an audit of one model leaves for the next audit of the same model (protect's rounds). */
export interface AuditCarry {
  primary: PrimaryResult;
  lo: Float64Array;
  hi: Float64Array;
  intervals: (AuditInterval | null)[];
}

/** An interval to record: an LP optimum or closed form (`exact` true or absent), or an inner bound. */
export interface FoundInterval {
  lower: number;
  upper: number;
  exact?: boolean;
}

export class AuditState {
  readonly nv: number;
  /** The attacker's box per variable: what every release row says about it. */
  readonly lo: Float64Array;
  readonly hi: Float64Array;
  /** Variables whose interval the audit must give: primaries and withheld figures. */
  readonly isTarget: Uint8Array;
  /** The rule a withheld row names for a target (null: none, or a primary's own rule). */
  readonly targetRule: (RuleName | null)[];
  readonly solved: Uint8Array;
  readonly intervals: (AuditInterval | null)[];
  readonly counters: SolveCounters = { lp: 0, closedForm: 0, witness: 0 };
  components = 0;
  /** Earlier-release values skipped because the figure was revised. */
  revised = 0;
  readonly publishedUnsafe: string[] = [];
  /** Published medians, checked to be rounded (rule `single-value`). */
  readonly medians = { cells: 0, passed: true };
  /** Column of each variable in the subproblem being built; -1 outside it (reset after each). */
  readonly colOf: Int32Array;

  constructor(
    readonly cells: readonly ComputedCell[],
    readonly model: TableModel,
    readonly primary: PrimaryResult,
  ) {
    const nv = model.vars.length;
    this.nv = nv;
    this.lo = new Float64Array(nv);
    this.hi = new Float64Array(nv).fill(Infinity);
    this.isTarget = new Uint8Array(nv);
    this.targetRule = new Array<RuleName | null>(nv).fill(null);
    this.solved = new Uint8Array(nv);
    this.intervals = new Array<AuditInterval | null>(nv).fill(null);
    this.colOf = new Int32Array(nv).fill(-1);
  }

  truth(v: number): number {
    return (this.model.vars[v] as { truth: number }).truth;
  }

  /** Whether the published rows fix `v` (its box has no width). */
  exact(v: number): boolean {
    return (this.hi[v] as number) - (this.lo[v] as number) <= TOL;
  }

  addCounters(c: SolveCounters): void {
    this.counters.lp += c.lp;
    this.counters.closedForm += c.closedForm;
    this.counters.witness += c.witness;
  }

  /** Records the interval of `v` and marks it solved; returns whether it passes. */
  record(v: number, r: FoundInterval): boolean {
    const { primary } = this;
    const t = this.truth(v);
    const required = primary.required[v] as number;
    const isPrimary = primary.varRule[v] !== null;
    const width = r.upper - r.lower;
    const containsTruth = r.lower <= t + TOL && r.upper >= t - TOL;
    // The requirement inside the range is measured against the prior range (the rule's range as
    // far as the statuses leave it open); the report shows both.
    const rl = primary.priorLo[v] as number;
    const rh = primary.priorHi[v] as number;
    const ranged = rl !== -Infinity || rh !== Infinity;
    const rangeRequired = ranged ? inRangeRequired(required, rl, rh) : null;
    const rangeMargin =
      rangeRequired === null ? Infinity : inRangeWidth(r.lower, r.upper, rl, rh) - rangeRequired;
    const passed =
      containsTruth && passesRequirement(r.lower, r.upper, required, rl, rh, isPrimary, TOL);
    this.intervals[v] = {
      variable: (this.model.vars[v] as { id: string }).id,
      cells: (this.model.vars[v] as { cells: number[] }).cells.map((i) =>
        cellLabel(this.cells[i] as ComputedCell),
      ),
      truth: t,
      lower: r.lower,
      upper: r.upper,
      required,
      ruleRange: ranged
        ? { lower: primary.rangeLo[v] as number, upper: primary.rangeHi[v] as number }
        : null,
      priorRange: ranged ? { lower: rl, upper: rh } : null,
      rangeRequired,
      margin: Math.min(width - required, rangeMargin),
      bound: r.exact === false ? 'inner' : 'exact',
      containsTruth,
      passed,
    };
    this.solved[v] = 1;
    return passed;
  }

  /**
   * Records `r` only if it passes. For a bound that may be narrower than the attacker's real
   * interval (a cut subproblem's rim, a spanning forest), a failure proves nothing: the variable
   * stays open for a wider look.
   */
  recordIfPassed(v: number, r: FoundInterval): boolean {
    const before = this.intervals[v];
    if (this.record(v, r)) return true;
    this.intervals[v] = before ?? null;
    this.solved[v] = 0;
    return false;
  }

  /** The LP over `cols` (whose `colOf` is set): every relation touching them, others fixed. */
  subLpOver(cols: readonly number[]): SubLp {
    const { model, lo, hi, colOf } = this;
    const rowsSeen = new Set<number>();
    const lp: SubLp = { lower: [], upper: [], rows: [] };
    for (const v of cols) {
      lp.lower.push(lo[v] as number);
      lp.upper.push(hi[v] as number);
      for (const q of model.varEquations[v] as number[]) {
        if (rowsSeen.has(q)) continue;
        rowsSeen.add(q);
        const e = model.equations[q] as { parent: number; children: number[]; residual: number };
        const row = { cols: [] as number[], coefs: [] as number[], rhs: e.residual };
        const put = (m: number, coef: number): void => {
          const c = colOf[m] as number;
          if (c >= 0) {
            row.cols.push(c);
            row.coefs.push(coef);
          } else {
            // Outside the subproblem: fixed at its published exact value, or at the truth.
            row.rhs -= coef * (this.exact(m) ? (lo[m] as number) : this.truth(m));
          }
        };
        put(e.parent, 1);
        for (const ch of e.children) put(ch, -1);
        lp.rows.push(row);
      }
    }
    return lp;
  }

  /** Ends a subproblem or component: its columns are outside again. */
  release(cols: readonly number[]): void {
    for (const v of cols) this.colOf[v] = -1;
  }

  /** Targets not yet answered. */
  isOpen(v: number): boolean {
    return this.isTarget[v] === 1 && !this.solved[v];
  }
}
