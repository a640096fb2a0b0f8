/**
 * The shape of an indicator definition. Definitions are plain data, validated with zod here and
 * checked against the dataset contracts in `load.ts`; the engine compiles them to SQL.
 *
 * Definitions name columns as the provider delivers them (`bsn`, `kvk_nummer`); the compiler maps
 * identifier columns to their broker names (`bsn_pseudonym`).
 */
import { z } from 'zod';

import {
  INDICATOR_KINDS,
  REGION_LEVELS,
  type IndicatorKind,
  type RegionLevel,
} from '../contracts/index.js';

// The region vocabulary is a contract (src/contracts/regions.ts); the catalogue passes it on.
export { REGION_LEVELS, type RegionLevel };

import { THEMES } from './themes.js';
import { columnName } from './names.js';
import { NAMED_PREDICATE_SCHEMAS, type NamedPredicateCall } from './predicates/index.js';

export type { UnexplainedPurchase } from './predicates/index.js';

export { THEMES, type Theme } from './themes.js';

export const DISCLOSURE_PROFILES = ['count', 'ratio', 'magnitude', 'median'] as const;
export type DisclosureProfile = (typeof DISCLOSURE_PROFILES)[number];

/** The disclosure profile each kind must carry: the rules that protect that kind of figure. */
export const PROFILE_OF_KIND: Record<IndicatorKind, DisclosureProfile> = {
  count: 'count',
  percentage: 'ratio',
  rate_per_1000: 'ratio',
  rate_per_10000: 'ratio',
  mean: 'magnitude',
  // A median is not a sum: no dominance or p%, a minimum number of units and a rounded value.
  median: 'median',
  sum: 'magnitude',
};

export const BREAKDOWNS = ['geslacht', 'leeftijdsgroep'] as const;
/**
 * Levels at which breakdowns are published. Below the gemeente, groups by sex or age are too
 * small to survive disclosure control anyway, and computing them would double the cell count.
 */
export const BREAKDOWN_LEVELS: readonly RegionLevel[] = [
  'nederland',
  'veiligheidsregio',
  'gemeente',
];
export type Breakdown = (typeof BREAKDOWNS)[number];

/** Age groups of the `leeftijdsgroep` breakdown: [label, min, max] with age = year − birth year. */
export const AGE_GROUPS: readonly (readonly [string, number, number])[] = [
  ['0-11', 0, 11],
  ['12-17', 12, 17],
  ['18-23', 18, 23],
  ['24-44', 24, 44],
  ['45-64', 45, 64],
  ['65+', 65, 200],
];
export const SEXES = ['M', 'V'] as const;

const text = z.object({ nl: z.string().min(1), en: z.string().min(1) }).strict();
const literal = z.union([z.string(), z.number(), z.boolean()]);

export type Literal = z.infer<typeof literal>;

/**
 * A condition on the rows of a dataset. `inYear`, `beforeYear` and `byYearEnd` compare a date with
 * the reference year; the `*Outer` operators (only inside a link) compare with the row the link
 * starts from. A domain rule is a named predicate (`./predicates/`), called by its name.
 */
export type Predicate =
  | { col: string; op: 'eq' | 'ne' | 'lt' | 'lte' | 'gt' | 'gte'; value: Literal }
  | { col: string; op: 'in' | 'notIn'; values: Literal[] }
  | { col: string; op: 'startsWith'; values: string[] }
  | {
      col: string;
      op: 'isNull' | 'notNull' | 'inYear' | 'beforeYear' | 'notBeforeYear' | 'byYearEnd' | 'isYear';
    }
  | { col: string; op: 'lteOuter' | 'ltOuter' | 'gteOuter'; outer: string }
  | { age: { min: number; max: number } }
  | { anyOf: Predicate[] }
  | NamedPredicateCall
  | { exists: Link }
  | { notExists: Link };

export interface Link {
  dataset: string;
  /** Equalities between a column of the linked dataset and one of the outer row. */
  match: { col: string; outer: string }[];
  where: Predicate[];
}

const predicate: z.ZodType<Predicate> = z.lazy(() =>
  z.union([
    z
      .object({
        col: columnName,
        op: z.enum(['eq', 'ne', 'lt', 'lte', 'gt', 'gte']),
        value: literal,
      })
      .strict(),
    z
      .object({ col: columnName, op: z.enum(['in', 'notIn']), values: z.array(literal).min(1) })
      .strict(),
    z
      .object({
        col: columnName,
        op: z.literal('startsWith'),
        values: z.array(z.string().min(1)).min(1),
      })
      .strict(),
    z
      .object({
        col: columnName,
        op: z.enum([
          'isNull',
          'notNull',
          'inYear',
          'beforeYear',
          'notBeforeYear',
          'byYearEnd',
          'isYear',
        ]),
      })
      .strict(),
    z
      .object({
        col: columnName,
        op: z.enum(['lteOuter', 'ltOuter', 'gteOuter']),
        outer: columnName,
      })
      .strict(),
    z
      .object({
        age: z.object({ min: z.number().int().min(0), max: z.number().int().min(0) }).strict(),
      })
      .strict(),
    z.object({ anyOf: z.array(predicate).min(1) }).strict(),
    ...NAMED_PREDICATE_SCHEMAS,
    z.object({ exists: link }).strict(),
    z.object({ notExists: link }).strict(),
  ]),
);

