/**
 * A release as a CBS statistical dataset: its identity and version, its dimensions (Perioden,
 * RegioS, Breakdown) with codes and a hierarchy of groups, its measures grouped by theme and
 * indicator, and its observations (one per cell and measure). The v4 feed (datasets.cbs.nl) and
 * the v3 feed (opendata.cbs.nl) are two spellings of this one description. Pure, and fed by the
 * public cells only: a confidential cell keeps no figure here either.
 */
import { themeTitle } from '../../indicators/themes.js';
import { NATIONAL_CODE, REGION_LEVELS } from '../../regions/index.js';
import type { IndicatorSummary, PublicCell, ReleaseSummary } from './types.js';

/** Which figure of a cell a measure carries. */
export type Figure = 'value' | 'numerator' | 'denominator';

/**
 * The figures a kind publishes as separate measures. For a count or a sum the numerator is the
 * value itself; a median's numerator is its number of units (rounded), it has no denominator.
 */
export const FIGURES_OF_KIND: Readonly<Record<string, readonly Figure[]>> = {
  count: ['value'],
  sum: ['value'],
  median: ['value', 'numerator'],
  percentage: ['value', 'numerator', 'denominator'],
  rate_per_1000: ['value', 'numerator', 'denominator'],
  rate_per_10000: ['value', 'numerator', 'denominator'],
  mean: ['value', 'numerator', 'denominator'],
};

export function figuresOf(kind: string): readonly Figure[] {
  return FIGURES_OF_KIND[kind] ?? ['value', 'numerator', 'denominator'];
}

/** Code of the total over a breakdown (CBS style), since the release uses '' for it. */
export const TOTAL_BREAKDOWN = 'T001';
/** CBS ValueAttribute values: a figure, a secret (suppressed) figure, a figure that cannot occur. */
export const VALUE_ATTRIBUTE = {
  published: 'None',
  confidential: 'Confidential',
  'not-applicable': 'Impossible',
} as const;

export const DIMENSION = { period: 'Perioden', region: 'RegioS', breakdown: 'Breakdown' } as const;
export type DimensionId = (typeof DIMENSION)[keyof typeof DIMENSION];

export interface Measure {
  id: string;
  index: number;
  indicator: string;
  figure: Figure;
  title: string;
  description: string;
  unit: string;
  decimals: number;
  dataType: 'Double' | 'Long';
  presentationType: 'Absolute' | 'Relative';
  groupId: string;
}

export interface Group {
  id: string;
  index: number;
  title: string;
  description: string;
  parentId: string | null;
}

export interface Code {
  id: string;
  index: number;
  title: string;
  description: string;
  groupId: string | null;
  /** The region level (RegioS only). */
  level?: string;
  /** The parent region (RegioS only). */
  parent?: string | null;
}

export interface Dimension {
  id: DimensionId;
  index: number;
  title: string;
  description: string;
  kind: 'TimeDimension' | 'GeoDimension' | 'Dimension';
  /** The year of the region division (GeoDimension only). */
  mapYear: number | null;
  codes: Code[];
  groups: Group[];
}

/** Where a dataset stands in the series of releases (CBS: Version, VersionReason, Status). */
export interface DatasetVersion {
  version: number;
  status: 'Regulier' | 'Gewijzigd';
  reason: string;
}

export interface DatasetIdentity extends DatasetVersion {
  identifier: string;
  catalog: string;
  title: string;
  description: string;
  language: 'nl';
  modified: string;
  temporalCoverage: string;
  frequency: string;
  license: string;
  datasetType: 'Numeric';
}

export interface ReleaseDataset extends DatasetIdentity {
  cells: readonly PublicCell[];
  dimensions: Dimension[];
  measures: Measure[];
  measureGroups: Group[];
  /** Observation i is figure `measures[measureOf[i]]` of cell `cellOf[i]`. */
  observations: { size: number; cellOf: Uint32Array; measureOf: Uint16Array };
  periodCode(year: number): string;
  breakdownCode(breakdown: string): string;
}

export const LICENSE = 'CC BY 4.0';
export const FREQUENCY = 'Perjaar';

export function periodCode(year: number): string {
  return `${year}JJ00`;
}

export function breakdownCode(breakdown: string): string {
  return breakdown === '' ? TOTAL_BREAKDOWN : breakdown;
}

/** The figure of an observation, or null when the cell is not published. */
export function figureOf(cell: PublicCell, figure: Figure): number | null {
  return cell.status === 'published' ? cell[figure] : null;
}

