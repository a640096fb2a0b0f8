import { Heading, Paragraph } from '@rijkshuisstijl-community/components-react';
import type { ReactNode } from 'react';
import type { PublicManifest } from '../../api.js';
import { DataTable, numericColumn, type Column } from '../../components/DataTable.js';
import { formatNumber, useI18n } from '../../i18n.js';
import { providerName, ruleName, ruleParameterLines } from '../../words.js';
import { Item } from './facts.js';

/** The disclosure control per rule: what it protected, whether it passed, its settings. */
function DisclosureTable({
  manifest,
  titleOf,
}: {
  manifest: PublicManifest;
  titleOf: (id: string) => string;
}) {
  const { t, lang } = useI18n();
  const all = manifest.indicators.map((i) => i.id);
  type Rule = PublicManifest['disclosure']['rules'][number];
  const columns: Column<Rule>[] = [
    { key: 'rule', header: t('colRule'), rowHeader: true, cell: (r) => ruleName(r.rule, lang) },
    numericColumn('cells', t('colProtected'), (r) => formatNumber(lang, r.cells)),
    { key: 'passed', header: t('colPassed'), cell: (r) => (r.passed ? t('yes') : t('no')) },
    {
      key: 'parameters',
      header: t('colParameters'),
      cell: (r) => {
        const lines = ruleParameterLines(r, all, titleOf, lang);
        return lines.length === 1 ? (
          lines[0]
        ) : (
          <ul className="sz-plain">
            {lines.map((l) => (
              <li key={l}>{l}</li>
            ))}
          </ul>
        );
      },
    },
  ];
  return (
    <DataTable
      caption={t('disclosureCaption', { id: manifest.id })}
      columns={columns}
      rows={manifest.disclosure.rules}
      rowKey={(r) => r.rule}
    />
  );
}

/** What the public manifest tells: figures, disclosure control, data used, notes, downloads. */
export function Summary({
  manifest,
  titleOf,
  children,
}: {
  manifest: PublicManifest;
  titleOf: (id: string) => string;
  children: ReactNode;
}) {
  const { t, lang } = useI18n();
  const byStatus = manifest.cells.byStatus;
  const sources = new Map<string, string[]>();
  for (const i of manifest.inputs)
    sources.set(i.provider, [...(sources.get(i.provider) ?? []), i.dataset]);
  const file = (name: string): string =>
    `/api/v1/releases/${encodeURIComponent(manifest.id)}/${name}`;
  return (
    <>
      <Heading level={2}>{t('figuresTitle')}</Heading>
      <dl className="utrecht-data-list sz-figures">
        <Item label={t('figuresTotal')}>{formatNumber(lang, manifest.cells.count)}</Item>
        <Item label={t('figuresPublished')}>{formatNumber(lang, byStatus.published ?? 0)}</Item>
        <Item label={t('figuresConfidential')}>
          {formatNumber(lang, byStatus.confidential ?? 0)}
        </Item>
        <Item label={t('figuresNa')}>{formatNumber(lang, byStatus['not-applicable'] ?? 0)}</Item>
        <Item label={t('checksum')}>
          <code>{manifest.cells.sha256.slice(0, 12)}</code>
        </Item>
      </dl>
      <Paragraph className="sz-hint">{t('rounding')}</Paragraph>

      <Heading level={2}>{t('disclosureTitle')}</Heading>
      <Paragraph>{t('disclosureIntro')}</Paragraph>
      <Paragraph className="sz-status">
        {manifest.disclosure.passed ? t('disclosurePassed') : t('disclosureFailed')}
      </Paragraph>
      <DisclosureTable manifest={manifest} titleOf={titleOf} />

      {sources.size > 0 && (
        <>
          <Heading level={2}>{t('inputsTitle')}</Heading>
          <ul>
            {[...sources.entries()].map(([provider, datasets]) => (
              <li key={provider}>
                {providerName(provider)}: {datasets.join(', ')}
              </li>
            ))}
          </ul>
        </>
      )}

      {manifest.notes.length > 0 && (
        <>
          <Heading level={2}>{t('notesTitle')}</Heading>
          <ul className="sz-notes">
            {manifest.notes.map((n) => (
              <li key={n.en}>{n[lang]}</li>
            ))}
          </ul>
        </>
      )}

      <Heading level={2}>{t('downloads')}</Heading>
      <ul>
        <li>
          <a href={file('cells.csv')} download>
            {t('downloadReleaseCsv')}
          </a>
        </li>
        <li>
          <a href={file('cells.parquet')} download>
            {t('downloadReleaseParquet')}
          </a>
        </li>
      </ul>
      {children}
    </>
  );
}
