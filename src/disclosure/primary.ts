/**
 * Primary rules. Each cell is checked against its indicator's profile; a failing cell is
 * suppressed and, where the rule protects a confidential quantity, the count (or amount) behind
 * it gets a protection requirement: the minimum width of the interval an attacker may derive.
 *
 * - frequency: 0 < n < minFrequency → width ≥ max(minRange, safetyRange% · n)
 * - zero (zeroPolicy 'unsafe'): n = 0 → width ≥ minRange
 * - group disclosure (ratios): share 0% or 100% with denominator < groupDisclosure → width ≥ minRange
 * - min-denominator (ratios): a reliability rule; the figure is withheld, nothing needs an interval
 * - (n,k)-dominance: x1(+x2) > k% · total → width ≥ (100/k)(x1(+x2)) − total
 * - p%: total − x1 − x2 < p% · x1 → width ≥ p% · x1 − (total − x1 − x2)
 *   (the τ-Argus protection levels of these two rules)
 */
import type { RuleProfile } from './profiles.js';
import type { TableModel } from './model.js';
import { cellLabel } from './model.js';
import type { ComputedCell, RuleName } from './types.js';

export interface PrimaryResult {
  /** The rule each cell fails (null = passes or not applicable). */
  cellRule: (RuleName | null)[];
  /** Required interval width per variable (0 = no requirement). */
  required: Float64Array;
  /** The rule behind each variable's requirement. */
  varRule: (RuleName | null)[];
}

interface Finding {
  rule: RuleName;
  required: number;
  protectsVariable: boolean;
}

export function profileFor(profiles: Record<string, RuleProfile>, c: ComputedCell): RuleProfile {
  const p = profiles[c.indicatorId];
  if (!p) throw new Error(`cell ${cellLabel(c)}: no rule profile for indicator '${c.indicatorId}'`);
  return p;
}

/** The rules one cell fails, strongest requirement first. */
export function cellFindings(c: ComputedCell, p: RuleProfile): Finding[] {
  if (p.method === 'cell-key' || c.value === null) return [];
  const out: Finding[] = [];
  const range = (n: number): number => Math.max(p.minRange, (p.safetyRange / 100) * n);
  if (p.kind === 'frequency') {
    const n = c.numerator ?? c.value;
    if (n === 0 && p.zeroPolicy === 'unsafe')
      out.push({ rule: 'zero', required: p.minRange, protectsVariable: true });
    if (n > 0 && n < p.minFrequency)
      out.push({ rule: 'frequency', required: range(n), protectsVariable: true });
  } else if (p.kind === 'ratio') {
    const n = c.numerator ?? 0;
    const d = c.denominator ?? 0;
    if (n === 0 && p.zeroPolicy === 'unsafe')
      out.push({ rule: 'zero', required: p.minRange, protectsVariable: true });
    if (n > 0 && n < p.minFrequency)
      out.push({ rule: 'frequency', required: range(n), protectsVariable: true });
    if (p.groupDisclosure !== null && d > 0 && d < p.groupDisclosure && (n === 0 || n === d)) {
      out.push({
        rule: 'group-disclosure',
        required: Math.max(p.minRange, 1),
        protectsVariable: true,
      });
    }
    if (p.minDenominator !== null && d < p.minDenominator) {
      out.push({ rule: 'min-denominator', required: 0, protectsVariable: false });
    }
  } else {
    const total = c.numerator ?? c.value;
    if (total < 0)
      throw new Error(
        `cell ${cellLabel(c)}: magnitude rules need non-negative amounts, got ${total}`,
      );
    const needsTop = p.nk !== null || p.pPercent !== null;
    if (needsTop && c.contributors > 0 && c.largest === null) {
      throw new Error(
        `cell ${cellLabel(c)}: magnitude rules need 'largest' (the largest contribution)`,
      );
    }
    const x1 = c.largest ?? 0;
    const x2 = c.secondLargest ?? 0;
    const pBound = p.pPercent !== null ? (p.pPercent / 100) * x1 : 0;
    if (c.contributors === 0 && p.zeroPolicy === 'unsafe') {
      out.push({ rule: 'zero', required: p.minRange, protectsVariable: true });
    }
    if (c.contributors > 0 && c.contributors < p.minFrequency) {
      out.push({
        rule: 'frequency',
        required: Math.max(range(total), pBound),
        protectsVariable: true,
      });
    }
    if (p.nk !== null && total > 0) {
      const top = p.nk.n === 1 ? x1 : x1 + x2;
      if (top > (p.nk.k / 100) * total) {
        out.push({
          rule: 'nk-dominance',
          required: (100 / p.nk.k) * top - total,
          protectsVariable: true,
        });
      }
    }
    if (p.pPercent !== null && total > 0 && total - x1 - x2 < pBound) {
      out.push({ rule: 'p-percent', required: pBound - (total - x1 - x2), protectsVariable: true });
    }
  }
  return out.sort((a, b) => b.required - a.required);
}

export function applyPrimaryRules(
  cells: readonly ComputedCell[],
  profiles: Record<string, RuleProfile>,
  model: TableModel,
): PrimaryResult {
  const required = new Float64Array(model.vars.length);
  const varRule: (RuleName | null)[] = model.vars.map(() => null);
  const cellRule: (RuleName | null)[] = cells.map((c, i) => {
    const f = cellFindings(c, profileFor(profiles, c));
    const top = f[0];
    if (!top) return null;
    const v = model.cellNum[i];
    for (const x of f) {
      if (!x.protectsVariable || v === null || v === undefined) continue;
      if (varRule[v] === null || x.required > (required[v] as number)) {
        required[v] = x.required;
        varRule[v] = x.rule;
      }
    }
    return top.rule;
  });
  return { cellRule, required, varRule };
}
