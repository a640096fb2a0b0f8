/**
 * Receiving contributions over the API: in one request or resumable in chunks, checksummed,
 * validated against the dataset contract, moved atomically to their place and recorded. A
 * refused file is removed at once and its refusal audited. (File mechanics: upload.ts.)
 */
import { existsSync } from 'node:fs';
import { chmod, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { datasetContract } from '../ingest/contracts.js';
import { sha256File } from '../ingest/sha256.js';
import { absolute, hexDigest, short, type GovernanceContext } from './context.js';
import {
  coveringAgreement,
  deliveringOrganisation,
  recordContribution,
  refuseDuplicate,
} from './contributions.js';
import { ContributionRefused, GovernanceError } from './errors.js';
import {
  appendUploadChunk,
  PARTIAL_UPLOAD_HOURS,
  partialUploadPath,
  PRIVATE_FILE,
  privateDir,
  readPartialUpload,
  receiveUpload,
  removePartialUpload,
  removeStalePartialUploads,
  withPartialUpload,
  type ReceivedFile,
} from './upload.js';
import type { Contribution, ValidateFn, ValidationCounts } from './types.js';

/** One chunk of a resumable upload. */
export interface ChunkOptions {
  sha256: string;
  /** Total bytes of the file (`upload-length`). */
  length: number;
  /** Where this chunk begins (`upload-offset`). */
  offset: number;
  /** The chunk's declared content-length, if any. */
  declared?: number;
  maxBytes: number;
  validate: ValidateFn;
}

/** Where uploads arrive before they are validated: `<dataDir>/contributions/.incoming`. */
export function incomingDir(ctx: GovernanceContext): string {
  return join(ctx.dataDir, 'contributions', '.incoming');
}

/**
 * Receives a contribution stream in one request: permission first (before a byte is read),
 * then the file into `<dataDir>/contributions/.incoming`, checksum, row validation, and an
 * atomic rename to `<dataDir>/contributions/<dataset>/<sha256>.<ext>` (with its quarantine
 * report as `<sha256>.quarantine.csv` when a row was quarantined). Failure at any step leaves
 * no file and no record. For resumable delivery in chunks see `uploadContributionChunk`.
 */
export async function uploadContribution(
  ctx: GovernanceContext,
  actor: string,
  datasetId: string,
  body: Readable,
  opts: { sha256: string; maxBytes: number; validate: ValidateFn },
): Promise<Contribution> {
  const organisationId = await deliveringOrganisation(ctx, actor, datasetId);
  await coveringAgreement(ctx, datasetId, organisationId);
  const received = await receiveUpload(body, {
    incomingDir: incomingDir(ctx),
    maxBytes: opts.maxBytes,
    expectedSha256: opts.sha256,
  });
  try {
    return await storeUpload(ctx, actor, datasetId, received, opts.validate);
  } finally {
    await rm(received.tempPath, { force: true });
  }
}

/**
 * Receives one chunk of a resumable upload (in the style of tus): the file of `length` bytes
 * and checksum `sha256` is kept at `.incoming/<actor>-<sha256>.part` while incomplete; a chunk
 * is appended when `offset` equals the bytes received so far (else UploadOffsetConflict, 409,
 * with the right offset), and a chunk that breaks off keeps what arrived. With the last byte
 * the checksum is checked (a mismatch discards the file), the rows validated and the
 * contribution recorded as `uploadContribution` does. Returns the offset reached and, once
 * complete, the contribution.
 */
export async function uploadContributionChunk(
  ctx: GovernanceContext,
  actor: string,
  datasetId: string,
  body: Readable,
  opts: ChunkOptions,
): Promise<{ offset: number; length: number; contribution: Contribution | null }> {
  const sha256 = hexDigest(opts.sha256, 'x-content-sha256');
  const { length, offset } = opts;
  if (!Number.isSafeInteger(length) || length < 1)
    throw new GovernanceError('invalid', 'upload-length must be a whole number of bytes ≥ 1');
  if (!Number.isSafeInteger(offset) || offset < 0 || offset > length)
    throw new GovernanceError(
      'invalid',
      `upload-offset must be a whole number from 0 to upload-length (${length})`,
    );
  if (length > opts.maxBytes)
    throw new GovernanceError(
      'too_large',
      `upload of ${length} bytes exceeds the limit of ${opts.maxBytes} bytes`,
    );
  const organisationId = await deliveringOrganisation(ctx, actor, datasetId);
  await coveringAgreement(ctx, datasetId, organisationId);
  await removeStaleUploads(ctx);
  await refuseDuplicate(ctx, datasetId, sha256);
  const part = partialUploadPath(incomingDir(ctx), actor, sha256);
  return withPartialUpload(part, length, async () => {
    const partial = await appendUploadChunk(body, {
      part,
      dataset: datasetId,
      offset,
      length,
      ...(opts.declared !== undefined ? { declared: opts.declared } : {}),
    });
    if (partial.offset < length) return { offset: partial.offset, length, contribution: null };
    const got = await sha256File(part);
    if (got !== sha256) {
      await removePartialUpload(part);
      throw new GovernanceError(
        'invalid',
        `checksum mismatch: the request says sha256 ${sha256}, the ${length} bytes received hash to ${got}; the partial upload was discarded, deliver the file again`,
      );
    }
    try {
      const contribution = await storeUpload(
        ctx,
        actor,
        datasetId,
        { tempPath: part, sha256, bytes: length },
        opts.validate,
      );
      await removePartialUpload(part);
      return { offset: length, length, contribution };
    } catch (err) {
      // A refusal (bad file, duplicate, no agreement) ends the upload; an internal failure
      // keeps the complete file, so a request at offset `length` retries the validation.
      if (err instanceof GovernanceError) await removePartialUpload(part);
      throw err;
    }
  });
}

/** How far a partial upload of `actor` has come (`{offset, length}`); not_found when none. */
export async function partialUpload(
  ctx: GovernanceContext,
  actor: string,
  datasetId: string,
  sha256: string,
): Promise<{ offset: number; length: number }> {
  const sha = hexDigest(sha256, 'sha256');
  const organisationId = await deliveringOrganisation(ctx, actor, datasetId);
  await coveringAgreement(ctx, datasetId, organisationId);
  await removeStaleUploads(ctx);
  const p = await readPartialUpload(partialUploadPath(incomingDir(ctx), actor, sha));
  if (!p || p.dataset !== datasetId)
    throw new GovernanceError(
      'not_found',
      `no partial upload of ${datasetId} with sha256 ${short(sha)} by you (none begun, completed, or removed after ${PARTIAL_UPLOAD_HOURS} h without a byte)`,
    );
  return { offset: p.offset, length: p.length };
}

/** Removes partial uploads in which no byte arrived for 24 h; returns how many. */
export async function removeStaleUploads(ctx: GovernanceContext): Promise<number> {
  return removeStalePartialUploads(incomingDir(ctx), ctx.now(), PARTIAL_UPLOAD_HOURS * 3600_000);
}

/**
 * A received, checksummed file to its place: row validation (the quarantine report next to
 * it), atomic renames to `contributions/<dataset>/<sha256>.<ext>` and
 * `<sha256>.quarantine.csv`, and the record. Refusals name the upload, never a server path.
 */
export async function storeUpload(
  ctx: GovernanceContext,
  actor: string,
  datasetId: string,
  received: ReceivedFile,
  validate: ValidateFn,
): Promise<Contribution> {
  const ext = datasetContract(datasetId).format === 'parquet' ? 'parquet' : 'csv';
  const storagePath = join('contributions', datasetId, `${received.sha256}.${ext}`);
  const quarantineStored = join('contributions', datasetId, `${received.sha256}.quarantine.csv`);
  const finalPath = absolute(ctx, storagePath);
  const quarantineTemp = `${received.tempPath}.quarantine.csv`;
  await refuseDuplicate(ctx, datasetId, received.sha256);
  try {
    let counts: ValidationCounts;
    try {
      counts = await validate(received.tempPath, datasetId, {
        quarantineFile: quarantineTemp,
        label: `the upload of ${datasetId} (sha256 ${short(received.sha256)})`,
      });
    } catch (err) {
      if (!(err instanceof GovernanceError)) throw err;
      const scrub = (m: string) =>
        m.replaceAll(received.tempPath, `the upload of ${datasetId}`).replaceAll(ctx.dataDir, '…');
      if (err instanceof ContributionRefused) {
        // A refused file may hold what the broker must never keep (raw identifiers, names):
        // it goes at once, before anything else, and the refusal is on the audit trail.
        await rm(received.tempPath, { force: true });
        await recordRefusal(ctx, actor, datasetId, received, err);
        throw new ContributionRefused(err.reason, err.status, scrub(err.message), err.detail);
      }
      throw new GovernanceError(err.code, scrub(err.message));
    }
    const hasQuarantine = counts.quarantined > 0 && existsSync(quarantineTemp);
    // Only the broker's own user reads contributions (0600 in 0700 folders), whatever the umask.
    await privateDir(dirname(finalPath), 2);
    if (hasQuarantine) {
      await chmod(quarantineTemp, PRIVATE_FILE);
      await rename(quarantineTemp, absolute(ctx, quarantineStored));
    }
    await chmod(received.tempPath, PRIVATE_FILE);
    await rename(received.tempPath, finalPath);
    try {
      return await recordContribution(ctx, actor, {
        datasetId,
        sha256: received.sha256,
        bytes: received.bytes,
        storagePath,
        accepted: counts.accepted,
        quarantined: counts.quarantined,
        reasons: counts.reasons,
        period: counts.period ?? null,
        quarantinePath: hasQuarantine ? quarantineStored : null,
      });
    } catch (err) {
      await rm(finalPath, { force: true });
      if (hasQuarantine) await rm(absolute(ctx, quarantineStored), { force: true });
      throw err;
    }
  } finally {
    await rm(quarantineTemp, { force: true });
  }
}

/**
 * `contribution.refused` on the audit trail: which file (dataset, checksum, size), who
 * delivered it, and why (the refusal's reason, column, first row and the rows it counts);
 * never a value of the file, nor the message.
 */
export async function recordRefusal(
  ctx: GovernanceContext,
  actor: string,
  datasetId: string,
  received: ReceivedFile,
  err: ContributionRefused,
): Promise<void> {
  const organisation = await deliveringOrganisation(ctx, actor, datasetId).catch(() => null);
  const { field, row, rows } = err.detail;
  await ctx.logAudit(actor, 'contribution.refused', datasetId, {
    dataset: datasetId,
    organisation,
    sha256: received.sha256,
    bytes: received.bytes,
    reason: err.reason,
    ...(field !== undefined ? { column: field } : {}),
    ...(row !== undefined ? { row } : {}),
    ...(rows !== undefined ? { rows } : {}),
    ...(err.detail.limit ? { limit: err.detail.limit } : {}),
  });
}