function yearsText(years: readonly number[]): string {
  if (years.length === 0) return '';
  const first = Math.min(...years);
  const last = Math.max(...years);
  return first === last ? String(first) : `${first}–${last}`;
}

/**
 * Version, status and reason of each release that was published: releases are numbered in order
 * of publication, a withdrawn one keeping its number (readers may have seen it), so a version
 * never changes. One that publishes a year an earlier release already published is a revision
 * (Gewijzigd), the others are regular (Regulier).
 */
export function datasetVersions(releases: readonly ReleaseSummary[]): Map<string, DatasetVersion> {
  const published = releases
    .filter((r) => r.publishedAt !== null && (r.status === 'published' || r.status === 'withdrawn'))
    .sort(
      (a, b) =>
        (a.publishedAt as string).localeCompare(b.publishedAt as string) ||
        a.id.localeCompare(b.id),
    );
  const out = new Map<string, DatasetVersion>();
  const seen = new Set<number>();
  published.forEach((r, i) => {
    const revised = r.years.filter((y) => seen.has(y)).sort((a, b) => a - b);
    const added = r.years.filter((y) => !seen.has(y)).sort((a, b) => a - b);
    const parts: string[] = [];
    if (i === 0) parts.push('Eerste publicatie');
    else if (added.length > 0) parts.push(`Nieuwe cijfers over ${added.join(', ')}`);
    if (i > 0 && revised.length > 0) parts.push(`herziene cijfers over ${revised.join(', ')}`);
    const reason = parts.join('; ');
    out.set(r.id, {
      version: i + 1,
      status: i > 0 && revised.length > 0 ? 'Gewijzigd' : 'Regulier',
      reason: `${reason.charAt(0).toUpperCase()}${reason.slice(1)}.`,
    });
    for (const y of r.years) seen.add(y);
  });
  return out;
}

export function datasetIdentity(
  catalog: string,
  release: ReleaseSummary,
  version: DatasetVersion,
): DatasetIdentity {
  const years = yearsText(release.years);
  const map = release.regionSet;
  const division =
    map === null
      ? ''
      : map.kind === 'cbs'
        ? ` Regio-indeling ${map.year} (${map.attribution ?? 'CBS'}).`
        : ` Synthetische regio-indeling (geen CBS-gegevens), ${map.year}.`;
  return {
    ...version,
    identifier: release.id,
    catalog,
    title: `Samenzicht: indicatoren per regio, ${years}`,
    description:
      `Indicatoren van Samenzicht per jaar en regio (Nederland, veiligheidsregio, gemeente, wijk, ` +
      `buurt), uit de samengebrachte gegevens van de deelnemende organisaties, na controle op ` +
      `onthulling. Een geheim cijfer heeft geen waarde (ValueAttribute Confidential).${division}`,
    language: 'nl',
    modified: release.publishedAt ?? release.createdAt,
    temporalCoverage: years,
    frequency: FREQUENCY,
    license: LICENSE,
    datasetType: 'Numeric',
  };
}

/** Decimals actually used by a measure's published figures (at most 4). */
function decimalsOf(
  cells: readonly PublicCell[],
  indices: readonly number[],
  figure: Figure,
): number {
  let d = 0;
  for (const i of indices) {
    const v = figureOf(cells[i] as PublicCell, figure);
    if (v === null || Number.isInteger(v)) continue;
    const s = String(v);
    const dot = s.indexOf('.');
    if (dot >= 0 && !s.includes('e')) d = Math.max(d, s.length - dot - 1);
    if (d >= 4) return 4;
  }
  return d;
}

const RELATIVE_KINDS = new Set(['percentage', 'rate_per_1000', 'rate_per_10000']);

const LEVEL_GROUP_TITLE: Record<string, { many: string; one: string }> = {
  nederland: { many: 'Nederland', one: 'Nederland' },
  veiligheidsregio: { many: "Veiligheidsregio's", one: 'veiligheidsregio' },
  gemeente: { many: 'Gemeenten', one: 'gemeente' },
  wijk: { many: 'Wijken', one: 'wijk' },
  buurt: { many: 'Buurten', one: 'buurt' },
};

