/** One figure per region, said the same way on every map and in its table alternative. */
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import { isConfidential, unitOf, type Cell, type GeoProps, type Indicator } from '../api.js';
import { formatNumber, type Key, type Lang, type T } from '../i18n.js';
import { numericColumn, type Column } from './DataTable.js';
import { Value } from './Value.js';

export type Region = Feature<Polygon | MultiPolygon, GeoProps>;

/** A region's figure in words (the accessible name of its shape): value and unit, or why not. */
export function describeCell(
  t: T,
  lang: Lang,
  indicator: Indicator,
  cell: Cell | undefined,
): string {
  if (!cell) return t('statusmissing');
  if (isConfidential(cell.status)) return `. (${t('statusconfidential')})`;
  if (cell.value === null) return t(`status${cell.status}` as Key);
  return `${formatNumber(lang, cell.value)} ${unitOf(indicator, lang)}`;
}

/** The value and status columns of a table of regions. */
export function figureColumns(
  t: T,
  lang: Lang,
  indicator: Indicator,
  byCode: ReadonlyMap<string, Cell>,
): Column<Region>[] {
  return [
    numericColumn('value', `${t('colValue')} (${unitOf(indicator, lang)})`, (f) => (
      <Value cell={byCode.get(f.properties.code)} />
    )),
    {
      key: 'status',
      header: t('colStatus'),
      cell: (f) => t(`status${byCode.get(f.properties.code)?.status ?? 'missing'}` as Key),
    },
  ];
}

/** Regions by name, as their tables list them. */
export function byName(features: readonly Region[]): Region[] {
  return [...features].sort((a, b) => a.properties.name.localeCompare(b.properties.name, 'nl'));
}
