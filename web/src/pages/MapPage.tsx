import { Heading, Paragraph } from '@rijkshuisstijl-community/components-react';
import { useCells, useIndicators, useJson, type Geo, type Indicator } from '../api.js';
import {
  FigureMap,
  FiguresState,
  RegionTable,
  regionColumn,
  useFigures,
  useShapes,
  type MapFigures,
} from '../components/FigureMap.js';
import { Message } from '../components/Message.js';
import { LevelField, SelectField } from '../components/SelectField.js';
import { SyntheticNote } from '../components/SyntheticNote.js';
import { formatNumber, useI18n, type Key } from '../i18n.js';
import { href, navigate } from '../router.js';

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

  const outlines = useShapes(vr.data);
  const figures: MapFigures = { ...useFigures(geo.data, cells.data?.cells, gemeente), outlines };
  const gemeenteName = gemeente
    ? (gmNames.data?.features.find((f) => f.properties.code === gemeente)?.properties.name ??
      gemeente)
    : null;
  return { geo, cells, figures, gemeenteName };
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
      {gemeente && <LevelField value={sub} onChange={(v) => go({ level: v })} />}
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
  figures: MapFigures;
}) {
  const { t, lang } = useI18n();
  const { indicator, year, gemeente } = view;
  const fmt = (v: number): string => formatNumber(lang, v);
  const zoomHref = (code: string): string =>
    href('/kaart', { indicator: indicator.id, year, gemeente: code, level: 'buurt' });
  return (
    <FigureMap
      title={title}
      indicator={indicator}
      figures={figures}
      zoomHref={gemeente ? undefined : zoomHref}
      note={t('rounding')}
    >
      <p className="sz-hint">
        {t('legendBreaks', { breaks: figures.breaks.map(fmt).join('; ') || t('none') })}
      </p>
      {!gemeente && (
        <p className="sz-hint">
          {lang === 'nl'
            ? 'Dikke lijnen: grenzen van veiligheidsregio’s.'
            : 'Thick lines: veiligheidsregio boundaries.'}
        </p>
      )}
    </FigureMap>
  );
}

/** The table alternative of the map; on the country map each gemeente links to its profile. */
function MapTable({ view, figures }: { view: MapView; figures: MapFigures }) {
  const { t } = useI18n();
  const { indicator, gemeente } = view;
  const profileHref = (code: string): string => href(`/gemeente/${code}`);
  return (
    <>
      <Heading level={2} id="map-table-h">
        {t('tableAlt')}
      </Heading>
      <RegionTable
        labelledBy="map-table-h"
        indicator={indicator}
        figures={figures}
        lead={[
          regionColumn(t('colRegion'), gemeente ? undefined : profileHref),
          { key: 'code', header: t('colCode'), cell: (f) => f.properties.code },
        ]}
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
  const map = useMapFigures(indicator, year, gemeente, level);

  if (indicators.error) return <Message kind="error" error={indicators.error} />;
  if (!indicator || year === undefined) return <Message kind="loading" />;

  const view: MapView = { indicator, year, gemeente, sub, level };
  const title =
    t('mapOf', { indicator: indicator.title[lang], year, level: t(`level${level}` as Key) }) +
    (map.gemeenteName ? ` — ${map.gemeenteName}` : '');

  return (
    <>
      <Heading level={1}>{t('mapTitle')}</Heading>
      <Paragraph>{t('mapIntro')}</Paragraph>
      <MapFilters view={view} indicators={list} />
      <Heading level={2}>{title}</Heading>
      {gemeente && <SyntheticNote gemeente={gemeente} />}
      <FiguresState geo={map.geo} cells={map.cells} />
      <MapFigure view={view} title={title} figures={map.figures} />
      <MapTable view={view} figures={map.figures} />
    </>
  );
}
