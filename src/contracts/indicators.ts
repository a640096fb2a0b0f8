/** Indicator metadata: what the API, the catalogue and the release notes say about an indicator. */

/** The kinds of figure an indicator publishes; docs/indicators.md gives each one's formula. */
export const INDICATOR_KINDS = [
  'count',
  'percentage',
  'rate_per_1000',
  'rate_per_10000',
  'mean',
  'median',
  'sum',
] as const;
export type IndicatorKind = (typeof INDICATOR_KINDS)[number];

/** A ratio is its numerator per this many units of its denominator, both counts of units. */
export const RATIO_SCALE = {
  percentage: 100,
  rate_per_1000: 1000,
  rate_per_10000: 10_000,
} as const;
export type RatioKind = keyof typeof RATIO_SCALE;

/** A ratio's units are counted, so a binomial or Poisson test fits it. */
export const isRatioKind = (kind: string): kind is RatioKind => Object.hasOwn(RATIO_SCALE, kind);

/**
 * A figure per unit (a ratio, mean or median) compares regions of different size; a count or sum
 * mostly measures the size.
 */
export const isPerUnitKind = (kind: string): boolean =>
  isRatioKind(kind) || kind === 'mean' || kind === 'median';

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
