/**
 * A purpose-bound run: governance admits the indicators, the engine computes them from the linked
 * microdata, disclosure control protects them against everything published before, and the result
 * is written as a candidate release that enters the airlock (`candidate.ts`). An audit failure
 * stops it there.
 */
import type { ComputedCell } from '../contracts/index.js';
import { computeIndicators } from '../engine/index.js';
import type { ResolvedIndicator } from '../indicators/index.js';
import { linkageReport } from '../pseudonym/index.js';
import { sourceCoverage } from './data-notes.js';
import { protectAndWrite } from './candidate.js';
import {
  inScope,
  type CandidateRelease,
  type ComputedRun,
  type RunIndicatorsOptions,
  type RunScope,
} from './run-scope.js';

export { AuditFailedError } from './candidate.js';
export { profilesOf } from './profiles.js';
export {
  OVERVIEW_LEVELS,
  inScope,
  type CandidateRelease,
  type ComputedRun,
  type RunIndicatorsOptions,
  type RunInputReport,
  type RunScope,
} from './run-scope.js';

/** The run's definitions; every indicator the scope names must be in the catalogue. */
function definitionsInScope(
  catalogue: readonly ResolvedIndicator[],
  scope: RunScope,
): ResolvedIndicator[] {
  for (const id of [...(scope.indicators ?? []), ...(scope.detail === 'all' ? [] : scope.detail)]) {
    if (!catalogue.some((d) => d.id === id)) throw new Error(`unknown indicator '${id}'`);
  }
  return catalogue.filter((d) => !scope.indicators || scope.indicators.includes(d.id));
}

/**
 * One indicator at a time: out-of-scope cells are dropped before the next is computed, and
 * DuckDB's intermediates stay those of one indicator (all at once spilled > 60 GB at scale 1).
 */
async function cellsInScope(
  opts: RunIndicatorsOptions,
  definitions: readonly ResolvedIndicator[],
  years: number[],
): Promise<ComputedCell[]> {
  const { scope, catalogue } = opts;
  const cells: ComputedCell[] = [];
  let done = 0;
  for (const d of definitions) {
    opts.onProgress?.('indicators', done++, definitions.length, d.id);
    for (const c of await computeIndicators(opts.conn, { indicators: [d.id], years, catalogue })) {
      if (!inScope(scope, c.indicatorId, c.regionLevel, c.regionCode)) continue;
      if (scope.breakdowns === false && c.breakdown !== '') continue;
      cells.push(c);
    }
  }
  return cells;
}

export async function runIndicators(opts: RunIndicatorsOptions) {
  const { conn, governance, actor, scope, catalogue } = opts;
  const years = [...opts.years].sort((a, b) => a - b);
  if (years.length === 0) throw new Error('a run needs at least one year with data');
  const definitions = definitionsInScope(catalogue, scope);
  const run = opts.runId
    ? await governance.getRun(opts.runId)
    : await governance.startRun(actor, {
        indicators: definitions.map((d) => ({ id: d.id, theme: d.theme, sources: [...d.sources] })),
      });
  const datasets = [...new Set(definitions.flatMap((d) => d.sources))].sort();
  // A stage of its own: at national scale the report reads every linked row again.
  const linkage = await linkageReport(conn, datasets, {
    onDataset: (done, total, dataset) => opts.onProgress?.('linkage-report', done, total, dataset),
  });
  const coverage = await sourceCoverage(conn, datasets, years);
  const cells = await cellsInScope(opts, definitions, years);
  const computed: ComputedRun = {
    opts,
    run,
    years,
    definitions,
    datasets,
    cells,
    linkage,
    coverage,
  };
  return {
    run,
    indicators: definitions,
    cells,
    linkage,
    /** Disclosure control, the release files and the candidate in the airlock. */
    protectAndWrite: (): Promise<CandidateRelease> => protectAndWrite(computed),
  };
}
