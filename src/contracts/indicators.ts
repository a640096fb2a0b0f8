/** Indicator metadata: what the API, the catalogue and the release notes say about an indicator. */

export interface IndicatorMeta {
  id: string;
  title: { nl: string; en: string };
  description: { nl: string; en: string };
  theme: string;
  kind: string;
  /** Unit in Dutch (the dashboard's default); `units` has both languages. */
  unit: string;
  units: { nl: string; en: string };
  /** Which buurt a unit is counted in. */
  regionBasis: { nl: string; en: string };
  sources: { dataset: string; provider: string }[];
  methodology: { nl: string; en: string };
  levels: string[];
  years: number[];
  breakdowns?: string[];
  disclosure: unknown;
}
