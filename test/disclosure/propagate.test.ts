import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { solveIntervals, type SubLp } from '../../src/disclosure/lp.js';
import {
  innerBoundsByForest,
  isAcyclic,
  propagateAcyclic,
} from '../../src/disclosure/propagate.js';

/**
 * A random hierarchy (each node the sum of its children) over nonnegative truths. Each column's
 * box is one of: exact, a rounding interval around the truth, or unknown [0, ∞). Some internal
 * relations have a parent that is fixed (moved to the right-hand side), as in the audit.
 */
const treeArb = fc
  .record({
    parents: fc.array(fc.nat(), { minLength: 1, maxLength: 18 }),
    leaves: fc.array(fc.nat({ max: 30 }), { minLength: 20, maxLength: 20 }),
    boxes: fc.array(fc.constantFrom('exact', 'round', 'unknown', 'unknown'), {
      minLength: 20,
      maxLength: 20,
    }),
    halves: fc.array(fc.constantFrom(0.5, 2.5, 5), { minLength: 20, maxLength: 20 }),
  })
  .map(({ parents, leaves, boxes, halves }) => {
    // Node i > 0 hangs under parents[i-1] mod i: a random rooted tree on n = parents.length + 1.
    const n = parents.length + 1;
    const parentOf = [-1, ...parents.map((p, i) => p % (i + 1))];
    const children: number[][] = Array.from({ length: n }, () => []);
    parentOf.forEach((p, i) => p >= 0 && (children[p] as number[]).push(i));
    const truth = new Array<number>(n).fill(0);
    for (let i = n - 1; i >= 0; i--) {
      const ch = children[i] as number[];
      truth[i] = ch.length
        ? ch.reduce((a, c) => a + (truth[c] as number), 0)
        : (leaves[i] as number);
    }
    const lp: SubLp = { lower: [], upper: [], rows: [] };
    for (let i = 0; i < n; i++) {
      const t = truth[i] as number;
      const kind = boxes[i] as string;
      const h = halves[i] as number;
      lp.lower.push(kind === 'exact' ? t : kind === 'round' ? Math.max(0, t - h) : 0);
      lp.upper.push(kind === 'exact' ? t : kind === 'round' ? t + h : Infinity);
    }
    for (let i = 0; i < n; i++) {
      const ch = children[i] as number[];
      if (ch.length === 0) continue;
      lp.rows.push({ cols: [i, ...ch], coefs: [1, ...ch.map(() => -1)], rhs: 0 });
    }
    return { lp, truth };
  });

