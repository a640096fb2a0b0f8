/**
 * A release as a CBS statistical dataset: its identity and version, its dimensions (Perioden,
 * RegioS, Breakdown) with codes and a hierarchy of groups, its measures grouped by theme and
 * indicator, and its observations (one per cell and measure). The v4 feed (datasets.cbs.nl) and
 * the v3 feed (opendata.cbs.nl) are two spellings of this one description. Pure, and fed by the
 * public cells only: a confidential cell keeps no figure here either.
 */
import { breakdownDimension, periodDimension, regionDimension } from './dataset-dimensions.js';
import { measuresOf } from './dataset-measures.js';
import {
  breakdownCode,
  figuresOf,
  periodCode,
  type DatasetIdentity,
  type DatasetVersion,
  type ReleaseDataset,
} from './dataset-vocabulary.js';
import type { IndicatorSummary, PublicCell, ReleaseSummary } from './types.js';

export * from './dataset-vocabulary.js';

export const LICENSE = 'CC BY 4.0';
export const FREQUENCY = 'Perjaar';

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
