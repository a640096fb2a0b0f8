/**
 * The integrity of a release: its files must still have the digest the approvals signed (at
 * publication, and on demand), and the restricted report is opened only for those who may read it.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { RESTRICTED_DIR } from '../release/format.js';
import {
  digestOfFiles,
  firstDifference,
  releaseFileDigestsAsync,
  type ReleaseFileDigest,
} from '../release/integrity.js';
import { releaseRow, releaseView, type ReleaseRow } from './airlock.js';
import { releaseDir, short, type GovernanceContext } from './context.js';
import { GovernanceError } from './errors.js';
import { getUser } from './organisations.js';
import { checkPolicy } from './policy.js';
import type { Release } from './types.js';

/**
 * The publication's integrity check (see `publish`); returns the digest that is published.
 * A refusal is logged as `integrity.refused` before it is thrown.
 */
export async function assertIntegrity(
  ctx: GovernanceContext,
  actor: string,
  row: ReleaseRow,
  view: Release,
): Promise<string> {
  const id = row.id;
  const refuse = async (reason: string, details: Record<string, unknown> = {}) => {
    await ctx.logAudit(actor, 'integrity.refused', id, {
      stage: 'publication',
      digest: row.digest,
      reason,
      ...details,
    });
    return new GovernanceError('integrity', `release ${id} cannot be published: ${reason}`);
  };
  const recorded = row.digest;
  if (recorded === null) {
    throw await refuse(
      'no digest was recorded when it entered the airlock, so nothing ties its files to the approvals',
    );
  }
  const unsigned = view.reviews.filter((x) => x.decision === 'approve' && x.digest !== recorded);
  if (unsigned.length > 0) {
    const list = unsigned
      .map((x) => `${x.userId} (${x.capacity}) signed ${x.digest ? short(x.digest) : 'nothing'}`)
      .join(', ');
    throw await refuse(
      `approvals signed another digest than the recorded ${short(recorded)}: ${list}`,
      { approvals: unsigned.map((x) => ({ user: x.userId, digest: x.digest })) },
    );
  }
  const check = await checkFiles(ctx, row);
  if (!check.ok) {
    throw await refuse(`its files are not the approved content: ${check.reason}`, {
      actual: check.actual,
      ...(check.file ? { file: check.file } : {}),
    });
  }
  return recorded;
}

/** Recomputes the digest of `releases/<id>/` and compares it with the recorded one. */
export async function checkFiles(
  ctx: GovernanceContext,
  row: ReleaseRow,
): Promise<
  | { ok: true; digest: string }
  | { ok: false; reason: string; actual: string | null; file: string | null }
> {
  const id = row.id;
  const recorded = row.digest;
  if (recorded === null) {
    return { ok: false, reason: 'no digest was recorded', actual: null, file: null };
  }
  const dir = releaseDir(ctx, id);
  if (!existsSync(dir)) {
    return { ok: false, reason: `releases/${id}/ does not exist`, actual: null, file: null };
  }
  let files: ReleaseFileDigest[];
  try {
    files = await releaseFileDigestsAsync(dir);
  } catch (err) {
    return {
      ok: false,
      reason: `releases/${id}/ cannot be read: ${(err as Error).message}`,
      actual: null,
      file: null,
    };
  }
  const actual = digestOfFiles(files);
  if (actual === recorded) return { ok: true, digest: actual };
  const before = row.digest_files ? (JSON.parse(row.digest_files) as ReleaseFileDigest[]) : null;
  const file = before && digestOfFiles(before) === recorded ? firstDifference(before, files) : null;
  return {
    ok: false,
    reason: `releases/${id}/ has digest ${short(actual)}, the recorded (and approved) one is ${short(recorded)}${file ? ` (${file})` : ''}`,
    actual,
    file,
  };
}

/**
 * Checks, without changing anything, that the files of a release still have its recorded
 * digest (e.g. `samenzicht releases verify`). `reason` names the first file that differs when
 * the file list was recorded at candidacy.
 */
export async function verifyReleaseFiles(
  ctx: GovernanceContext,
  releaseId: string,
): Promise<{ ok: true; digest: string } | { ok: false; reason: string }> {
  const check = await checkFiles(ctx, await releaseRow(ctx, releaseId));
  return check.ok ? check : { ok: false, reason: check.reason };
}

/**
 * Opens the restricted report of a release (the full manifest, the internal cells with their
 * rules, the audit with its intervals) for `actor`: the broker, the board, and members of a
 * provider organisation whose data this release uses; anyone else is refused (403). Each read
 * is logged as `report.read` (with `details`, e.g. which part). Returns the release and the
 * folder to read from.
 */
export async function openReport(
  ctx: GovernanceContext,
  actor: string,
  releaseId: string,
  details: Record<string, unknown> = {},
): Promise<{ release: Release; dir: string; files: ReleaseFileDigest[] | null }> {
  const user = await getUser(ctx, actor);
  const row = await releaseRow(ctx, releaseId);
  const release = await releaseView(ctx, row);
  const mine = release.providers.filter((p) => user.organisations.includes(p));
  const allowed = user.roles.includes('broker') || user.roles.includes('board') || mine.length > 0;
  if (!allowed) {
    throw new GovernanceError(
      'forbidden',
      `${user.email} may not read the restricted report of ${releaseId}: only the broker, the board and members of a provider whose data it uses (${release.providers.join(', ') || 'none'})`,
    );
  }
  checkPolicy(user, 'release.report');
  const dir = releaseDir(ctx, releaseId);
  if (!existsSync(join(dir, RESTRICTED_DIR))) {
    throw new GovernanceError(
      'not_found',
      `release ${releaseId} has no restricted report on this broker (no ${RESTRICTED_DIR}/ in its folder)`,
    );
  }
  await ctx.logAudit(actor, 'report.read', releaseId, { state: release.state, ...details });
  return {
    release,
    dir,
    files: row.digest_files ? (JSON.parse(row.digest_files) as ReleaseFileDigest[]) : null,
  };
}
