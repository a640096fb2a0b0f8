/**
 * Contributions with their validation report (providers see their own); the per-row quarantine
 * report downloads in the user's session, for the delivering provider and the broker.
 */
import { Paragraph } from '@rijkshuisstijl-community/components-react';
import type { MouseEvent } from 'react';
import { numericColumn, type Column } from '../../components/DataTable.js';
import { formatNumber, useI18n } from '../../i18n.js';
import { quarantineLink } from './access.js';
import { useAction } from './action.js';
import { ListSection } from './ListSection.js';
import { Refusal } from './parts.js';
import { useGovApi, useList, useSession } from './session.js';
import type { ContributionRow } from './types.js';

/** The counts of a validation report, each a column named by its own text key. */
const COUNTS = ['rows', 'accepted', 'quarantined'] as const;

function QuarantineLink({ c, url }: { c: ContributionRow; url: string }) {
  const { t } = useI18n();
  const api = useGovApi();
  const action = useAction();
  const open = (e: MouseEvent<HTMLAnchorElement>) => {
    e.preventDefault();
    void action.run(() => api.download(url, `${c.datasetId}-v${c.version ?? 1}.quarantine.csv`));
  };
  return (
    <>
      <a href={url} onClick={open}>
        {t('govQuarantineLink', { dataset: c.datasetId, version: c.version ?? 1 })}
      </a>
      <Refusal error={action.refusal} />
    </>
  );
}

export function Contributions() {
  const { t, lang } = useI18n();
  const { caps } = useSession();
  const list = useList<ContributionRow>('/api/v1/contributions');
  const rows = list.rows ?? [];
  const anyQuarantine = rows.some((c) => c.quarantineUrl);
  const columns: Column<ContributionRow>[] = [
    {
      key: 'dataset',
      header: t('dataset'),
      rowHeader: true,
      cell: (c) => `${c.datasetId} ${c.organisationId ? `(${c.organisationId})` : ''}`,
    },
    ...(rows.some((c) => c.version !== undefined)
      ? [numericColumn<ContributionRow>('version', t('govColVersion'), (c) => c.version ?? '')]
      : []),
    ...COUNTS.map((k) => numericColumn<ContributionRow>(k, t(k), (c) => formatNumber(lang, c[k]))),
  ];
  if (anyQuarantine && caps.quarantineRead)
    columns.push({
      key: 'quarantine',
      header: t('govColQuarantine'),
      cell: (c) => {
        const url = quarantineLink(c, caps);
        return url ? <QuarantineLink c={c} url={url} /> : '';
      },
    });
  return (
    <ListSection id="gov-contributions" title={t('govContributions')} list={list} columns={columns}>
      {anyQuarantine && !caps.quarantineRead && (
        <Paragraph className="sz-hint">{t('govQuarantineWho')}</Paragraph>
      )}
    </ListSection>
  );
}
