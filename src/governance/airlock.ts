/**
 * The airlock: a run's output enters as a candidate, is reviewed (reviews.ts), published once
 * approved and intact (integrity.ts), and may be withdrawn.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { datasetContract } from '../ingest/contracts.js';
import {
  digestOfFiles,
  releaseFileDigestsAsync,
  type ReleaseFileDigest,
} from '../release/integrity.js';
import type { Database } from '../store/index.js';
import { verifyAuditTrail } from './audit.js';
import {
  hexDigest,
  nonEmpty,
  parseList,
  RELEASE_ID,
  releaseDir,
  short,
  transition,
  type GovernanceContext,
} from './context.js';
import { GovernanceError, PurposeBindingError } from './errors.js';
import { assertIntegrity } from './integrity.js';
import { listOrganisations } from './organisations.js';
import { authorize } from './policy.js';
import { assertPurpose } from './purpose.js';
import { getRun, refuseRun } from './runs.js';
import { RELEASE_STATE_RULES } from '../contracts/index.js';
import type { Release, ReleaseState, Review } from './types.js';

/** Board approvals a candidate needs, not counting the person who started the run. */
export const BOARD_QUORUM = 2;

export type ReleaseRow = Database['releases'];

/** A run's output as it enters the airlock. */
export interface CandidateInput {
  runId: string;
  releaseId?: string;
  digest: string;
  auditSummary: Record<string, unknown>;
  /** The sha256 of the candidate's public cells.csv (`publicCellsFile`), recorded on the run. */
  cellsHash?: string;
}

/** The run whose candidate this is: running, submitted by its runner, within its purpose. */
async function submittableRun(ctx: GovernanceContext, actor: string, runId: string) {
  const run = await getRun(ctx, runId);
  if (run.startedBy !== actor) {
    throw new GovernanceError(
      'forbidden',
      `run ${run.id} was started by another user; only its runner submits its candidate`,
    );
  }
  if (run.state !== 'running')
    throw new GovernanceError('conflict', `run ${run.id} is ${run.state}, not running`);
  try {
    await assertPurpose(ctx, run.indicators, ctx.now());
  } catch (err) {
    if (err instanceof PurposeBindingError) await refuseRun(ctx, actor, run.id, err, run.id);
    throw err;
  }
  return run;
}

/** The provider organisations whose data the datasets are: they approve the candidate. */
async function providerOrganisations(
  ctx: GovernanceContext,
  datasets: readonly string[],
): Promise<string[]> {
  const providerIds = new Set(datasets.map((d) => datasetContract(d).provider as string));
  return (await listOrganisations(ctx))
    .filter((o) => o.role === 'provider' && o.providerIds.some((p) => providerIds.has(p)))
    .map((o) => o.id);
}

/**
 * The files of the release folder when it is already on disk, after checking that their digest
 * is the submitted one (a mismatch is audited and refused); null when the folder comes later.
 */
async function checkFolderDigest(
  ctx: GovernanceContext,
  actor: string,
  id: string,
  runId: string,
  digest: string,
): Promise<ReleaseFileDigest[] | null> {
  const dir = releaseDir(ctx, id);
  if (!existsSync(dir)) return null;
  const files = await releaseFileDigestsAsync(dir);
  const actual = digestOfFiles(files);
  if (actual !== digest) {
    const reason = `the files of releases/${id}/ have digest ${short(actual)}, not the submitted ${short(digest)}`;
    await ctx.logAudit(actor, 'integrity.refused', id, {
      stage: 'candidate',
      run: runId,
      digest,
      actual,
      reason,
    });
    throw new GovernanceError('integrity', `candidate ${id} refused: ${reason}`);
  }
  return files;
}

/**
 * The run's output enters the airlock. Purpose binding is checked again now: an agreement that
 * expired or was revoked during the run refuses the candidate.
 *
 * `digest` is `releaseDigest(releases/<id>/)` (src/release/integrity.ts) of the files the run
 * wrote; every approval signs it and publication recomputes it. When the folder is already on
 * disk (the pipeline writes it first) its digest must equal `digest`, and the list of its files
 * is recorded too, so that a later mismatch names the file; a folder that comes later is
 * checked at publication only.
 */
