/**
 * Rule profiles: the disclosure rules of one indicator, validated with zod. Defaults follow
 * ARCHITECTURE.md ("Disclosure control defaults"); every release manifest stores the profiles.
 */
import { z } from 'zod';

export const cellKeyParamsSchema = z
  .object({
    /** Maximum absolute noise. */
    D: z.number().int().min(1).max(20),
    /** Target variance of the noise. */
    V: z.number().positive(),
    /** No perturbed value may lie in 1..js (small counts never appear). */
    js: z.number().int().min(0),
    /** Probability that a value stays unchanged. */
    pstay: z.number().min(0).max(0.99),
  })
  .strict();
export type CellKeyParams = z.infer<typeof cellKeyParamsSchema>;

export const ruleProfileSchema = z
  .object({
    /**
     * frequency = counts of units; ratio = percentages/rates; magnitude = sums and means of
     * amounts; median = medians of amounts (not a sum: only the number of units is additive).
     */
    kind: z.enum(['frequency', 'magnitude', 'ratio', 'median']),
    /** A count (or number of contributors) below this is unsafe; 0 turns the rule off. */
    minFrequency: z.number().int().min(0),
    /** Safety range in percent of the cell value (τ-Argus FREQ(n, range)). */
    safetyRange: z.number().min(0).max(1000),
    /** Absolute floor of the attacker interval width a frequency-unsafe cell needs. */
    minRange: z.number().min(0),
    /** (n,k)-dominance: unsafe when the n largest contributions exceed k% of the total. n ∈ {1,2}. */
    nk: z
      .object({ n: z.number().int().min(1).max(2), k: z.number().gt(0).lt(100) })
      .strict()
      .nullable(),
    /** p%-rule: unsafe when total - x1 - x2 < p% of x1. */
    pPercent: z.number().gt(0).lt(100).nullable(),
    /** Percentages/rates need at least this denominator. */
    minDenominator: z.number().int().min(0).nullable(),
    /** A share of 0% or 100% is group disclosure when the denominator is below this. */
    groupDisclosure: z.number().int().min(0).nullable(),
    /** Whether a zero count is disclosive (primary) or safe. */
    zeroPolicy: z.enum(['safe', 'unsafe']),
    /**
     * Published counts are rounded to this base after suppression (1 = no rounding): a count's
     * value, a ratio's numerator and denominator, a mean's denominator (its number of units) and a
     * median's number of units. Amounts (a sum, the numerator of a mean) are never rounded by it:
     * dominance and p% protect them.
     */
    roundingBase: z.number().int().min(1),
    /**
     * Published values that are not derived from published counts (a median) are rounded to this
     * base (halves up), so that the figure is not one unit's own value; null = not rounded.
     * Absent in the manifests of releases made before the field existed: read as null.
     */
    valueRoundingBase: z.number().positive().nullable().default(null),
    method: z.enum(['suppression', 'cell-key']),
    cellKey: cellKeyParamsSchema.nullable(),
    /** Information-loss cost of suppressing a cell: its value, its count, or one per cell. */
    cost: z.enum(['value', 'count', 'unit']),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.method === 'cell-key' && p.cellKey === null) {
      ctx.addIssue({
        code: 'custom',
        path: ['cellKey'],
        message: "method 'cell-key' needs cellKey {D,V,js,pstay}",
      });
    }
    if (p.kind === 'median' && (p.nk !== null || p.pPercent !== null)) {
      ctx.addIssue({
        code: 'custom',
        path: [p.nk !== null ? 'nk' : 'pPercent'],
        message:
          'a median is not a sum: dominance and p% do not apply (use minFrequency and valueRoundingBase)',
      });
    }
    if (p.kind === 'median' && p.minFrequency === 0 && (p.valueRoundingBase ?? 1) <= 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['kind'],
        message: 'a median profile needs minFrequency or valueRoundingBase',
      });
    }
    if (p.kind === 'magnitude' && p.nk === null && p.pPercent === null && p.minFrequency === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['kind'],
        message: 'a magnitude profile needs at least one rule',
      });
    }
  });
export type RuleProfile = z.infer<typeof ruleProfileSchema>;

/** The count (frequency) profile; the other defaults differ from it only where they say. */
const COUNT_PROFILE: RuleProfile = {
  kind: 'frequency',
  minFrequency: 10,
  safetyRange: 20,
  minRange: 10,
  nk: null,
  pPercent: null,
  minDenominator: null,
  groupDisclosure: null,
  zeroPolicy: 'safe',
  roundingBase: 5,
  valueRoundingBase: null,
  method: 'suppression',
  cellKey: null,
  cost: 'value',
};

export const DEFAULT_PROFILES: {
  count: RuleProfile;
  ratio: RuleProfile;
  magnitude: RuleProfile;
  median: RuleProfile;
} = {
  count: COUNT_PROFILE,
  ratio: { ...COUNT_PROFILE, kind: 'ratio', minDenominator: 50, groupDisclosure: 100 },
  // The counts beside an amount (a mean's number of units) are rounded as every count is.
  magnitude: {
    ...COUNT_PROFILE,
    kind: 'magnitude',
    minRange: 0,
    nk: { n: 2, k: 85 },
    pPercent: 10,
  },
  // A median needs 10 units (frequency rule on its number of units, a count). Its value is
  // rounded to € 100: not one unit's own income (CBS publishes incomes in x € 1,000 with one
  // decimal).
  median: { ...COUNT_PROFILE, kind: 'median', valueRoundingBase: 100 },
};

/** Validates a profile; the error names the indicator and the field. */
export function parseRuleProfile(indicatorId: string, raw: unknown): RuleProfile {
  const r = ruleProfileSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    const field = issue ? issue.path.join('.') || '(profile)' : '(profile)';
    throw new Error(
      `rule profile of indicator '${indicatorId}': field '${field}': ${issue?.message ?? 'invalid'}`,
    );
  }
  return r.data;
}

/** Validates the profiles of every indicator, in sorted order (the first invalid one throws). */
export function parseRuleProfiles(raw: Record<string, unknown>): Record<string, RuleProfile> {
  const profiles: Record<string, RuleProfile> = {};
  for (const id of Object.keys(raw).sort()) profiles[id] = parseRuleProfile(id, raw[id]);
  return profiles;
}
