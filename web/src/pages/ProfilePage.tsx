import { Heading, Paragraph } from '@rijkshuisstijl-community/components-react';
import { useId, useMemo } from 'react';
import {
  cellsUrl,
  unitOf,
  useAllPagesOf,
  useCells,
  useIndicators,
  useJson,
  useRegions,
  type CellsResponse,
  type Comparable,
  type Indicator,
} from '../api.js';
import { NATIONAL_CODE } from '../../../src/contracts/index.js';
import { parseChosen, profileRows, type ProfileRow } from '../compare.js';
import { ComparisonPicker } from '../components/ComparisonPicker.js';
import { DataTable, type Column } from '../components/DataTable.js';
import { Message } from '../components/Message.js';
import { SyntheticNote } from '../components/SyntheticNote.js';
import { SeriesBasis } from '../components/SeriesBasis.js';
import { Sparkline } from '../components/Sparkline.js';
import { Value } from '../components/Value.js';
import { WijkMap } from '../components/WijkMap.js';
import { compareThemes, formatNumber, themeTitle, useI18n, type Key, type T } from '../i18n.js';
import type { Reading } from '../reading.js';
import { href, navigate, type Params } from '../router.js';
import { toCsv } from '../csv.js';
import { downloadCsv } from '../download.js';
import type { Lang } from '../texts.js';

function basisText(t: T, lang: Lang, r: Reading): string {
  const b = r.basis;
  if (b.kind === 'poisson')
    return t('basisPoisson', {
      obs: formatNumber(lang, b.observed),
      exp: formatNumber(lang, Math.round(b.expected)),
      z: formatNumber(lang, b.z, 1),
    });
  if (b.kind === 'range')
    return t('basisRange', {
      n: b.n,
      min: formatNumber(lang, b.min),
      max: formatNumber(lang, b.max),
    });
  return t('basisNone');
}

/** The reading of a row in words: against the group, or why there is none. */
function readingText(t: T, r: ProfileRow): string {
  if (!r.compared) return t('notComparedReading');
  if (r.current?.status === 'confidential') return t('statusconfidential');
  if (r.current?.status === 'not-applicable') return t('statusnot-applicable');
  return t(r.reading?.key ?? 'readingUnknown');
}

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
function ThemeSection({ theme, rows, name }: { theme: string; rows: ProfileRow[]; name: string }) {
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
    {
      key: 'value',
      header: name,
      numeric: true,
      cell: (r) => <Value cell={r.current} />,
    },
    {
      key: 'group',
      header: t('colGroup'),
      numeric: true,
      cell: (r) => <GroupCell row={r} />,
    },
    {
      key: 'national',
      header: t('colNational'),
      numeric: true,
      cell: (r) =>
        r.compared ? (
          <Value cell={r.national} />
        ) : (
          <span className="sz-hint">{t('notCompared')}</span>
        ),
    },
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
      <Heading level={2} id={headingId}>
        {title}
      </Heading>
      <DataTable
        labelledBy={headingId}
        columns={columns}
        rows={rows}
        rowKey={(r) => r.indicator.id}
        rowProps={(r) => ({ 'data-indicator': r.indicator.id })}
      />
    </section>
  );
}

/** The rows as CSV: what the tables show, numbers with a decimal point. */
function profileCsv(
  t: T,
  lang: Lang,
  rows: readonly ProfileRow[],
  gemeente: { code: string; name: string },
  year: number,
  group: readonly string[],
): string {
  const status = (r: ProfileRow): string => t(`csvStatus${r.current?.status ?? 'missing'}` as Key);
  const value = (v: number | null | undefined, confidential = false): string | number | null =>
    confidential ? '.' : (v ?? null);
  return toCsv(
    [
      t('theme'),
      'indicator_id',
      t('colIndicator'),
      t('unit'),
      t('colYear'),
      t('colCode'),
      t('colRegion'),
      t('colValue'),
      t('colStatus'),
      t('colGroup'),
      t('csvGroupMembers'),
      t('colNational'),
      t('colReading'),
    ],
    rows.map((r) => [
      themeTitle(r.indicator.theme, lang),
      r.indicator.id,
      r.indicator.title[lang],
      unitOf(r.indicator, lang),
      year,
      gemeente.code,
      gemeente.name,
      value(r.current?.value, r.current?.status === 'confidential'),
      status(r),
      r.compared ? r.groupValue : null,
      r.compared ? group.join(';') : null,
      r.compared ? value(r.national?.value, r.national?.status === 'confidential') : null,
      readingText(t, r),
    ]),
  );
}

