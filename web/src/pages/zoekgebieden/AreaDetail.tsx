import { Heading, Paragraph } from '@rijkshuisstijl-community/components-react';
import { useId, type RefObject } from 'react';
import { unitOf, type Indicator, type Zoekgebied, type ZoekgebiedSignal } from '../../api.js';
import { DataTable, numericColumn, type Column } from '../../components/DataTable.js';
import { themeTitle, useI18n } from '../../i18n.js';
import { href } from '../../router.js';
import { num, qText, themesText } from './words.js';

/** The columns of an area's signals: its figure, the references, the ratio and the test. */
function useSignalColumns(
  area: Zoekgebied,
  indicators: Map<string, Indicator>,
  gemeenteName: string,
): Column<ZoekgebiedSignal>[] {
  const { t, lang } = useI18n();
  return [
    { key: 'theme', header: t('theme'), cell: (s) => themeTitle(s.theme, lang) },
    {
      key: 'indicator',
      header: t('colIndicator'),
      rowHeader: true,
      cell: (s) => {
        const ind = indicators.get(s.indicator);
        return ind ? (
          <>
            <a href={href(`/indicator/${ind.id}`)}>{ind.title[lang]}</a>{' '}
            <span className="sz-hint">({unitOf(ind, lang)})</span>
          </>
        ) : (
          s.indicator
        );
      },
    },
    numericColumn('value', area.name, (s) => num(lang, s.value)),
    numericColumn('gemeente', `${t('colGemeenteRef')} ${gemeenteName}`, (s) =>
      num(lang, s.gemeenteValue),
    ),
    numericColumn('nederland', t('colNational'), (s) => num(lang, s.nederlandValue)),
    numericColumn('ratio', t('colRatio'), (s) =>
      s.ratio === null ? '–' : t('zgRatio', { ratio: num(lang, s.ratio) }),
    ),
    {
      key: 'higher',
      header: t('colHigher'),
      cell: (s) => (
        <>
          {s.significant ? <strong>{t('zgHigherYes')}</strong> : t('zgHigherNo')}{' '}
          <span className="sz-hint">({qText(t, lang, s.qValue)})</span>
        </>
      ),
    },
  ];
}

/** The indicators behind one area: its figure, the references, the ratio and the test. */
export function AreaDetail({
  area,
  indicators,
  gemeenteName,
  headingRef,
}: {
  area: Zoekgebied;
  indicators: Map<string, Indicator>;
  gemeenteName: string;
  headingRef: RefObject<HTMLHeadingElement | null>;
}) {
  const { t, lang } = useI18n();
  const headingId = useId();
  const columns = useSignalColumns(area, indicators, gemeenteName);
  const signals = [...area.signals].sort(
    (a, b) => Number(b.significant) - Number(a.significant) || a.qValue - b.qValue,
  );
  return (
    <section aria-labelledby={headingId} className="sz-area-detail" data-code={area.code}>
      <Heading level={2} id={headingId} ref={headingRef} tabIndex={-1}>
        {t('zgDetail', { name: area.name })}
      </Heading>
      <Paragraph>
        {area.flagged && <strong className="sz-badge">{t('zgFlagged')}</strong>}{' '}
        {themesText(t, area.themeCount)}
        {area.themes.length > 0 && `: ${area.themes.map((th) => themeTitle(th, lang)).join(', ')}`}.
      </Paragraph>
      <DataTable
        caption={t('zgDetailCaption', { name: area.name })}
        columns={columns}
        rows={signals}
        rowKey={(s) => s.indicator}
        rowProps={(s) => ({ 'data-indicator': s.indicator })}
      />
    </section>
  );
}
