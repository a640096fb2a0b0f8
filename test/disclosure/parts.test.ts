/**
 * `protect` in parts: a release is protected one year at a time (in worker threads when large),
 * and that must be the same as protecting every cell in one model: the same rows, the same audit.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ComputedCell } from '../../src/contracts/index.js';
import {
  audit,
  DEFAULT_PROFILES,
  protect,
  variableId,
  type AuditReport,
  type PublishedCell,
} from '../../src/disclosure/index.js';
import { protectTable } from '../../src/disclosure/protect.js';
import { splitByYear } from '../../src/disclosure/parts.js';
import { auditTable } from '../../src/disclosure/audit.js';
import { profile, randomTable } from './helpers.js';

const shapeArb = fc.array(
  fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 }),
  { minLength: 1, maxLength: 3 },
);
const countsArb = fc.array(fc.nat({ max: 25 }), { minLength: 4, maxLength: 12 });

/** A release of 2–4 years, each its own random counts, with a rate on top (key 'x' linked). */
const releaseArb = fc
  .tuple(shapeArb, fc.array(countsArb, { minLength: 2, maxLength: 4 }), fc.boolean())
  .map(([shape, perYear, byG]) => {
    const cells = perYear.flatMap((counts, k) => randomTable(shape, counts, byG, 2019 + k));
    const rates: ComputedCell[] = cells.map((c) => ({
      ...c,
      indicatorId: 'r',
      value: c.numerator ? (100 * (c.numerator as number)) / ((c.numerator as number) + 40) : 0,
      denominator: (c.numerator as number) + 40,
      denominatorKey: 'pop',
    }));
    // Interleaved, so that a part's cells are not a slice of the input.
    return [...cells, ...rates].sort((a, b) => (a.regionCode < b.regionCode ? -1 : 1));
  });

const CELL_KEY = { D: 2, V: 1.05, js: 1, pstay: 0.5 };

const profiles = {
  x: profile({ minFrequency: 5, minRange: 5 }),
  r: profile({ kind: 'ratio', minFrequency: 5, minRange: 5, minDenominator: 50 }),
};

/**
 * What an audit found, without how: each interval's bounds may come from a different route (an
 * exact LP optimum or witness points, depending on what else was open in the same round), and
 * either is sound.
 */
const outline = (a: AuditReport) => ({
  passed: a.passed,
  checkedVariables: a.checkedVariables,
  rules: a.rules.map((r) => ({
    rule: r.rule,
    cells: r.cells,
    passed: r.passed,
    intervals: r.intervals.map((i) => `${i.variable} ${i.passed} ${i.containsTruth}`),
  })),
  failing: a.failing.map((i) => i.variable),
});

