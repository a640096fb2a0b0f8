import { Heading, Paragraph } from '@rijkshuisstijl-community/components-react';
import { useMemo } from 'react';
import { unitOf, useCells, useIndicators, type Cell, type Indicator } from '../api.js';
import { NATIONAL_CODE } from '../../../src/contracts/regions.js';
import { HeadedTable, numericColumn, type Column } from '../components/DataTable.js';
import { Message } from '../components/Message.js';
import { SeriesBasis } from '../components/SeriesBasis.js';
import { TrendChart } from '../components/TrendChart.js';
import { Value } from '../components/Value.js';
import { themeTitle, useI18n, type Key } from '../i18n.js';
import { href } from '../router.js';
import { providerName } from '../words.js';

/** Theme, unit and region basis. */
function IndicatorFacts({ ind }: { ind: Indicator }) {
  const { t, lang } = useI18n();
  return (
    <dl className="utrecht-data-list">
      <div className="utrecht-data-list__item">
        <dt className="utrecht-data-list__item-key">{t('theme')}</dt>
        <dd className="utrecht-data-list__item-value">{themeTitle(ind.theme, lang)}</dd>
      </div>
      <div className="utrecht-data-list__item">
        <dt className="utrecht-data-list__item-key">{t('unit')}</dt>
        <dd className="utrecht-data-list__item-value">{unitOf(ind, lang)}</dd>
      </div>
      {ind.regionBasis && (
        <div className="utrecht-data-list__item">
          <dt className="utrecht-data-list__item-key">{t('regionBasis')}</dt>
          <dd className="utrecht-data-list__item-value">{ind.regionBasis[lang]}</dd>
        </div>
      )}
    </dl>
  );
}

/** What the indicator measures, how, and from which sources. */
function IndicatorMethod({ ind }: { ind: Indicator }) {
  const { t, lang } = useI18n();
  const providers = [...new Set(ind.sources.map((s) => s.provider))];
  return (
    <>
      <Heading level={2}>{t('definition')}</Heading>
      <Paragraph>{ind.description[lang]}</Paragraph>
      <Heading level={2}>{t('methodology')}</Heading>
      {/* What counts, what is left out, rounding, region basis: one paragraph each. */}
      {ind.methodology[lang].split('\n\n').map((p, i) => (
        <Paragraph key={i}>{p}</Paragraph>
      ))}
      <Heading level={2}>{t('sources')}</Heading>
      <ul>
        {providers.map((p) => (
          <li key={p}>
            {providerName(p)}:{' '}
            {ind.sources
              .filter((s) => s.provider === p)
              .map((s) => s.dataset)
              .join(', ')}
          </li>
        ))}
      </ul>
    </>
  );
}

/** The national figures year by year, with numerator and denominator. */
function SeriesTable({ ind, series }: { ind: Indicator; series: readonly Cell[] }) {
  const { t, lang } = useI18n();
  const columns: Column<Cell>[] = [
    { key: 'year', header: t('colYear'), rowHeader: true, cell: (c) => c.year },
    numericColumn('value', `${t('colValue')} (${unitOf(ind, lang)})`, (c) => <Value cell={c} />),
    numericColumn('numerator', t('colNumerator'), (c) =>
      c.numerator === null ? <Value cell={c} /> : <Value value={c.numerator} />,
    ),
    numericColumn('denominator', t('colDenominator'), (c) =>
      c.denominator === null ? <Value cell={c} /> : <Value value={c.denominator} />,
    ),
    { key: 'status', header: t('colStatus'), cell: (c) => t(`status${c.status}` as Key) },
  ];
  return (
    <>
      <HeadedTable
        id="ind-table-h"
        title={t('tableTitle')}
        columns={columns}
        rows={series}
        rowKey={(c) => String(c.year)}
      />
      <Paragraph className="sz-hint">{t('rounding')}</Paragraph>
    </>
  );
}

/** The indicator's figures as files and as OData, and the way to its map. */
function IndicatorDownloads({ ind, release }: { ind: Indicator; release: string }) {
  const { t } = useI18n();
  return (
    <>
      <Heading level={2}>{t('downloads')}</Heading>
      <ul>
        <li>
          <a
            href={`/api/v1/releases/${encodeURIComponent(release)}/cells.csv?indicator=${encodeURIComponent(ind.id)}`}
            download
          >
            {t('downloadCsv')}
          </a>
        </li>
        <li>
          <a href={`/api/v1/releases/${encodeURIComponent(release)}/cells.parquet`} download>
            {t('downloadParquet')}
          </a>
        </li>
        <li>
          <a
            href={`/odata/v1/Samenzicht/${encodeURIComponent(release)}/Observations?$filter=${encodeURIComponent(`Measure eq '${ind.id}'`)}`}
          >
            {t('odataLink')}
          </a>
        </li>
        <li>
          <a href={href('/kaart', { indicator: ind.id })}>{t('openMap')}</a>
        </li>
      </ul>
    </>
  );
}

export function IndicatorPage({ id }: { id: string }) {
  const { t, lang } = useI18n();
  const indicators = useIndicators();
  const nl = useCells('latest', { indicator: id, region: NATIONAL_CODE });
  const ind = indicators.data?.indicators.find((i) => i.id === id);
  const series = useMemo(
    () => (nl.data?.cells ?? []).filter((c) => c.breakdown === '').sort((a, b) => a.year - b.year),
    [nl.data],
  );
  const points = useMemo(
    () =>
      series
        .filter((c) => c.status === 'published' && c.value !== null)
        .map((c) => ({ year: c.year, value: c.value as number })),
    [series],
  );

  if (indicators.error) return <Message kind="error" error={indicators.error} />;
  if (indicators.loading) return <Message kind="loading" />;
  if (!ind) return <Message kind="notFound" />;
  const release = nl.data?.release ?? 'latest';

  return (
    <>
      <Heading level={1}>{ind.title[lang]}</Heading>
      <IndicatorFacts ind={ind} />
      <IndicatorMethod ind={ind} />

      <Heading level={2}>{t('trendTitle')}</Heading>
      {nl.loading && <Message kind="loading" />}
      {nl.error && <Message kind="error" error={nl.error} />}
      {points.length > 0 && (
        <TrendChart
          points={points}
          unit={unitOf(ind, lang)}
          label={t('trendAria', {
            indicator: ind.title[lang],
            from: points[0]?.year ?? '',
            to: points[points.length - 1]?.year ?? '',
          })}
        />
      )}
      {points.length > 0 && <SeriesBasis release={release} />}

      <SeriesTable ind={ind} series={series} />
      <IndicatorDownloads ind={ind} release={release} />
    </>
  );
}
