import { Heading, Paragraph } from '@rijkshuisstijl-community/components-react';
import { useMemo } from 'react';
import {
  unitOf,
  useCells,
  useIndicators,
  useJson,
  type Cell,
  type Geo,
  type Indicator,
} from '../api.js';
import { Choropleth, type Shapes } from '../components/Choropleth.js';
import { DataTable } from '../components/DataTable.js';
import { Legend, valueLegendItems } from '../components/Legend.js';
import { Message } from '../components/Message.js';
import { byName, describeCell, figureColumns, type Region } from '../components/regionFigures.js';
import { SelectField } from '../components/SelectField.js';
import { SyntheticNote } from '../components/SyntheticNote.js';
import { rewind } from '../geo.js';
import { formatNumber, useI18n, type Key } from '../i18n.js';
import { href, navigate } from '../router.js';
import { publishedBreaks } from '../scale.js';

type SubLevel = 'wijk' | 'buurt';

/** What the map shows: all gemeenten, or the wijken or buurten of one gemeente. */
interface MapView {
  indicator: Indicator;
  year: number;
  /** The gemeente zoomed into, if any. */
  gemeente: string | null;
  sub: SubLevel;
  level: SubLevel | 'gemeente';
}

/** The geometry and figures of a view, narrowed to the gemeente zoomed into. */
function useMapFigures(
  indicator: Indicator | undefined,
  year: number | undefined,
  gemeente: string | null,
  level: MapView['level'],
) {
  const geo = useJson<Geo>(
    `/api/v1/regions/geo?level=${level}${gemeente ? `&within=${gemeente}` : ''}`,
  );
  const vr = useJson<Geo>(gemeente ? null : '/api/v1/regions/geo?level=veiligheidsregio');
  const gmNames = useJson<Geo>(gemeente ? '/api/v1/regions/geo?level=gemeente' : null);
  // Wijken have the gemeente as parent, so the server narrows them; buurten (parent: a wijk)
  // come for the whole country, over as many pages as that takes, and are narrowed here.
  const cells = useCells(
    'latest',
    indicator && year !== undefined
      ? {
          indicator: indicator.id,
          year,
          level,
          parent: gemeente && level === 'wijk' ? gemeente : undefined,
        }
      : null,
  );

  const shapes = useMemo<Shapes | null>(() => (geo.data ? rewind(geo.data) : null), [geo.data]);
  const outlines = useMemo<Shapes | null>(() => (vr.data ? rewind(vr.data) : null), [vr.data]);
  const byCode = useMemo(() => {
    const m = new Map<string, Cell>();
    const digits = gemeente?.slice(2) ?? '';
    for (const c of cells.data?.cells ?? []) {
      if (c.breakdown !== '') continue;
      if (gemeente && c.region_code.slice(2, 6) !== digits) continue;
      m.set(c.region_code, c);
    }
    return m;
  }, [cells.data, gemeente]);
  const breaks = useMemo(() => publishedBreaks(byCode.values()), [byCode]);
  const gemeenteName = gemeente
    ? (gmNames.data?.features.find((f) => f.properties.code === gemeente)?.properties.name ??
      gemeente)
    : null;
  return { geo, cells, shapes, outlines, byCode, breaks, gemeenteName };
}

/** The choice of indicator, year and (zoomed in) level; every change is a new URL. */
function MapFilters({ view, indicators }: { view: MapView; indicators: readonly Indicator[] }) {
  const { t, lang } = useI18n();
  const { indicator, year, gemeente, sub } = view;
  const go = (next: Record<string, string | number | undefined>): void => {
    navigate(
      href('/kaart', {
        indicator: indicator.id,
        year,
        gemeente: gemeente ?? undefined,
        level: gemeente ? sub : undefined,
        ...next,
      }),
    );
  };
  return (
    <form className="sz-form" onSubmit={(e) => e.preventDefault()}>
      <SelectField
        label={t('indicator')}
        value={indicator.id}
        options={indicators.map((i) => [i.id, i.title[lang]] as const)}
        onChange={(v) => go({ indicator: v })}
      />
      <SelectField
        label={t('year')}
        value={year}
        options={indicator.years.map((y) => [y, String(y)] as const)}
        onChange={(v) => go({ year: v })}
      />
      {gemeente && (
        <SelectField
          label={t('level')}
          value={sub}
          options={[
            ['wijk', t('levelwijk')],
            ['buurt', t('levelbuurt')],
          ]}
          onChange={(v) => go({ level: v })}
        />
      )}
      {gemeente && (
        <a
          className="utrecht-button-link utrecht-button-link--secondary-action"
          href={href('/kaart', { indicator: indicator.id, year })}
        >
          {t('backToNl')}
        </a>
      )}
    </form>
  );
}