const link: z.ZodType<Link> = z.lazy(() =>
  z
    .object({
      dataset: z.string(),
      match: z.array(z.object({ col: columnName, outer: columnName }).strict()).min(1),
      where: z.array(predicate).default([]),
    })
    .strict(),
) as z.ZodType<Link>;

/** How a row of the unit dataset belongs to a reference year. */
const time = z.discriminatedUnion('type', [
  /** The row is a yearly snapshot: column = year (BRP peiljaar, tax year). */
  z.object({ type: z.literal('year'), col: columnName }).strict(),
  /** An event: its date lies within the year. */
  z.object({ type: z.literal('date'), col: columnName }).strict(),
  /** A spell: registered at any moment of the year (start ≤ 31 Dec and end null or ≥ 1 Jan). */
  z.object({ type: z.literal('active'), start: columnName, end: columnName }).strict(),
  /** A stock: an integer year column ≤ the year (a dwelling built by then). */
  z.object({ type: z.literal('stock'), col: columnName }).strict(),
]);
export type TimeBinding = z.infer<typeof time>;

/** Where a row is counted. */
const region = z.discriminatedUnion('type', [
  /** A buurt column of the unit dataset itself. */
  z
    .object({
      type: z.literal('column'),
      col: columnName,
      basis: z.enum(['residence', 'event', 'establishment', 'dwelling']),
    })
    .strict(),
  /** The buurt of residence of a person (BRP of peiljaar = year); rows without one are not counted. */
  z.object({ type: z.literal('residence'), bsnCol: columnName }).strict(),
]);
export type RegionBinding = z.infer<typeof region>;

const measure = z.discriminatedUnion('type', [
  z.object({ type: z.literal('count') }).strict(),
  /** Distinct values of a column (households: distinct huishoudnummer). */
  z.object({ type: z.literal('distinct'), col: columnName }).strict(),
  /** Sum of an amount in euros; `contributor` is the unit the dominance rules protect. */
  z.object({ type: z.literal('sum'), col: columnName, contributor: columnName }).strict(),
  z.object({ type: z.literal('median'), col: columnName }).strict(),
]);
export type Measure = z.infer<typeof measure>;

const series = z
  .object({
    dataset: z.string(),
    time,
    region,
    where: z.array(predicate).default([]),
    measure: measure.default({ type: 'count' }),
  })
  .strict();
export type Series = z.infer<typeof series>;

/** A series, or the numerator series of another indicator (so the same count is shared). */
const seriesOrRef = z.union([series, z.object({ ref: z.string() }).strict()]);
export type SeriesOrRef = z.infer<typeof seriesOrRef>;

export const indicatorSchema = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9_]*$/, 'an id in lower snake case'),
    title: text,
    description: text,
    theme: z.enum(THEMES),
    kind: z.enum(INDICATOR_KINDS),
    unit: text,
    numerator: seriesOrRef,
    denominator: seriesOrRef.optional(),
    /**
     * Derived from the expression (the datasets it uses); a definition may still list them, and
     * then the list must equal the derived set.
     */
    sources: z.array(z.string()).min(1).optional(),
    levels: z.array(z.enum(REGION_LEVELS)).min(1),
    years: z.array(z.number().int().min(2000).max(2100)).min(1),
    breakdowns: z.array(z.enum(BREAKDOWNS)).default([]),
    disclosure: z.enum(DISCLOSURE_PROFILES),
    methodology: text,
    /** Which buurt a unit is counted in, in words (shown with the methodology). */
    regionBasis: text,
  })
  .strict();

/** A definition as a catalogue file holds it: `sources` may be left out (they are derived). */
export type IndicatorFileInput = z.input<typeof indicatorSchema>;
/**
 * A definition written in code (tests, generated definitions): these list their sources, which the
 * loader checks against the derived ones.
 */
export type IndicatorInput = IndicatorFileInput & { sources: string[] };
export type IndicatorDefinition = z.infer<typeof indicatorSchema>;

/**
 * A definition after loading: refs resolved, numerator/denominator are concrete series, `sources`
 * are the datasets the expression uses, in the order it first uses them.
 */
export interface ResolvedIndicator extends Omit<
  IndicatorDefinition,
  'numerator' | 'denominator' | 'sources'
> {
  readonly numerator: Series;
  readonly denominator: Series | null;
  readonly sources: string[];
}