/** The region hierarchy as groups: one group per (parent, level), nested as the regions are. */
function regionDimension(
  cells: readonly PublicCell[],
  regionName: (code: string) => string | undefined,
  mapYear: number | null,
): Dimension {
  const regions = new Map<string, { level: string; parent: string | null }>();
  for (const c of cells) {
    if (!regions.has(c.region_code))
      regions.set(c.region_code, { level: c.region_level, parent: c.parent_code });
  }
  const levelIndex = (l: string) => (REGION_LEVELS as readonly string[]).indexOf(l);
  const sorted = [...regions.entries()].sort(
    ([a, x], [b, y]) => levelIndex(x.level) - levelIndex(y.level) || (a < b ? -1 : a > b ? 1 : 0),
  );
  const groupOf = (code: string): string | null => {
    const r = regions.get(code);
    if (!r) return null;
    return r.parent === null ? r.level : `${r.parent}.${r.level}`;
  };
  const groups = new Map<string, Group>();
  for (const [code, r] of sorted) {
    const id = groupOf(code) as string;
    if (groups.has(id)) continue;
    const title = LEVEL_GROUP_TITLE[r.level] ?? { many: r.level, one: r.level };
    const parentName = r.parent === null ? null : (regionName(r.parent) ?? r.parent);
    groups.set(id, {
      id,
      index: groups.size + 1,
      title: parentName === null ? title.many : `${title.many} in ${parentName}`,
      description:
        parentName === null ? '' : `De ${title.many.toLowerCase()} van ${parentName} (${r.parent})`,
      parentId: r.parent === null ? null : groupOf(r.parent),
    });
  }
  return {
    id: DIMENSION.region,
    index: 2,
    title: "Regio's",
    description:
      'Nederland (NL01), veiligheidsregio (VRxx), gemeente (GMxxxx), wijk (WKxxxxxx) en buurt (BUxxxxxxxx), in de CBS-indeling van het kaartjaar.',
    kind: 'GeoDimension',
    mapYear,
    codes: sorted.map(([code, r], i) => ({
      id: code,
      index: i + 1,
      title: regionName(code) ?? code,
      description: code === NATIONAL_CODE ? 'Nederland' : '',
      groupId: groupOf(code),
      level: r.level,
      parent: r.parent,
    })),
    groups: [...groups.values()],
  };
}

function breakdownDimension(cells: readonly PublicCell[]): Dimension {
  const values = new Set<string>();
  for (const c of cells) values.add(c.breakdown);
  // `geslacht=man` → group `geslacht`; the total sits in a group of its own.
  const groupOf = (b: string) => (b === '' ? 'totaal' : (b.split('=')[0] as string));
  const sorted = [...values].sort((a, b) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : 1));
  const groups = new Map<string, Group>();
  for (const b of sorted) {
    const id = groupOf(b);
    if (!groups.has(id))
      groups.set(id, {
        id,
        index: groups.size + 1,
        title: id === 'totaal' ? 'Totaal' : `${id.charAt(0).toUpperCase()}${id.slice(1)}`,
        description: '',
        parentId: null,
      });
  }
  return {
    id: DIMENSION.breakdown,
    index: 3,
    title: 'Uitsplitsing',
    description: `Uitsplitsing naar persoonskenmerk; ${TOTAL_BREAKDOWN} is het totaal.`,
    kind: 'Dimension',
    mapYear: null,
    codes: sorted.map((b, i) => ({
      id: breakdownCode(b),
      index: i + 1,
      title: b === '' ? 'Totaal' : (b.split('=')[1] ?? b),
      description: b === '' ? 'Totaal, niet uitgesplitst' : b,
      groupId: groupOf(b),
    })),
    groups: [...groups.values()],
  };
}

function periodDimension(cells: readonly PublicCell[]): Dimension {
  const years = [...new Set(cells.map((c) => c.year))].sort((a, b) => a - b);
  return {
    id: DIMENSION.period,
    index: 1,
    title: 'Perioden',
    description: 'Kalenderjaar (CBS-periodecode JJ00).',
    kind: 'TimeDimension',
    mapYear: null,
    codes: years.map((y, i) => ({
      id: periodCode(y),
      index: i + 1,
      title: String(y),
      description: '',
      groupId: 'jaren',
    })),
    groups: years.length
      ? [{ id: 'jaren', index: 1, title: 'Jaren', description: '', parentId: null }]
      : [],
  };
}

const FIGURE_TITLE: Record<Figure, string> = {
  value: '',
  numerator: 'teller',
  denominator: 'noemer',
};

