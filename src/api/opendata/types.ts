/** Contracts of the open data plugin: what it needs from the release store. */

import type { RegionLevel } from '../../regions/index.js';
import type { CellStatus, ReleaseRow } from '../../release/index.js';

export type { RegionLevel, CellStatus, ReleaseRow };
export { REGION_LEVELS } from '../../regions/index.js';

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
