import { Heading, Paragraph } from '@rijkshuisstijl-community/components-react';
import { useEffect, useId, useMemo, useRef, type RefObject } from 'react';
import {
  HttpError,
  unitOf,
  useIndicators,
  useJson,
  useRegions,
  zoekgebiedenUrl,
  type Geo,
  type Indicator,
  type ReleaseDetail,
  type Zoekgebied,
  type ZoekgebiedenResponse,
  type ZoekgebiedSignal,
} from '../api.js';
import { Choropleth, NO_DATA, type Shapes } from '../components/Choropleth.js';
import { DataTable, type Column } from '../components/DataTable.js';
import { Legend } from '../components/Legend.js';
import { Message } from '../components/Message.js';
import { SelectField } from '../components/SelectField.js';
import { rewind } from '../geo.js';
import { formatNumber, themeTitle, useI18n, type Key, type T } from '../i18n.js';
import { gemeenteParam, href, navigate, veiligheidsregioParam, type Params } from '../router.js';
import { PALETTE } from '../scale.js';
import type { Lang } from '../texts.js';

type Level = 'wijk' | 'buurt';
/** False discovery rates offered; the API's default is 0.05. */
const STRICTNESS: [number, 'zgStrict1' | 'zgStrict5' | 'zgStrict10'][] = [
  [0.01, 'zgStrict1'],
  [0.05, 'zgStrict5'],
  [0.1, 'zgStrict10'],
];
/** Colours by number of themes with a clearly higher value: none, one, two or more. */
const THEME_FILL: readonly [string, string, string] = [PALETTE[0], PALETTE[2], PALETTE[4]];

const themeFill = (a: Zoekgebied | undefined): string =>
  a ? THEME_FILL[Math.min(2, a.themeCount) as 0 | 1 | 2] : NO_DATA;

/** A q-value in three decimals; a smaller one as "q < 0,001". */
function qText(t: T, lang: Lang, q: number): string {
  return q < 0.001
    ? t('zgQSmall', { q: formatNumber(lang, 0.001, 3) })
    : t('zgQValue', {
        q: new Intl.NumberFormat(lang === 'nl' ? 'nl-NL' : 'en-GB', {
          minimumFractionDigits: 3,
          maximumFractionDigits: 3,
        }).format(q),
      });
}

function themesText(t: T, n: number): string {
  return n === 0 ? t('zgThemes0') : n === 1 ? t('zgThemes1') : t('zgThemesN', { n });
}

const num = (lang: Lang, v: number | null, digits = 2): string =>
  v === null ? '–' : formatNumber(lang, v, digits);

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

