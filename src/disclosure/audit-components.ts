/**
 * Whole components: the connected sets of non-exact variables around the targets. A component
 * without a cycle is solved exactly by bounds propagation (propagate.ts); one with cycles first
 * tries inner bounds from a spanning forest, and what stays open goes to its folded core
 * (audit-cores.ts) or, when that is too large, to the capped subproblems (audit-subproblems.ts).
 */
import type { SubLp } from './lp.js';
import { innerBoundsByForest, propagateAcyclic } from './propagate.js';
import type { AuditCarry, AuditState } from './audit-state.js';
import { coreJob, type CoreJob } from './audit-cores.js';
import type { AuditInterval } from './types.js';

/** One pass over the components of the open targets; leaves the small cyclic cores as jobs. */
export class ComponentScan {
  private readonly visited: Uint8Array;
  /** Cyclic components whose folded core is small enough to solve whole. */
  private readonly coreJobs: CoreJob[] = [];

  /**
   * Between protect's rounds only the components around newly suppressed figures change; the
   * others keep their intervals (a component's intervals depend on nothing outside its rim).
   */
  constructor(
    private readonly state: AuditState,
    private readonly previous: AuditCarry | null,
    private readonly exactIntervals: boolean,
  ) {
    this.visited = new Uint8Array(state.nv);
  }

  run(): CoreJob[] {
    const { state, visited } = this;
    for (let start = 0; start < state.nv; start++) {
      if (!state.isTarget[start] || state.solved[start] || visited[start] || state.exact(start))
        continue;
      const { cols, clean } = this.collect(start);
      if (clean) this.reuse(cols);
      else this.solve(cols);
      state.release(cols);
    }
    return this.coreJobs;
  }

  /** Whether the box of `v` moved since the last audit. */
  private changed(v: number): boolean {
    const { previous, state } = this;
    return previous !== null && (previous.lo[v] !== state.lo[v] || previous.hi[v] !== state.hi[v]);
  }

  /**
   * The component of `start` (its `colOf` set), and whether nothing the attacker sees in or
   * around it moved since the last audit, which answered for all its targets.
   */
  private collect(start: number): { cols: number[]; clean: boolean } {
    const { state, visited, previous } = this;
    const { model, colOf } = state;
    const cols: number[] = [];
    const add = (v: number): void => {
      visited[v] = 1;
      colOf[v] = cols.length;
      cols.push(v);
    };
    add(start);
    let clean = previous !== null;
    const changed = (v: number): boolean => this.changed(v);
    for (let h = 0; h < cols.length; h++) {
      for (const q of model.varEquations[cols[h] as number] as number[]) {
        const e = model.equations[q] as { parent: number; children: number[] };
        if (clean && (changed(e.parent) || e.children.some(changed))) clean = false;
        if (colOf[e.parent] === -1 && !state.exact(e.parent)) add(e.parent);
        for (const m of e.children) if (colOf[m] === -1 && !state.exact(m)) add(m);
      }
    }
    if (previous && clean) clean = cols.every((v) => !state.isTarget[v] || previous.intervals[v]);
    return { cols, clean: previous !== null && clean };
  }

  /** Nothing the attacker sees in or around this component moved since the last audit. */
  private reuse(cols: readonly number[]): void {
    const { state } = this;
    const previous = this.previous as AuditCarry;
    for (const v of cols) {
      if (!state.isTarget[v]) continue;
      state.intervals[v] = previous.intervals[v] as AuditInterval;
      state.solved[v] = 1;
    }
  }

  private solve(cols: number[]): void {
    const { state } = this;
    const lp = state.subLpOver(cols);
    const bounds = propagateAcyclic(lp);
    if (bounds) {
      state.components++;
      cols.forEach((v, c) => {
        if (!state.isOpen(v)) return;
        state.counters.closedForm++;
        state.record(v, { lower: bounds.lower[c] as number, upper: bounds.upper[c] as number });
      });
    } else if (!this.exactIntervals) {
      this.boundCyclic(cols, lp);
    }
  }

  private boundCyclic(cols: number[], lp: SubLp): void {
    const { state } = this;
    // With cycles: inner bounds from a spanning forest that keeps the targets free first. A
    // target it already shows wide enough passes (more forests with other orders passed no
    // more on the bench); the others go to the LPs.
    const order = cols.flatMap((v, c) => (state.isOpen(v) ? [c] : []));
    const inner = innerBoundsByForest(
      lp,
      cols.map((v) => state.truth(v)),
      order,
    );
    for (const c of order) {
      const v = cols[c] as number;
      const r = {
        lower: inner.lower[c] as number,
        upper: inner.upper[c] as number,
        exact: false,
      };
      if (state.recordIfPassed(v, r)) state.counters.witness++;
    }
    // The rest: the component's trees folded into its cyclic core, whose LP is then exact for
    // every column; small cores are solved whole, after the carry from earlier rounds.
    const open = order.filter((c) => !state.solved[cols[c] as number]);
    if (open.length > 0) {
      const job = coreJob(
        cols,
        open.map((c) => cols[c] as number),
        lp,
      );
      if (job) this.coreJobs.push(job);
    }
  }
}

/**
 * Protect's rounds only add suppressions, so every box the attacker has only widens and the
 * truth stays feasible: an interval that passed before still lies inside the attacker's
 * interval now. Such intervals are kept (as inner bounds); only the rest go to the LPs.
 */
export function keepEarlierPasses(state: AuditState, previous: AuditCarry): void {
  const { nv, lo, hi } = state;
  let widened = true;
  for (let v = 0; v < nv && widened; v++)
    widened =
      (lo[v] as number) <= (previous.lo[v] as number) &&
      (hi[v] as number) >= (previous.hi[v] as number);
  for (let v = 0; v < nv && widened; v++) {
    const before = previous.intervals[v];
    if (!state.isOpen(v) || !before?.passed) continue;
    state.intervals[v] = { ...before, bound: 'inner' };
    state.solved[v] = 1;
  }
}
