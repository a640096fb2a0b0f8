/**
 * Small cyclic components solved whole: their trees folded away (peel.ts), one LP per core
 * column that decides an open target, then down the trees. Exact for every column.
 */
import { solveTasks, type LpTask, type LpTaskResult } from './lp-pool.js';
import type { SubLp } from './lp.js';
import { peelTrees, type PeeledLp } from './peel.js';
import type { AuditState } from './audit-state.js';

/**
 * Largest cyclic core (after folding its trees) solved whole, and how many of its columns one
 * LP task asks for. A judgement, not a tuned value: the demo's cores (one indicator and year,
 * breakdowns at gemeente level and up) have 1,100–3,300 columns, and their warm-started LPs took
 * about 1.5 ms each; larger components keep the capped subproblems.
 */
const MAX_CORE_COLUMNS = 4000;
const CORE_TARGETS_PER_TASK = 24;
/** Columns × targets of all core tasks above which they go to the worker threads. */
const PARALLEL_CORE_WORK = 200_000;

/** A cyclic component whose folded core is small enough to solve whole. */
export interface CoreJob {
  vars: number[];
  open: number[];
  peeled: PeeledLp;
}

/** The core job of a component (its variables `cols`, LP `lp`), or null when its core is too large. */
export function coreJob(cols: readonly number[], open: number[], lp: SubLp): CoreJob | null {
  const peeled = peelTrees(lp);
  const size = peeled.core.lower.length;
  if (size > 0 && size <= MAX_CORE_COLUMNS) return { vars: [...cols], open, peeled };
  return null;
}

/** A job's core tasks: tasks[first, last) of the batch. */
interface CorePlan {
  stillOpen: number[];
  local: Map<number, number>;
  peeled: PeeledLp;
  first: number;
  last: number;
}

/** Appends the LP tasks of one job to `tasks`: the anchors of its still-open targets. */
function planCore(state: AuditState, job: CoreJob, tasks: LpTask[]): CorePlan {
  const { vars, open, peeled } = job;
  const stillOpen = open.filter((v) => !state.solved[v]);
  const local = new Map(vars.map((v, c) => [v, c]));
  const anchors = [
    ...new Set(stillOpen.map((v) => peeled.anchor[local.get(v) as number] as number)),
  ]
    .filter((a) => a >= 0)
    .sort((a, b) => a - b);
  const truthOfCore = peeled.coreTruth(vars.map((v) => state.truth(v)));
  const first = tasks.length;
  for (let at = 0; at < anchors.length; at += CORE_TARGETS_PER_TASK) {
    tasks.push({
      lp: peeled.core,
      targets: anchors.slice(at, at + CORE_TARGETS_PER_TASK),
      truth: truthOfCore,
      required: null,
      rangeLo: null,
      rangeHi: null,
    });
  }
  return { stillOpen, local, peeled, first, last: tasks.length };
}

/** Records the intervals of one job's still-open targets from its solved core tasks. */
function recordCore(
  state: AuditState,
  plan: CorePlan,
  tasks: readonly LpTask[],
  results: readonly LpTaskResult[],
): void {
  const { stillOpen, local, peeled, first, last } = plan;
  state.components++;
  const coreLo = new Float64Array(peeled.core.lower.length).fill(NaN);
  const coreHi = new Float64Array(peeled.core.lower.length).fill(NaN);
  for (let k = first; k < last; k++) {
    const res = results[k] as LpTaskResult;
    state.counters.lp += res.counters.lp;
    state.counters.closedForm += res.counters.closedForm;
    (tasks[k] as LpTask).targets.forEach((a, j) => {
      const iv = res.intervals[j] as { lower: number; upper: number };
      coreLo[a] = iv.lower;
      coreHi[a] = iv.upper;
    });
  }
  const all = peeled.expand(coreLo, coreHi);
  for (const v of stillOpen) {
    const c = local.get(v) as number;
    const r = { lower: all.lower[c] as number, upper: all.upper[c] as number };
    // The component is whole (every neighbour outside it is exact), so this is the attacker's
    // interval itself: a failure here is final, as in an uncut subproblem.
    if (!Number.isNaN(r.lower) && !Number.isNaN(r.upper)) state.record(v, r);
  }
}

/**
 * Exact intervals of the still-open targets of small cyclic components: one LP per core column
 * that decides an open target (its own column, or the top of its tree), then down the trees.
 */
export async function solveCores(state: AuditState, jobs: readonly CoreJob[]): Promise<void> {
  const tasks: LpTask[] = [];
  const plans = jobs.map((job) => planCore(state, job, tasks));
  if (tasks.length === 0) return;
  const work = tasks.reduce((a, t) => a + t.targets.length * t.lp.lower.length, 0);
  const results = await solveTasks(tasks, work >= PARALLEL_CORE_WORK);
  for (const plan of plans) {
    if (plan.first !== plan.last) recordCore(state, plan, tasks, results);
  }
}
