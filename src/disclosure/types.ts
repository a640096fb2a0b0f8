/**
 * Shapes of the disclosure-control module. The cell it protects (`ComputedCell`) is a contract,
 * declared in src/contracts.
 */
import type { Relation } from './model.js';
import type { RuleProfile } from './profiles.js';
import type { Cell, ComputedCell } from '../contracts/index.js';

export type CellStatus =
  'published' | 'suppressed-primary' | 'suppressed-secondary' | 'not-applicable';

/**
 * A release row, exactly as written to cells.csv / the API (snake_case): the public cell of the
 * contract with the internal status and the rule that decided it.
 */
export interface PublishedCell extends Omit<Cell, 'status'> {
  status: CellStatus;
  /** The rule that decided a suppression (or `cell-key` for perturbed figures); null otherwise. */
  rule: string | null;
}

/** The primary rules a cell can fail, plus the reasons for secondary suppression. */
export type RuleName =
  | 'frequency'
  | 'zero'
  | 'nk-dominance'
  | 'p-percent'
  | 'min-denominator'
  | 'group-disclosure'
  /**
   * Medians: the published value is rounded to `valueRoundingBase`, so it is not one unit's own
   * value. Not a suppression rule; the audit reports the published medians it checked under it.
   */
  | 'single-value'
  | 'secondary'
  | 'linked-denominator'
  | 'earlier-release';

export interface AuditInterval {
  /** Variable id: `numeratorKey|year|regionCode|breakdown` (the count behind the figure). */
  variable: string;
  /** The cells (indicator/year/region/breakdown) that publish this variable. */
  cells: string[];
  truth: number;
  lower: number;
  upper: number;
  required: number;
  /**
   * The range the variable's primary rule reveals by itself to an attacker who knows the rules
   * and guesses that it fired (a frequency-unsafe count: [1, minFrequency − 1]); null: none.
   */
  ruleRange: { lower: number; upper: number } | null;
  /**
   * What that attacker knows before any value is published: ruleRange intersected with the bounds
   * that statuses and relations alone imply (a count behind a confidential ratio, mean or median
   * is ≥ 1; a wijk whose two buurten carry one is ≥ 2). No suppression can widen it. null: no range.
   */
  priorRange: { lower: number; upper: number } | null;
  /**
   * The width [lower, upper] ∩ ruleRange must have: min(required, the width of priorRange), so
   * the published values narrow a small count no further than the rule and the statuses already
   * tell (and the requirement can always be met by suppression); null: no range. With no status
   * bounds (a table of counts only) priorRange = ruleRange: for threshold 10, all of [1, 9].
   */
  rangeRequired: number | null;
  /**
   * min((upper − lower) − required, width of [lower, upper] ∩ priorRange − rangeRequired);
   * negative = too narrow. The interval lies within the status bounds, so its part in
   * priorRange is its part in ruleRange.
   */
  margin: number;
  /**
   * 'exact': lower/upper are the LP optimum (or the closed form of a one-relation problem).
   * 'inner': lower/upper are attained by feasible points found on the way; the attacker's real
   * interval contains them, so the width is a proven lower bound (used only when it suffices).
   */
  bound: 'exact' | 'inner';
  containsTruth: boolean;
  passed: boolean;
}

export interface AuditRuleReport {
  rule: RuleName;
  cells: number;
  passed: boolean;
  narrowestMargin: number | null;
  intervals: AuditInterval[];
}

export interface AuditReport {
  passed: boolean;
  checkedVariables: number;
  lpSolves: number;
  closedFormSolves: number;
  /** Intervals proven wide enough by witness points, without their own min/max LPs. */
  witnessIntervals: number;
  components: number;
  /** Earlier-release values skipped because the figure was revised (truth outside them). */
  revisedEarlierValues: number;
  /** Primary-unsafe figures that a row publishes anyway. */
  publishedUnsafe: string[];
  rules: AuditRuleReport[];
  /** Every failing variable with the cells it belongs to. */
  failing: AuditInterval[];
}

export interface ProtectStats {
  cells: number;
  variables: number;
  equations: number;
  nonAdditiveRelations: number;
  primaryCells: number;
  secondaryCells: number;
  suppressedByRule: Record<string, number>;
  /** Information loss: summed cost of the secondary suppressions under each variable's profile. */
  secondaryCost: number;
  /** Sum of the true numerator values of all secondarily suppressed variables. */
  secondaryValue: number;
  auditRounds: number;
  timings: { primaryMs: number; secondaryMs: number; auditMs: number; publishMs: number };
}

export interface ProtectResult {
  cells: PublishedCell[];
  audit: AuditReport;
  stats: ProtectStats;
}

export interface ProtectInput {
  cells: ComputedCell[];
  profiles: Record<string, RuleProfile>;
  /** Earlier releases' published rows of the same indicators and years. */
  earlier?: PublishedCell[];
  /**
   * Cell keys in [0, 1) for the cell-key method, per variable id
   * (`numeratorKey|year|regionCode|breakdown`); see `cellKeyFromRecordKeys`.
   */
  cellKeys?: ReadonlyMap<string, number>;
  /** Extra additive relations beyond the region hierarchy and breakdowns (variable ids). */
  relations?: Relation[];
  /** Secondary strategy: the optimiser (default) or the smallest-sibling baseline. */
  strategy?: 'optimal' | 'smallest-sibling';
  /** Audit with exact LP intervals for every suppressed cell (slower; default: witness bounds suffice). */
  exactIntervals?: boolean;
  /** Columns of the first audit subproblem per target (default 400; grows ×4 up to ×16 on failure). */
  maxComponentColumns?: number;
}
