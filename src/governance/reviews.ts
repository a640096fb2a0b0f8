/** Reviews of a candidate: approvals (signing its digest) and rejections. */
import { getRelease } from './airlock.js';
import {
  hexDigest,
  parseList,
  short,
  transition,
  type GovernanceContext,
  type Trx,
} from './context.js';
import { GovernanceError } from './errors.js';
import { checkReviewLengths } from './limits.js';
import { getUser } from './organisations.js';
import { checkPolicy } from './policy.js';
import type { Release, ReviewInput } from './types.js';

type User = Awaited<ReturnType<typeof getUser>>;

/** The decision, its reason and the digest it signs, checked before the release is read. */
function checkDecision(input: ReviewInput, releaseId: string) {
  const reason = (input.reason ?? '').trim();
  if (input.decision !== 'approve' && input.decision !== 'reject') {
    throw new GovernanceError(
      'invalid',
      `decision must be approve or reject, not '${String(input.decision)}'`,
    );
  }
  if (input.decision === 'reject' && reason === '')
    throw new GovernanceError('invalid', 'a rejection needs a reason');
  if (input.decision === 'approve' && (input.digest === undefined || input.digest === '')) {
    throw new GovernanceError(
      'invalid',
      `an approval signs the content it approves: send the digest of release ${releaseId} (its 'digest', as you checked it)`,
    );
  }
  const signed =
    input.digest === undefined || input.digest === '' ? null : hexDigest(input.digest, 'digest');
  return { reason, signed };
}

/** The capacity of the review: the one asked for, else the reviewer's only one. */
function reviewCapacity(
  user: User,
  releaseId: string,
  providers: string[],
  requested: string | undefined,
): string {
  const capacities = [
    ...providers.filter((p) => user.organisations.includes(p)),
    ...(user.roles.includes('board') ? ['board'] : []),
  ];
  let capacity = requested;
  if (capacity !== undefined) {
    if (!capacities.includes(capacity)) {
      throw new GovernanceError(
        'forbidden',
        `${user.email} cannot review ${releaseId} as '${capacity}'`,
      );
    }
  } else if (capacities.length === 1) {
    capacity = capacities[0];
  } else if (capacities.length === 0) {
    throw new GovernanceError(
      'forbidden',
      `${user.email} is neither a board member nor a member of a provider whose data ${releaseId} uses`,
    );
  } else {
    throw new GovernanceError(
      'invalid',
      `${user.email} may review as ${capacities.join(' or ')}: say which capacity`,
    );
  }
  if (capacity === undefined) throw new GovernanceError('invalid', 'no review capacity');
  return capacity;
}

/** A signed digest must be the recorded one: else the reviewer looked at other content. */
function checkSignedDigest(
  user: User,
  releaseId: string,
  signed: string | null,
  recorded: string | null,
): void {
  if (signed !== null && recorded === null) {
    throw new GovernanceError(
      'conflict',
      `release ${releaseId} has no recorded digest (it entered the airlock before digests were recorded); it cannot be approved: submit the run again`,
    );
  }
  if (signed !== null && signed !== recorded) {
    throw new GovernanceError(
      'conflict',
      `${user.email} approved other content: the review signs digest ${short(signed)}, but release ${releaseId} has digest ${short(recorded ?? '')}; fetch the release and its report again`,
    );
  }
}

/** A candidate, not started by the reviewer, and not reviewed by them before. */
async function reviewableRelease(trx: Trx, user: User, actor: string, releaseId: string) {
  const r = await trx
    .selectFrom('releases')
    .selectAll()
    .where('id', '=', releaseId)
    .executeTakeFirst();
  if (!r) throw new GovernanceError('not_found', `release ${releaseId} does not exist`);
  if (r.state !== 'candidate')
    throw new GovernanceError(
      'conflict',
      `release ${releaseId} is ${r.state}; only candidates are reviewed`,
    );
  if (r.started_by === actor) {
    throw new GovernanceError(
      'forbidden',
      `${user.email} started the run of ${releaseId} and cannot review it`,
    );
  }
  const before = await trx
    .selectFrom('reviews')
    .select('decision')
    .where('release_id', '=', releaseId)
    .where('user_id', '=', actor)
    .executeTakeFirst();
  if (before)
    throw new GovernanceError(
      'conflict',
      `${user.email} already reviewed ${releaseId} (${before.decision})`,
    );
  return r;
}

/**
 * Approve or reject a candidate, for a provider organisation whose data it uses or as a board
 * member. The runner may not review; nobody reviews twice; a rejection needs a reason and
 * stops the candidate.
 *
 * An approval signs the release's `digest` (the content the reviewer looked at): it must be
 * sent and equal the recorded one, else the reviewer approved other content (409). A rejection
 * may omit it; when given, it must match too.
 */
export async function review(
  ctx: GovernanceContext,
  actor: string,
  releaseId: string,
  input: ReviewInput,
): Promise<Release> {
  checkReviewLengths(input);
  const user = await getUser(ctx, actor);
  const { reason, signed } = checkDecision(input, releaseId);
  await ctx.tx(async (trx) => {
    const r = await reviewableRelease(trx, user, actor, releaseId);
    const capacity = reviewCapacity(user, releaseId, parseList(r.providers), input.capacity);
    checkPolicy(user, 'release.review');
    checkSignedDigest(user, releaseId, signed, r.digest);
    await trx
      .insertInto('reviews')
      .values({
        release_id: releaseId,
        user_id: actor,
        capacity,
        decision: input.decision,
        reason,
        created_at: ctx.now().toISOString(),
        digest: signed,
      })
      .execute();
    if (input.decision === 'reject') {
      await transition(
        trx,
        'releases',
        releaseId,
        'candidate',
        'rejected',
        {},
        {
          explain: (s) => `release ${releaseId} is ${s}; only candidates are reviewed`,
        },
      );
    }
    await ctx.audit(
      trx,
      actor,
      input.decision === 'approve' ? 'approval' : 'rejection',
      releaseId,
      { capacity, reason, ...(signed !== null ? { digest: signed } : {}) },
    );
  });
  return getRelease(ctx, releaseId);
}
