/** The audit report: the recorded intervals by rule, the failing ones, and the counters. */
import { RULES, type AuditState } from './audit-state.js';
import type { AuditInterval, AuditReport, AuditRuleReport, RuleName } from './types.js';

function ruleReport(
  state: AuditState,
  rule: RuleName,
  byRule: ReadonlyMap<RuleName, AuditInterval[]>,
): AuditRuleReport {
  if (rule === 'single-value') {
    // No intervals: the check is that each published median is rounded (not a unit's value).
    return {
      rule,
      cells: state.medians.cells,
      passed: state.medians.passed,
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
}

export function auditReport(state: AuditState): AuditReport {
  const { intervals, primary, counters } = state;
  const byRule = new Map<RuleName, AuditInterval[]>();
  const failing: AuditInterval[] = [];
  for (let v = 0; v < state.nv; v++) {
    const iv = intervals[v];
    if (!iv) continue;
    const rule = primary.varRule[v] ?? state.targetRule[v] ?? 'secondary';
    const list = byRule.get(rule);
    if (list) list.push(iv);
    else byRule.set(rule, [iv]);
    if (!iv.passed) failing.push(iv);
  }
  if (state.medians.cells > 0) byRule.set('single-value', []);
  const rules = RULES.filter((r) => byRule.has(r)).map((rule) => ruleReport(state, rule, byRule));
  return {
    passed: failing.length === 0 && state.publishedUnsafe.length === 0,
    checkedVariables: intervals.filter((x) => x !== null).length,
    lpSolves: counters.lp,
    closedFormSolves: counters.closedForm,
    witnessIntervals: counters.witness,
    components: state.components,
    revisedEarlierValues: state.revised,
    publishedUnsafe: state.publishedUnsafe,
    rules,
    failing,
  };
}
