import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { solveIntervals, type SubLp } from '../../src/disclosure/lp.js';
import { peelTrees } from '../../src/disclosure/peel.js';

/**
 * A two-dimensional table (cells, row totals, column totals, grand total) under which random
 * trees hang (a cell is the sum of its subcells, and so on), plus one separate tree: the shape
 * of a region × breakdown table whose gemeenten carry their wijken and buurten. Every column
 * gets a box around its truth: exact, a rounding interval, or unknown [0, ∞).
 */
const tableArb = fc
  .record({
    rows: fc.integer({ min: 1, max: 3 }),
    cols: fc.integer({ min: 1, max: 3 }),
    treeParents: fc.array(fc.nat(), { maxLength: 25 }),
    leafTruths: fc.array(fc.nat({ max: 20 }), { minLength: 60, maxLength: 60 }),
    boxes: fc.array(fc.constantFrom('exact', 'round', 'unknown', 'unknown'), {
      minLength: 60,
      maxLength: 60,
    }),
  })
  .map(({ rows, cols, treeParents, leafTruths, boxes }) => {
    // Nodes: 0 = grand total, then row totals, column totals, cells, then tree nodes.
    const children: number[][] = [];
    const node = (): number => children.push([]) - 1;
    const grand = node();
    const rowTotals = Array.from({ length: rows }, node);
    const colTotals = Array.from({ length: cols }, node);
    const cells = rowTotals.map(() => colTotals.map(node));
    // Tree nodes hang under a cell, another tree node, or a separate root.
    const separate = node();
    const hangable = [...cells.flat(), separate];
    for (const p of treeParents) {
      const parent = hangable[p % hangable.length] as number;
      const c = node();
      (children[parent] as number[]).push(c);
      hangable.push(c);
    }
    const n = children.length;
    const truth = new Array<number>(n).fill(0);
    const value = (i: number): number => {
      const ch = children[i] as number[];
      truth[i] = ch.length ? ch.reduce((a, c) => a + value(c), 0) : (leafTruths[i % 60] as number);
      return truth[i] as number;
    };
    cells.flat().forEach(value);
    value(separate);
    rowTotals.forEach(
      (r, i) => (truth[r] = (cells[i] as number[]).reduce((a, c) => a + (truth[c] as number), 0)),
    );
    colTotals.forEach(
      (t, j) => (truth[t] = cells.reduce((a, row) => a + (truth[row[j] as number] as number), 0)),
    );
    truth[grand] = rowTotals.reduce((a, r) => a + (truth[r] as number), 0);

    const lp: SubLp = { lower: [], upper: [], rows: [] };
    for (let i = 0; i < n; i++) {
      const t = truth[i] as number;
      const kind = boxes[i % 60] as string;
      lp.lower.push(kind === 'exact' ? t : kind === 'round' ? Math.max(0, t - 2.5) : 0);
      lp.upper.push(kind === 'exact' ? t : kind === 'round' ? t + 2.5 : Infinity);
    }
    const sum = (total: number, parts: number[]): void => {
      lp.rows.push({ cols: [total, ...parts], coefs: [1, ...parts.map(() => -1)], rhs: 0 });
    };
    sum(grand, rowTotals);
    sum(grand, colTotals);
    rowTotals.forEach((r, i) => sum(r, cells[i] as number[]));
    colTotals.forEach((t, j) =>
      sum(
        t,
        cells.map((row) => row[j] as number),
      ),
    );
    children.forEach((ch, i) => ch.length > 0 && sum(i, ch));
    return { lp, truth };
  });

describe('peeling the trees off a table with cycles', () => {
  it('core LP plus the downward pass equals the LP over the whole system, for every column', async () => {
    await fc.assert(
      fc.asyncProperty(tableArb, async ({ lp, truth }) => {
        const counters = { lp: 0, closedForm: 0, witness: 0 };
        const all = lp.lower.map((_, c) => c);
        const whole = await solveIntervals(lp, all, (c) => truth[c] as number, counters);
        const peeled = peelTrees(lp);
        const coreTruth = (k: number): number => truth[peeled.coreCols[k] ?? -1] ?? NaN;
        const core = peeled.core.lower.length
          ? await solveIntervals(
              peeled.core,
              peeled.core.lower.map((_, k) => k),
              coreTruth,
              counters,
            )
          : [];
        const got = peeled.expand(
          core.map((i) => i.lower),
          core.map((i) => i.upper),
        );
        all.forEach((c) => {
          const e = whole[c] as { lower: number; upper: number };
          expect(got.lower[c]).toBeCloseTo(e.lower, 6);
          if (e.upper === Infinity) expect(got.upper[c]).toBe(Infinity);
          else expect(got.upper[c]).toBeCloseTo(e.upper, 6);
        });
        // The core never holds a tree column, and anchors point into the core or nowhere.
        expect(peeled.coreCols.length).toBeLessThanOrEqual(lp.lower.length);
        for (const a of peeled.anchor) expect(a >= -1 && a < peeled.core.lower.length).toBe(true);
      }),
      { numRuns: 200, seed: 977 },
    );
  });

  it('leaves a pure hierarchy no core, and a bare 2×2 table whole', () => {
    // 0 = 1 + 2, 1 = 3 + 4: a tree.
    const tree: SubLp = {
      lower: [0, 0, 5, 0, 0],
      upper: [Infinity, Infinity, 5, Infinity, Infinity],
      rows: [
        { cols: [0, 1, 2], coefs: [1, -1, -1], rhs: 0 },
        { cols: [1, 3, 4], coefs: [1, -1, -1], rhs: 0 },
      ],
    };
    const t = peelTrees(tree);
    expect(t.core.lower).toHaveLength(0);
    expect([...t.anchor]).toEqual([-1, -1, -1, -1, -1]);
    // x0 + x1 = 10, x2 + x3 = 10, x0 + x2 = 10, x1 + x3 = 10: every column is in two rows.
    const square: SubLp = {
      lower: [0, 0, 0, 0],
      upper: [10, 10, 10, 10],
      rows: [
        { cols: [0, 1], coefs: [1, 1], rhs: 10 },
        { cols: [2, 3], coefs: [1, 1], rhs: 10 },
        { cols: [0, 2], coefs: [1, 1], rhs: 10 },
        { cols: [1, 3], coefs: [1, 1], rhs: 10 },
      ],
    };
    const s = peelTrees(square);
    expect(s.coreCols).toEqual([0, 1, 2, 3]);
    expect(s.core.rows).toHaveLength(4);
  });
});
