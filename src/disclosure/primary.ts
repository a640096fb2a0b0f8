/**
 * Primary rules. Each cell is checked against its indicator's profile; a failing cell is
 * suppressed and, where the rule protects a confidential quantity, the count (or amount) behind
 * it gets a protection requirement: the minimum width of the interval an attacker may derive.
 *
 * - frequency: 0 < n < minFrequency → width ≥ max(minRange, safetyRange% · n)
 * - zero (zeroPolicy 'unsafe'): n = 0 → width ≥ minRange
 * - group disclosure (ratios): a share of 100% (n = d > 0), or of 0% when zeroPolicy is 'unsafe',
 *   with denominator < groupDisclosure → width ≥ max(minRange, 1). A 0% share under zeroPolicy
 *   'safe' is published, as the count indicator of the same numerator publishes its zero.
 * - min-denominator (ratios): a reliability rule; the figure is withheld, nothing needs an interval
 * - (n,k)-dominance: x1(+x2) > k% · total → width ≥ (100/k)(x1(+x2)) − total
 * - p%: total − x1 − x2 < p% · x1 → width ≥ p% · x1 − (total − x1 − x2)
 *   (the τ-Argus protection levels of these two rules)
 * - medians (kind 'median'): only the frequency rule, on the median's number of units (a count);
 *   a median is not a sum, so dominance and p% do not apply. Its value is published rounded to
 *   `valueRoundingBase` (publish.ts).
 *
 * The attacker knows the rules (the profiles are published). A frequency or zero finding on a
 * count therefore also tells the range the rule itself reveals to whoever guesses that it fired:
 * [1, minFrequency − 1], or [0, minFrequency − 1] when zeroPolicy is 'unsafe' (for a median
 * [1, minFrequency − 1]: a median of no units is not-applicable, not confidential). Statuses
 * tell more before any value is published (status.ts: a count behind a confidential ratio, mean
 * or median is at least 1, and the relations add such bounds up), and no suppression can take
 * that back. So the range the published table must leave open is the *prior range*: the rule's
 * range intersected with the status bounds. The audit intersects the attacker's interval with it
 * and asks for min(required, its width) in it: the published values must not narrow a small
 * count beyond what the rule and the statuses already tell.
 */
import type { RuleProfile } from './profiles.js';
import type { TableModel } from './model.js';
import { cellLabel } from './model.js';
import { statusBounds } from './status.js';
import type { ComputedCell } from '../contracts/index.js';
import type { RuleName } from './types.js';

export interface PrimaryResult {
  /** The rule each cell fails (null = passes or not applicable). */
  cellRule: (RuleName | null)[];
  /** Required interval width per variable (0 = no requirement). */
  required: Float64Array;
  /** The rule behind each variable's requirement. */
  varRule: (RuleName | null)[];
  /**
   * What the rules that fire on a variable reveal by themselves: the intersection of their
   * ranges ([-∞, ∞] when none bounds it). See `passesRequirement`.
   */
  rangeLo: Float64Array;
  rangeHi: Float64Array;
  /**
   * The prior range: the rule's range intersected with what statuses and relations alone tell
   * (`statusBounds`): the part of the rule's range the statuses leave open (whatever is
   * suppressed), which the published values must leave open too. [-∞, ∞] when no rule bounds
   * the variable.
   * This, not the rule's range, is what `passesRequirement` and `capacityNeeded` are given.
   */
  priorLo: Float64Array;
  priorHi: Float64Array;
}

export interface Finding {
  rule: RuleName;
  required: number;
  protectsVariable: boolean;
  /** The range of the protected count that the rule reveals when it fires (null: none). */
  range: readonly [number, number] | null;
}

/**
 * Whether an attacker interval [lower, upper] of a variable satisfies its requirement:
 * - its width is at least `required` (and not zero for a primary: `primary`);
 * - intersected with the variable's prior range [rangeLo, rangeHi] (the rule's own range as far
 *   as statuses leave it open), its width is at least min(required, rangeHi − rangeLo): an
 *   attacker who knows the rules and guesses that the rule fired learns nothing from the
 *   published values beyond what the rule and the statuses give away.
 * The second holds trivially with an infinite range. Monotone: a wider interval passes if a
 * narrower does. The attacker's interval lies inside the status bounds (the audit knows the
 * statuses too), so its part in the prior range is its part in the rule's range.
 */
export function passesRequirement(
  lower: number,
  upper: number,
  required: number,
  rangeLo: number,
  rangeHi: number,
  primary: boolean,
  tol = 1e-6,
): boolean {
  const width = upper - lower;
  if (width + tol < required || (primary && width <= tol)) return false;
  if (rangeLo === -Infinity && rangeHi === Infinity) return true;
  return (
    inRangeWidth(lower, upper, rangeLo, rangeHi) + tol >=
    inRangeRequired(required, rangeLo, rangeHi)
  );
}

/** Width of [lower, upper] ∩ [rangeLo, rangeHi] (0 when they do not meet). */
export function inRangeWidth(
  lower: number,
  upper: number,
  rangeLo: number,
  rangeHi: number,
): number {
  return Math.max(0, Math.min(upper, rangeHi) - Math.max(lower, rangeLo));
}

/**
 * The requirement inside a prior range: its whole width, up to `required`. Measured against the
 * prior range (not the rule's range) it can always be met: with every figure of the table
 * suppressed the attacker's interval is the status bounds, which contain the prior range.
 */
export function inRangeRequired(required: number, rangeLo: number, rangeHi: number): number {
  return Math.min(required, Math.max(0, rangeHi - rangeLo));
}

export function profileFor(profiles: Record<string, RuleProfile>, c: ComputedCell): RuleProfile {
  const p = profiles[c.indicatorId];
  if (!p) throw new Error(`cell ${cellLabel(c)}: no rule profile for indicator '${c.indicatorId}'`);
  return p;
}

