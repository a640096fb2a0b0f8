/**
 * Contributions: the record of a delivered, validated file (who delivered it, under which
 * agreement, its version), their listing and quarantine reports. Receiving the bytes is in
 * contribution-uploads.ts.
 */
import { randomUUID } from 'node:crypto';
import { relative } from 'node:path';
import { datasetContract } from '../ingest/contracts.js';
import type { Database } from '../store/index.js';
import { agreementStatus, type AgreementRow } from './agreements.js';
import { absolute, parseList, type GovernanceContext } from './context.js';
import { GovernanceError } from './errors.js';
import { getUser, listOrganisations } from './organisations.js';
import { checkPolicy } from './policy.js';
import type { Contribution } from './types.js';

export interface ContributionRecord {
  datasetId: string;
  sha256: string;
  bytes: number;
  storagePath: string;
  accepted: number;
  quarantined: number;
  reasons?: Record<string, number>;
  period?: number[] | null;
  quarantinePath?: string | null;
}

export async function coveringAgreement(
  ctx: GovernanceContext,
  datasetId: string,
  organisationId: string,
): Promise<AgreementRow> {
  const now = ctx.now();
  const rows = await ctx.db
    .selectFrom('agreements')
    .innerJoin('agreement_parties', 'agreement_parties.agreement_id', 'agreements.id')
    .selectAll('agreements')
    .where('agreements.state', '=', 'signed')
    .where('agreement_parties.organisation_id', '=', organisationId)
    .orderBy('agreements.id')
    .execute();
  const row = rows.find(
    (r) => agreementStatus(r, now) === 'active' && parseList(r.datasets).includes(datasetId),
  );
  if (!row) {
    throw new GovernanceError(
      'forbidden',
      `no active agreement covers dataset ${datasetId} from ${organisationId}`,
    );
  }
  return row;
}

/** The provider organisation of `actor` that delivers `datasetId`. */
export async function deliveringOrganisation(
  ctx: GovernanceContext,
  actor: string,
  datasetId: string,
): Promise<string> {
  let provider: string;
  try {
    provider = datasetContract(datasetId).provider;
  } catch (err) {
    throw new GovernanceError('invalid', (err as Error).message);
  }
  const user = await getUser(ctx, actor);
  const orgs = (await listOrganisations(ctx)).filter(
    (o) =>
      o.role === 'provider' &&
      o.providerIds.includes(provider) &&
      user.organisations.includes(o.id),
  );
  const org = orgs[0];
  if (!org) {
    throw new GovernanceError(
      'forbidden',
      `${user.email} does not belong to provider '${provider}' that delivers ${datasetId}`,
    );
  }
  checkPolicy(user, 'contribution.upload');
  return org.id;
}

/**
 * Records a delivered contribution (already stored under the data directory and validated):
 * every upload through the API ends here.
 */
export async function recordContribution(
  ctx: GovernanceContext,
  actor: string,
  input: ContributionRecord,
): Promise<Contribution> {
  const organisationId = await deliveringOrganisation(ctx, actor, input.datasetId);
  const agreement = await coveringAgreement(ctx, input.datasetId, organisationId);
  for (const [k, v] of Object.entries({
    bytes: input.bytes,
    accepted: input.accepted,
    quarantined: input.quarantined,
  })) {
    if (!Number.isInteger(v) || v < 0)
      throw new GovernanceError('invalid', `contribution ${k} must be a whole number ≥ 0`);
  }
  if (!/^[0-9a-f]{64}$/.test(input.sha256))
    throw new GovernanceError('invalid', 'contribution sha256 must be 64 hex characters');
  const relativeTo = (p: string) => (p.startsWith('/') ? relative(ctx.dataDir, p) : p);
  const storagePath = relativeTo(input.storagePath);
  const period = input.period ? [...new Set(input.period)].sort((a, b) => a - b) : null;
  if (period?.some((y) => !Number.isInteger(y) || y < 1900 || y > 2100))
    throw new GovernanceError('invalid', 'a contribution period lists years from 1900 to 2100');
  const row = {
    id: randomUUID(),
    agreement_id: agreement.id,
    dataset_id: input.datasetId,
    organisation_id: organisationId,
    uploaded_by: actor,
    sha256: input.sha256,
    bytes: input.bytes,
    rows: input.accepted + input.quarantined,
    accepted: input.accepted,
    quarantined: input.quarantined,
    reasons: JSON.stringify(input.reasons ?? {}),
    storage_path: storagePath,
    created_at: ctx.now().toISOString(),
    purged_at: null,
    period: period ? JSON.stringify(period) : null,
    version: 1,
    quarantine_path: input.quarantinePath ? relativeTo(input.quarantinePath) : null,
  };
  await ctx.tx(async (trx) => {
    const previous = await trx
      .selectFrom('contributions')
      .select((eb) => eb.fn.max('version').as('v'))
      .where('dataset_id', '=', input.datasetId)
      .where('organisation_id', '=', organisationId)
      .executeTakeFirst();
    row.version = Number(previous?.v ?? 0) + 1;
    await trx.insertInto('contributions').values(row).execute();
    await ctx.audit(trx, actor, 'upload', row.id, {
      dataset: input.datasetId,
      organisation: organisationId,
      agreement: agreement.id,
      sha256: input.sha256,
      bytes: input.bytes,
      rows: row.rows,
      accepted: input.accepted,
      quarantined: input.quarantined,
      reasons: input.reasons ?? {},
      period,
      version: row.version,
    });
  });
  return contributionView(ctx, row);
}

