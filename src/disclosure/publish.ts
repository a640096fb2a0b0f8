/**
 * From a suppression pattern to release rows: statuses, rounding and the cell key method.
 *
 * Rounding (after suppression) applies to counts: the numerator of a frequency indicator and
 * the numerator and denominator of a ratio, to the nearest multiple of `roundingBase` (halves
 * up). A ratio's value is recomputed from the rounded parts, so it adds no information beyond
 * them; totals may not add up. Magnitude figures (sums, means, medians of amounts) are published
 * unrounded, because a rounded denominator next to an exact mean and sum would be recomputable.
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
import type { ComputedCell, PublishedCell, RuleName } from './types.js';

export function roundTo(x: number, base: number): number {
  if (base <= 1) return x;
  return Math.floor(x / base + 0.5) * base;
}

/** The factor between value and numerator/denominator (1, 100, 1000, ...), from the truth. */
export function ratioScale(c: ComputedCell): number {
  if (c.value === null || !c.numerator || !c.denominator || c.value === 0) return 100;
  const s = (c.value * c.denominator) / c.numerator;
  return 10 ** Math.round(Math.log10(s));
}

const round2 = (x: number): number => Math.round(x * 100) / 100;

function baseRow(
  c: ComputedCell,
): Omit<PublishedCell, 'value' | 'numerator' | 'denominator' | 'status' | 'rule'> {
  return {
    indicator_id: c.indicatorId,
    year: c.year,
    region_level: c.regionLevel,
    region_code: c.regionCode,
    parent_code: c.parentCode,
    breakdown: c.breakdown,
  };
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
  const ptables = new Map<RuleProfile, PerturbationTable>();
  return cells.map((c, i) => {
    const p = profileFor(profiles, c);
    const row = baseRow(c);
    const num = model.cellNum[i] ?? null;
    const den = model.cellDen[i] ?? null;
    const hidden = { value: null, numerator: null, denominator: null };
    if (c.value === null) return { ...row, ...hidden, status: 'not-applicable', rule: null };
    if (p.method === 'cell-key' && p.cellKey) {
      let t = ptables.get(p);
      if (!t) {
        t = buildPerturbationTable(p.cellKey);
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
      else if (n !== null && d) value = c.value === c.numerator ? n : round2(n / d);
      return { ...row, value, numerator: n, denominator: d, status: 'published', rule: 'cell-key' };
    }
    const own = cellRule[i] ?? null;
    if (own !== null) return { ...row, ...hidden, status: 'suppressed-primary', rule: own };
    if (num !== null && suppressed[num]) {
      return {
        ...row,
        ...hidden,
        status: 'suppressed-secondary',
        rule: reason[num] ?? 'secondary',
      };
    }
    if (den !== null && suppressed[den]) {
      return { ...row, ...hidden, status: 'suppressed-secondary', rule: 'linked-denominator' };
    }
    if (p.kind === 'magnitude') {
      return {
        ...row,
        value: c.value,
        numerator: c.numerator,
        denominator: c.denominator,
        status: 'published',
        rule: null,
      };
    }
    const b = p.roundingBase;
    const n = c.numerator === null ? null : roundTo(c.numerator, b);
    const d = c.denominator === null ? null : roundTo(c.denominator, b);
    let value: number | null;
    if (p.kind === 'frequency') value = n ?? roundTo(c.value, b);
    else value = d ? round2((ratioScale(c) * (n ?? 0)) / d) : b > 1 ? null : c.value;
    return { ...row, value, numerator: n, denominator: d, status: 'published', rule: null };
  });
}
