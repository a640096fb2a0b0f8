/**
 * The words of a CBS statistical dataset: figures and measures, dimensions with codes and
 * groups, the dataset's identity, and the CBS codes of a period and a breakdown. Types and
 * constants only, shared by the dataset's builders and both OData feeds.
 */
import type { PublicCell } from './types.js';

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
