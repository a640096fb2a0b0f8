/** Contracts of the open data plugin: what it needs from the release store. */

import type { RegionLevel } from '../../regions/index.js';
import type { PublicCell, PublicRegionSet, PublicStatus } from '../../public/index.js';

export type { RegionLevel, PublicCell, PublicRegionSet, PublicStatus };
export { REGION_LEVELS } from '../../regions/index.js';

export interface ReleaseSummary {
  id: string;
  status: string;
  createdAt: string;
  publishedAt: string | null;
  years: number[];
  /** The region division the release is on (its public manifest); null if not known. */
  regionSet: PublicRegionSet | null;
}

export interface IndicatorSummary {
  id: string;
  title: { nl: string; en: string };
  description?: { nl: string; en: string };
  theme?: string;
  unit: string;
  kind: string;
}

/** What the plugin reads releases through: the public surface of each release, nothing else. */
export interface ReleaseSource {
  list(): Promise<ReleaseSummary[]>;
  cells(id: string): Promise<readonly PublicCell[]>;
  /** The public cells.parquet, checked against the approved content before it is served. */
  parquetPath(id: string): Promise<string | null>;
  indicators(): IndicatorSummary[];
  regionName(code: string): string | undefined;
  latestPublishedId(): Promise<string | null>;
}

export interface OpendataOptions {
  releases: ReleaseSource;
  /** Rows per OData page before `@odata.nextLink` (default 10,000). */
  pageSize?: number;
  /** Absolute base of the URLs the feed writes (contexts, next links); never the Host header. */
  publicBaseUrl: string;
}
