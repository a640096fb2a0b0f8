/** Contracts of the open data plugin: what it needs from the release store. */

export type RegionLevel = 'nederland' | 'veiligheidsregio' | 'gemeente' | 'wijk' | 'buurt';
export const REGION_LEVELS: readonly RegionLevel[] = [
  'nederland',
  'veiligheidsregio',
  'gemeente',
  'wijk',
  'buurt',
];

export type CellStatus =
  'published' | 'suppressed-primary' | 'suppressed-secondary' | 'not-applicable';

/** One row of a release (cells.csv / cells.parquet / API), as in the team brief. */
export interface ReleaseRow {
  indicator_id: string;
  year: number;
  region_level: RegionLevel;
  region_code: string;
  parent_code: string | null;
  breakdown: string;
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  status: CellStatus;
  rule: string | null;
}

export interface ReleaseSummary {
  id: string;
  status: string;
  createdAt: string;
  publishedAt: string | null;
}

export interface IndicatorSummary {
  id: string;
  title: { nl: string; en: string };
  unit: string;
  kind: string;
}

/** What the plugin reads releases through; the lead's release store implements it. */
export interface ReleaseSource {
  list(): Promise<ReleaseSummary[]>;
  cells(id: string): Promise<ReleaseRow[]>;
  parquetPath(id: string): string | null;
  indicators(): IndicatorSummary[];
  regionName(code: string): string | undefined;
  latestPublishedId(): Promise<string | null>;
}

export interface OpendataOptions {
  releases: ReleaseSource;
  /** Rows per OData page before `@odata.nextLink` (default 10,000). */
  pageSize?: number;
  /** Serve releases that are not (yet) published. Default false: consumers see only released figures. */
  includeUnpublished?: boolean;
}