/** The indicators behind one area: its figure, the references, the ratio and the test. */
function AreaDetail({
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
  const signals = [...area.signals].sort(
    (a, b) => Number(b.significant) - Number(a.significant) || a.qValue - b.qValue,
  );
  const columns: Column<ZoekgebiedSignal>[] = [
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
    { key: 'value', header: area.name, numeric: true, cell: (s) => num(lang, s.value) },
    {
      key: 'gemeente',
      header: `${t('colGemeenteRef')} ${gemeenteName}`,
      numeric: true,
      cell: (s) => num(lang, s.gemeenteValue),
    },
    {
      key: 'nederland',
      header: t('colNational'),
      numeric: true,
      cell: (s) => num(lang, s.nederlandValue),
    },
    {
      key: 'ratio',
      header: t('colRatio'),
      numeric: true,
      cell: (s) => (s.ratio === null ? '–' : t('zgRatio', { ratio: num(lang, s.ratio) })),
    },
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

export function ZoekgebiedenPage({ params }: { params: URLSearchParams }) {
  const { t, lang } = useI18n();
  const gemeenten = useRegions({ level: 'gemeente' });
  const regios = useRegions({ level: 'veiligheidsregio' });
  const indicators = useIndicators();
  const release = useJson<ReleaseDetail>('/api/v1/releases/latest');
  const gemeente = gemeenteParam(params);
  // A gemeente, or else a veiligheidsregio: all its gemeenten' wijken and buurten in one test.
  const regio = gemeente ? null : veiligheidsregioParam(params);
  const scopeCode = gemeente ?? regio;
  const scopeQuery = gemeente ? { gemeente } : regio ? { veiligheidsregio: regio } : null;
  const level: Level = params.get('level') === 'wijk' ? 'wijk' : 'buurt';
  const yearText = params.get('year') ?? '';
  const year = /^\d{4}$/.test(yearText) ? Number(yearText) : undefined;
  const qParam = Number(params.get('q'));
  const q = STRICTNESS.some(([v]) => v === qParam) ? qParam : undefined;
  const data = useJson<ZoekgebiedenResponse>(
    scopeQuery ? zoekgebiedenUrl('latest', { ...scopeQuery, year, level, q }) : null,
  );
  const geo = useJson<Geo>(
    scopeCode ? `/api/v1/regions/geo?level=${level}&within=${encodeURIComponent(scopeCode)}` : null,
  );
  const rankId = useId();
  const shapes = useMemo<Shapes | null>(() => (geo.data ? rewind(geo.data) : null), [geo.data]);
  const byCode = useMemo(
    () => new Map((data.data?.areas ?? []).map((a) => [a.code, a])),
    [data.data],
  );
  const indicatorMap = useMemo(
    () => new Map((indicators.data?.indicators ?? []).map((i) => [i.id, i])),
    [indicators.data],
  );
  const areas = data.data?.areas ?? [];
  const selected = byCode.get(params.get('gebied') ?? '') ?? areas[0];
  // Choosing an area (on the map or in the list) moves the focus to what it shows.
  const detailHeading = useRef<HTMLHeadingElement>(null);
  const chosenCode = params.get('gebied');
  const firstChoice = useRef(true);
  useEffect(() => {
    if (firstChoice.current) {
      firstChoice.current = false;
      return;
    }
    if (chosenCode) detailHeading.current?.focus();
  }, [chosenCode]);

  const view = (changes: Params): string =>
    href('/zoekgebieden', {
      gemeente: gemeente ?? undefined,
      veiligheidsregio: regio ?? undefined,
      year,
      level,
      q,
      gebied: params.get('gebied'),
      ...changes,
    });
  const titleOf = (id: string): string => indicatorMap.get(id)?.title[lang] ?? id;
  const sortedGemeenten = [...(gemeenten.data?.regions ?? [])].sort((a, b) =>
    a.name.localeCompare(b.name, 'nl'),
  );
  const years = [...(release.data?.manifest.years ?? [])].sort((a, b) => a - b);
  const shownYear = data.data?.year ?? year ?? years[years.length - 1];
  const scopeName =
    data.data?.scope.name ??
    [...(gemeenten.data?.regions ?? []), ...(regios.data?.regions ?? [])].find(
      (r) => r.code === scopeCode,
    )?.name ??
    '';
  const unavailable = data.error instanceof HttpError && data.error.status === 404;

  const label = (a: Zoekgebied | undefined, name: string): string =>
    a
      ? t(a.flagged ? 'zgAreaLabelFlagged' : 'zgAreaLabel', {
          name,
          themes: themesText(t, a.themeCount),
          score: formatNumber(lang, a.score, 2),
        })
      : `${name}: ${t('zgLegendUntested')}`;

  const rankColumns: Column<Zoekgebied>[] = [
    { key: 'rank', header: t('colRank'), numeric: true, cell: (a) => areas.indexOf(a) + 1 },
    {
      key: 'area',
      header: t('colArea'),
      rowHeader: true,
      cell: (a) => (
        <>
          <a
            href={view({ gebied: a.code })}
            aria-current={a.code === selected?.code ? 'true' : undefined}
          >
            {a.name}
          </a>
          {a.flagged && (
            <>
              {' '}
              <span className="sz-badge">{t('zgFlagged')}</span>
            </>
          )}
        </>
      ),
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
    <>
      <Heading level={1}>{t('zgTitle')}</Heading>
      <Paragraph purpose="lead">{t('zgIntro')}</Paragraph>
      {data.data && <p className="sz-caution">{data.data.caution[lang]}</p>}

      <form className="sz-form" onSubmit={(e) => e.preventDefault()}>
        <SelectField
          label={t('zgGemeente')}
          value={gemeente ?? ''}
          options={[
            ['', t('zgChooseOption')],
            ...sortedGemeenten.map((g) => [g.code, g.name] as const),
          ]}
          onChange={(v) =>
            navigate(view({ gemeente: v, veiligheidsregio: undefined, gebied: undefined }))
          }
        />
        <SelectField
          label={t('zgVeiligheidsregio')}
          value={regio ?? ''}
          options={[
            ['', t('zgChooseOption')],
            ...[...(regios.data?.regions ?? [])]
              .sort((a, b) => a.name.localeCompare(b.name, 'nl'))
              .map((r) => [r.code, r.name] as const),
          ]}
          onChange={(v) =>
            navigate(view({ veiligheidsregio: v, gemeente: undefined, gebied: undefined }))
          }
        />
        <SelectField
          label={t('year')}
          value={shownYear ?? ''}
          options={years.map((y) => [y, String(y)] as const)}
          onChange={(v) => navigate(view({ year: v, gebied: undefined }))}
        />
        <SelectField
          label={t('level')}
          value={level}
          options={[
            ['wijk', t('levelwijk')],
            ['buurt', t('levelbuurt')],
          ]}
          onChange={(v) => navigate(view({ level: v, gebied: undefined }))}
        />
        <SelectField
          label={t('zgStrictness')}
          value={q ?? data.data?.q ?? 0.05}
          options={STRICTNESS.map(([v, key]) => [v, t(key)] as const)}
          onChange={(v) => navigate(view({ q: v }))}
        />
      </form>

      {!scopeCode && <Paragraph>{t('zgChoose')}</Paragraph>}
      {scopeCode && data.loading && <Message kind="loading" />}
      {unavailable && <Paragraph>{t('zgUnavailable')}</Paragraph>}
      {data.error && !unavailable && <Message kind="error" error={data.error} />}

      {data.data && (
        <>
          <Heading level={2}>
            {t('zgTitleOf', {
              name: scopeName,
              year: data.data.year,
              level: t(`level${level}` as Key),
            })}
          </Heading>
          <Paragraph>
            {data.data.tested === 0
              ? t('zgNothingTested')
              : t('zgTested', {
                  tested: formatNumber(lang, data.data.tested),
                  q: `${formatNumber(lang, data.data.q * 100, 0)}%`,
                })}
          </Paragraph>
          {areas.length > 0 && !areas.some((a) => a.flagged) && (
            <Paragraph>{t('zgNone')}</Paragraph>
          )}
          <details className="sz-details">
            <summary>{t('zgMethod')}</summary>
            <Paragraph>{data.data.method[lang]}</Paragraph>
          </details>
          <p className="sz-links">
            <a
              href={zoekgebiedenUrl(
                data.data.release,
                {
                  ...(data.data.scope.level === 'veiligheidsregio'
                    ? { veiligheidsregio: data.data.scope.code }
                    : { gemeente: data.data.scope.code }),
                  year: data.data.year,
                  level,
                  q: data.data.q,
                },
                'csv',
                lang,
              )}
              download
            >
              {t('zgDownload')}
            </a>
            {data.data.scope.level === 'gemeente' && (
              <>
                {' '}
                ·{' '}
                <a href={href(`/gemeente/${data.data.scope.code}`)}>
                  {t('profileTitle', { name: scopeName })}
                </a>
              </>
            )}
          </p>

          {shapes && (
            <section aria-labelledby="zg-map-h">
              <Heading level={2} id="zg-map-h">
                {t('zgMapTitle')}
              </Heading>
              <div className="sz-map-wrap sz-map-wrap--small">
                <div>
                  <Choropleth
                    title={t('zgMapAria', { level: t(`level${level}` as Key) })}
                    shapes={shapes}
                    cells={new Map()}
                    breaks={[]}
                    fillOf={(code) => themeFill(byCode.get(code))}
                    emphasised={new Set(selected ? [selected.code] : [])}
                    labelFor={(f) => label(byCode.get(f.properties.code), f.properties.name)}
                    hrefFor={(code) => (byCode.has(code) ? view({ gebied: code }) : undefined)}
                  />
                  <p className="sz-hint">{t('attribution')}</p>
                </div>
                <Legend
                  caption={t('zgLegendThemes')}
                  items={[
                    { label: t('zgLegendNone'), fill: THEME_FILL[0] },
                    { label: t('zgLegendOne'), fill: THEME_FILL[1] },
                    { label: t('zgLegendMany', { n: 2 }), fill: THEME_FILL[2] },
                    { label: t('zgLegendUntested'), fill: NO_DATA },
                    { label: t('zgLegendSelected'), fill: '#ffffff', thick: true },
                  ]}
                />
              </div>
            </section>
          )}

          {areas.length === 0 ? (
            <Paragraph>{t('zgNoAreas')}</Paragraph>
          ) : (
            <section aria-labelledby={rankId}>
              <Heading level={2} id={rankId}>
                {t('zgRanking')}
              </Heading>
              <DataTable
                caption={t('zgRankingCaption', { name: scopeName })}
                columns={rankColumns}
                rows={areas}
                rowKey={(a) => a.code}
                rowProps={(a) => ({
                  'data-code': a.code,
                  className: `utrecht-table__row${a.code === selected?.code ? ' sz-row--selected' : ''}`,
                })}
              />
            </section>
          )}
          {selected && (
            <AreaDetail
              area={selected}
              indicators={indicatorMap}
              gemeenteName={scopeName}
              headingRef={detailHeading}
            />
          )}
        </>
      )}
    </>
  );
}
