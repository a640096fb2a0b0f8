/**
 * The capped subproblems: for targets that whole components left open, an LP grown from each
 * target up to a column cap, with every variable outside it fixed at its true value. Why that
 * stays sound is in audit.ts: fixing variables only shrinks the attacker's feasible set.
 */
import { solveTasks, type LpTask, type LpTaskResult } from './lp-pool.js';
import type { AuditState, FoundInterval } from './audit-state.js';

/** Subproblems planned and solved together; large enough to keep every worker busy. */
const CHUNK = 64;
/** Audits with fewer open targets than this solve in this thread. */
const PARALLEL_TARGETS = 2000;

/** A planned subproblem: its columns, the variables it answers for, and the LP. */
interface Planned {
  seed: number;
  cap: number;
  cols: number[];
  targets: number[];
  truncated: boolean;
  task: LpTask;
}

/**
 * Subproblems are planned in variable order in chunks, solved (in parallel when the audit is
 * large), and recorded in plan order before the next chunk is planned, so a target that fails
 * on the rim of one subproblem is still free to be planned into a later one. A seed that fails
 * inside a truncated subproblem is planned again, first in the next chunk, with a larger one:
 * the failure may be an artefact of fixing its far neighbourhood.
 */
export class SubproblemSolver {
  /** Targets some planned, not yet recorded, subproblem answers for. */
  private readonly planned: Uint8Array;
  /** Seeds to plan again, first in the next chunk, with their larger cap. */
  private retries: [number, number][] = [];
  /** The chunk being solved while the next one is planned. */
  private pending: { chunk: Planned[]; results: Promise<LpTaskResult[]> } | null = null;
  /** Next variable of the scan in variable order. */
  private seed = 0;
  private readonly parallel: boolean;

  constructor(
    private readonly state: AuditState,
    private readonly maxCols: number,
    private readonly exactIntervals: boolean,
  ) {
    this.planned = new Uint8Array(state.nv);
    let open = 0;
    for (let v = 0; v < state.nv; v++) if (state.isOpen(v)) open++;
    this.parallel = open >= PARALLEL_TARGETS;
  }

  /**
   * Double buffering: the next chunk is planned, and the last one recorded, while a chunk is
   * being solved. Planning depends only on chunks already recorded, so the outcome is fixed.
   */
  async run(): Promise<void> {
    for (;;) {
      const chunk = this.nextChunk();
      if (chunk.length === 0) {
        if (!this.pending) break;
        await this.settle();
        continue;
      }
      const results = solveTasks(
        chunk.map((p) => p.task),
        this.parallel,
      );
      // Awaited in `settle`; until then a failure must not count as unhandled.
      results.catch(() => undefined);
      await this.settle();
      this.pending = { chunk, results };
    }
  }

  /** The retries first, then the next seeds of the scan, up to CHUNK subproblems. */
  private nextChunk(): Planned[] {
    const { state } = this;
    const nv = state.nv;
    // Targets that failed on a rim behind the scan are planned again as seeds.
    if (this.seed >= nv && this.retries.length === 0) {
      for (let v = 0; v < nv; v++) {
        if (state.isOpen(v) && !this.planned[v]) this.retries.push([v, this.maxCols]);
      }
    }
    const chunk: Planned[] = [];
    for (const [v, cap] of this.retries) {
      const p = this.plan(v, cap);
      if (p) chunk.push(p);
    }
    this.retries = [];
    for (; this.seed < nv && chunk.length < CHUNK; this.seed++) {
      const seed = this.seed;
      if (!state.isOpen(seed) || this.planned[seed]) continue;
      const p = this.plan(seed, this.maxCols);
      if (p) chunk.push(p);
    }
    return chunk;
  }

  /** Records the chunk being solved, once solved. */
  private async settle(): Promise<void> {
    if (!this.pending) return;
    const { chunk, results } = this.pending;
    this.pending = null;
    const solvedChunk = await results;
    chunk.forEach((p, k) => {
      const cap = this.apply(p, solvedChunk[k] as LpTaskResult);
      if (cap !== null) this.retries.push([p.seed, cap]);
    });
  }

