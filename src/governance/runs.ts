/**
 * Runs: started after purpose binding, their progress, failure, interruption at start-up and
 * restart on the same inputs. A run ends as a candidate in the airlock (airlock.ts).
 */
import { randomUUID } from 'node:crypto';
import type { Database } from '../store/index.js';
import { parseList, transition, type GovernanceContext } from './context.js';
import { GovernanceError, PurposeBindingError } from './errors.js';
import { authorize, SYSTEM_ACTOR } from './policy.js';
import { assertPurpose } from './purpose.js';
import type { IndicatorRef, Run, RunInput, RunProgress } from './types.js';

/** What a run is started with: its indicators, the contributions it reads, what it publishes. */
export interface RunStart {
  id?: string;
  indicators: IndicatorRef[];
  inputs?: RunInput[];
  scope?: Record<string, unknown>;
}

export async function refuseRun(
  ctx: GovernanceContext,
  actor: string,
  subject: string,
  err: PurposeBindingError,
  runId: string | null,
) {
  await ctx.tx(async (trx) => {
    if (runId) {
      await trx
        .updateTable('runs')
        .set({ state: 'refused', finished_at: ctx.now().toISOString() })
        .where('id', '=', runId)
        .execute();
    }
    await ctx.audit(trx, actor, 'run.refused', subject, {
      indicator: err.indicatorId,
      dataset: err.datasetId,
      missing: err.missing,
    });
  });
}

/**
 * Starts a run after purpose binding; a refused run is logged and throws PurposeBindingError.
 * `inputs` are the contributions it reads and `scope` what it was asked to publish: both are
 * fixed here, so that a restart after a crash computes from the same data.
 */
export async function startRun(
  ctx: GovernanceContext,
  actor: string,
  input: RunStart,
): Promise<Run> {
  await authorize(ctx, actor, 'run.start');
  if (input.indicators.length === 0)
    throw new GovernanceError('invalid', 'a run needs at least one indicator');
  const id = input.id ?? `run-${randomUUID()}`;
  let agreements: string[];
  try {
    agreements = await assertPurpose(ctx, input.indicators, ctx.now());
  } catch (err) {
    if (err instanceof PurposeBindingError) await refuseRun(ctx, actor, id, err, null);
    throw err;
  }
  const datasets = [...new Set(input.indicators.flatMap((i) => i.sources))].sort();
  const indicators = input.indicators.map((i) => ({
    id: i.id,
    theme: i.theme,
    sources: [...i.sources],
  }));
  const startedAt = ctx.now().toISOString();
  await ctx.tx(async (trx) => {
    await trx
      .insertInto('runs')
      .values({
        id,
        started_by: actor,
        started_at: startedAt,
        indicators: JSON.stringify(indicators),
        datasets: JSON.stringify(datasets),
        agreements: JSON.stringify(agreements),
        state: 'running',
        finished_at: null,
        stage: null,
        progress: null,
        inputs: JSON.stringify(input.inputs ?? []),
        scope: input.scope ? JSON.stringify(input.scope) : null,
        cells_hash: null,
        release_id: null,
        error: null,
        attempts: 1,
      })
      .execute();
    await ctx.audit(trx, actor, 'run', id, {
      indicators: indicators.map((i) => i.id),
      datasets,
      agreements,
      inputs: (input.inputs ?? []).map((i) => ({
        contribution: i.contribution,
        sha256: i.sha256,
      })),
    });
  });
  return getRun(ctx, id);
}

export function runView(ctx: GovernanceContext, r: Database['runs']): Run {
  return {
    id: r.id,
    startedBy: r.started_by,
    startedAt: r.started_at,
    indicators: JSON.parse(r.indicators) as IndicatorRef[],
    datasets: parseList(r.datasets),
    agreements: parseList(r.agreements),
    state: r.state,
    finishedAt: r.finished_at,
    stage: r.stage,
    progress: r.progress ? (JSON.parse(r.progress) as RunProgress) : null,
    inputs: r.inputs ? (JSON.parse(r.inputs) as RunInput[]) : [],
    scope: r.scope ? (JSON.parse(r.scope) as Record<string, unknown>) : null,
    cellsHash: r.cells_hash,
    releaseId: r.release_id,
    error: r.error,
    attempts: Number(r.attempts),
  };
}

