import { Heading } from '@rijkshuisstijl-community/components-react';
import { useId } from 'react';
import type { Zoekgebied } from '../../api.js';
import { DataTable, type Column } from '../../components/DataTable.js';
import { formatNumber, themeTitle, useI18n } from '../../i18n.js';
import { num } from './words.js';

/** The significant signals of an area in a few words each. */
function SignalsSummary({ area, titleOf }: { area: Zoekgebied; titleOf: (id: string) => string }) {
  const { t, lang } = useI18n();
  const higher = area.signals.filter((s) => s.significant);
  if (higher.length === 0) return <span className="sz-hint">{t('zgNoneHigher')}</span>;
  return (
    <ul className="sz-plain">
      {higher.map((s) => (
        <li key={s.indicator}>
          {t('zgSignalShort', {
            indicator: titleOf(s.indicator),
            value: num(lang, s.value),
            ref: num(lang, s.gemeenteValue),
          })}
        </li>
      ))}
    </ul>
  );
}

/** The area's name, a link that selects it (marked when selected), and its flag. */
function AreaLink({
  area: a,
  selected,
  hrefOf,
}: {
  area: Zoekgebied;
  selected: boolean;
  hrefOf: (code: string) => string;
}) {
  const { t } = useI18n();
  return (
    <>
      <a href={hrefOf(a.code)} aria-current={selected ? 'true' : undefined}>
        {a.name}
      </a>
      {a.flagged && (
        <>
          {' '}
          <span className="sz-badge">{t('zgFlagged')}</span>
        </>
      )}
    </>
  );
}

/** The areas by score, each leading to its detail; the selected one is marked. */
export function Ranking({
  areas,
  selected,
  scopeName,
  hrefOf,
  titleOf,
}: {
  areas: readonly Zoekgebied[];
  selected: Zoekgebied | undefined;
  scopeName: string;
  /** Where choosing an area leads. */
  hrefOf: (code: string) => string;
  titleOf: (id: string) => string;
}) {
  const { t, lang } = useI18n();
  const rankId = useId();
  const columns: Column<Zoekgebied>[] = [
    { key: 'rank', header: t('colRank'), numeric: true, cell: (a) => areas.indexOf(a) + 1 },
    {
      key: 'area',
      header: t('colArea'),
      rowHeader: true,
      cell: (a) => <AreaLink area={a} selected={a.code === selected?.code} hrefOf={hrefOf} />,
    },
    {
      key: 'themes',
      header: t('colThemes'),
      cell: (a) =>
        a.themeCount === 0
          ? t('zgNoneHigher')
          : `${a.themeCount}: ${a.themes.map((th) => themeTitle(th, lang)).join(', ')}`,
    },
    {
      key: 'score',
      header: t('colScore'),
      numeric: true,
      cell: (a) => formatNumber(lang, a.score, 2),
    },
    {
      key: 'signals',
      header: t('colSignals'),
      cell: (a) => <SignalsSummary area={a} titleOf={titleOf} />,
    },
  ];
  return (
    <section aria-labelledby={rankId}>
      <Heading level={2} id={rankId}>
        {t('zgRanking')}
      </Heading>
      <DataTable
        caption={t('zgRankingCaption', { name: scopeName })}
        columns={columns}
        rows={areas}
        rowKey={(a) => a.code}
        rowProps={(a) => ({
          'data-code': a.code,
          className: `utrecht-table__row${a.code === selected?.code ? ' sz-row--selected' : ''}`,
        })}
      />
    </section>
  );
}
