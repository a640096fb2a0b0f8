/**
 * Published figures against the synthetic generator's ground truth: each published figure must
 * equal the true one within what disclosure control does to it (rounding of counts, of medians to
 * € 100; sums exact). Used by the demo's and the product path's end-to-end tests.
 */
import { expect } from 'vitest';
import { DEFAULT_PROFILES } from '../../../src/disclosure/index.js';
import type { ResolvedIndicator } from '../../../src/indicators/index.js';
import type { RegionSet } from '../../../src/regions/index.js';
import { hierarchyOf } from '../engine-fixture.js';
import { readGroundTruth, writeIndicatorGroundTruth } from './ground-truth.js';

/** The ground truth of every indicator, computed independently of the engine from the raw files. */
export {
  writeIndicatorGroundTruth,
  readGroundTruth,
  computeGroundTruth,
  loadRawTables,
  readFormerBuurten,
  type TruthCell,
  type RegionHierarchyRow,
  type RawLoadReport,
  type GroundTruthOptions,
} from './ground-truth.js';

export interface FigureLike {
  indicator_id: string;
  year: number;
  region_level: string;
  region_code: string;
  breakdown: string;
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  status: string;
}

export const truthKey = (c: {
  indicator_id?: string;
  indicatorId?: string;
  year: number;
  region_code?: string;
  regionCode?: string;
  breakdown: string;
}) =>
  `${c.indicator_id ?? c.indicatorId}|${c.year}|${c.region_code ?? c.regionCode}|${c.breakdown}`;

/** Checks every published figure of `rows`; returns how many were checked. */
export function expectPublishedWithinRounding(
  rows: readonly FigureLike[],
  truthFile: string,
  catalogue: readonly ResolvedIndicator[],
): number {
  const truth = new Map(readGroundTruth(truthFile).map((t) => [truthKey(t), t]));
  const kinds = new Map(catalogue.map((d) => [d.id, d]));
  let checked = 0;
  for (const r of rows) {
    if (r.status !== 'published') continue;
    const where = `${r.indicator_id} ${r.year} ${r.region_code} '${r.breakdown}'`;
    const t = truth.get(truthKey(r));
    expect(t, where).toBeDefined();
    const def = kinds.get(r.indicator_id)!;
    const profile = DEFAULT_PROFILES[def.disclosure];
    const half = profile.roundingBase / 2;
    if (def.disclosure === 'count') {
      expect(Math.abs(r.value! - t!.value!), where).toBeLessThanOrEqual(half);
    } else if (def.disclosure === 'ratio') {
      expect(Math.abs(r.numerator! - t!.numerator!), where).toBeLessThanOrEqual(half);
      expect(Math.abs(r.denominator! - t!.denominator!), where).toBeLessThanOrEqual(half);
    } else if (def.disclosure === 'median') {
      // Rounded to € 100, so it is never one unit's own amount; its count rounded like counts.
      expect(Math.abs(r.value! - t!.value!), where).toBeLessThanOrEqual(
        profile.valueRoundingBase! / 2,
      );
      expect(r.value! % profile.valueRoundingBase!, where).toBe(0);
      expect(Math.abs(r.numerator! - t!.numerator!), where).toBeLessThanOrEqual(half);
    } else if (def.kind === 'mean') {
      // The sum is exact; the count is rounded and the mean follows from the published parts.
      expect(r.numerator, where).toBeCloseTo(t!.numerator!, 2);
      expect(Math.abs(r.denominator! - t!.denominator!), where).toBeLessThanOrEqual(half);
      expect(r.denominator! % profile.roundingBase, where).toBe(0);
      // Published to two decimals; at .xx5 either rounding is right.
      expect(Math.abs(r.value! - r.numerator! / r.denominator!), where).toBeLessThanOrEqual(
        0.005 + 1e-9,
      );
    } else {
      expect(r.value, where).toBeCloseTo(t!.value!, 2);
    }
    checked++;
  }
  return checked;
}

/** The demo's `groundTruth` hook: the ground truth of the demo's synthetic registers. */
export async function writeDemoGroundTruth(input: {
  synthDir: string;
  regions: RegionSet;
  outFile: string;
}): Promise<void> {
  await writeIndicatorGroundTruth({
    synthDir: input.synthDir,
    regions: hierarchyOf(input.regions),
    outFile: input.outFile,
  });
}
