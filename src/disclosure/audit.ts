/**
 * The interval audit: what can an attacker derive about each suppressed figure from everything
 * that is published?
 *
 * It works from the release rows (not from the suppression code's bookkeeping) and the true
 * cells. Knowledge per variable is the intersection of what every row says about it: an exact
 * value, a rounding interval [x − b/2, x + b/2], a cell-key interval [x − D, x + D], and the same
 * from earlier releases of the same figures (values that no longer contain the truth were
 * revised and are skipped, counted in `revisedEarlierValues`). Unknown counts lie in [0, ∞).
 * For every suppressed variable it solves min and max over all additive relations.
 *
 * Components without a cycle (a hierarchy of one indicator, which is most of a release) are solved
 * whole and exactly by bounds propagation (see `propagate.ts`). Components with cycles whose trees
 * fold into a small enough core (`peel.ts`) are solved whole and exactly by LPs over that core.
 * For the others: decomposition, and why it stays sound: subproblems grow from each target through the
 * non-exact variables (unknown ones first) up to a column cap; every variable outside a
 * subproblem is fixed at its true value. Fixing variables only shrinks the attacker's feasible
 * set (the truth is always in it), so each computed interval lies inside the attacker's real
 * one: a cell that passes here passes against the full LP, and the report can only err towards
 * narrower intervals.
 *
 * The attacker knows the rules (the profiles are published) and what each row is made of:
 * - a published count (a count's value, a ratio's numerator and denominator, a mean's number of
 *   units, a median's number of units) is rounded: a published x means [x − b/2, x + b/2];
 * - a mean's sum is exact, and its value is exact sum / rounded count (checked: anything else
 *   would tell more than the parts); a median's value is no additive quantity and is not in the
 *   model (checked to be rounded to `valueRoundingBase`);
 * - `not-applicable` tells a denominator (ratio, mean) or a median's number of units is 0, and
 *   any other row of such an indicator (published or confidential) that it is at least 1;
 * - a primary rule that fires reveals a range by itself (a frequency-unsafe count lies in
 *   [1, minFrequency − 1]); see `passesRequirement`.
 *
 * A variable passes when its interval contains the truth, its width is at least the width its
 * primary rule requires (and is not zero for any primary), and, intersected with its prior range
 * (the rule's own range intersected with what statuses and relations alone tell, status.ts), its
 * width is at least min(required, the prior range's width): the published values narrow a small
 * count no further than the rule and the statuses already do. Secondary suppressions have no
 * width requirement.
 */
import type { SolveCounters, SubLp } from './lp.js';
import { solveTasks, type LpTask, type LpTaskResult } from './lp-pool.js';
import { peelTrees, type PeeledLp } from './peel.js';
import { innerBoundsByForest, propagateAcyclic } from './propagate.js';
import { cellKey, type ComputedCell } from '../contracts/index.js';
import { buildModel, cellLabel, type Relation, type TableModel } from './model.js';
import {
  applyPrimaryRules,
  inRangeRequired,
  inRangeWidth,
  passesRequirement,
  profileFor,
  type PrimaryResult,
} from './primary.js';
import { parseRuleProfile, type RuleProfile } from './profiles.js';
import { meanOf, roundValue } from './publish.js';
import { statusCount } from './status.js';
import type {
  AuditInterval,
  AuditReport,
  AuditRuleReport,
  PublishedCell,
  RuleName,
} from './types.js';

export interface AuditInput {
  cells: ComputedCell[];
  published: PublishedCell[];
  profiles: Record<string, RuleProfile>;
  earlier?: PublishedCell[];
  relations?: Relation[];
  maxComponentColumns?: number;
  /** Solve min and max for every suppressed cell, even when witness points already prove it safe. */
  exactIntervals?: boolean;
}

/** What an audit of one model leaves for the next audit of the same model (protect's rounds). */
export interface AuditCarry {
  primary: PrimaryResult;
  lo: Float64Array;
  hi: Float64Array;
  intervals: (AuditInterval | null)[];
}

const TOL = 1e-6;
/**
 * Columns of an LP subproblem before it is cut (and its rim fixed). Measured on the bench's
 * national tables (scale 0.2, one year, one run): cap 60 → audit 11.4 s in two rounds (rim
 * artefacts failed cells and cost a round); 350 → 4.4 s; 500 → 5.3 s; 1,000 → 6.3 s, all in
 * one round. Larger subproblems answer for more targets per LP and fail less on their rim.
 */
