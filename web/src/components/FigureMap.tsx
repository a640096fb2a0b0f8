/**
 * A map of one indicator's figures per region, as the country map and a profile's wijken show
 * it: the geometry and figures it needs, what it says while they load, the map with its legend,
 * and its table alternative.
 */
import { Paragraph } from '@rijkshuisstijl-community/components-react';
import { useMemo, type ReactNode } from 'react';
import { unitOf, type Cell, type Geo, type Indicator, type Loaded } from '../api.js';
import { rewind } from '../geo.js';
import { formatNumber, useI18n } from '../i18n.js';
import { publishedBreaks } from '../scale.js';
import { Choropleth, type Shapes } from './Choropleth.js';
import { DataTable, type Column, type DataTableProps } from './DataTable.js';
import { Legend, valueLegendItems } from './Legend.js';
import { Message } from './Message.js';
import { byName, describeCell, figureColumns, type Region } from './regionFigures.js';

/** The geometry and figures of a map: its regions, their cells by code, the class breaks. */
export interface MapFigures {
  shapes: Shapes | null;
  /** Boundaries drawn on top (the veiligheidsregio's on the country map). */
  outlines?: Shapes | null;
  byCode: Map<string, Cell>;
  breaks: number[];
}

/** Geometry as d3-geo draws it, once it has come. */
export function useShapes(geo: Geo | undefined): Shapes | null {
  return useMemo<Shapes | null>(() => (geo ? rewind(geo) : null), [geo]);
}

/**
 * The regions and their totals (no breakdowns) with the class breaks of what is published;
 * `within`: only the regions of that gemeente (buurten come for the whole country).
 */
export function useFigures(
  geo: Geo | undefined,
  cells: readonly Cell[] | undefined,
  within: string | null,
): MapFigures {
  const shapes = useShapes(geo);
  const byCode = useMemo(() => {
    const m = new Map<string, Cell>();
    const digits = within?.slice(2) ?? '';
    for (const c of cells ?? []) {
      if (c.breakdown !== '') continue;
      if (within && c.region_code.slice(2, 6) !== digits) continue;
      m.set(c.region_code, c);
    }
    return m;
  }, [cells, within]);
  const breaks = useMemo(() => publishedBreaks(byCode.values()), [byCode]);
  return { shapes, byCode, breaks };
}

/** What a map says while its geometry and figures load, or why it cannot be drawn. */
export function FiguresState({ geo, cells }: { geo: Loaded<unknown>; cells: Loaded<unknown> }) {
  const { t } = useI18n();
  return (
    <>
      {(geo.loading || cells.loading) && <Message kind="loading" />}
      {geo.error && <Paragraph>{t('noGeometry')}</Paragraph>}
      {cells.error && <Message kind="error" error={cells.error} />}
    </>
  );
}

export interface FigureMapProps {
  title: string;
  indicator: Indicator;
  figures: MapFigures;
  /** Where activating a region leads (zoom into it); its accessible name then says so. */
  zoomHref?: (code: string) => string;
  /** Said after the attribution under the map. */
  note?: string;
  /** The small map beside other content. */
  small?: boolean;
  /** Notes at the end of the legend. */
  children?: ReactNode;
}

/** The map of the figures, each region named with its figure, and the legend of its classes. */
export function FigureMap({
  title,
  indicator,
  figures,
  zoomHref,
  note,
  small,
  children,
}: FigureMapProps) {
  const { t, lang } = useI18n();
  const { shapes, outlines, byCode, breaks } = figures;
  const fmt = (v: number): string => formatNumber(lang, v);
  const label = (f: Region): string => {
    const aria = t('regionAria', {
      name: f.properties.name,
      value: describeCell(t, lang, indicator, byCode.get(f.properties.code)),
    });
    return zoomHref ? `${aria}. ${t('zoomInto', { name: f.properties.name })}` : aria;
  };
  return (
    <div className={small ? 'sz-map-wrap sz-map-wrap--small' : 'sz-map-wrap'}>
      <div>
        {shapes && (
          <Choropleth
            title={title}
            shapes={shapes}
            outlines={outlines}
            cells={byCode}
            breaks={breaks}
            labelFor={label}
            hrefFor={zoomHref}
          />
        )}
        <p className="sz-hint">{note ? `${t('attribution')}. ${note}` : t('attribution')}</p>
      </div>
      <Legend caption={unitOf(indicator, lang)} items={valueLegendItems(breaks, fmt, t)}>
        <p className="sz-hint">{t('legendConfidentialWhy')}</p>
        {children}
      </Legend>
    </div>
  );
}

/**
 * The table alternative of a map: a row per region by name (`data-code`), the columns `lead`
 * names it by, then its figure and status.
 */
export function RegionTable({
  indicator,
  figures,
  lead,
  ...naming
}: {
  indicator: Indicator;
  figures: MapFigures;
  lead: readonly Column<Region>[];
} & Pick<DataTableProps<Region>, 'caption' | 'labelledBy'>) {
  const { t, lang } = useI18n();
  return (
    <DataTable
      {...naming}
      columns={[...lead, ...figureColumns(t, lang, indicator, figures.byCode)]}
      rows={byName(figures.shapes?.features ?? [])}
      rowKey={(f) => f.properties.code}
      rowProps={(f) => ({ 'data-code': f.properties.code })}
    />
  );
}

/** The column that names a region, as a link where `hrefOf` says where it leads. */
export function regionColumn(header: string, hrefOf?: (code: string) => string): Column<Region> {
  return {
    key: 'name',
    header,
    rowHeader: true,
    cell: (f) =>
      hrefOf ? <a href={hrefOf(f.properties.code)}>{f.properties.name}</a> : f.properties.name,
  };
}
