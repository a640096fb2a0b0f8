/**
 * From a suppression pattern to release rows: statuses, rounding and the cell key method.
 *
 * Rounding (after suppression) applies to every count, to the nearest multiple of `roundingBase`
 * (halves up): the numerator of a frequency indicator, the numerator and denominator of a ratio,
 * the denominator of a mean (its number of units) and the number of units of a median. A row's
 * value is recomputed from its published parts, so it adds no information beyond them and the
 * rounding of a count cannot be undone from the figure beside it: a ratio from the rounded parts,
 * a mean as exact sum / rounded count (2 decimals). Sums of amounts stay exact (dominance and p%
 * protect them). A median is not derived from published parts: it is rounded to
 * `valueRoundingBase`, so that it is not one unit's own value. Totals may not add up.
 */
import {
  buildPerturbationTable,
  fallbackCellKey,
  perturb,
  type PerturbationTable,
} from './cellkey.js';
import type { TableModel } from './model.js';
import { profileFor } from './primary.js';
import type { RuleProfile } from './profiles.js';
import type { ComputedCell } from '../contracts/index.js';
import type { PublishedCell, RuleName } from './types.js';

export function roundTo(x: number, base: number): number {
  if (base <= 1) return x;
  return Math.floor(x / base + 0.5) * base;
}

/** A value rounded to `base` (halves up; any positive base, e.g. 100 or 0.5); null = as is. */
export function roundValue(x: number, base: number | null): number {
  if (base === null) return x;
  return Number((Math.floor(x / base + 0.5) * base).toPrecision(15));
}

const round2 = (x: number): number => Math.round(x * 100) / 100;

/** What the rules say a published mean's value is: exact sum / published (rounded) count. */
export function meanOf(sum: number, count: number): number | null {
  return count > 0 ? round2(sum / count) : null;
}

/** The factor between value and numerator/denominator (1, 100, 1000, ...), from the truth. */
export function ratioScale(c: ComputedCell): number {
  if (c.value === null || !c.numerator || !c.denominator || c.value === 0) return 100;
  const s = (c.value * c.denominator) / c.numerator;
  return 10 ** Math.round(Math.log10(s));
}

type Figures = Pick<PublishedCell, 'value' | 'numerator' | 'denominator' | 'status' | 'rule'>;

/**
 * A release row: the cell's identity columns as a published row names them (snake_case, as the
 * release writes), then its figures. One object literal, not spreads: spreading a row's parts
 * took 20 s for the 2.26 M rows of a national release, the literal well under one.
 */
export function releaseRow(c: ComputedCell, f: Figures): PublishedCell {
  return {
    indicator_id: c.indicatorId,
    year: c.year,
    region_level: c.regionLevel,
    region_code: c.regionCode,
    parent_code: c.parentCode,
    breakdown: c.breakdown,
    value: f.value,
    numerator: f.numerator,
    denominator: f.denominator,
    status: f.status,
    rule: f.rule,
  };
}

const hidden = (status: Figures['status'], rule: string | null): Figures => ({
  value: null,
  numerator: null,
  denominator: null,
  status,
  rule,
});

/** What decides a row's figures: the rules, the model, the suppression pattern, the cell keys. */
interface Pattern {
  profiles: Record<string, RuleProfile>;
  model: TableModel;
  cellRule: readonly (RuleName | null)[];
  suppressed: Uint8Array;
  reason: readonly (RuleName | null)[];
  cellKeys: ReadonlyMap<string, number> | undefined;
  ptables: Map<RuleProfile, PerturbationTable>;
}

export function publishRows(
  cells: readonly ComputedCell[],
  profiles: Record<string, RuleProfile>,
  model: TableModel,
  cellRule: readonly (RuleName | null)[],
  suppressed: Uint8Array,
  reason: readonly (RuleName | null)[],
  cellKeys?: ReadonlyMap<string, number>,
): PublishedCell[] {
  const pattern: Pattern = {
    profiles,
    model,
    cellRule,
    suppressed,
    reason,
    cellKeys,
    ptables: new Map(),
  };
  return cells.map((c, i) => releaseRow(c, figuresOf(pattern, c, i)));
}

/** Cell i's published figures: hidden with the rule that decided it, perturbed, or rounded. */
function figuresOf(t: Pattern, c: ComputedCell, i: number): Figures {
  const p = profileFor(t.profiles, c);
  const num = t.model.cellNum[i] ?? null;
  const den = t.model.cellDen[i] ?? null;
  if (c.value === null) return hidden('not-applicable', null);
  if (p.method === 'cell-key' && p.cellKey) {
    return cellKeyFigures(
      { ...c, value: c.value },
      p,
      p.cellKey,
      t.model,
      num,
      den,
      t.ptables,
      t.cellKeys,
    );
  }
  const own = t.cellRule[i] ?? null;
  if (own !== null) return hidden('suppressed-primary', own);
  if (num !== null && t.suppressed[num])
    return hidden('suppressed-secondary', t.reason[num] ?? 'secondary');
  if (den !== null && t.suppressed[den])
    return hidden('suppressed-secondary', 'linked-denominator');
  const b = p.roundingBase;
  if (p.kind === 'magnitude') {
    // Sum: exact. Mean: exact sum, rounded count, value from those two.
    const d = c.denominator === null ? null : roundTo(c.denominator, b);
    const value = d === null ? c.value : c.numerator === null ? null : meanOf(c.numerator, d);
    return { value, numerator: c.numerator, denominator: d, status: 'published', rule: null };
  }
  if (p.kind === 'median') {
    return {
      value: roundValue(c.value, p.valueRoundingBase),
      numerator: c.numerator === null ? null : roundTo(c.numerator, b),
      denominator: null,
      status: 'published',
      rule: null,
    };
  }
  const n = c.numerator === null ? null : roundTo(c.numerator, b);
  const d = c.denominator === null ? null : roundTo(c.denominator, b);
  let value: number | null;
  if (p.kind === 'frequency') value = n ?? roundTo(c.value, b);
  else value = d ? round2((ratioScale(c) * (n ?? 0)) / d) : b > 1 ? null : c.value;
  return { value, numerator: n, denominator: d, status: 'published', rule: null };
}

/** A published row's figures under the cell-key method: each count perturbed by its cell key. */
function cellKeyFigures(
  c: ComputedCell & { value: number },
  p: RuleProfile,
  cellKey: NonNullable<RuleProfile['cellKey']>,
  model: TableModel,
  num: number | null,
  den: number | null,
  ptables: Map<RuleProfile, PerturbationTable>,
  cellKeys: ReadonlyMap<string, number> | undefined,
): Figures {
  let t = ptables.get(p);
  if (!t) {
    t = buildPerturbationTable(cellKey);
    ptables.set(p, t);
  }
  const table = t;
  const noisy = (v: number | null, x: number | null): number | null => {
    if (v === null || x === null) return x;
    const id = (model.vars[v] as { id: string }).id;
    return perturb(table, x, cellKeys?.get(id) ?? fallbackCellKey(id));
  };
  const n = noisy(num, c.numerator);
  const d = noisy(den, c.denominator);
  let value = c.value;
  if (p.kind === 'frequency') value = n ?? value;
  else if (p.kind === 'ratio') value = d && n !== null ? round2((ratioScale(c) * n) / d) : 0;
  else if (p.kind === 'median') value = roundValue(c.value, p.valueRoundingBase);
  else if (n !== null && d) value = c.value === c.numerator ? n : round2(n / d);
  return { value, numerator: n, denominator: d, status: 'published', rule: 'cell-key' };
}