  /**
   * One subproblem grown from `seed` up to `cap` columns, answering for the seed and for every
   * target wholly inside it not yet answered or planned. `null` when the seed is exact (nothing
   * to solve: its interval is its published value).
   */
  private plan(seed: number, cap: number): Planned | null {
    const { state } = this;
    if (state.exact(seed)) {
      state.record(seed, { lower: state.lo[seed] as number, upper: state.hi[seed] as number });
      return null;
    }
    const { cols, truncated } = this.grow(seed, cap);
    state.components++;
    const lp = state.subLpOver(cols);
    const targets = this.interiorTargets(seed, cols);
    for (const v of targets) this.planned[v] = 1;
    const { primary } = state;
    const task: LpTask = {
      lp,
      targets: targets.map((v) => state.colOf[v] as number),
      truth: cols.map((v) => state.truth(v)),
      required: this.exactIntervals ? null : cols.map((v) => primary.required[v] as number),
      rangeLo: this.exactIntervals ? null : cols.map((v) => primary.priorLo[v] as number),
      rangeHi: this.exactIntervals ? null : cols.map((v) => primary.priorHi[v] as number),
    };
    state.release(cols);
    return { seed, cap, cols, targets, truncated, task };
  }

  /**
   * The columns of a subproblem (their `colOf` set): breadth-first from `seed` through
   * non-exact variables, unknown ones (no upper bound) first, up to `cap`.
   */
  private grow(seed: number, cap: number): { cols: number[]; truncated: boolean } {
    const { state } = this;
    const { model, colOf, hi } = state;
    const cols: number[] = [];
    let truncated = false;
    const add = (v: number): void => {
      colOf[v] = cols.length;
      cols.push(v);
    };
    add(seed);
    const unknownQ: number[] = [];
    const boundedQ: number[] = [];
    let uh = 0;
    let bh = 0;
    const consider = (m: number): void => {
      if (colOf[m] !== -1 || state.exact(m)) return;
      if ((hi[m] as number) === Infinity) unknownQ.push(m);
      else boundedQ.push(m);
    };
    const expand = (v: number): void => {
      for (const q of model.varEquations[v] as number[]) {
        const e = model.equations[q] as { parent: number; children: number[] };
        consider(e.parent);
        for (const m of e.children) consider(m);
      }
    };
    expand(seed);
    for (;;) {
      let next = -1;
      while (uh < unknownQ.length && next < 0) {
        const m = unknownQ[uh++] as number;
        if (colOf[m] === -1) next = m;
      }
      while (next < 0 && bh < boundedQ.length) {
        const m = boundedQ[bh++] as number;
        if (colOf[m] === -1) next = m;
      }
      if (next < 0) break;
      if (cols.length >= cap) {
        truncated = true;
        break;
      }
      add(next);
      expand(next);
    }
    return { cols, truncated };
  }

  /**
   * Answer only for the seed and the targets whose relations lie wholly inside the subproblem:
   * a target on its rim would see its outside neighbours fixed and look narrower than it is.
   */
  private interiorTargets(seed: number, cols: readonly number[]): number[] {
    const { state } = this;
    const { model, colOf } = state;
    const inside = (m: number): boolean => colOf[m] !== -1 || state.exact(m);
    const interior = (v: number): boolean =>
      (model.varEquations[v] as number[]).every((q) => {
        const e = model.equations[q] as { parent: number; children: number[] };
        return inside(e.parent) && e.children.every(inside);
      });
    return cols.filter((v) => v === seed || (state.isOpen(v) && !this.planned[v] && interior(v)));
  }

  /** Records a solved subproblem; returns the seed's retry cap when its failure may be an artefact. */
  private apply(p: Planned, result: LpTaskResult): number | null {
    const { state } = this;
    state.addCounters(result.counters);
    let retry: number | null = null;
    p.targets.forEach((v, k) => {
      this.planned[v] = 0;
      const r = result.intervals[k] as FoundInterval & { exact: boolean };
      if (v === p.seed) {
        if (!state.record(v, r) && p.truncated && p.cap * 4 <= this.maxCols * 16) retry = p.cap * 4;
      } else if (!p.truncated) state.record(v, r);
      // In a truncated subproblem a failure of a non-seed target may be an artefact of its
      // fixed rim: only a pass is final; otherwise the target is solved as its own seed.
      else state.recordIfPassed(v, r);
    });
    return retry;
  }
}
