/** One line per organisation, user, agreement, contribution or release, as the CLI lists them. */
import type {
  Agreement,
  Contribution,
  Organisation,
  Release,
  User,
} from '../../governance/index.js';

export function orgLine(x: Organisation): string {
  return `${x.id}  ${x.role}  ${x.name}${x.providerIds.length ? `  [${x.providerIds.join(', ')}]` : ''}`;
}

export function userLine(u: User): string {
  return `${u.email}  ${u.name}  organisations ${u.organisations.join(',') || '-'}  roles ${u.roles.join(',') || '-'}`;
}

export function agreementLine(a: Agreement): string {
  const signed = a.parties.filter((p) => p.signedAt).length;
  return `${a.id}  ${a.status}  ${a.validFrom.slice(0, 10)}..${a.validUntil.slice(0, 10)}  signed ${signed}/${a.parties.length}  datasets ${a.datasets.length}  themes ${a.themes.join(',')}`;
}

/** The agreement in full, for `agreements show`. */
export function agreementText(a: Agreement): string {
  const lines = [
    agreementLine(a),
    `title: ${a.title}`,
    `purpose: ${a.purpose}`,
    `legal basis: ${a.legalBasis}`,
    `valid: ${a.validFrom} .. ${a.validUntil}, retention ${a.retentionDays} days`,
    'parties:',
    ...a.parties.map(
      (p) =>
        `  ${p.organisationId}  ${p.signedAt ? `signed ${p.signedAt} by ${p.signedBy ?? '?'}` : 'not signed'}`,
    ),
    `datasets: ${a.datasets.join(', ')}`,
    `themes: ${a.themes.join(', ')}`,
  ];
  if (a.indicators.length) lines.push(`indicators: ${a.indicators.join(', ')}`);
  if (a.revokedAt) lines.push(`revoked ${a.revokedAt}: ${a.revokeReason ?? ''}`);
  if (a.purgedAt) lines.push(`contributions purged ${a.purgedAt}`);
  return lines.join('\n');
}

export function contributionLine(c: Contribution): string {
  const reasons = Object.entries(c.reasons)
    .map(([r, n]) => `${r}:${n}`)
    .join(',');
  return `${c.id}  ${c.datasetId}  ${c.organisationId}  rows ${c.rows}  accepted ${c.accepted}  quarantined ${c.quarantined}${reasons ? ` (${reasons})` : ''}  sha256 ${c.sha256.slice(0, 12)}  ${c.createdAt}${c.purgedAt ? `  purged ${c.purgedAt}` : ''}`;
}

export function releaseLine(r: Release): string {
  const providers = Object.entries(r.approval.providers)
    .map(([p, s]) => `${p}:${s}`)
    .join(' ');
  const extra = r.state === 'withdrawn' ? ` (withdrawn: ${r.withdrawReason ?? ''})` : '';
  return `${r.id}  ${r.state}${extra}  indicators ${r.indicators.length}  board ${r.approval.board.approvals}/${r.approval.board.required}  ${providers}`;
}

/** The release in full, for `releases show`: what a reviewer checks before signing. */
export function releaseText(r: Release): string {
  const lines = [
    releaseLine(r),
    `digest: ${r.digest ?? '(none recorded)'}`,
    `run: ${r.runId}  started by ${r.startedBy}  created ${r.createdAt}`,
    `indicators: ${r.indicators.join(', ')}`,
    `datasets: ${r.datasets.join(', ')}`,
    `providers: ${r.providers.join(', ')}`,
  ];
  if (r.publishedAt) lines.push(`published ${r.publishedAt} by ${r.publishedBy ?? '?'}`);
  if (r.withdrawnAt)
    lines.push(`withdrawn ${r.withdrawnAt} by ${r.withdrawnBy ?? '?'}: ${r.withdrawReason ?? ''}`);
  lines.push(r.reviews.length ? 'reviews:' : 'reviews: none');
  for (const v of r.reviews)
    lines.push(
      `  ${v.createdAt}  ${v.capacity}  ${v.decision}  by ${v.userId}${v.digest ? `  digest ${v.digest.slice(0, 12)}` : ''}${v.reason ? `  ${v.reason}` : ''}`,
    );
  return lines.join('\n');
}
