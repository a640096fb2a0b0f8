/**
 * From computed figures to a candidate release: disclosure control against everything published
 * before, the release files, and the candidate in the airlock. An audit failure stops it here.
 */
import { protect, type ProtectResult, type PublishedCell } from '../disclosure/index.js';
import { PUBLIC_RELEASE_STATES } from '../contracts/index.js';
import type { Governance } from '../governance/index.js';
import {
  publicCellsFile,
  listReleaseIds,
  newReleaseId,
  readManifest,
  readReleaseRows,
  releaseDigest,
  writeRelease,
  type ReleaseRow,
} from '../release/index.js';
import { profilesOf } from './profiles.js';
import { candidateManifest } from './release-manifest.js';
import type { CandidateRelease, ComputedRun } from './run-scope.js';

export class AuditFailedError extends Error {
  override name = 'AuditFailedError';
}

/**
 * Rows of the releases published before (withdrawn ones too: their figures were out), for the
 * differencing audit. A candidate that was never published is no threat, and leaving it out
 * keeps a rerun on the same inputs identical.
 */
async function earlierRows(
  governance: Governance,
  dataDir: string,
  indicators: Set<string>,
): Promise<{ rows: PublishedCell[]; latest: string | null }> {
  const out = new Set(
    (await governance.listReleases({ states: PUBLIC_RELEASE_STATES })).map((r) => r.id),
  );
  const ids = listReleaseIds(dataDir).filter((id) => out.has(id));
  const rows: PublishedCell[] = [];
  for (const id of ids) {
    for (const r of readReleaseRows(dataDir, id)) if (indicators.has(r.indicator_id)) rows.push(r);
  }
  return { rows, latest: ids.at(-1) ?? null };
}

function refuseFailedAudit(result: ProtectResult): void {
  if (result.audit.passed) return;
  const failing = result.audit.failing
    .slice(0, 5)
    .map((f) => `${f.cells.join('+')} [${f.lower}, ${f.upper}]`);
  throw new AuditFailedError(
    `the disclosure audit failed for ${result.audit.failing.length} figure(s), e.g. ${failing.join('; ')}; the release is refused`,
  );
}

/** Disclosure control, the release files and the candidate in the airlock. */
export async function protectAndWrite(c: ComputedRun): Promise<CandidateRelease> {
  const { opts, definitions, cells } = c;
  opts.onProgress?.('disclosure', 0, 1, `${cells.length} cells`);
  const earlier = await earlierRows(
    opts.governance,
    opts.dataDir,
    new Set(definitions.map((d) => d.id)),
  );
  const result = await protect({ cells, profiles: profilesOf(definitions), earlier: earlier.rows });
  const rows: ReleaseRow[] = result.cells;
  const createdAt = new Date();
  // The id is public, so it derives from the public cells only.
  const publicCells = publicCellsFile(rows);
  const cellsHash = publicCells.sha256;
  const id = newReleaseId(createdAt, cellsHash);
  opts.onProgress?.('release', 0, 1, 'writing the candidate release');
  const manifest = candidateManifest(c, {
    id,
    createdAt,
    previousRelease: earlier.latest ? readManifest(opts.dataDir, earlier.latest).id : null,
  });
  const audit = { ...result.audit, stats: result.stats };
  refuseFailedAudit(result);
  const written = await writeRelease(opts.conn, opts.dataDir, {
    manifest,
    rows,
    audit,
    publicCells,
  });
  await opts.governance.createCandidate(opts.actor, {
    runId: c.run.id,
    releaseId: id,
    cellsHash,
    digest: releaseDigest(written.dir),
    auditSummary: {
      passed: result.audit.passed,
      checkedVariables: result.audit.checkedVariables,
      suppressedByRule: result.stats.suppressedByRule,
      informationLoss: result.stats.secondaryCost,
    },
  });
  return {
    id,
    dir: written.dir,
    cells: rows.length,
    published: written.publicManifest.cells.byStatus.published,
    suppressed: written.publicManifest.cells.byStatus.confidential,
    auditPassed: result.audit.passed,
    cellsHash,
  };
}