export const DEFAULT_MAX_COMPONENT_COLUMNS = 400;
/** Subproblems planned and solved together; large enough to keep every worker busy. */
const CHUNK = 64;
/** Audits with fewer open targets than this solve in this thread. */
const PARALLEL_TARGETS = 2000;
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
const RULES: readonly RuleName[] = [
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

/**
 * Half the width of what a published figure tells about its variable: the noise bound of the cell
 * key method, half the rounding base of a count, 0 for an amount (a sum, a mean's numerator).
 */
function halfWidth(p: RuleProfile, role: 'numerator' | 'denominator'): number {
  if (p.method === 'cell-key') return p.cellKey?.D ?? 0;
  if (p.kind === 'magnitude' && role === 'numerator') return 0;
  return p.roundingBase > 1 ? p.roundingBase / 2 : 0;
}

/** Why a published value tells more than its published parts (null: it does not). */
function valueLeak(p: RuleProfile, c: ComputedCell, r: PublishedCell): string | null {
  if (r.value === null) return null;
  const off = (a: number, b: number): boolean =>
    Math.abs(a - b) > 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
  if (p.kind === 'median') {
    if (p.valueRoundingBase !== null && off(r.value, roundValue(r.value, p.valueRoundingBase)))
      return `median ${r.value} is not rounded to ${p.valueRoundingBase}`;
  } else if (p.kind === 'magnitude' && c.denominator !== null && r.numerator !== null) {
    const m = r.denominator === null ? null : meanOf(r.numerator, r.denominator);
    if (m === null || off(r.value, m))
      return `mean ${r.value} is not the published sum / published count`;
  }
  return null;
}

export async function audit(input: AuditInput): Promise<AuditReport> {
  const profiles: Record<string, RuleProfile> = {};
  for (const id of Object.keys(input.profiles).sort())
    profiles[id] = parseRuleProfile(id, input.profiles[id]);
  const { cells } = input;
  const model = buildModel(cells, input.relations);
  return auditModel(
    cells,
    model,
    input.published,
    profiles,
    input.earlier ?? [],
    input.maxComponentColumns ?? DEFAULT_MAX_COMPONENT_COLUMNS,
    input.exactIntervals ?? false,
  );
}

export async function auditModel(
  cells: readonly ComputedCell[],
  model: TableModel,
  published: readonly PublishedCell[],
  profiles: Record<string, RuleProfile>,
  earlier: readonly PublishedCell[],
  maxCols: number,
  exactIntervals = false,
  carry?: { value: AuditCarry | null },
): Promise<AuditReport> {
  // The same model in every round of protect: its primary findings are computed once.
  const primary = carry?.value?.primary ?? applyPrimaryRules(cells, profiles, model);
  const nv = model.vars.length;
  const truth = (v: number): number => (model.vars[v] as { truth: number }).truth;
  const lo = new Float64Array(nv);
  const hi = new Float64Array(nv).fill(Infinity);
  const cellIndex = new Map<string, number>();
  cells.forEach((c, i) =>
    cellIndex.set(cellKey(c.indicatorId, c.year, c.regionCode, c.breakdown), i),
  );
  let revised = 0;
  const publishedUnsafe: string[] = [];
  /** Published medians, checked to be rounded (rule `single-value`). */
  const medians = { cells: 0, passed: true };
  const targetRule: (RuleName | null)[] = new Array<RuleName | null>(nv).fill(null);
  const isTarget = new Uint8Array(nv);

  const learn = (
    v: number | null,
    x: number | null,
    half: number,
    isEarlier: boolean,
    where: string,
  ): void => {
    if (v === null || x === null) return;
    const l = Math.max(0, x - half);
    const h = x + half;
    const t = truth(v);
    if (t < l - TOL || t > h + TOL) {
      if (isEarlier) {
        revised++;
        return;
      }
      throw new Error(
        `${where}: published ${x} is inconsistent with the true value of ${(model.vars[v] as { id: string }).id}`,
      );
    }
    lo[v] = Math.max(lo[v] as number, l);
    hi[v] = Math.min(hi[v] as number, h);
  };
  const readRows = (rows: readonly PublishedCell[], isEarlier: boolean): void => {
    rows.forEach((r, k) => {
      const where = `${isEarlier ? 'earlier' : 'release'} row ${k + 1} (${r.indicator_id}/${r.year}/${r.region_code}${r.breakdown ? `/${r.breakdown}` : ''})`;
      const i = cellIndex.get(cellKey(r.indicator_id, r.year, r.region_code, r.breakdown));
      if (i === undefined) {
        if (isEarlier) return;
        throw new Error(`${where}: no computed cell for this row`);
      }
      const c = cells[i] as ComputedCell;
      const p = profileFor(profiles, c);
      const num = model.cellNum[i] ?? null;
      const den = model.cellDen[i] ?? null;
      const counted = statusCount(p, c);
      const countVar = counted === 'numerator' ? num : counted === 'denominator' ? den : null;
      if (r.status === 'published') {
        if (!isEarlier && primary.cellRule[i] !== null) publishedUnsafe.push(cellLabel(c));
        if (!isEarlier) {
          const leak = valueLeak(p, c, r);
          if (leak !== null) publishedUnsafe.push(`${cellLabel(c)} (${leak})`);
          if (p.kind === 'median' && r.value !== null) {
            medians.cells++;
            if (leak !== null) medians.passed = false;
          }
        }
        learn(num, r.numerator, halfWidth(p, 'numerator'), isEarlier, where);
        learn(den, r.denominator, halfWidth(p, 'denominator'), isEarlier, where);
        // Not not-applicable: that count is at least 1 (a published 0 of a rounded 2 says less).
        if (countVar !== null && truth(countVar) >= 1)
          lo[countVar] = Math.max(lo[countVar] as number, 1);
      } else if (countVar !== null && r.status === 'not-applicable') {
        // No median, mean or ratio: its count is 0, and the public sees that (a mean's sum too).
        if (truth(countVar) === 0) learn(countVar, 0, 0, isEarlier, where);
        if (p.kind === 'magnitude' && num !== null && truth(num) === 0)
          learn(num, 0, 0, isEarlier, where);
      } else if (countVar !== null && truth(countVar) >= 1) {
        // Confidential, not not-applicable: that count is at least 1.
        lo[countVar] = Math.max(lo[countVar] as number, 1);
      }
      if (!isEarlier && r.status !== 'published' && r.status !== 'not-applicable') {
        for (const v of [num, den]) {
          if (v === null) continue;
          if (v === den && primary.varRule[v] === null && v !== num) continue;
          isTarget[v] = 1;
          targetRule[v] ??= (RULES as readonly string[]).includes(r.rule ?? '')
            ? (r.rule as RuleName)
            : 'secondary';
        }
      }
    });
  };
  readRows(published, false);
  readRows(earlier, true);
  for (let v = 0; v < nv; v++) if (primary.varRule[v] !== null) isTarget[v] = 1;

  const exact = (v: number): boolean => (hi[v] as number) - (lo[v] as number) <= TOL;
  const solved = new Uint8Array(nv);
  const intervals: (AuditInterval | null)[] = new Array<AuditInterval | null>(nv).fill(null);
  const counters: SolveCounters = { lp: 0, closedForm: 0, witness: 0 };
  let components = 0;
  const colOf = new Int32Array(nv).fill(-1);

  const record = (v: number, r: { lower: number; upper: number; exact?: boolean }): boolean => {
    const t = truth(v);
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
    intervals[v] = {
      variable: (model.vars[v] as { id: string }).id,
      cells: (model.vars[v] as { cells: number[] }).cells.map((i) =>
        cellLabel(cells[i] as ComputedCell),
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
    solved[v] = 1;
    return passed;
  };

  /**
   * Records `r` only if it passes. For a bound that may be narrower than the attacker's real
   * interval (a cut subproblem's rim, a spanning forest), a failure proves nothing: the variable
   * stays open for a wider look.
   */
  const recordIfPassed = (v: number, r: { lower: number; upper: number; exact?: boolean }) => {
    const before = intervals[v];
    if (record(v, r)) return true;
    intervals[v] = before ?? null;
    solved[v] = 0;
    return false;
  };

  /** The LP over `cols` (whose `colOf` is set): every relation touching them, others fixed. */
  const subLpOver = (cols: readonly number[]): SubLp => {
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
            row.rhs -= coef * (exact(m) ? (lo[m] as number) : truth(m));
          }
        };
        put(e.parent, 1);
        for (const ch of e.children) put(ch, -1);
        lp.rows.push(row);
      }
    }
    return lp;
  };

  /** A planned subproblem: its columns, the variables it answers for, and the LP. */
  interface Planned {
    seed: number;
    cap: number;
    cols: number[];
    targets: number[];
    truncated: boolean;
    task: LpTask;
  }
  const planned = new Uint8Array(nv);

  /**
   * One subproblem grown from `seed` up to `cap` columns, answering for the seed and for every
   * target wholly inside it not yet answered or planned. `null` when the seed is exact (nothing
   * to solve: its interval is its published value).
   */
  const plan = (seed: number, cap: number): Planned | null => {
    if (exact(seed)) {
      record(seed, { lower: lo[seed] as number, upper: hi[seed] as number });
      return null;
    }
    const cols: number[] = [];
    let truncated = false;
    const add = (v: number): void => {
      colOf[v] = cols.length;
      cols.push(v);
    };
    // Breadth-first through non-exact variables, unknown ones (no upper bound) first.
    add(seed);
    const unknownQ: number[] = [];
    const boundedQ: number[] = [];
    let uh = 0;
    let bh = 0;
    const consider = (m: number): void => {
      if (colOf[m] !== -1 || exact(m)) return;
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
    components++;
    const lp = subLpOver(cols);
    // Answer only for the seed and the targets whose relations lie wholly inside the subproblem:
    // a target on its rim would see its outside neighbours fixed and look narrower than it is.
    const inside = (m: number): boolean => colOf[m] !== -1 || exact(m);
    const interior = (v: number): boolean =>
      (model.varEquations[v] as number[]).every((q) => {
        const e = model.equations[q] as { parent: number; children: number[] };
        return inside(e.parent) && e.children.every(inside);
      });
    const targets = cols.filter(
      (v) => v === seed || (isTarget[v] && !solved[v] && !planned[v] && interior(v)),
    );
    for (const v of targets) planned[v] = 1;
    const task: LpTask = {
      lp,
      targets: targets.map((v) => colOf[v] as number),
      truth: cols.map(truth),
      required: exactIntervals ? null : cols.map((v) => primary.required[v] as number),
      rangeLo: exactIntervals ? null : cols.map((v) => primary.priorLo[v] as number),
      rangeHi: exactIntervals ? null : cols.map((v) => primary.priorHi[v] as number),
    };
    for (const v of cols) colOf[v] = -1;
    return { seed, cap, cols, targets, truncated, task };
  };

  /** Records a solved subproblem; returns the seed's retry cap when its failure may be an artefact. */
  const apply = (p: Planned, result: LpTaskResult): number | null => {
    counters.lp += result.counters.lp;
    counters.closedForm += result.counters.closedForm;
    counters.witness += result.counters.witness;
    let retry: number | null = null;
    p.targets.forEach((v, k) => {
      planned[v] = 0;
      const r = result.intervals[k] as { lower: number; upper: number; exact: boolean };
      if (v === p.seed) {
        if (!record(v, r) && p.truncated && p.cap * 4 <= maxCols * 16) retry = p.cap * 4;
      } else if (!p.truncated) record(v, r);
      // In a truncated subproblem a failure of a non-seed target may be an artefact of its
      // fixed rim: only a pass is final; otherwise the target is solved as its own seed.
      else recordIfPassed(v, r);
    });
    return retry;
  };

  /**
   * Exact intervals of the still-open targets of small cyclic components: one LP per core column
   * that decides an open target (its own column, or the top of its tree), then down the trees.
   */
  const solveCores = async (
    jobs: readonly { vars: number[]; open: number[]; peeled: PeeledLp }[],
  ): Promise<void> => {
    const tasks: LpTask[] = [];
    const plans = jobs.map(({ vars, open, peeled }) => {
      const stillOpen = open.filter((v) => !solved[v]);
      const local = new Map(vars.map((v, c) => [v, c]));
      const anchors = [
        ...new Set(stillOpen.map((v) => peeled.anchor[local.get(v) as number] as number)),
      ]
        .filter((a) => a >= 0)
        .sort((a, b) => a - b);
      const truthOfCore = peeled.coreTruth(vars.map(truth));
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
    });
    if (tasks.length === 0) return;
    const work = tasks.reduce((a, t) => a + t.targets.length * t.lp.lower.length, 0);
    const results = await solveTasks(tasks, work >= PARALLEL_CORE_WORK);
    for (const { stillOpen, local, peeled, first, last } of plans) {
      if (first === last) continue;
      components++;
      const coreLo = new Float64Array(peeled.core.lower.length).fill(NaN);
      const coreHi = new Float64Array(peeled.core.lower.length).fill(NaN);
      for (let k = first; k < last; k++) {
        const res = results[k] as LpTaskResult;
        counters.lp += res.counters.lp;
        counters.closedForm += res.counters.closedForm;
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
        if (!Number.isNaN(r.lower) && !Number.isNaN(r.upper)) record(v, r);
      }
    }
  };

  // Between protect's rounds only the components around newly suppressed figures change; the
  // others keep their intervals (a component's intervals depend on nothing outside its rim).
  const previous = carry?.value ?? null;
  const changed = (v: number): boolean =>
    previous !== null && (previous.lo[v] !== lo[v] || previous.hi[v] !== hi[v]);
  const visited = new Uint8Array(nv);
  /** Cyclic components whose folded core is small enough to solve whole. */
  const coreJobs: { vars: number[]; open: number[]; peeled: PeeledLp }[] = [];
  for (let start = 0; start < nv; start++) {
    if (!isTarget[start] || solved[start] || visited[start] || exact(start)) continue;
    const cols: number[] = [];
    const add = (v: number): void => {
      visited[v] = 1;
      colOf[v] = cols.length;
      cols.push(v);
    };
    add(start);
    let clean = previous !== null;
    for (let h = 0; h < cols.length; h++) {
      for (const q of model.varEquations[cols[h] as number] as number[]) {
        const e = model.equations[q] as { parent: number; children: number[] };
        if (clean && (changed(e.parent) || e.children.some(changed))) clean = false;
        if (colOf[e.parent] === -1 && !exact(e.parent)) add(e.parent);
        for (const m of e.children) if (colOf[m] === -1 && !exact(m)) add(m);
      }
    }
    if (previous && clean) clean = cols.every((v) => !isTarget[v] || previous.intervals[v]);
    if (previous && clean) {
      // Nothing the attacker sees in or around this component moved since the last audit.
      for (const v of cols) {
        if (!isTarget[v]) continue;
        intervals[v] = previous.intervals[v] as AuditInterval;
        solved[v] = 1;
      }
      for (const v of cols) colOf[v] = -1;
      continue;
    }
    const lp = subLpOver(cols);
    const bounds = propagateAcyclic(lp);
    if (bounds) {
      components++;
      cols.forEach((v, c) => {
        if (!isTarget[v] || solved[v]) return;
        counters.closedForm++;
        record(v, { lower: bounds.lower[c] as number, upper: bounds.upper[c] as number });
      });
    } else if (!exactIntervals) {
      // With cycles: inner bounds from a spanning forest that keeps the targets free first. A
      // target it already shows wide enough passes (more forests with other orders passed no
      // more on the bench); the others go to the LPs.
      const order = cols.flatMap((v, c) => (isTarget[v] && !solved[v] ? [c] : []));
      const inner = innerBoundsByForest(lp, cols.map(truth), order);
      for (const c of order) {
        const v = cols[c] as number;
        const r = {
          lower: inner.lower[c] as number,
          upper: inner.upper[c] as number,
          exact: false,
        };
        if (recordIfPassed(v, r)) counters.witness++;
      }
      // The rest: the component's trees folded into its cyclic core, whose LP is then exact for
      // every column; small cores are solved whole, below, after the carry from earlier rounds.
      const open = order.filter((c) => !solved[cols[c] as number]);
      if (open.length > 0) {
        const peeled = peelTrees(lp);
        const size = peeled.core.lower.length;
        if (size > 0 && size <= MAX_CORE_COLUMNS) {
          coreJobs.push({ vars: [...cols], open: open.map((c) => cols[c] as number), peeled });
        }
      }
    }
    for (const v of cols) colOf[v] = -1;
  }

  // Protect's rounds only add suppressions, so every box the attacker has only widens and the
  // truth stays feasible: an interval that passed before still lies inside the attacker's
  // interval now. Such intervals are kept (as inner bounds); only the rest go to the LPs.
  if (previous !== null) {
    let widened = true;
    for (let v = 0; v < nv && widened; v++)
      widened =
        (lo[v] as number) <= (previous.lo[v] as number) &&
        (hi[v] as number) >= (previous.hi[v] as number);
    for (let v = 0; v < nv && widened; v++) {
      const before = previous.intervals[v];
      if (!isTarget[v] || solved[v] || !before?.passed) continue;
      intervals[v] = { ...before, bound: 'inner' };
      solved[v] = 1;
    }
  }

  await solveCores(coreJobs);

  // Subproblems are planned in variable order in chunks, solved (in parallel when the audit is
  // large), and recorded in plan order before the next chunk is planned, so a target that fails
  // on the rim of one subproblem is still free to be planned into a later one. A seed that fails
  // inside a truncated subproblem is planned again, first in the next chunk, with a larger one:
  // the failure may be an artefact of fixing its far neighbourhood.
  let open = 0;
  for (let v = 0; v < nv; v++) if (isTarget[v] && !solved[v]) open++;
  const parallel = open >= PARALLEL_TARGETS;
  let retries: [number, number][] = [];
  // Double buffering: the next chunk is planned, and the last one recorded, while a chunk is
  // being solved. Planning depends only on chunks already recorded, so the outcome is fixed.
  let pending: { chunk: Planned[]; results: Promise<LpTaskResult[]> } | null = null;
  const settle = async (): Promise<void> => {
    if (!pending) return;
    const { chunk, results } = pending;
    pending = null;
    const solvedChunk = await results;
    chunk.forEach((p, k) => {
      const cap = apply(p, solvedChunk[k] as LpTaskResult);
      if (cap !== null) retries.push([p.seed, cap]);
    });
  };
  for (let seed = 0; ;) {
    // Targets that failed on a rim behind the scan are planned again as seeds.
    if (seed >= nv && retries.length === 0) {
      for (let v = 0; v < nv; v++) {
        if (isTarget[v] && !solved[v] && !planned[v]) retries.push([v, maxCols]);
      }
    }
    const chunk: Planned[] = [];
    for (const [v, cap] of retries) {
      const p = plan(v, cap);
      if (p) chunk.push(p);
    }
    retries = [];
    for (; seed < nv && chunk.length < CHUNK; seed++) {
      if (!isTarget[seed] || solved[seed] || planned[seed]) continue;
      const p = plan(seed, maxCols);
      if (p) chunk.push(p);
    }
    if (chunk.length === 0) {
      if (!pending) break;
      await settle();
      continue;
    }
    const results = solveTasks(
      chunk.map((p) => p.task),
      parallel,
    );
    // Awaited in `settle`; until then a failure must not count as unhandled.
    results.catch(() => undefined);
    await settle();
    pending = { chunk, results };
  }

  if (carry) carry.value = { primary, lo, hi, intervals };

  const byRule = new Map<RuleName, AuditInterval[]>();
  const failing: AuditInterval[] = [];
  for (let v = 0; v < nv; v++) {
    const iv = intervals[v];
    if (!iv) continue;
    const rule = primary.varRule[v] ?? targetRule[v] ?? 'secondary';
    const list = byRule.get(rule);
    if (list) list.push(iv);
    else byRule.set(rule, [iv]);
    if (!iv.passed) failing.push(iv);
  }
  if (medians.cells > 0) byRule.set('single-value', []);
  const rules: AuditRuleReport[] = RULES.filter((r) => byRule.has(r)).map((rule) => {
    if (rule === 'single-value') {
      // No intervals: the check is that each published median is rounded (not a unit's value).
      return {
        rule,
        cells: medians.cells,
        passed: medians.passed,
        narrowestMargin: null,
        intervals: [],
      };
    }
    const list = byRule.get(rule) as AuditInterval[];
    const margins = list.map((x) => x.margin);
    return {
      rule,
      cells: list.length,
      passed: list.every((x) => x.passed),
      narrowestMargin: margins.length ? margins.reduce((m, x) => Math.min(m, x), Infinity) : null,
      intervals: list,
    };
  });
  return {
    passed: failing.length === 0 && publishedUnsafe.length === 0,
    checkedVariables: intervals.filter((x) => x !== null).length,
    lpSolves: counters.lp,
    closedFormSolves: counters.closedForm,
    witnessIntervals: counters.witness,
    components,
    revisedEarlierValues: revised,
    publishedUnsafe,
    rules,
    failing,
  };
}