export async function getRun(ctx: GovernanceContext, id: string): Promise<Run> {
  const r = await ctx.db.selectFrom('runs').selectAll().where('id', '=', id).executeTakeFirst();
  if (!r) throw new GovernanceError('not_found', `run ${id} does not exist`);
  return runView(ctx, r);
}

/** Runs, newest first. */
export async function listRuns(ctx: GovernanceContext): Promise<Run[]> {
  const rows = await ctx.db
    .selectFrom('runs')
    .selectAll()
    .orderBy('started_at', 'desc')
    .orderBy('id')
    .execute();
  return rows.map((r) => runView(ctx, r));
}

/** Where a running run is; progress is not audited (it is not a decision). */
export async function reportRunProgress(
  ctx: GovernanceContext,
  id: string,
  stage: string,
  progress: RunProgress | null,
): Promise<void> {
  await ctx.db
    .updateTable('runs')
    .set({ stage, progress: progress ? JSON.stringify(progress) : null })
    .where('id', '=', id)
    .where('state', '=', 'running')
    .execute();
}

/** A run that stopped on an error: it can be restarted once the cause is mended. */
export async function failRun(
  ctx: GovernanceContext,
  actor: string,
  id: string,
  error: string,
): Promise<Run> {
  const line = error.split('\n')[0]!.slice(0, 500);
  await ctx.tx(async (trx) => {
    const failed = await transition(
      trx,
      'runs',
      id,
      'running',
      'failed',
      { error: line, finished_at: ctx.now().toISOString() },
      { quiet: true },
    );
    if (!failed) return;
    await ctx.audit(trx, actor, 'run.failed', id, { error: line });
  });
  return getRun(ctx, id);
}

/**
 * At start-up no run can be running: one still marked so was cut off by a crash or a stop. It
 * is marked `interrupted` (and logged), and can be restarted with `restartRun`.
 */
export async function interruptRuns(ctx: GovernanceContext): Promise<string[]> {
  const stuck = await ctx.db
    .selectFrom('runs')
    .select(['id', 'stage'])
    .where('state', '=', 'running')
    .execute();
  for (const r of stuck) {
    await ctx.tx(async (trx) => {
      await transition(
        trx,
        'runs',
        r.id,
        'running',
        'interrupted',
        { finished_at: ctx.now().toISOString() },
        { quiet: true },
      );
      await ctx.audit(trx, SYSTEM_ACTOR, 'run.interrupted', r.id, { stage: r.stage });
    });
  }
  return stuck.map((r) => r.id);
}

/** An interrupted or failed run starts again, on the same inputs, as the same run. */
export async function restartRun(ctx: GovernanceContext, actor: string, id: string): Promise<Run> {
  await authorize(ctx, actor, 'run.restart');
  const run = await getRun(ctx, id);
  if (run.state !== 'interrupted' && run.state !== 'failed')
    throw new GovernanceError(
      'conflict',
      `run ${id} is ${run.state}; only an interrupted or failed run can be restarted`,
    );
  await ctx.tx(async (trx) => {
    await transition(
      trx,
      'runs',
      id,
      run.state,
      'running',
      {
        started_by: actor,
        stage: null,
        progress: null,
        error: null,
        finished_at: null,
        attempts: run.attempts + 1,
      },
      { explain: () => `run ${id} changed while restarting; try again` },
    );
    await ctx.audit(trx, actor, 'run.restarted', id, {
      attempt: run.attempts + 1,
      after: run.state,
    });
  });
  return getRun(ctx, id);
}