/** The frequency and zero rules on a count `n` whose confidential range starts at `from`. */
function countFindings(p: RuleProfile, n: number, from: number): Finding[] {
  const out: Finding[] = [];
  /** What a frequency (or zero) finding on a count reveals: the rule's own range. */
  const countRange = (lo: number): readonly [number, number] => [
    lo,
    Math.max(lo, p.minFrequency - 1),
  ];
  if (n === 0 && p.zeroPolicy === 'unsafe')
    out.push({
      rule: 'zero',
      required: p.minRange,
      protectsVariable: true,
      range: countRange(0),
    });
  if (n > 0 && n < p.minFrequency)
    out.push({
      rule: 'frequency',
      required: safetyWidth(p, n),
      protectsVariable: true,
      range: countRange(from),
    });
  return out;
}

/** The width a frequency-unsafe figure of size `n` needs. */
function safetyWidth(p: RuleProfile, n: number): number {
  return Math.max(p.minRange, (p.safetyRange / 100) * n);
}

function ratioFindings(c: ComputedCell, p: RuleProfile): Finding[] {
  const zeroUnsafe = p.zeroPolicy === 'unsafe';
  const n = c.numerator ?? 0;
  const d = c.denominator ?? 0;
  const out = countFindings(p, n, zeroUnsafe ? 0 : 1);
  // 100% tells every member of the group has the attribute; 0% that none has it, which is
  // disclosive only where a zero count is (zeroPolicy 'unsafe'): a count indicator of the
  // same numerator publishes that zero otherwise, so withholding it here would protect nothing.
  const share = n === d || (n === 0 && zeroUnsafe);
  if (p.groupDisclosure !== null && d > 0 && d < p.groupDisclosure && share) {
    out.push({
      rule: 'group-disclosure',
      required: Math.max(p.minRange, 1),
      protectsVariable: true,
      range: null,
    });
  }
  if (p.minDenominator !== null && d < p.minDenominator) {
    out.push({ rule: 'min-denominator', required: 0, protectsVariable: false, range: null });
  }
  return out;
}

/** Magnitude rules protect the amount (not a count): none reveals a range of it. */
function magnitudeFindings(c: ComputedCell, p: RuleProfile, value: number): Finding[] {
  const out: Finding[] = [];
  const total = c.numerator ?? value;
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
  const finding = (rule: RuleName, required: number): Finding => ({
    rule,
    required,
    protectsVariable: true,
    range: null,
  });
  if (c.contributors === 0 && p.zeroPolicy === 'unsafe') out.push(finding('zero', p.minRange));
  // Too few contributors: the amount (not a count) is protected; the rule reveals no range of it.
  if (c.contributors > 0 && c.contributors < p.minFrequency)
    out.push(finding('frequency', Math.max(safetyWidth(p, total), pBound)));
  if (p.nk !== null && total > 0) {
    const top = p.nk.n === 1 ? x1 : x1 + x2;
    if (top > (p.nk.k / 100) * total)
      out.push(finding('nk-dominance', (100 / p.nk.k) * top - total));
  }
  if (p.pPercent !== null && total > 0 && total - x1 - x2 < pBound)
    out.push(finding('p-percent', pBound - (total - x1 - x2)));
  return out;
}

/** The rules one cell fails, strongest requirement first. */
export function cellFindings(c: ComputedCell, p: RuleProfile): Finding[] {
  if (p.method === 'cell-key' || c.value === null) return [];
  const zeroUnsafe = p.zeroPolicy === 'unsafe';
  let out: Finding[];
  if (p.kind === 'frequency') out = countFindings(p, c.numerator ?? c.value, zeroUnsafe ? 0 : 1);
  else if (p.kind === 'ratio') out = ratioFindings(c, p);
  // The number of units is the model variable (a count, additive); the median itself is not.
  // n = 0 has no median (not-applicable, public), so a confidential median has n ≥ 1.
  else if (p.kind === 'median') out = countFindings(p, c.numerator ?? c.contributors, 1);
  else out = magnitudeFindings(c, p, c.value);
  return out.sort((a, b) => b.required - a.required);
}

export function applyPrimaryRules(
  cells: readonly ComputedCell[],
  profiles: Record<string, RuleProfile>,
  model: TableModel,
): PrimaryResult {
  const required = new Float64Array(model.vars.length);
  const rangeLo = new Float64Array(model.vars.length).fill(-Infinity);
  const rangeHi = new Float64Array(model.vars.length).fill(Infinity);
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
      // Every range of a rule that fired contains the truth, so does their intersection.
      if (x.range) {
        rangeLo[v] = Math.max(rangeLo[v] as number, x.range[0]);
        rangeHi[v] = Math.min(rangeHi[v] as number, x.range[1]);
      }
    }
    return top.rule;
  });
  // The prior range: what the rule's range still leaves open once the statuses are read.
  const priorLo = Float64Array.from(rangeLo);
  const priorHi = Float64Array.from(rangeHi);
  const ranged = (v: number): boolean =>
    (rangeLo[v] as number) !== -Infinity || (rangeHi[v] as number) !== Infinity;
  if (model.vars.some((_, v) => ranged(v))) {
    const s = statusBounds(cells, (c) => profileFor(profiles, c), model);
    for (let v = 0; s && v < model.vars.length; v++) {
      if (!ranged(v)) continue;
      priorLo[v] = Math.max(rangeLo[v] as number, s.lower[v] as number);
      priorHi[v] = Math.min(rangeHi[v] as number, s.upper[v] as number);
    }
  }
  return { cellRule, required, varRule, rangeLo, rangeHi, priorLo, priorHi };
}
