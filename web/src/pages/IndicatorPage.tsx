import { Heading, Paragraph } from '@rijkshuisstijl-community/components-react';
import { useMemo } from 'react';
import { unitOf, useCells, useIndicators } from '../api.js';
import { NATIONAL_CODE } from '../../../src/contracts/index.js';
import { Message } from '../components/Message.js';
import { SeriesBasis } from '../components/SeriesBasis.js';
import { TrendChart } from '../components/TrendChart.js';
import { Value } from '../components/Value.js';
import { themeTitle, useI18n, type Key } from '../i18n.js';
import { href } from '../router.js';
import { providerName } from '../words.js';

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
  const providers = [...new Set(ind.sources.map((s) => s.provider))];
  const release = nl.data?.release ?? 'latest';

  return (
    <>
      <Heading level={1}>{ind.title[lang]}</Heading>
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

      <Heading level={2} id="ind-table-h">
        {t('tableTitle')}
      </Heading>
      <div className="sz-table-wrap">
        <table className="utrecht-table" aria-labelledby="ind-table-h">
          <thead className="utrecht-table__header">
            <tr className="utrecht-table__row">
              <th className="utrecht-table__header-cell" scope="col">
                {t('colYear')}
              </th>
              <th className="utrecht-table__header-cell sz-num" scope="col">
                {t('colValue')} ({unitOf(ind, lang)})
              </th>
              <th className="utrecht-table__header-cell sz-num" scope="col">
                {t('colNumerator')}
              </th>
              <th className="utrecht-table__header-cell sz-num" scope="col">
                {t('colDenominator')}
              </th>
              <th className="utrecht-table__header-cell" scope="col">
                {t('colStatus')}
              </th>
            </tr>
          </thead>
          <tbody className="utrecht-table__body">
            {series.map((c) => (
              <tr className="utrecht-table__row" key={c.year}>
                <th className="utrecht-table__header-cell" scope="row">
                  {c.year}
                </th>
                <td className="utrecht-table__cell sz-num">
                  <Value cell={c} />
                </td>
                <td className="utrecht-table__cell sz-num">
                  {c.numerator === null ? <Value cell={c} /> : <Value value={c.numerator} />}
                </td>
                <td className="utrecht-table__cell sz-num">
                  {c.denominator === null ? <Value cell={c} /> : <Value value={c.denominator} />}
                </td>
                <td className="utrecht-table__cell">{t(`status${c.status}` as Key)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Paragraph className="sz-hint">{t('rounding')}</Paragraph>

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
