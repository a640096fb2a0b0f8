import { useId } from 'react';
import { unitOf } from '../../api.js';
import type { ProfileRow } from '../../compare.js';
import { HeadedTable, numericColumn, type Column } from '../../components/DataTable.js';
import { Sparkline } from '../../components/Sparkline.js';
import { Value } from '../../components/Value.js';
import { themeTitle, useI18n } from '../../i18n.js';
import type { Reading } from '../../reading.js';
import { href } from '../../router.js';
import { basisText, readingText } from './readings.js';

function ReadingCell({ row }: { row: ProfileRow }) {
  const { t, lang } = useI18n();
  const text = readingText(t, row);
  const read = row.compared && row.current?.status === 'published' && row.reading;
  if (!read) return <span className={row.compared ? undefined : 'sz-hint'}>{text}</span>;
  return (
    <>
      <strong>{text}</strong>
      <br />
      <span className="sz-hint">{basisText(t, lang, row.reading as Reading)}</span>
    </>
  );
}

function GroupCell({ row }: { row: ProfileRow }) {
  const { t } = useI18n();
  if (!row.compared) return <span className="sz-hint">{t('notCompared')}</span>;
  return (
    <>
      <Value value={row.groupValue} />
      {row.groupPublished < row.groupSize && (
        <span className="sz-hint sz-block">
          {t('groupPart', { n: row.groupPublished, m: row.groupSize })}
        </span>
      )}
    </>
  );
}

/** One theme: a heading and the table of its indicators. */
export function ThemeSection({
  theme,
  rows,
  name,
}: {
  theme: string;
  rows: ProfileRow[];
  name: string;
}) {
  const { t, lang } = useI18n();
  const headingId = useId();
  const columns: Column<ProfileRow>[] = [
    {
      key: 'indicator',
      header: t('colIndicator'),
      rowHeader: true,
      cell: (r) => (
        <>
          <a href={href(`/indicator/${r.indicator.id}`)}>{r.indicator.title[lang]}</a>{' '}
          <span className="sz-hint">({unitOf(r.indicator, lang)})</span>
        </>
      ),
    },
    numericColumn('value', name, (r) => <Value cell={r.current} />),
    numericColumn('group', t('colGroup'), (r) => <GroupCell row={r} />),
    numericColumn('national', t('colNational'), (r) =>
      r.compared ? (
        <Value cell={r.national} />
      ) : (
        <span className="sz-hint">{t('notCompared')}</span>
      ),
    ),
    {
      key: 'trend',
      header: t('colTrend'),
      cell: (r) => <Sparkline points={r.trend} />,
    },
    { key: 'reading', header: t('colReading'), cell: (r) => <ReadingCell row={r} /> },
  ];
  const title = themeTitle(theme, lang);
  return (
    <section className="sz-theme" aria-labelledby={headingId} data-theme={theme}>
      <HeadedTable
        id={headingId}
        title={title}
        columns={columns}
        rows={rows}
        rowKey={(r) => r.indicator.id}
        rowProps={(r) => ({ 'data-indicator': r.indicator.id })}
      />
    </section>
  );
}
