/**
 * What the release rows tell the attacker: each row narrows the box of the variables behind it
 * (see the rules in audit.ts), and each withheld row makes its variables targets of the audit.
 */
import { cellIndex, cellLabel } from './model.js';
import { profileFor } from './primary.js';
import type { RuleProfile } from './profiles.js';
import { meanOf, roundValue } from './publish.js';
import { statusCount } from './status.js';
import { RULES, TOL, type AuditState } from './audit-state.js';
import { cellKey, type ComputedCell } from '../contracts/index.js';
import type { PublishedCell, RuleName } from './types.js';

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

/** One row with what it is about: its cell, profile and variables. */
interface RowContext {
  r: PublishedCell;
  i: number;
  c: ComputedCell;
  p: RuleProfile;
  num: number | null;
  den: number | null;
  /** The count its status tells about (statusCount), as a variable. */
  countVar: number | null;
  isEarlier: boolean;
  /** The row named for an error message (made only then: 2.26 M labels cost seconds). */
  where: () => string;
}

/** Where the rows stand in the caller's lists (0-based), when the audit reads a part of them. */
export interface RowNumbers {
  published: readonly number[];
  earlier: readonly number[];
}

/** Reads the release and the earlier releases into the audit's boxes and targets. */
export class ReleaseReading {
  private index: Map<string, number> | null = null;

  constructor(
    private readonly state: AuditState,
    private readonly profiles: Record<string, RuleProfile>,
    private readonly rowNumbers?: RowNumbers,
  ) {}

  /**
   * The cell of a row: the release's rows are usually in the cells' order (publishRows makes them
   * so), so row k is tried as cell k first; the index by identity is built when one is not.
   */
  private cellOf(r: PublishedCell, k: number): number | undefined {
    const c = this.state.cells[k];
    if (
      c !== undefined &&
      c.indicatorId === r.indicator_id &&
      c.year === r.year &&
      c.regionCode === r.region_code &&
      c.breakdown === r.breakdown
    )
      return k;
    this.index ??= cellIndex(this.state.cells);
    return this.index.get(cellKey(r.indicator_id, r.year, r.region_code, r.breakdown));
  }

  read(published: readonly PublishedCell[], earlier: readonly PublishedCell[]): void {
    const { state } = this;
    this.readRows(published, false);
    this.readRows(earlier, true);
    for (let v = 0; v < state.nv; v++) if (state.primary.varRule[v] !== null) state.isTarget[v] = 1;
  }

  private readRows(rows: readonly PublishedCell[], isEarlier: boolean): void {
    rows.forEach((r, k) => {
      const row = this.context(r, k, isEarlier);
      if (row) this.readRow(row);
    });
  }

  private context(r: PublishedCell, k: number, isEarlier: boolean): RowContext | null {
    const { state } = this;
    const position = (): number => this.rowNumbers?.[isEarlier ? 'earlier' : 'published'][k] ?? k;
    const where = (): string =>
      `${isEarlier ? 'earlier' : 'release'} row ${position() + 1} (${r.indicator_id}/${r.year}/${r.region_code}${r.breakdown ? `/${r.breakdown}` : ''})`;
    const i = this.cellOf(r, k);
    if (i === undefined) {
      if (isEarlier) return null;
      throw new Error(`${where()}: no computed cell for this row`);
    }
    const c = state.cells[i] as ComputedCell;
    const p = profileFor(this.profiles, c);
    const num = state.model.cellNum[i] ?? null;
    const den = state.model.cellDen[i] ?? null;
    const counted = statusCount(p, c);
    const countVar = counted === 'numerator' ? num : counted === 'denominator' ? den : null;
    return { r, i, c, p, num, den, countVar, isEarlier, where };
  }

  private readRow(row: RowContext): void {
    const { state } = this;
    const { r, p, num, countVar, isEarlier, where } = row;
    if (r.status === 'published') {
      if (!isEarlier) this.checkPublished(row);
      this.learn(num, r.numerator, halfWidth(p, 'numerator'), isEarlier, where);
      this.learn(row.den, r.denominator, halfWidth(p, 'denominator'), isEarlier, where);
      // Not not-applicable: that count is at least 1 (a published 0 of a rounded 2 says less).
      if (countVar !== null && state.truth(countVar) >= 1) this.atLeastOne(countVar);
    } else if (countVar !== null && r.status === 'not-applicable') {
      // No median, mean or ratio: its count is 0, and the public sees that (a mean's sum too).
      if (state.truth(countVar) === 0) this.learn(countVar, 0, 0, isEarlier, where);
      if (p.kind === 'magnitude' && num !== null && state.truth(num) === 0)
        this.learn(num, 0, 0, isEarlier, where);
    } else if (countVar !== null && state.truth(countVar) >= 1) {
      // Confidential, not not-applicable: that count is at least 1.
      this.atLeastOne(countVar);
    }
    if (!isEarlier && r.status !== 'published' && r.status !== 'not-applicable')
      this.markTargets(row);
  }

  /** A published row of this release: not primary-unsafe, and its value tells no more than its parts. */
  private checkPublished({ r, i, c, p }: RowContext): void {
    const { state } = this;
    if (state.primary.cellRule[i] !== null) state.publishedUnsafe.push(cellLabel(c));
    const leak = valueLeak(p, c, r);
    if (leak !== null) state.publishedUnsafe.push(`${cellLabel(c)} (${leak})`);
    if (p.kind === 'median' && r.value !== null) {
      state.medians.cells++;
      if (leak !== null) state.medians.passed = false;
    }
  }

  private atLeastOne(v: number): void {
    this.state.lo[v] = Math.max(this.state.lo[v] as number, 1);
  }

  /** A withheld row of this release: its variables are targets, under the rule it names. */
  private markTargets({ r, num, den }: RowContext): void {
    const { state } = this;
    for (const v of [num, den]) {
      if (v === null) continue;
      if (v === den && state.primary.varRule[v] === null && v !== num) continue;
      state.isTarget[v] = 1;
      state.targetRule[v] ??= (RULES as readonly string[]).includes(r.rule ?? '')
        ? (r.rule as RuleName)
        : 'secondary';
    }
  }

  /** A published x with half-width `half`: the variable lies in [x − half, x + half]. */
  private learn(
    v: number | null,
    x: number | null,
    half: number,
    isEarlier: boolean,
    where: () => string,
  ): void {
    if (v === null || x === null) return;
    const { state } = this;
    const l = Math.max(0, x - half);
    const h = x + half;
    const t = state.truth(v);
    if (t < l - TOL || t > h + TOL) {
      if (isEarlier) {
        state.revised++;
        return;
      }
      throw new Error(
        `${where()}: published ${x} is inconsistent with the true value of ${(state.model.vars[v] as { id: string }).id}`,
      );
    }
    state.lo[v] = Math.max(state.lo[v] as number, l);
    state.hi[v] = Math.min(state.hi[v] as number, h);
  }
}
