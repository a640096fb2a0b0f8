/**
 * The public API's shapes (/api/v1) as the dashboard reads them: regions, cells, releases and
 * zoekgebieden. Declared here once, so the dashboard and the server read the same fields.
 */
import type { PublicReleaseState } from './releases.js';
import type { RegionLevel } from './regions.js';

/** A public cell's status: which rule withheld a figure is for reviewers only. */
export type CellStatus = 'published' | 'confidential' | 'not-applicable';
export type Text = { nl: string; en: string };

export interface Region {
  code: string;
  name: string;
  level: RegionLevel;
  parentCode: string | null;
  synthetic: boolean;
}

/** One public cell: exactly the columns of the public cells.csv / cells.parquet. */
export interface Cell {
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
}

export interface PublicReview {
  capacity: string;
  decision: 'approve' | 'reject';
  createdAt: string;
}

/** A release as the public catalogue lists it. */
export interface ReleaseInfo {
  id: string;
  status: PublicReleaseState;
  createdAt: string;
  publishedAt: string | null;
  withdrawnReason: string | null;
  indicators: string[];
  years: number[];
  reviews: PublicReview[];
}

/** One indicator behind a zoekgebied: the area's share or rate against its references. */
export interface ZoekgebiedSignal {
  indicator: string;
  theme: string;
  value: number | null;
  numerator: number;
  denominator: number;
  gemeenteValue: number | null;
  nederlandValue: number | null;
  /** Area share / the larger reference share; null when that is 0. */
  ratio: number | null;
  pValue: number;
  qValue: number;
  significant: boolean;
}

export interface Zoekgebied {
  code: string;
  name: string;
  level: 'wijk' | 'buurt';
  parent: string | null;
  gemeente: string;
  score: number;
  /** Themes with a significant excess (their number is `themeCount`). */
  themeCount: number;
  themes: string[];
  excess: number;
  flagged: boolean;
  signals: ZoekgebiedSignal[];
}

/** `GET /api/v1/releases/{id}/zoekgebieden`. */
export interface ZoekgebiedenResponse {
  release: string;
  year: number;
  scope: { code: string; name: string; level: 'gemeente' | 'veiligheidsregio' };
  q: number;
  tested: number;
  method: Text;
  caution: Text;
  areas: Zoekgebied[];
}