describe('protect in parts (one year each)', () => {
  it('gives the rows and the findings of one model over all years, in this thread and in workers', async () => {
    await fc.assert(
      fc.asyncProperty(releaseArb, async (cells) => {
        const whole = await protectTable({ cells, profiles });
        const inThread = await protect({ cells, profiles }, { threads: 1 });
        expect(inThread.cells).toEqual(whole.cells);
        expect(outline(inThread.audit)).toEqual(outline(whole.audit));
        expect(inThread.stats.primaryCells).toBe(whole.stats.primaryCells);
        expect(inThread.stats.secondaryCells).toBe(whole.stats.secondaryCells);
        expect(inThread.stats.suppressedByRule).toEqual(whole.stats.suppressedByRule);
        expect(inThread.stats.secondaryCost).toBeCloseTo(whole.stats.secondaryCost, 6);
        expect(inThread.stats.auditRounds).toBe(whole.stats.auditRounds);
        // An audit of the whole release, not of its parts, passes the merged rows.
        expect((await auditTable({ cells, published: inThread.cells, profiles })).passed).toBe(
          true,
        );
      }),
      { numRuns: 25, seed: 20 },
    );
    // Worker threads (started per call) for a few of them: the same result again.
    await fc.assert(
      fc.asyncProperty(releaseArb, async (cells) => {
        const whole = await protectTable({ cells, profiles });
        const workers = await protect({ cells, profiles }, { threads: 2, minWorkerCells: 0 });
        expect(workers.cells).toEqual(whole.cells);
        expect(outline(workers.audit)).toEqual(outline(whole.audit));
      }),
      { numRuns: 3, seed: 21 },
    );
  });

  it('splits by year, each part with its own earlier rows; explicit relations keep one part', () => {
    const cells = [2021, 2019, 2021]
      .map((year, k) => randomTable([[1]], [3 + k, 4], false, year))
      .flat();
    const earlier: PublishedCell[] = [
      {
        indicator_id: 'x',
        year: 2019,
        region_level: 'wijk',
        region_code: 'WK0000000',
        parent_code: 'GM0000',
        breakdown: '',
        value: null,
        numerator: null,
        denominator: null,
        status: 'suppressed-primary',
        rule: 'frequency',
      },
    ];
    const parts = splitByYear({ cells, profiles, earlier });
    expect(parts.map((p) => p.year)).toEqual([2019, 2021]);
    expect(parts.map((p) => p.input.earlier?.length)).toEqual([1, 0]);
    for (const p of parts) {
      expect(p.input.cells).toEqual(p.indices.map((i) => cells[i]));
      expect(p.input.cells.every((c) => c.year === p.year)).toBe(true);
    }
    expect(parts.flatMap((p) => p.indices).sort((a, b) => a - b)).toEqual(cells.map((_, i) => i));
    const joined = splitByYear({ cells, profiles, relations: [{ total: 'a', parts: ['b'] }] });
    expect(joined).toHaveLength(1);
    expect(joined[0]?.input.cells).toBe(cells);
  });

  it('a part that fails in a worker fails the whole with its own message', async () => {
    const cells = [2020, 2021].flatMap((year) => randomTable([[2]], [3, 4], false, year));
    const bad = cells.map((c, i) => (i === cells.length - 1 ? { ...c, numerator: -1 } : c));
    const expected = await protectTable({ cells: bad, profiles }).then(
      () => 'no error',
      (e: Error) => e.message,
    );
    expect(expected).toMatch(/numerator -1 is negative/);
    await expect(
      protect({ cells: bad, profiles }, { threads: 2, minWorkerCells: 0 }),
    ).rejects.toThrow(expected);
  });

  it('a worker out of memory names the part and the heap it had, and stops the others', async () => {
    const cells = [2020, 2021, 2022].flatMap((year) =>
      randomTable(
        [
          [4, 4, 4],
          [4, 4],
        ],
        [3, 9, 14, 2, 30, 7],
        true,
        year,
      ),
    );
    await expect(
      protect({ cells, profiles }, { threads: 2, minWorkerCells: 0, workerHeapMb: 4 }),
    ).rejects.toThrow(
      /disclosure control of 202[0-2] \(\d+ cells\) needs more than its worker's heap of 4 MiB/,
    );
  });

  it('each part gets the cell keys of its own variables', async () => {
    const ck = { ...DEFAULT_PROFILES.count, method: 'cell-key' as const, cellKey: CELL_KEY };
    const cells = [2020, 2021].flatMap((year) => randomTable([[2, 1]], [4, 9, 2, 6], false, year));
    // A key per variable, different per year, so a key taken from the wrong year shows.
    const cellKeys = new Map(
      cells.map((c, i) => [variableId('x', c.year, c.regionCode, c.breakdown), (i * 0.37) % 1]),
    );
    const input = { cells, profiles: { x: ck }, cellKeys };
    const whole = await protectTable(input);
    expect(whole.cells.every((r) => r.rule === 'cell-key')).toBe(true);
    expect((await protect(input, { threads: 1 })).cells).toEqual(whole.cells);
    expect((await protect(input, { threads: 2, minWorkerCells: 0 })).cells).toEqual(whole.cells);
  });

  it('audits one year at a time: the findings of one model, and rows named by their place', async () => {
    await fc.assert(
      fc.asyncProperty(releaseArb, async (cells) => {
        const { cells: published } = await protectTable({ cells, profiles });
        // Earlier rows of another order and fewer years than the release: each year gets its own.
        const earlier = published.filter((r) => r.year !== 2019).reverse();
        const whole = await auditTable({ cells, published, profiles, earlier });
        const parts = await audit({ cells, published, profiles, earlier });
        expect(outline(parts)).toEqual(outline(whole));
        expect(parts.revisedEarlierValues).toBe(whole.revisedEarlierValues);
      }),
      { numRuns: 15, seed: 22 },
    );
    const cells = [2020, 2021].flatMap((year) => randomTable([[2]], [3, 4], false, year));
    const { cells: rows } = await protectTable({ cells, profiles });
    const last = rows.length - 1;
    const wrong = rows.map((r, k) =>
      k === last ? { ...r, status: 'published' as const, value: 999, numerator: 999 } : r,
    );
    const message = (p: Promise<unknown>) =>
      p.then(
        () => 'no error',
        (e: Error) => e.message,
      );
    const expected = await message(auditTable({ cells, published: wrong, profiles }));
    expect(expected).toMatch(new RegExp(`^release row ${last + 1} \\(x/2021/`));
    expect(await message(audit({ cells, published: wrong, profiles }))).toBe(expected);
    const stray = { ...(rows[0] as PublishedCell), year: 2030 };
    expect(await message(audit({ cells, published: [...rows, stray], profiles }))).toBe(
      `release row ${rows.length + 1} (x/2030/${stray.region_code}): no computed cell for this row`,
    );
  });
});
