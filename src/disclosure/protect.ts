/**
 * `protect`: primary rules, secondary suppression, rounding / cell key, and the audit as proof.
 * The loop never returns a pattern that fails its own audit: failing variables are strengthened
 * (one more suppression in each of their relations) and the secondary pass runs again, until the
 * audit passes. Every step iterates in sorted order, so equal input gives an equal pattern.
 */
import { auditModel, DEFAULT_MAX_COMPONENT_COLUMNS, type AuditCarry } from './audit.js';
import { buildModel } from './model.js';
import { applyPrimaryRules, profileFor } from './primary.js';
import { parseRuleProfile, type RuleProfile } from './profiles.js';
import { publishRows } from './publish.js';
import { runSecondary, strengthen, type SuppressionState } from './secondary.js';
import { cellKey, type ComputedCell } from '../contracts/index.js';
import type { ProtectInput, ProtectResult } from './types.js';

const MAX_ROUNDS = 60;

export async function protect(input: ProtectInput): Promise<ProtectResult> {
  const t0 = performance.now();
  const profiles: Record<string, RuleProfile> = {};
  for (const id of Object.keys(input.profiles).sort())
    profiles[id] = parseRuleProfile(id, input.profiles[id]);
  const cells = input.cells;
  const model = buildModel(cells, input.relations);
  const primary = applyPrimaryRules(cells, profiles, model);
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

  // Revisions never open a figure an earlier release withheld.
  if (input.earlier && input.earlier.length > 0) {
    const idx = new Map<string, number>();
    cells.forEach((c, i) => idx.set(cellKey(c.indicatorId, c.year, c.regionCode, c.breakdown), i));
    for (const r of input.earlier) {
      if (r.status !== 'suppressed-primary' && r.status !== 'suppressed-secondary') continue;
      const i = idx.get(cellKey(r.indicator_id, r.year, r.region_code, r.breakdown));
      if (i === undefined) continue;
      const v = model.cellNum[i];
      if (v === null || v === undefined || state.suppressed[v]) continue;
      state.suppressed[v] = 1;
      state.reason[v] = 'earlier-release';
    }
  }
  const t1 = performance.now();

  runSecondary(model, state, input.strategy ?? 'optimal');
  const t2 = performance.now();
  let secondaryMs = t2 - t1;
  let auditMs = 0;
  let publishMs = 0;
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
    publishMs += ta - tp;
    const report = await auditModel(
      cells,
      model,
      rows,
      profiles,
      input.earlier ?? [],
      input.maxComponentColumns ?? DEFAULT_MAX_COMPONENT_COLUMNS,
      input.exactIntervals ?? false,
      carry,
    );
    auditMs += performance.now() - ta;
    if (report.passed) {
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
      for (let v = 0; v < nv; v++) {
        if (state.suppressed[v] && !state.protectedVar[v]) {
          secondaryCost += state.cost[v] as number;
          secondaryValue += (model.vars[v] as { truth: number }).truth;
        }
      }
      return {
        cells: rows,
        audit: report,
        stats: {
          cells: cells.length,
          variables: nv,
          equations: model.equations.length,
          nonAdditiveRelations: model.nonAdditive,
          primaryCells,
          secondaryCells,
          suppressedByRule,
          secondaryCost,
          secondaryValue,
          auditRounds: rounds,
          timings: { primaryMs: t1 - t0, secondaryMs, auditMs, publishMs },
        },
      };
    }
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
    const ts = performance.now();
    runSecondary(model, state, input.strategy ?? 'optimal', touched);
    secondaryMs += performance.now() - ts;
  }
}
