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
import { applyPrimaryRules } from './primary.js';
import { buildModel, type Relation, type TableModel } from './model.js';
import { parseRuleProfiles, type RuleProfile } from './profiles.js';
import { AuditState, type AuditCarry } from './audit-state.js';
import { ReleaseReading, type RowNumbers } from './audit-reading.js';
import { ComponentScan, keepEarlierPasses } from './audit-components.js';
import { solveCores } from './audit-cores.js';
import { SubproblemSolver } from './audit-subproblems.js';
import { auditReport } from './audit-report.js';
import type { ComputedCell } from '../contracts/index.js';
import type { AuditReport, PublishedCell } from './types.js';

export type { AuditCarry } from './audit-state.js';

export interface AuditInput {
  cells: ComputedCell[];
  published: PublishedCell[];
  profiles: Record<string, RuleProfile>;
  earlier?: PublishedCell[];
  relations?: Relation[];
  maxComponentColumns?: number;
  /** Solve min and max for every suppressed cell, even when witness points already prove it safe. */
  exactIntervals?: boolean;
  /** Each row's position in the caller's lists, for error messages (parts.ts audits a part). */
  rowNumbers?: RowNumbers;
}

/** One audit of a built model (protect audits the same model in every round). */
export interface AuditModelOptions {
  cells: readonly ComputedCell[];
  model: TableModel;
  published: readonly PublishedCell[];
  /** Parsed profiles (`parseRuleProfile`) per indicator. */
  profiles: Record<string, RuleProfile>;
  earlier?: readonly PublishedCell[];
  /** Columns of the first subproblem per target (default DEFAULT_MAX_COMPONENT_COLUMNS). */
  maxComponentColumns?: number;
  exactIntervals?: boolean;
  /** What the last audit of this model left (read), and what this one leaves (written). */
  carry?: { value: AuditCarry | null };
  rowNumbers?: RowNumbers;
}

/**
 * Columns of an LP subproblem before it is cut (and its rim fixed). Measured on the bench's
 * national tables (scale 0.2, one year, one run): cap 60 → audit 11.4 s in two rounds (rim
 * artefacts failed cells and cost a round); 350 → 4.4 s; 500 → 5.3 s; 1,000 → 6.3 s, all in
 * one round. Larger subproblems answer for more targets per LP and fail less on their rim.
 */
export const DEFAULT_MAX_COMPONENT_COLUMNS = 400;

/** One table (a part of `audit`, see parts.ts): every cell in one model. */
export async function auditTable(input: AuditInput): Promise<AuditReport> {
  const profiles = parseRuleProfiles(input.profiles);
  const { cells } = input;
  const model = buildModel(cells, input.relations);
  return auditModel({
    cells,
    model,
    published: input.published,
    profiles,
    earlier: input.earlier,
    maxComponentColumns: input.maxComponentColumns,
    exactIntervals: input.exactIntervals,
    rowNumbers: input.rowNumbers,
  });
}

export async function auditModel(options: AuditModelOptions): Promise<AuditReport> {
  const { cells, model, profiles, carry } = options;
  const maxCols = options.maxComponentColumns ?? DEFAULT_MAX_COMPONENT_COLUMNS;
  const exactIntervals = options.exactIntervals ?? false;
  const previous = carry?.value ?? null;
  // The same model in every round of protect: its primary findings are computed once.
  const primary = previous?.primary ?? applyPrimaryRules(cells, profiles, model);
  const state = new AuditState(cells, model, primary);

  new ReleaseReading(state, profiles, options.rowNumbers).read(
    options.published,
    options.earlier ?? [],
  );
  // Whole components first: acyclic ones exactly, cyclic ones by witness bounds; small cyclic
  // cores are solved after the carry from earlier rounds has answered what it can.
  const cores = new ComponentScan(state, previous, exactIntervals).run();
  if (previous !== null) keepEarlierPasses(state, previous);
  await solveCores(state, cores);
  // What is still open: capped subproblems (sound by fixing, see the header).
  await new SubproblemSolver(state, maxCols, exactIntervals).run();

  if (carry) carry.value = { primary, lo: state.lo, hi: state.hi, intervals: state.intervals };
  return auditReport(state);
}
