/**
 * Contributions with their validation report (providers see their own); the per-row quarantine
 * report downloads in the user's session, for the delivering provider and the broker.
 */
import { Paragraph } from '@rijkshuisstijl-community/components-react';
import type { MouseEvent } from 'react';
import type { Column } from '../../components/DataTable.js';
import { formatNumber, useI18n } from '../../i18n.js';
import { quarantineLink } from './access.js';
import { useAction } from './action.js';
import { GovSection, ListTable } from './ListSection.js';
import { Refusal } from './parts.js';
import { useGovApi, useList, useSession } from './session.js';
import type { ContributionRow } from './types.js';

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
      ? [
          {
            key: 'version',
            header: t('govColVersion'),
            numeric: true,
            cell: (c: ContributionRow) => c.version ?? '',
          },
        ]
      : []),
    { key: 'rows', header: t('rows'), numeric: true, cell: (c) => formatNumber(lang, c.rows) },
    {
      key: 'accepted',
      header: t('accepted'),
      numeric: true,
      cell: (c) => formatNumber(lang, c.accepted),
    },
    {
      key: 'quarantined',
      header: t('quarantined'),
      numeric: true,
      cell: (c) => formatNumber(lang, c.quarantined),
    },
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
    <GovSection id="gov-contributions" title={t('govContributions')}>
      <ListTable list={list} columns={columns} labelledBy="gov-contributions" />
      {anyQuarantine && !caps.quarantineRead && (
        <Paragraph className="sz-hint">{t('govQuarantineWho')}</Paragraph>
      )}
    </GovSection>
  );
}
