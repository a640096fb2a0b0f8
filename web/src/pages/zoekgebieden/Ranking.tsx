import { Heading } from '@rijkshuisstijl-community/components-react';
import { useId } from 'react';
import type { Zoekgebied } from '../../api.js';
import { DataTable, numericColumn, type Column } from '../../components/DataTable.js';
import { formatNumber, themeTitle, useI18n } from '../../i18n.js';
import { num, type AreaChoice } from './words.js';

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
function AreaLink({ area: a, choice }: { area: Zoekgebied; choice: AreaChoice }) {
  const { t } = useI18n();
  const selected = a.code === choice.selected?.code;
  return (
    <>
      <a href={choice.hrefOf(a.code)} aria-current={selected ? 'true' : undefined}>
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
  choice,
  scopeName,
  titleOf,
}: {
  areas: readonly Zoekgebied[];
  choice: AreaChoice;
  scopeName: string;
  titleOf: (id: string) => string;
}) {
  const { t, lang } = useI18n();
  const rankId = useId();
  const columns: Column<Zoekgebied>[] = [
    numericColumn('rank', t('colRank'), (a) => areas.indexOf(a) + 1),
    {
      key: 'area',
      header: t('colArea'),
      rowHeader: true,
      cell: (a) => <AreaLink area={a} choice={choice} />,
    },
    {
      key: 'themes',
      header: t('colThemes'),
      cell: (a) =>
        a.themeCount === 0
          ? t('zgNoneHigher')
          : `${a.themeCount}: ${a.themes.map((th) => themeTitle(th, lang)).join(', ')}`,
    },
    numericColumn('score', t('colScore'), (a) => formatNumber(lang, a.score, 2)),
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
          className: `utrecht-table__row${a.code === choice.selected?.code ? ' sz-row--selected' : ''}`,
        })}
      />
    </section>
  );
}