export async function createCandidate(
  ctx: GovernanceContext,
  actor: string,
  input: CandidateInput,
): Promise<Release> {
  const digest = hexDigest(input.digest, 'digest');
  if (input.releaseId !== undefined && !RELEASE_ID.test(input.releaseId)) {
    throw new GovernanceError(
      'invalid',
      `release id '${input.releaseId}': use letters, digits, '.', '_' and '-' (at most 81), starting with a letter or digit`,
    );
  }
  const run = await submittableRun(ctx, actor, input.runId);
  const providerOrgs = await providerOrganisations(ctx, run.datasets);
  const id =
    input.releaseId ?? `rel-${ctx.now().toISOString().slice(0, 10)}-${randomUUID().slice(0, 8)}`;
  if (await ctx.db.selectFrom('releases').select('id').where('id', '=', id).executeTakeFirst()) {
    throw new GovernanceError('conflict', `release ${id} already exists`);
  }
  const files = await checkFolderDigest(ctx, actor, id, run.id, digest);
  const at = ctx.now().toISOString();
  const verification = await verifyAuditTrail(ctx.db);
  await ctx.tx(async (trx) => {
    if (await trx.selectFrom('releases').select('id').where('id', '=', id).executeTakeFirst()) {
      throw new GovernanceError('conflict', `release ${id} already exists`);
    }
    await trx
      .insertInto('releases')
      .values({
        id,
        run_id: run.id,
        state: 'candidate',
        indicators: JSON.stringify(run.indicators.map((i) => i.id)),
        datasets: JSON.stringify(run.datasets),
        providers: JSON.stringify(providerOrgs),
        audit_summary: JSON.stringify(input.auditSummary),
        started_by: actor,
        created_at: at,
        published_at: null,
        published_by: null,
        withdrawn_at: null,
        withdrawn_by: null,
        withdraw_reason: null,
        digest,
        digest_files: files ? JSON.stringify(files) : null,
      })
      .execute();
    await trx
      .updateTable('runs')
      .set({
        state: 'candidate',
        finished_at: at,
        stage: null,
        progress: null,
        release_id: id,
        cells_hash: input.cellsHash ?? null,
      })
      .where('id', '=', run.id)
      .execute();
    await ctx.audit(trx, actor, 'candidate', id, {
      run: run.id,
      providers: providerOrgs,
      digest,
      files,
      auditTrailHead: verification.ok ? verification.head : null,
    });
  });
  return getRelease(ctx, id);
}

export async function releaseRow(ctx: GovernanceContext, id: string): Promise<ReleaseRow> {
  const r = await ctx.db.selectFrom('releases').selectAll().where('id', '=', id).executeTakeFirst();
  if (!r) throw new GovernanceError('not_found', `release ${id} does not exist`);
  return r;
}

export async function releaseView(ctx: GovernanceContext, r: ReleaseRow): Promise<Release> {
  const reviews = await ctx.db
    .selectFrom('reviews')
    .selectAll()
    .where('release_id', '=', r.id)
    .orderBy('created_at')
    .orderBy('user_id')
    .execute();
  const rv: Review[] = reviews.map((x) => ({
    userId: x.user_id,
    capacity: x.capacity,
    decision: x.decision as Review['decision'],
    reason: x.reason,
    createdAt: x.created_at,
    digest: x.digest,
  }));
  const providers = parseList(r.providers);
  const providerStatus: Record<string, 'approved' | 'rejected' | 'pending'> = {};
  for (const p of providers) {
    const mine = rv.filter((x) => x.capacity === p);
    providerStatus[p] = mine.some((x) => x.decision === 'reject')
      ? 'rejected'
      : mine.some((x) => x.decision === 'approve')
        ? 'approved'
        : 'pending';
  }
  const boardApprovals = new Set(
    rv
      .filter(
        (x) => x.capacity === 'board' && x.decision === 'approve' && x.userId !== r.started_by,
      )
      .map((x) => x.userId),
  ).size;
  const ready =
    !rv.some((x) => x.decision === 'reject') &&
    Object.values(providerStatus).every((s) => s === 'approved') &&
    boardApprovals >= BOARD_QUORUM;
  return {
    id: r.id,
    runId: r.run_id,
    state: r.state,
    indicators: parseList(r.indicators),
    datasets: parseList(r.datasets),
    providers,
    auditSummary: JSON.parse(r.audit_summary) as Record<string, unknown>,
    digest: r.digest,
    startedBy: r.started_by,
    createdAt: r.created_at,
    publishedAt: r.published_at,
    publishedBy: r.published_by,
    withdrawnAt: r.withdrawn_at,
    withdrawnBy: r.withdrawn_by,
    withdrawReason: r.withdraw_reason,
    reviews: rv,
    approval: {
      providers: providerStatus,
      board: { approvals: boardApprovals, required: BOARD_QUORUM },
      ready,
    },
  };
}