/** The map and its legend; on the country map a region leads into its gemeente. */
function MapFigure({
  view,
  title,
  figures,
}: {
  view: MapView;
  title: string;
  figures: ReturnType<typeof useMapFigures>;
}) {
  const { t, lang } = useI18n();
  const { indicator, year, gemeente } = view;
  const { shapes, outlines, byCode, breaks } = figures;
  const fmt = (v: number): string => formatNumber(lang, v);
  const regionAria = (f: Region): string =>
    t('regionAria', {
      name: f.properties.name,
      value: describeCell(t, lang, indicator, byCode.get(f.properties.code)),
    });
  return (
    <div className="sz-map-wrap">
      <div>
        {shapes && (
          <Choropleth
            title={title}
            shapes={shapes}
            outlines={outlines}
            cells={byCode}
            breaks={breaks}
            labelFor={(f) =>
              gemeente
                ? regionAria(f)
                : `${regionAria(f)}. ${t('zoomInto', { name: f.properties.name })}`
            }
            hrefFor={
              gemeente
                ? undefined
                : (code) =>
                    href('/kaart', {
                      indicator: indicator.id,
                      year,
                      gemeente: code,
                      level: 'buurt',
                    })
            }
          />
        )}
        <p className="sz-hint">
          {t('attribution')}. {t('rounding')}
        </p>
      </div>
      <Legend caption={unitOf(indicator, lang)} items={valueLegendItems(breaks, fmt, t)}>
        <p className="sz-hint">{t('legendConfidentialWhy')}</p>
        <p className="sz-hint">
          {t('legendBreaks', { breaks: breaks.map(fmt).join('; ') || t('none') })}
        </p>
        {!gemeente && (
          <p className="sz-hint">
            {lang === 'nl'
              ? 'Dikke lijnen: grenzen van veiligheidsregio’s.'
              : 'Thick lines: veiligheidsregio boundaries.'}
          </p>
        )}
      </Legend>
    </div>
  );
}

/** The table alternative of the map; on the country map each gemeente links to its profile. */
function MapTable({ view, figures }: { view: MapView; figures: ReturnType<typeof useMapFigures> }) {
  const { t, lang } = useI18n();
  const { indicator, gemeente } = view;
  return (
    <>
      <Heading level={2} id="map-table-h">
        {t('tableAlt')}
      </Heading>
      <DataTable
        labelledBy="map-table-h"
        columns={[
          {
            key: 'name',
            header: t('colRegion'),
            rowHeader: true,
            cell: (f) =>
              gemeente ? (
                f.properties.name
              ) : (
                <a href={href(`/gemeente/${f.properties.code}`)}>{f.properties.name}</a>
              ),
          },
          { key: 'code', header: t('colCode'), cell: (f) => f.properties.code },
          ...figureColumns(t, lang, indicator, figures.byCode),
        ]}
        rows={byName(figures.shapes?.features ?? [])}
        rowKey={(f) => f.properties.code}
        rowProps={(f) => ({ 'data-code': f.properties.code })}
      />
    </>
  );
}

export function MapPage({ params }: { params: URLSearchParams }) {
  const { t, lang } = useI18n();
  const indicators = useIndicators();
  const list = indicators.data?.indicators ?? [];
  const indicator = list.find((i) => i.id === params.get('indicator')) ?? list[0];
  const years = indicator?.years ?? [];
  const yearParam = Number(params.get('year'));
  const year = years.includes(yearParam) ? yearParam : years[years.length - 1];
  const gemeente = /^GM\d{4}$/.test(params.get('gemeente') ?? '')
    ? (params.get('gemeente') as string)
    : null;
  const sub: SubLevel = params.get('level') === 'wijk' ? 'wijk' : 'buurt';
  const level = gemeente ? sub : 'gemeente';
  const figures = useMapFigures(indicator, year, gemeente, level);

  if (indicators.error) return <Message kind="error" error={indicators.error} />;
  if (!indicator || year === undefined) return <Message kind="loading" />;

  const view: MapView = { indicator, year, gemeente, sub, level };
  const title =
    t('mapOf', { indicator: indicator.title[lang], year, level: t(`level${level}` as Key) }) +
    (figures.gemeenteName ? ` — ${figures.gemeenteName}` : '');

  return (
    <>
      <Heading level={1}>{t('mapTitle')}</Heading>
      <Paragraph>{t('mapIntro')}</Paragraph>
      <MapFilters view={view} indicators={list} />
      <Heading level={2}>{title}</Heading>
      {gemeente && <SyntheticNote gemeente={gemeente} />}
      {(figures.geo.loading || figures.cells.loading) && <Message kind="loading" />}
      {figures.geo.error && <Paragraph>{t('noGeometry')}</Paragraph>}
      {figures.cells.error && <Message kind="error" error={figures.cells.error} />}
      <MapFigure view={view} title={title} figures={figures} />
      <MapTable view={view} figures={figures} />
    </>
  );
}
