/** What both engine suites check on the cells they computed. */
import { expect } from 'vitest';
import type { ComputedCell } from '../../src/contracts/index.js';
import { CATALOGUE } from '../../src/indicators/index.js';

/**
 * Not degenerate: every indicator has a non-zero national value in some year, so every kind
 * (counts, rates, sums, means, medians) was checked on real figures.
 */
export function expectEveryIndicatorNonZero(cells: readonly ComputedCell[]): void {
  for (const d of CATALOGUE) {
    const national = cells.filter(
      (c) => c.indicatorId === d.id && c.regionLevel === 'nederland' && c.breakdown === '',
    );
    expect(
      national.some((c) => (c.value ?? 0) > 0),
      d.id,
    ).toBe(true);
  }
}

/** The figures of a computed cell that the engine must get right, field by field. */
export const CELL_FIGURES = [
  'value',
  'numerator',
  'denominator',
  'contributors',
  'largest',
  'secondLargest',
] as const satisfies readonly (keyof ComputedCell)[];