function measuresOf(
  cells: readonly PublicCell[],
  indicators: readonly IndicatorSummary[],
): { measures: Measure[]; groups: Group[]; byIndicator: Map<string, number[]> } {
  const cellsOf = new Map<string, number[]>();
  cells.forEach((c, i) => {
    let list = cellsOf.get(c.indicator_id);
    if (!list) cellsOf.set(c.indicator_id, (list = []));
    list.push(i);
  });
  const known = new Map(indicators.map((i) => [i.id, i]));
  // In catalogue order, then any indicator of an older catalogue by id.
  const ids = [
    ...indicators.map((i) => i.id).filter((id) => cellsOf.has(id)),
    ...[...cellsOf.keys()].filter((id) => !known.has(id)).sort(),
  ];
  const groups = new Map<string, Group>();
  const measures: Measure[] = [];
  const byIndicator = new Map<string, number[]>();
  const taken = new Set<string>();
  for (const id of ids) {
    const ind = known.get(id);
    const theme = ind?.theme ?? 'overig';
    if (!groups.has(theme)) {
      const t = themeTitle(theme);
      groups.set(theme, {
        id: theme,
        index: groups.size + 1,
        title: theme === 'overig' ? 'Overig' : t.nl,
        description: '',
        parentId: null,
      });
    }
    const title = ind?.title.nl ?? id;
    const groupId = `${theme}.${id}`;
    groups.set(groupId, {
      id: groupId,
      index: groups.size + 1,
      title,
      description: ind?.description?.nl ?? '',
      parentId: theme,
    });
    const indices = cellsOf.get(id) as number[];
    const mine: number[] = [];
    for (const figure of figuresOf(ind?.kind ?? '')) {
      const mid = figure === 'value' ? id : `${id}_${figure}`;
      if (taken.has(mid)) throw new Error(`measure ${mid} would be defined twice`);
      taken.add(mid);
      const decimals = decimalsOf(cells, indices, figure);
      const unit =
        figure === 'value'
          ? (ind?.unit ?? '')
          : figure === 'numerator' && ind?.kind === 'mean'
            ? 'euro'
            : 'aantal';
      mine.push(measures.length);
      measures.push({
        id: mid,
        index: measures.length + 1,
        indicator: id,
        figure,
        title: figure === 'value' ? title : `${title} (${FIGURE_TITLE[figure]})`,
        description:
          figure === 'value'
            ? (ind?.description?.nl ?? '')
            : figure === 'numerator'
              ? `Teller van ${title}.`
              : `Noemer van ${title}.`,
        unit,
        decimals,
        dataType: decimals === 0 && figure !== 'value' ? 'Long' : 'Double',
        presentationType:
          figure === 'value' && RELATIVE_KINDS.has(ind?.kind ?? '') ? 'Relative' : 'Absolute',
        groupId,
      });
    }
    byIndicator.set(id, mine);
  }
  return { measures, groups: [...groups.values()], byIndicator };
}

export interface DatasetInput {
  identity: DatasetIdentity;
  mapYear: number | null;
  cells: readonly PublicCell[];
  indicators: readonly IndicatorSummary[];
  regionName: (code: string) => string | undefined;
}

export function buildDataset(input: DatasetInput): ReleaseDataset {
  const { cells } = input;
  const { measures, groups, byIndicator } = measuresOf(cells, input.indicators);
  let size = 0;
  for (const c of cells) size += (byIndicator.get(c.indicator_id) as number[]).length;
  const cellOf = new Uint32Array(size);
  const measureOf = new Uint16Array(size);
  let o = 0;
  cells.forEach((c, i) => {
    for (const m of byIndicator.get(c.indicator_id) as number[]) {
      cellOf[o] = i;
      measureOf[o] = m;
      o++;
    }
  });
  return {
    ...input.identity,
    cells,
    dimensions: [
      periodDimension(cells),
      regionDimension(cells, input.regionName, input.mapYear),
      breakdownDimension(cells),
    ],
    measures,
    measureGroups: groups,
    observations: { size, cellOf, measureOf },
    periodCode,
    breakdownCode,
  };
}

/** How many observations a release has, from its cells' indicators (without building it). */
export function observationCount(
  cells: readonly PublicCell[],
  indicators: readonly IndicatorSummary[],
): number {
  const kind = new Map(indicators.map((i) => [i.id, i.kind]));
  let n = 0;
  for (const c of cells) n += figuresOf(kind.get(c.indicator_id) ?? '').length;
  return n;
}