describe('bounds propagation on acyclic relations', () => {
  it('gives exactly the LP optimum of every column of a random hierarchy', async () => {
    await fc.assert(
      fc.asyncProperty(treeArb, async ({ lp, truth }) => {
        expect(isAcyclic(lp)).toBe(true);
        const bounds = propagateAcyclic(lp);
        expect(bounds).not.toBeNull();
        const cols = lp.lower.map((_, c) => c);
        const counters = { lp: 0, closedForm: 0, witness: 0 };
        const exact = await solveIntervals(lp, cols, (c) => truth[c] as number, counters);
        cols.forEach((c) => {
          const e = exact[c] as { lower: number; upper: number };
          expect(bounds!.lower[c]).toBeCloseTo(e.lower, 6);
          if (e.upper === Infinity) expect(bounds!.upper[c]).toBe(Infinity);
          else expect(bounds!.upper[c]).toBeCloseTo(e.upper, 6);
          expect(
            bounds!.lower[c]! <= truth[c]! + 1e-9 && truth[c]! <= bounds!.upper[c]! + 1e-9,
          ).toBe(true);
        });
      }),
      { numRuns: 150, seed: 4242 },
    );
  });

  it('refuses a two-dimensional table, where propagation would overstate the interval', () => {
    // x11 + x12 = r1, x21 + x22 = r2, x11 + x21 = c1, x12 + x22 = c2: the classic 2×2 cycle.
    // Propagation leaves each cell [0, 10]; the LP knows nothing tighter here, but in general a
    // cycle can bind, so the function must not answer.
    const lp: SubLp = {
      lower: [0, 0, 0, 0],
      upper: [Infinity, Infinity, Infinity, Infinity],
      rows: [
        { cols: [0, 1], coefs: [1, 1], rhs: 10 },
        { cols: [2, 3], coefs: [1, 1], rhs: 10 },
        { cols: [0, 2], coefs: [1, 1], rhs: 10 },
        { cols: [1, 3], coefs: [1, 1], rhs: 10 },
      ],
    };
    expect(isAcyclic(lp)).toBe(false);
    expect(propagateAcyclic(lp)).toBeNull();
  });

  it('treats two rows that share two columns as a cycle', () => {
    const lp: SubLp = {
      lower: [0, 0, 0],
      upper: [5, Infinity, Infinity],
      rows: [
        { cols: [0, 1, 2], coefs: [1, -1, -1], rhs: 0 },
        { cols: [1, 2], coefs: [1, 1], rhs: 5 },
      ],
    };
    expect(isAcyclic(lp)).toBe(false);
  });

  it('pins a column that is alone in a row to its right-hand side', () => {
    const r = propagateAcyclic({
      lower: [0, 0],
      upper: [Infinity, Infinity],
      rows: [
        { cols: [0], coefs: [1], rhs: 7 },
        { cols: [0, 1], coefs: [1, -1], rhs: 3 },
      ],
    });
    expect([...r!.lower]).toEqual([7, 4]);
    expect([...r!.upper]).toEqual([7, 4]);
  });

  it('gives inner bounds inside the LP interval on tables with cycles', async () => {
    // Region hierarchy × two categories with totals: T = M + V per region, and each of T, M, V
    // sums over the children. Random suppression pattern over random counts.
    const tableArb = fc.record({
      leaves: fc.array(fc.tuple(fc.nat({ max: 12 }), fc.nat({ max: 12 })), {
        minLength: 2,
        maxLength: 6,
      }),
      hidden: fc.array(fc.boolean(), { minLength: 21, maxLength: 21 }),
    });
    await fc.assert(
      fc.asyncProperty(tableArb, async ({ leaves, hidden }) => {
        // Columns per region r (0 = total region, 1.. = leaves): T, M, V at 3r, 3r+1, 3r+2.
        const regions = leaves.length + 1;
        const truth: number[] = [];
        const mSum = leaves.reduce((a, [m]) => a + m, 0);
        const vSum = leaves.reduce((a, [, v]) => a + v, 0);
        truth.push(mSum + vSum, mSum, vSum);
        for (const [m, v] of leaves) truth.push(m + v, m, v);
        const free = (c: number): boolean => hidden[c % hidden.length] === true;
        const lp: SubLp = {
          lower: truth.map((t, c) => (free(c) ? 0 : t)),
          upper: truth.map((t, c) => (free(c) ? Infinity : t)),
          rows: [],
        };
        for (let r = 0; r < regions; r++)
          lp.rows.push({ cols: [3 * r, 3 * r + 1, 3 * r + 2], coefs: [1, -1, -1], rhs: 0 });
        for (let k = 0; k < 3; k++) {
          const kids = leaves.map((_, i) => 3 * (i + 1) + k);
          lp.rows.push({ cols: [k, ...kids], coefs: [1, ...kids.map(() => -1)], rhs: 0 });
        }
        const cols = truth.map((_, c) => c);
        const inner = innerBoundsByForest(lp, truth, cols.filter(free));
        const counters = { lp: 0, closedForm: 0, witness: 0 };
        const exact = await solveIntervals(lp, cols, (c) => truth[c] as number, counters);
        cols.forEach((c) => {
          const e = exact[c] as { lower: number; upper: number };
          expect(inner.lower[c]!).toBeLessThanOrEqual(truth[c]! + 1e-9);
          expect(inner.upper[c]!).toBeGreaterThanOrEqual(truth[c]! - 1e-9);
          expect(inner.lower[c]!).toBeGreaterThanOrEqual(e.lower - 1e-6);
          expect(inner.upper[c]!).toBeLessThanOrEqual(e.upper + 1e-6);
        });
      }),
      { numRuns: 150, seed: 777 },
    );
  });
});
