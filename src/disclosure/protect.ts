/**
 * `protectTable`: primary rules, secondary suppression, rounding / cell key, and the audit as proof.
 * The loop never returns a pattern that fails its own audit: failing variables are strengthened
 * (one more suppression in each of their relations) and the secondary pass runs again, until the
 * audit passes. Every step iterates in sorted order, so equal input gives an equal pattern.
 */
import { auditModel, type AuditCarry } from './audit.js';
import { buildModel, cellIndex, type TableModel } from './model.js';
import { applyPrimaryRules, profileFor, type PrimaryResult } from './primary.js';
import { parseRuleProfiles, type RuleProfile } from './profiles.js';
import { publishRows } from './publish.js';
import { runSecondary, strengthen, type SuppressionState } from './secondary.js';
import { cellKey, type ComputedCell } from '../contracts/index.js';
import type {
  AuditReport,
  ProtectInput,
  ProtectResult,
  ProtectStats,
  PublishedCell,
} from './types.js';

const MAX_ROUNDS = 60;

/** One table (a part of `protect`, see parts.ts): every cell in one model. */
export async function protectTable(input: ProtectInput): Promise<ProtectResult> {
  const t0 = performance.now();
  const profiles = parseRuleProfiles(input.profiles);
  const cells = input.cells;
  const model = buildModel(cells, input.relations);
  const primary = applyPrimaryRules(cells, profiles, model);
  const state = initialState(cells, profiles, model, primary);
  if (input.earlier && input.earlier.length > 0)
    keepEarlierSuppressions(cells, model, state, input.earlier);
  const t1 = performance.now();

  const strategy = input.strategy ?? 'optimal';
  runSecondary(model, state, strategy);
  const t2 = performance.now();
  const timings = { primaryMs: t1 - t0, secondaryMs: t2 - t1, auditMs: 0, publishMs: 0 };
  let rounds = 0;
  const carry: { value: AuditCarry | null } = { value: null };
  for (;;) {
    rounds++;
    const tp = performance.now();
    const rows = publishRows(
      cells,
      profiles,
      model,
      primary.cellRule,
      state.suppressed,
      state.reason,
      input.cellKeys,
    );
    const ta = performance.now();
    timings.publishMs += ta - tp;
    const report = await auditModel({
      cells,
      model,
      published: rows,
      profiles,
      earlier: input.earlier,
      maxComponentColumns: input.maxComponentColumns,
      exactIntervals: input.exactIntervals,
      carry,
    });
    timings.auditMs += performance.now() - ta;
    if (report.passed) {
      const stats = protectStats(cells, model, state, rows, rounds, timings);
      return { cells: rows, audit: report, stats };
    }
    const touched = strengthenFailing(model, state, report, rounds);
    const ts = performance.now();
    runSecondary(model, state, strategy, touched);
    timings.secondaryMs += performance.now() - ts;
  }
}

/** The pattern before secondary suppression: the primaries, and each variable's cost. */
function initialState(
  cells: readonly ComputedCell[],
  profiles: Record<string, RuleProfile>,
  model: TableModel,
  primary: PrimaryResult,
): SuppressionState {
  const nv = model.vars.length;
  const state: SuppressionState = {
    suppressed: new Uint8Array(nv),
    protectedVar: new Uint8Array(nv),
    required: primary.required,
    rangeLo: primary.priorLo,
    rangeHi: primary.priorHi,
    reason: primary.varRule.slice(),
    cost: new Float64Array(nv),
  };
  const suppressionMethod = (i: number): boolean =>
    profileFor(profiles, cells[i] as ComputedCell).method === 'suppression';
  model.vars.forEach((v, k) => {
    const first = cells[v.cells[0] as number] as ComputedCell;
    const p = profileFor(profiles, first);
    state.cost[k] =
      p.cost === 'unit'
        ? 1
        : p.cost === 'count' && p.kind === 'magnitude'
          ? first.contributors
          : v.truth;
    if (primary.varRule[k] !== null) {
      state.suppressed[k] = 1;
      state.protectedVar[k] = 1;
    }
    // Cell-key variables are never suppressed; they take no part in the pattern.
    if (!v.cells.some(suppressionMethod)) state.cost[k] = Infinity;
  });
  return state;
}

/** Revisions never open a figure an earlier release withheld. */
function keepEarlierSuppressions(
  cells: readonly ComputedCell[],
  model: TableModel,
  state: SuppressionState,
  earlier: readonly PublishedCell[],
): void {
  const idx = cellIndex(cells);
  for (const r of earlier) {
    if (r.status !== 'suppressed-primary' && r.status !== 'suppressed-secondary') continue;
    const i = idx.get(cellKey(r.indicator_id, r.year, r.region_code, r.breakdown));
    if (i === undefined) continue;
    const v = model.cellNum[i];
    if (v === null || v === undefined || state.suppressed[v]) continue;
    state.suppressed[v] = 1;
    state.reason[v] = 'earlier-release';
  }
}

/**
 * After a failed audit: one more suppression for each failing variable. Returns the relations
 * touched (for the next secondary pass); throws when nothing can be added.
 */
function strengthenFailing(
  model: TableModel,
  state: SuppressionState,
  report: AuditReport,
  rounds: number,
): number[] {
  if (report.publishedUnsafe.length > 0) {
    throw new Error(
      `internal error: primary-unsafe cells published: ${report.publishedUnsafe.slice(0, 5).join(', ')}`,
    );
  }
  const index = new Map(model.vars.map((v, k) => [v.id, k]));
  const touched: number[] = [];
  let changed = false;
  for (const f of report.failing) {
    const v = index.get(f.variable) as number;
    const r = strengthen(model, state, v);
    for (const q of r.touched) touched.push(q);
    if (r.added > 0) changed = true;
  }
  if (!changed || rounds >= MAX_ROUNDS) {
    const names = report.failing
      .slice(0, 10)
      .map((f) => `${f.cells.join('+')} [${f.lower}, ${f.upper}] needs ${f.required}`);
    throw new Error(
      `disclosure control cannot protect ${report.failing.length} figure(s), already fixed by what is published (earlier releases?): ${names.join('; ')}`,
    );
  }
  return touched;
}

function protectStats(
  cells: readonly ComputedCell[],
  model: TableModel,
  state: SuppressionState,
  rows: readonly PublishedCell[],
  rounds: number,
  timings: ProtectStats['timings'],
): ProtectStats {
  const suppressedByRule: Record<string, number> = {};
  let primaryCells = 0;
  let secondaryCells = 0;
  for (const r of rows) {
    if (r.status === 'suppressed-primary') primaryCells++;
    if (r.status === 'suppressed-secondary') secondaryCells++;
    if (r.status.startsWith('suppressed'))
      suppressedByRule[r.rule ?? ''] = (suppressedByRule[r.rule ?? ''] ?? 0) + 1;
  }
  let secondaryCost = 0;
  let secondaryValue = 0;
  for (let v = 0; v < model.vars.length; v++) {
    if (state.suppressed[v] && !state.protectedVar[v]) {
      secondaryCost += state.cost[v] as number;
      secondaryValue += (model.vars[v] as { truth: number }).truth;
    }
  }
  return {
    cells: cells.length,
    variables: model.vars.length,
    equations: model.equations.length,
    nonAdditiveRelations: model.nonAdditive,
    primaryCells,
    secondaryCells,
    suppressedByRule,
    secondaryCost,
    secondaryValue,
    auditRounds: rounds,
    timings,
  };
}