/**
 * One release. When `viewer` is given and the release is not public (RELEASE_STATE_RULES), the
 * access is logged.
 */
export async function getRelease(
  ctx: GovernanceContext,
  id: string,
  viewer?: string,
): Promise<Release> {
  const view = await releaseView(ctx, await releaseRow(ctx, id));
  if (viewer !== undefined && !RELEASE_STATE_RULES[view.state].public) {
    await ctx.logAudit(viewer, 'access', id, { state: view.state });
  }
  return view;
}

export async function listReleases(
  ctx: GovernanceContext,
  opts: { states?: readonly ReleaseState[] } = {},
): Promise<Release[]> {
  let q = ctx.db.selectFrom('releases').selectAll().orderBy('created_at').orderBy('id');
  if (opts.states) q = q.where('state', 'in', opts.states);
  return Promise.all((await q.execute()).map((r) => releaseView(ctx, r)));
}

/**
 * Publishes an approved candidate. From here on the release is immutable.
 *
 * Integrity: every approval must have signed the recorded digest, and the files of
 * `releases/<id>/` must still have that digest (recomputed now, streaming); otherwise the
 * publication is refused (GovernanceError 'integrity', naming the first file that differs when
 * the file list was recorded) and the refusal is written to the audit trail.
 */
export async function publish(
  ctx: GovernanceContext,
  actor: string,
  releaseId: string,
): Promise<Release> {
  await authorize(ctx, actor, 'release.publish');
  const row = await releaseRow(ctx, releaseId);
  const view = await releaseView(ctx, row);
  if (view.state !== 'candidate') {
    throw new GovernanceError(
      'conflict',
      `release ${releaseId} is ${view.state}; only an approved candidate can be published`,
    );
  }
  if (!view.approval.ready) {
    const pending = Object.entries(view.approval.providers)
      .filter(([, s]) => s !== 'approved')
      .map(([p]) => p);
    throw new GovernanceError(
      'conflict',
      `release ${releaseId} is not approved: providers pending ${pending.join(', ') || 'none'}; board ${view.approval.board.approvals}/${BOARD_QUORUM}`,
    );
  }
  // The agreements must still hold at publication.
  const run = await getRun(ctx, view.runId);
  await assertPurpose(ctx, run.indicators, ctx.now());
  const digest = await assertIntegrity(ctx, actor, row, view);
  await ctx.tx(async (trx) => {
    await transition(
      trx,
      'releases',
      releaseId,
      'candidate',
      'published',
      { published_at: ctx.now().toISOString(), published_by: actor },
      { explain: () => `release ${releaseId} changed meanwhile` },
    );
    await ctx.audit(trx, actor, 'publication', releaseId, {
      indicators: view.indicators,
      digest,
      approvals: view.reviews.map((x) => ({ user: x.userId, capacity: x.capacity })),
    });
  });
  return getRelease(ctx, releaseId);
}
/** Withdraws a published release; it stays listed, marked withdrawn with its reason. */
export async function withdraw(
  ctx: GovernanceContext,
  actor: string,
  releaseId: string,
  reason: string,
): Promise<Release> {
  await authorize(ctx, actor, 'release.withdraw');
  const why = nonEmpty(reason, 'reason');
  await ctx.tx(async (trx) => {
    await transition(
      trx,
      'releases',
      releaseId,
      'published',
      'withdrawn',
      { withdrawn_at: ctx.now().toISOString(), withdrawn_by: actor, withdraw_reason: why },
      {
        explain: (state) =>
          `release ${releaseId} is ${state}; only a published release can be withdrawn`,
      },
    );
    await ctx.audit(trx, actor, 'withdrawal', releaseId, { reason: why });
  });
  return getRelease(ctx, releaseId);
}
