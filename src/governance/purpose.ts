/** Purpose binding: a run may use a dataset only for what an active agreement allows. */
import { parseList, type GovernanceContext } from './context.js';
import { agreementStatus } from './agreements.js';
import { GovernanceError, PurposeBindingError } from './errors.js';
import type { IndicatorRef } from './types.js';

/**
 * Checks that every source dataset of every indicator is covered, at `at`, by an active
 * agreement that allows the indicator's theme (and lists the indicator, when the agreement
 * names indicators). Returns the agreements that cover the run.
 */
export async function assertPurpose(
  ctx: GovernanceContext,
  indicators: IndicatorRef[],
  at: Date = ctx.now(),
): Promise<string[]> {
  const rows = await ctx.db.selectFrom('agreements').selectAll().orderBy('id').execute();
  const active = rows.filter((r) => agreementStatus(r, at) === 'active');
  const used = new Set<string>();
  for (const ind of indicators) {
    if (ind.sources.length === 0)
      throw new GovernanceError('invalid', `indicator ${ind.id} has no source datasets`);
    for (const ds of ind.sources) {
      const covering = active.filter((a) => parseList(a.datasets).includes(ds));
      const refuse = (missing: string, detail: string) =>
        new PurposeBindingError(
          ind.id,
          ds,
          missing,
          `purpose binding: indicator '${ind.id}' (theme '${ind.theme}') may not use dataset '${ds}': ${detail} (missing permission: ${missing})`,
        );
      if (covering.length === 0) {
        const ended = rows.filter((a) => a.state !== 'draft' && parseList(a.datasets).includes(ds));
        const why = ended.length
          ? `its agreement ${ended.map((a) => `${a.id} is ${agreementStatus(a, at)}`).join(', ')}`
          : 'no agreement covers it';
        throw refuse(`an active agreement covering dataset '${ds}'`, why);
      }
      const withTheme = covering.filter((a) => parseList(a.themes).includes(ind.theme));
      if (withTheme.length === 0) {
        throw refuse(
          `theme '${ind.theme}'`,
          `agreement ${covering.map((a) => a.id).join(', ')} does not allow theme '${ind.theme}'`,
        );
      }
      const allowing = withTheme.filter((a) => {
        const list = parseList(a.indicators);
        return list.length === 0 || list.includes(ind.id);
      });
      if (allowing.length === 0) {
        throw refuse(
          `indicator '${ind.id}'`,
          `agreement ${withTheme.map((a) => a.id).join(', ')} lists its indicators and '${ind.id}' is not among them`,
        );
      }
      for (const a of allowing) used.add(a.id);
    }
  }
  return [...used].sort();
}
