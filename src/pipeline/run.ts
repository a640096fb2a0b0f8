/**
 * A run on an instance: from the contributions stored under the active agreements to a candidate
 * release in the airlock. `planRun` fixes what the run reads and computes (purpose-bound, audited);
 * `executeRun` does the work on a fresh DuckDB database, so that an interrupted run started again
 * computes from exactly the same inputs and gives the same public cells.
 *
 * Re-delivery is versioned: per dataset and delivering organisation, the newest contribution that
 * covers a year supplies that year; for a register without a period the newest replaces it whole.
 * Older versions stay stored (and auditable) until their agreement's retention ends.
 */
import { chmodSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { brokerColumnName, datasetContract, periodExpression } from '../ingest/contracts.js';
import { loadContribution, REGION_TABLE, writeRegionHierarchy } from '../ingest/index.js';
import {
  brokerPseudonymiser,
  finaliseTable,
  type KeyholderApi,
  type Scheme,
} from '../pseudonym/index.js';
import { openBrokerDatabase } from '../engine/session.js';
import { governanceRecorder, type RunRecorder } from './run-recorder.js';
import {
  Governance,
  GovernanceError,
  PurposeBindingError,
  type Contribution,
  type Run,
  type RunInput,
} from '../governance/index.js';
import type { ResolvedIndicator } from '../indicators/index.js';
import type { RegionSet } from '../regions/index.js';
import { brokerDatabasePath } from '../instance/init.js';
import {
  runIndicators,
  type CandidateRelease,
  type RunInputReport,
  type RunScope,
} from './compute.js';

/** Everything a run needs from its instance. */
export interface RunContext {
  governance: Governance;
  dataDir: string;
  regions: RegionSet;
  catalogue: readonly ResolvedIndicator[];
  scheme: Scheme;
  brokerKeysDir: string;
  /** The transcryptors, for PEP pseudonyms. */
  keyholder?: KeyholderApi;
  /**
   * DuckDB's memory cap (its share of the run's budget, src/instance/run-memory.ts); beyond it
   * DuckDB spills to the run's temp directory.
   */
  memoryLimit?: string;
  threads?: number;
  /** A regional instance publishes only these regions (default: every region). */
  published?: ReadonlySet<string> | null;
}

/** What a broker asks of a run: by default every indicator the agreements allow, every level. */
export interface RunRequest {
  indicators?: string[];
  /** Indicators also published per wijk and buurt (default all). */
  detail?: string[] | 'all';
  breakdowns?: boolean;
  /** The years to publish (default: every year the run's dated sources have rows in). */
  years?: number[];
  /** Notes on the run for the release, in both languages. */
  notes?: { nl: string; en: string }[];
  /** Publish only these regions (with their parents computed but left out). */
  regions?: string[];
}

export class RunPlanError extends GovernanceError {
  constructor(message: string) {
    super('invalid', message);
  }
}

/**
 * The contributions a run reads for `datasets`, each with the years it supplies: per dataset and
 * organisation, a year comes from the newest delivery that covers it; a register from its newest.
 */
export function selectInputs(
  contributions: readonly Contribution[],
  datasets: readonly string[],
): RunInput[] {
  const out: RunInput[] = [];
  for (const dataset of datasets) {
    const groups = new Map<string, Contribution[]>();
    for (const c of contributions) {
      if (c.datasetId !== dataset || c.purgedAt) continue;
      const g = groups.get(c.organisationId) ?? [];
      g.push(c);
      groups.set(c.organisationId, g);
    }
    for (const org of [...groups.keys()].sort()) {
      const newestFirst = groups.get(org)!.sort((a, b) => b.version - a.version);
      if (newestFirst[0]!.period === null) {
        const c = newestFirst[0]!;
        out.push({ contribution: c.id, dataset, sha256: c.sha256, period: null });
        continue;
      }
      const taken = new Set<number>();
      for (const c of newestFirst) {
        const years = (c.period ?? []).filter((y) => !taken.has(y));
        if (years.length === 0) continue;
        for (const y of years) taken.add(y);
        out.push({ contribution: c.id, dataset, sha256: c.sha256, period: years });
      }
    }
  }
  return out.sort(
    (a, b) => a.dataset.localeCompare(b.dataset) || a.contribution.localeCompare(b.contribution),
  );
}

/**
 * The years a run publishes: every year a dated source of the run has rows in. A year that some
 * source does not cover is still published, with a coverage note in the release saying which
 * (src/pipeline/data-notes.ts): an event register with no event in a year is a true zero.
 */
export function yearsInData(inputs: readonly RunInput[]): number[] {
  const years = new Set<number>();
  for (const i of inputs) for (const y of i.period ?? []) years.add(y);
  return [...years].sort((a, b) => a - b);
}

/**
 * Starts a run: the indicators (asked for, or every one the active agreements allow whose
 * sources were delivered), the contributions it reads and its scope are fixed and audited.
 */
export async function planRun(
  ctx: RunContext,
  actor: string,
  request: RunRequest = {},
): Promise<Run> {
  const { governance, catalogue } = ctx;
  const agreements = await governance.listAgreements();
  const active = new Set(agreements.filter((a) => a.status === 'active').map((a) => a.id));
  const contributions = (await governance.listContributions()).filter(
    (c) => !c.purgedAt && active.has(c.agreementId),
  );
  const delivered = new Set(contributions.map((c) => c.datasetId));
  const known = new Map(catalogue.map((d) => [d.id, d]));
  for (const id of [
    ...(request.indicators ?? []),
    ...(request.detail === 'all' ? [] : (request.detail ?? [])),
  ]) {
    if (!known.has(id)) throw new RunPlanError(`unknown indicator '${id}'`);
  }
  let definitions: ResolvedIndicator[];
  const ref = (d: ResolvedIndicator) => ({ id: d.id, theme: d.theme, sources: [...d.sources] });
  if (request.indicators) {
    definitions = request.indicators.map((id) => known.get(id)!);
    const missing = definitions.flatMap((d) =>
      d.sources.filter((s) => !delivered.has(s)).map((s) => `${d.id} needs ${s}`),
    );
    if (missing.length > 0)
      throw new RunPlanError(`no contribution under an active agreement: ${missing.join('; ')}`);
  } else {
    definitions = [];
    for (const d of catalogue) {
      if (!d.sources.every((s) => delivered.has(s))) continue;
      try {
        await governance.assertPurpose([ref(d)]);
        definitions.push(d);
      } catch (err) {
        if (!(err instanceof PurposeBindingError)) throw err;
      }
    }
    if (definitions.length === 0)
      throw new RunPlanError(
        'no indicator can be computed: none has all its sources delivered under an active agreement that allows it',
      );
  }
  const datasets = [...new Set(definitions.flatMap((d) => d.sources))].sort();
  const inputs = selectInputs(contributions, datasets);
  const years = request.years ? [...request.years].sort((a, b) => a - b) : yearsInData(inputs);
  if (years.length === 0)
    throw new RunPlanError(
      `the delivered sources of this run (${datasets.join(', ')}) have no dated rows: give the years`,
    );
  const scope = {
    indicators: definitions.map((d) => d.id),
    detail: request.detail ?? 'all',
    breakdowns: request.breakdowns ?? true,
    years,
    ...(request.notes ? { notes: request.notes } : {}),
    ...(request.regions
      ? { regions: request.regions }
      : ctx.published
        ? { regions: [...ctx.published].sort() }
        : {}),
  };
  return governance.startRun(actor, { indicators: definitions.map(ref), inputs, scope });
}

export type RunProgressFn = (stage: string, done: number, total: number, what: string) => void;

/** A reason without the instance's paths (a run's error is shown to the board too). */
export const scrubPaths = (message: string, dataDir: string) =>
  message.replaceAll(`${dataDir}/`, '');

/** The run's scratch space; removed when the run ends, so no linked microdata lingers. */
export const runDir = (dataDir: string, runId: string) => join(dataDir, 'broker', 'runs', runId);

/**
 * Appends a loaded delivery (only the rows whose `years` condition holds, when given) to its
 * dataset's stack, and drops it. The first becomes the stack in place, by a delete of the years
 * it does not supply (usually none). A copy per delivery and another of their union grew the broker
 * database of a national run to 19.9 GB in linkage, until the disk was full.
 */
export async function appendToStack(
  conn: DuckDBConnection,
  o: { loaded: string; stack: string; years: string | null; first: boolean },
): Promise<void> {
  if (o.first) {
    if (o.years) await conn.run(`DELETE FROM "${o.loaded}" WHERE (${o.years}) IS NOT TRUE`);
    await conn.run(`ALTER TABLE "${o.loaded}" RENAME TO "${o.stack}"`);
    return;
  }
  const where = o.years ? ` WHERE ${o.years}` : '';
  await conn.run(`INSERT INTO "${o.stack}" SELECT * FROM "${o.loaded}"${where}`);
  await conn.run(`DROP TABLE "${o.loaded}"`);
}

/**
 * Loads the run's inputs into `conn`: each contribution validated again against its contract,
 * only the years it supplies kept, the deliveries of a dataset stacked, and the pseudonyms
 * finished with the broker's key (the same value links across sources only after this step).
 */
async function loadInputs(
  conn: DuckDBConnection,
  ctx: RunContext,
  run: Run,
  progress: RunProgressFn,
): Promise<RunInputReport[]> {
  await writeRegionHierarchy(conn, ctx.regions);
  const pseudonymiser = await brokerPseudonymiser({
    scheme: ctx.scheme,
    keysDir: ctx.brokerKeysDir,
    ...(ctx.keyholder ? { keyholder: ctx.keyholder } : {}),
  });
  const stored = new Map((await ctx.governance.listContributions()).map((c) => [c.id, c]));
  const reports: RunInputReport[] = [];
  let done = 0;
  for (const dataset of run.datasets) {
    const contract = datasetContract(dataset);
    const stack = `${dataset}__stack`;
    const period = periodExpression(contract);
    for (const [i, input] of run.inputs.filter((x) => x.dataset === dataset).entries()) {
      progress('linkage', done++, run.inputs.length, dataset);
      const c = stored.get(input.contribution);
      if (!c || c.purgedAt)
        throw new Error(
          `contribution ${input.contribution} of ${dataset} is no longer stored (purged)`,
        );
      if (c.sha256 !== input.sha256)
        throw new Error(`contribution ${c.id} of ${dataset} changed since the run started`);
      const report = await loadContribution(conn, contract, join(ctx.dataDir, c.storagePath), {
        regionTable: REGION_TABLE,
        pseudonymPattern: pseudonymiser.stage1Pattern,
      });
      if (report.sha256 !== c.sha256)
        throw new Error(
          `the stored file of contribution ${c.id} (${dataset}) does not match its checksum`,
        );
      const years = input.period && period ? `${period} IN (${input.period.join(', ')})` : null;
      await appendToStack(conn, { loaded: dataset, stack, years, first: i === 0 });
      reports.push({
        dataset,
        file: c.storagePath,
        sha256: c.sha256,
        rowsIn: report.rowsIn,
        loaded: report.loaded,
        quarantined: report.quarantined,
        keptBackByProvider: 0,
        reasons: report.reasons,
      });
    }
    await conn.run(`ALTER TABLE "${stack}" RENAME TO "${dataset}"`);
    const idColumns = contract.columns.filter((x) => x.identifier).map(brokerColumnName);
    await finaliseTable(conn, dataset, idColumns, pseudonymiser);
  }
  return reports;
}

/**
 * Does a started (or restarted) run: linkage, indicators, disclosure control and the candidate.
 * A failure is recorded (by default: the run marked failed with its reason); a crash leaves it
 * `running`, which the server marks failed (a run process that died) or, after its own crash,
 * the next start-up marks `interrupted` (Governance.interruptRuns).
 */
export async function executeRun(
  ctx: RunContext,
  runId: string,
  opts: { onProgress?: RunProgressFn; recorder?: RunRecorder } = {},
): Promise<CandidateRelease> {
  const { governance } = ctx;
  const run = await governance.getRun(runId);
  if (run.state !== 'running')
    throw new GovernanceError('conflict', `run ${runId} is ${run.state}, not running`);
  const recorder = opts.recorder ?? governanceRecorder(governance, runId, run.startedBy);
  const progress: RunProgressFn = (stage, done, total, what) => {
    opts.onProgress?.(stage, done, total, what);
    recorder.progress(stage, { done, total, what });
  };
  const dir = runDir(ctx.dataDir, runId);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true, mode: 0o700 }); // linked microdata: the broker user's alone
  const db = await openBrokerDatabase(join(dir, 'broker.duckdb'), {
    memoryLimit: ctx.memoryLimit ?? '4GB',
    tempDirectory: join(dir, 'spill'),
    ...(ctx.threads ? { threads: ctx.threads } : {}),
  });
  let closed = false;
  try {
    const inputs = await loadInputs(db.conn, ctx, run, progress);
    const scope = run.scope as (RunScope & { years: number[]; regions?: string[] }) | null;
    if (!scope) throw new Error(`run ${runId} has no recorded scope`);
    const computed = await runIndicators({
      conn: db.conn,
      governance,
      actor: run.startedBy,
      runId,
      dataDir: ctx.dataDir,
      regions: ctx.regions,
      catalogue: ctx.catalogue,
      years: scope.years,
      inputs,
      scheme: ctx.scheme,
      scope: {
        indicators: scope.indicators,
        detail: scope.detail,
        breakdowns: scope.breakdowns,
        ...(scope.regions ? { regions: new Set(scope.regions) } : {}),
        ...(scope.notes ? { notes: scope.notes } : {}),
      },
      onProgress: progress,
    });
    const candidate = await computed.protectAndWrite();
    db.close();
    closed = true;
    // The linked data of the latest candidate stays as the broker database, for
    // `samenzicht release audit` (an independent re-audit needs the true values).
    rmSync(join(dir, 'spill'), { recursive: true, force: true });
    renameSync(join(dir, 'broker.duckdb'), brokerDatabasePath(ctx.dataDir));
    chmodSync(brokerDatabasePath(ctx.dataDir), 0o600); // pseudonymised microdata: owner only
    return candidate;
  } catch (err) {
    await recorder.failed(scrubPaths((err as Error).message, ctx.dataDir));
    throw err;
  } finally {
    if (!closed) db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