/**
 * The quarantine report of a contribution (`row;field;reason`, no values), for the users of
 * the delivering organisation and the broker: its contribution and the file to stream.
 */
export async function openQuarantine(
  ctx: GovernanceContext,
  actor: string,
  id: string,
): Promise<{ contribution: Contribution; path: string }> {
  const row = await ctx.db
    .selectFrom('contributions')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw new GovernanceError('not_found', `contribution ${id} does not exist`);
  const user = await getUser(ctx, actor);
  if (!user.roles.includes('broker') && !user.organisations.includes(row.organisation_id))
    throw new GovernanceError(
      'forbidden',
      `${user.email} does not belong to ${row.organisation_id}, which delivered contribution ${id}: only its users and the broker read its quarantine report`,
    );
  checkPolicy(user, 'contribution.quarantine');
  if (row.purged_at)
    throw new GovernanceError('not_found', `contribution ${id} was purged on ${row.purged_at}`);
  if (!row.quarantine_path)
    throw new GovernanceError(
      'not_found',
      `contribution ${id} has no quarantine report (${Number(row.quarantined)} rows quarantined)`,
    );
  return { contribution: contributionView(ctx, row), path: absolute(ctx, row.quarantine_path) };
}

export async function refuseDuplicate(
  ctx: GovernanceContext,
  datasetId: string,
  sha256: string,
): Promise<void> {
  const dup = await ctx.db
    .selectFrom('contributions')
    .select('id')
    .where('dataset_id', '=', datasetId)
    .where('sha256', '=', sha256)
    .where('purged_at', 'is', null)
    .executeTakeFirst();
  if (dup)
    throw new GovernanceError(
      'conflict',
      `this file was already delivered as contribution ${dup.id}`,
    );
}
export function contributionView(
  ctx: GovernanceContext,
  r: Database['contributions'],
): Contribution {
  return {
    id: r.id,
    agreementId: r.agreement_id,
    datasetId: r.dataset_id,
    organisationId: r.organisation_id,
    uploadedBy: r.uploaded_by,
    sha256: r.sha256,
    bytes: Number(r.bytes),
    rows: Number(r.rows),
    accepted: Number(r.accepted),
    quarantined: Number(r.quarantined),
    reasons: JSON.parse(r.reasons) as Record<string, number>,
    storagePath: r.storage_path,
    createdAt: r.created_at,
    purgedAt: r.purged_at,
    period: r.period ? (JSON.parse(r.period) as number[]) : null,
    version: Number(r.version),
    quarantinePath: r.quarantine_path,
  };
}

/** Contributions, optionally only those of some organisations (providers see their own). */
export async function listContributions(
  ctx: GovernanceContext,
  opts: { organisations?: string[] } = {},
): Promise<Contribution[]> {
  let q = ctx.db.selectFrom('contributions').selectAll().orderBy('created_at').orderBy('id');
  if (opts.organisations) {
    if (opts.organisations.length === 0) return [];
    q = q.where('organisation_id', 'in', opts.organisations);
  }
  return (await q.execute()).map((r) => contributionView(ctx, r));
}