function ComparisonText({
  name,
  chosen,
  auto,
  method,
  names,
}: {
  name: string;
  chosen: readonly string[];
  auto: readonly string[];
  method: string | null;
  names: Map<string, string>;
}) {
  const { t } = useI18n();
  const list = (codes: readonly string[]) => codes.map((c) => names.get(c) ?? c).join(', ');
  return (
    <div className="sz-compare-text">
      {chosen.length > 0 ? (
        <Paragraph>
          <strong>{t('compareChosen', { n: chosen.length, list: list(chosen) })}</strong>
        </Paragraph>
      ) : auto.length > 0 ? (
        <>
          <Paragraph>
            <strong>{t('compareAuto', { n: auto.length, list: list(auto) })}</strong>
          </Paragraph>
          {method && <p className="sz-hint">{t('compareMethod', { method })}</p>}
        </>
      ) : (
        <Paragraph>{t('compareNoAuto', { name })}</Paragraph>
      )}
      <p className="sz-hint">{t('compareOnlyRates')}</p>
    </div>
  );
}

export function ProfilePage({ code, params }: { code: string; params: URLSearchParams }) {
  const { t, lang } = useI18n();
  const regions = useRegions({ level: 'gemeente' });
  const indicators = useIndicators();
  const own = useCells('latest', { region: code });
  const national = useCells('latest', { region: NATIONAL_CODE });
  const chosen = parseChosen(params.get('vergelijk'), code);
  const comparable = useJson<Comparable>(`/api/v1/regions/${encodeURIComponent(code)}/comparable`);
  const auto = comparable.data?.peers ?? [];
  const group = chosen.length > 0 ? chosen : auto;
  const yearSelectId = useId();

  const years = useMemo(
    () => [...new Set((own.data?.cells ?? []).map((c) => c.year))].sort((a, b) => a - b),
    [own.data],
  );
  const yearParam = Number(params.get('year'));
  const year = years.includes(yearParam) ? yearParam : years[years.length - 1];
  // The automatic group is computed on one release: read its figures from that release; a chosen
  // group from the release of the gemeente's own figures.
  const release =
    chosen.length === 0 && comparable.data ? comparable.data.release : own.data?.release;
  const groupKey = group.join(',');
  const groupUrls = useMemo(
    () =>
      release === undefined || year === undefined || (chosen.length === 0 && comparable.loading)
        ? null
        : groupKey
            .split(',')
            .filter(Boolean)
            .map((p) => cellsUrl(release, { region: p, year })),
    [release, year, groupKey, chosen.length, comparable.loading],
  );
  const groupCells = useAllPagesOf<CellsResponse, 'cells'>(groupUrls, 'cells');

  const names = useMemo(
    () => new Map((regions.data?.regions ?? []).map((r) => [r.code, r.name])),
    [regions.data],
  );
  const name = names.get(code) ?? code;
  const rows = useMemo(
    () =>
      indicators.data && own.data && year !== undefined
        ? profileRows(
            indicators.data.indicators,
            own.data.cells,
            national.data?.cells ?? [],
            (groupCells.data ?? []).flatMap((r) => r.cells),
            group.length,
            year,
          )
        : [],
    // `group.length` follows groupKey.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [indicators.data, own.data, national.data, groupCells.data, groupKey, year],
  );
  const themes = useMemo(() => {
    const m = new Map<string, ProfileRow[]>();
    for (const r of rows) m.set(r.indicator.theme, [...(m.get(r.indicator.theme) ?? []), r]);
    return [...m.entries()].sort(([a], [b]) => compareThemes(a, b));
  }, [rows]);

  if (own.error) return <Message kind="error" error={own.error} />;
  if (own.loading || indicators.loading || regions.loading || year === undefined)
    return <Message kind="loading" />;

  /** The view with some of its state changed; every part of it lives in the URL. */
  const view = (changes: Params): string =>
    href(`/gemeente/${code}`, {
      vergelijk: chosen.join(','),
      year: params.get('year'),
      indicator: params.get('indicator'),
      ...changes,
    });
  const ordered = themes.flatMap(([, list]) => list);
  const groupReady = !groupCells.loading && (chosen.length > 0 || !comparable.loading);

  return (
    <>
      <Heading level={1}>{t('profileTitle', { name })}</Heading>
      <Paragraph purpose="lead">{t('profileIntro', { name, code, year })}</Paragraph>
      <p className="sz-caution">{t('caution')}</p>
      <SyntheticNote gemeente={code} />

      <div className="sz-toolbar">
        <div className="sz-field">
          <label className="utrecht-form-label" htmlFor={yearSelectId}>
            {t('yearOf')}
          </label>
          <select
            id={yearSelectId}
            className="utrecht-select"
            value={year}
            onChange={(e) => navigate(view({ year: e.target.value }))}
          >
            {years.map((y) => (
              <option key={y} value={y}>
                {y}
              </option>
            ))}
          </select>
        </div>
        <ul className="sz-links">
          <li>
            <a href={href('/zoekgebieden', { gemeente: code, year, level: 'buurt' })}>
              {t('zgOpen', { name })}
            </a>
          </li>
          <li>
            <a href={href('/kaart', { gemeente: code, year })}>{t('zoomInto', { name })}</a>
          </li>
        </ul>
        <div className="sz-actions">
          <button
            type="button"
            className="utrecht-button utrecht-button--secondary-action"
            disabled={!groupReady}
            onClick={() =>
              downloadCsv(
                `samenzicht-${code}-${year}.csv`,
                profileCsv(t, lang, ordered, { code, name }, year, group),
              )
            }
          >
            {t('downloadView')}
          </button>
          <button
            type="button"
            className="utrecht-button utrecht-button--secondary-action"
            onClick={() => window.print()}
          >
            {t('printView')}
          </button>
        </div>
      </div>

      <section aria-labelledby="compare-h" className="sz-compare">
        <Heading level={2} id="compare-h">
          {t('compareTitle')}
        </Heading>
        <ComparisonText
          name={name}
          chosen={chosen}
          auto={auto}
          method={comparable.data?.method[lang] ?? null}
          names={names}
        />
        <ComparisonPicker
          own={code}
          gemeenten={regions.data?.regions ?? []}
          chosen={chosen}
          suggested={auto}
          onChange={(next) => navigate(view({ vergelijk: next.join(',') }), { replace: true })}
        />
      </section>

      {groupCells.error && <Message kind="error" error={groupCells.error} />}
      <div aria-busy={!groupReady}>
        {themes.map(([theme, list]) => (
          <ThemeSection key={theme} theme={theme} rows={list} name={name} />
        ))}
      </div>
      <Paragraph className="sz-hint">{t('rounding')}</Paragraph>
      {own.data?.release && <SeriesBasis release={own.data.release} />}

      <WijkMap
        gemeente={code}
        name={name}
        year={year}
        indicators={indicators.data?.indicators ?? ([] as Indicator[])}
        indicatorId={params.get('indicator')}
        onIndicator={(id) => navigate(view({ indicator: id }))}
      />
    </>
  );
}
