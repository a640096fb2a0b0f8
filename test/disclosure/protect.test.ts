import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as highsModule from 'highs';
import type { Highs } from 'highs';
import type { ComputedCell } from '../../src/contracts/index.js';
import {
  audit,
  buildPerturbationTable,
  cellKeyFromRecordKeys,
  DEFAULT_PROFILES,
  parseRuleProfile,
  perturb,
  protect,
  type PublishedCell,
  type RuleProfile,
} from '../../src/disclosure/index.js';
import { countCell, countOnlyRange, profile, randomTable } from './helpers.js';

type Loader = () => Promise<Highs>;
const hm = highsModule as unknown as { default: Loader | { default: Loader } };
const loadHighs: Loader = typeof hm.default === 'function' ? hm.default : hm.default.default;

/** A random NL01 → VR → GM → WK table, optionally by geslacht, with small counts at the leaves. */
/**
 * A median indicator 'm' beside every count cell, over the same units (key 'x'): the count is its
 * number of units. Its rows add status knowledge: not-applicable (no units) fixes the count at 0,
 * any other row says it is at least 1.
 */
function mediansOf(cells: readonly ComputedCell[]): ComputedCell[] {
  return cells.map((c) => {
    const n = c.numerator as number;
    return {
      ...c,
      indicatorId: 'm',
      value: n > 0 ? 30_000 + 37 * n : null,
      largest: n > 0 ? 90_000 : null,
      secondLargest: n > 1 ? 30_000 : null,
    };
  });
}

/** What the rows of a median indicator tell about its units by their status (see mediansOf). */
function statusesOf(rows: readonly PublishedCell[]): Map<string, 0 | 1> {
  const out = new Map<string, 0 | 1>();
  for (const r of rows) {
    const id = `v_${r.region_code}_${r.breakdown.replace(/[^A-Za-z0-9]/g, '')}`;
    out.set(id, r.status === 'not-applicable' ? 0 : 1);
  }
  return out;
}

/**
 * An independent check: one LP over the whole table (no decomposition, no code shared with the
 * module), LP text through the one-shot solver. Returns [min, max] per suppressed cell. `status`
 * adds what statuses tell (0: the count is 0, 1: it is at least 1); with `values: false` no
 * published value is used: the interval the attacker has from statuses and relations alone.
 */
async function fullLp(
  cells: ComputedCell[],
  rows: PublishedCell[],
  base: number,
  opts: { status?: ReadonlyMap<string, 0 | 1>; values?: boolean } = {},
): Promise<Map<string, [number, number]>> {
  const highs = await loadHighs();
  const id = (c: { regionCode?: string; region_code?: string; breakdown: string }): string =>
    `v_${(c.regionCode ?? c.region_code) as string}_${c.breakdown.replace(/[^A-Za-z0-9]/g, '')}`;
  const cons: string[] = [];
  const byParent = new Map<string, ComputedCell[]>();
  for (const c of cells)
    if (c.parentCode)
      byParent.set(`${c.parentCode}|${c.breakdown}`, [
        ...(byParent.get(`${c.parentCode}|${c.breakdown}`) ?? []),
        c,
      ]);
  for (const [k, kids] of byParent) {
    const [p, b] = k.split('|') as [string, string];
    cons.push(`${id({ regionCode: p, breakdown: b })} - ${kids.map(id).join(' - ')} = 0`);
  }
  const regions = new Set(cells.map((c) => c.regionCode));
  if (cells.some((c) => c.breakdown))
    for (const r of regions)
      cons.push(
        `${id({ regionCode: r, breakdown: '' })} - ${id({ regionCode: r, breakdown: 'geslacht=M' })} - ${id({ regionCode: r, breakdown: 'geslacht=V' })} = 0`,
      );
  const bounds: string[] = [];
  for (const r of rows) {
    const st = opts.status?.get(id(r));
    let lo = st === 1 ? 1 : 0;
    let hi = st === 0 ? 0 : Infinity;
    if (r.status === 'published' && opts.values !== false) {
      const h = base > 1 ? base / 2 : 0;
      lo = Math.max(lo, (r.numerator as number) - h);
      hi = Math.min(hi, (r.numerator as number) + h);
    }
    bounds.push(hi === Infinity ? `${id(r)} >= ${lo}` : `${lo} <= ${id(r)} <= ${hi}`);
  }
  const out = new Map<string, [number, number]>();
  for (const r of rows) {
    if (r.status === 'published') continue;
    const lp = (sense: string): string =>
      `${sense}\n obj: ${id(r)}\nSubject To\n${cons.map((c, i) => ` c${i}: ${c}`).join('\n')}\nBounds\n${bounds.map((b) => ` ${b}`).join('\n')}\nEnd\n`;
    const opts = { time_limit: 20, mip_rel_gap: 0, output_flag: false };
    const lo = highs.solve(lp('Minimize'), opts);
    const hi = highs.solve(lp('Maximize'), opts);
    out.set(id(r), [
      lo.Status === 'Optimal' ? lo.ObjectiveValue : -Infinity,
      hi.Status === 'Optimal' ? hi.ObjectiveValue : Infinity,
    ]);
  }
  return out;
}

const shapeArb = fc.array(
  fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 }),
  { minLength: 1, maxLength: 3 },
);
const countsArb = fc.array(fc.nat({ max: 25 }), { minLength: 4, maxLength: 12 });
/** Counts that often stay small up the hierarchy too (a gemeente of small wijken). */
const smallCountsArb = fc.array(fc.nat({ max: 6 }), { minLength: 4, maxLength: 12 });

describe('protect: properties on random hierarchical tables', () => {
  it('the independent full-table LP finds no primary interval narrower than required', async () => {
    await fc.assert(
      fc.asyncProperty(
        shapeArb,
        countsArb,
        fc.boolean(),
        fc.constantFrom(1, 5),
        async (shape, counts, byG, base) => {
          const cells = randomTable(shape, counts, byG);
          const p = profile({ minFrequency: 5, minRange: 5, safetyRange: 20, roundingBase: base });
          const res = await protect({ cells, profiles: { x: p } });
          expect(res.audit.passed).toBe(true);
          const lp = await fullLp(cells, res.cells, base);
          res.cells.forEach((r, i) => {
            const c = cells[i] as ComputedCell;
            if (r.status !== 'suppressed-primary') return;
            const n = c.numerator as number;
            const [lo, hi] = lp.get(
              `v_${c.regionCode}_${c.breakdown.replace(/[^A-Za-z0-9]/g, '')}`,
            ) as [number, number];
            expect(lo).toBeLessThanOrEqual(n + 1e-6);
            expect(hi).toBeGreaterThanOrEqual(n - 1e-6);
            expect(hi - lo).toBeGreaterThanOrEqual(Math.max(5, 0.2 * n) - 1e-6);
            // An attacker who knows the rules and guesses the cell is primary knows n ∈ [1, 4];
            // the table must not narrow that: the full LP interval covers the whole range (counts
            // only: no status bounds them, so the prior range is all of [1, 4], width 3).
            expect(Math.min(hi, 4) - Math.max(lo, 1)).toBeGreaterThanOrEqual(3 - 1e-6);
          });
          // Published counts are rounded to the base and primaries are never published.
          for (const [i, r] of res.cells.entries()) {
            const n = (cells[i] as ComputedCell).numerator as number;
            if (r.status === 'published') {
              expect((r.numerator as number) % base).toBe(0);
              expect(n === 0 || n >= 5).toBe(true);
            }
          }
        },
      ),
      { numRuns: 25, seed: 20231 },
    );
  });

  it('for frequency-unsafe counts, interval ∩ rule range has the required width in every passing release', async () => {
    // Tables whose counts also carry medians (zero policy 'safe' then: a median of no units is
    // not-applicable, which tells a zero that rule 'zero' would protect) give the attacker status
    // bounds: a count behind a confidential median is ≥ 1, a gemeente of k such wijken ≥ k. The
    // range the table must leave open is then the prior range (rule range ∩ status bounds), and
    // every release must still pass: the requirement is one that suppression can meet.
    let binding = 0;
    await fc.assert(
      fc.asyncProperty(
        shapeArb,
        fc.oneof(countsArb, smallCountsArb),
        fc.boolean(),
        fc.constantFrom(1, 5),
        fc.constantFrom(5, 10),
        fc.constantFrom<'safe' | 'unsafe' | 'medians'>('safe', 'unsafe', 'medians'),
        fc.constantFrom(3, 10),
        async (shape, counts, byG, base, mf, mode, minRange) => {
          const counted = randomTable(shape, counts, byG);
          const medians = mode === 'medians';
          const zero = mode === 'unsafe' ? 'unsafe' : 'safe';
          const cells = medians ? [...counted, ...mediansOf(counted)] : counted;
          const p = profile({
            minFrequency: mf,
            minRange,
            safetyRange: 20,
            roundingBase: base,
            zeroPolicy: zero,
          });
          const m: RuleProfile = {
            ...DEFAULT_PROFILES.median,
            minFrequency: mf,
            minRange,
            safetyRange: 20,
            roundingBase: base,
          };
          const res = await protect({ cells, profiles: medians ? { x: p, m } : { x: p } });
          expect(res.audit.passed).toBe(true);
          const [rl, rh] = [zero === 'unsafe' ? 0 : 1, mf - 1];
          const countRows = res.cells.slice(0, counted.length);
          const status = medians ? statusesOf(res.cells.slice(counted.length)) : undefined;
          const lp = await fullLp(counted, countRows, base, { status });
          // The independent prior: the whole-table LP with the statuses and no published value.
          const prior = medians
            ? await fullLp(counted, countRows, base, { status, values: false })
            : null;
          let checked = 0;
          for (const rule of res.audit.rules) {
            if (rule.rule !== 'frequency' && rule.rule !== 'zero') continue;
            for (const i of rule.intervals) {
              const [region, bd] = i.variable.split('|').slice(2) as [string, string];
              const key = `v_${region}_${bd.replace(/[^A-Za-z0-9]/g, '')}`;
              const [slo, shi] = prior?.get(key) ?? [0, Infinity];
              const [pl, ph] = [Math.max(rl, slo), Math.min(rh, shi)];
              // The audit's own report: the rule range is known; the prior range holds the
              // independent one (it may be wider: the safe side); the interval covers it.
              expect(i.ruleRange).toEqual({ lower: rl, upper: rh });
              const pr = i.priorRange as { lower: number; upper: number };
              if (!medians) expect(pr).toEqual({ lower: rl, upper: rh });
              expect(pr.lower).toBeLessThanOrEqual(pl + 1e-6);
              expect(pr.upper).toBeGreaterThanOrEqual(ph - 1e-6);
              expect(i.rangeRequired).toBeCloseTo(Math.min(i.required, pr.upper - pr.lower), 9);
              if ((i.rangeRequired as number) < Math.min(i.required, rh - rl) - 1e-9) binding++;
              const inside = Math.min(i.upper, rh) - Math.max(i.lower, rl);
              expect(inside).toBeGreaterThanOrEqual((i.rangeRequired as number) - 1e-6);
              expect(i.upper - i.lower).toBeGreaterThanOrEqual(i.required - 1e-6);
              // And the independent whole-table LP agrees (it is at least as wide), and leaves
              // open all of the independent prior range, up to the required width.
              const [lo, hi] = lp.get(key) as [number, number];
              expect(lo).toBeLessThanOrEqual(i.lower + 1e-6);
              expect(hi).toBeGreaterThanOrEqual(i.upper - 1e-6);
              expect(Math.min(hi, rh) - Math.max(lo, rl)).toBeGreaterThanOrEqual(
                Math.min(Math.max(minRange, 0.2 * i.truth), ph - pl) - 1e-6,
              );
              checked++;
            }
          }
          const unsafe = counted.filter((c) => {
            const n = c.numerator as number;
            return (n > 0 && n < mf) || (n === 0 && zero === 'unsafe');
          }).length;
          expect(checked).toBe(unsafe);
        },
      ),
      { numRuns: 40, seed: 4711 },
    );
    // The runs do reach the case the prior range is for: statuses narrow the rule's range below
    // what it would ask (measured against the rule's range, those releases could never pass).
    expect(binding).toBeGreaterThan(0);
  });

  it('is deterministic: the same input gives the same pattern, also with cells shuffled', async () => {
    await fc.assert(
      fc.asyncProperty(shapeArb, countsArb, fc.boolean(), async (shape, counts, byG) => {
        const cells = randomTable(shape, counts, byG);
        const profiles = { x: profile({ minFrequency: 5, minRange: 5 }) };
        const a = await protect({ cells, profiles });
        const b = await protect({ cells, profiles });
        expect(b.cells).toEqual(a.cells);
        const rev = [...cells].reverse();
        const c = await protect({ cells: rev, profiles });
        expect([...c.cells].reverse()).toEqual(a.cells);
      }),
      { numRuns: 10, seed: 7 },
    );
  });
});

describe('protect: hand-checked cases', () => {
  const oneLevel = (kids: number[]): ComputedCell[] => {
    const total = kids.reduce((s, x) => s + x, 0);
    const mk = (code: string, parent: string | null, n: number): ComputedCell =>
      countCell(
        {
          year: 2020,
          regionLevel: parent ? 'gemeente' : 'nederland',
          regionCode: code,
          parentCode: parent,
          breakdown: '',
        },
        n,
      );
    return [mk('NL01', null, total), ...kids.map((n, i) => mk(`GM000${i + 1}`, 'NL01', n))];
  };

  it('one relation 40 = 3 + 8 + 12 + 17 (threshold 5, width ≥ 10): the cheapest cover is 8', async () => {
    const r = await protect({
      cells: oneLevel([3, 8, 12, 17]),
      profiles: { x: profile({ minFrequency: 5, minRange: 10 }) },
      exactIntervals: true,
    });
    expect(r.cells.map((c) => c.status)).toEqual([
      'published',
      'suppressed-primary',
      'suppressed-secondary',
      'published',
      'published',
    ]);
    const i = r.audit.rules.find((x) => x.rule === 'frequency')?.intervals[0];
    // The margin is the smaller of width − required (11 − 10) and, inside the rule's own range
    // [1, 4], the width there minus min(10, 3): the whole range is covered, margin 0. Counts
    // only: the requirement inside the rule's range is its whole width, 3 (not 1.5).
    expect(i).toMatchObject({
      lower: 0,
      upper: 11,
      required: 10,
      ...countOnlyRange(1, 4),
      margin: 0,
      passed: true,
    });
  });

  it('cost "unit" prefers one large sibling over two small ones; cost "value" the reverse', async () => {
    const cells = oneLevel([2, 4, 5, 30]);
    const value = await protect({
      cells,
      profiles: { x: profile({ minFrequency: 3, minRange: 9 }) },
    });
    expect(value.cells.map((c) => c.status[11] ?? 'p')).toEqual(['p', 'p', 's', 's', 'p']);
    const unit = await protect({
      cells,
      profiles: { x: profile({ minFrequency: 3, minRange: 9, cost: 'unit' }) },
    });
    expect(unit.cells.map((c) => c.status[11] ?? 'p')).toEqual(['p', 'p', 'p', 'p', 's']);
  });

  it('rates: value from the rounded parts; a suppressed numerator suppresses the rate; min denominator', async () => {
    const mk = (code: string, parent: string | null, n: number, d: number): ComputedCell => ({
      indicatorId: 'r',
      year: 2020,
      regionLevel: parent ? 'gemeente' : 'nederland',
      regionCode: code,
      parentCode: parent,
      breakdown: '',
      value: (100 * n) / d,
      numerator: n,
      denominator: d,
      contributors: n,
      largest: null,
      secondLargest: null,
      numeratorKey: 'n',
      denominatorKey: 'pop',
    });
    const cells = [
      mk('NL01', null, 76, 1400),
      mk('GM0001', 'NL01', 31, 600),
      mk('GM0002', 'NL01', 40, 760),
      mk('GM0003', 'NL01', 5, 40),
    ];
    const r = await protect({ cells, profiles: { r: DEFAULT_PROFILES.ratio } });
    expect(r.cells[0]).toMatchObject({
      status: 'published',
      numerator: 75,
      denominator: 1400,
      value: 5.36,
    });
    expect(r.cells[3]).toMatchObject({
      status: 'suppressed-primary',
      rule: 'frequency',
      value: null,
      numerator: null,
      denominator: null,
    });
    expect(r.cells[1]?.status).toBe('suppressed-secondary');
    expect(r.audit.passed).toBe(true);
  });

  it('linked tables: a count and the rate built on it share one suppression pattern', async () => {
    const cnt = oneLevel([3, 8, 12, 17]);
    const rate: ComputedCell[] = cnt.map((c) => ({
      ...c,
      indicatorId: 'rate',
      value: ((c.numerator as number) / 1000) * 100,
      denominator: 1000,
      denominatorKey: 'pop',
    }));
    rate[0] = { ...(rate[0] as ComputedCell), denominator: 4000, value: 1 };
    const r = await protect({
      cells: [...cnt, ...rate],
      profiles: {
        x: profile({ minFrequency: 5, minRange: 10 }),
        rate: {
          ...DEFAULT_PROFILES.ratio,
          minDenominator: 0,
          groupDisclosure: null,
          minFrequency: 5,
          minRange: 10,
          roundingBase: 1,
        },
      },
    });
    const st = r.cells.map((c) => c.status === 'published');
    expect(st.slice(0, 5)).toEqual(st.slice(5));
    expect(r.audit.passed).toBe(true);
  });

  it('a revision never opens a cell an earlier release suppressed, and passes the joint audit', async () => {
    const profiles = { x: profile({ minFrequency: 5, minRange: 10, roundingBase: 1 }) };
    const first = await protect({ cells: oneLevel([3, 8, 12, 17]), profiles });
    // The revision corrects GM0001 from 3 to 6 (now above the threshold) and GM0004 accordingly.
    const revised = oneLevel([6, 8, 12, 14]);
    const second = await protect({ cells: revised, profiles, earlier: first.cells });
    first.cells.forEach((c, i) => {
      if (c.status !== 'published') expect(second.cells[i]?.status).not.toBe('published');
    });
    expect(second.cells[2]).toMatchObject({
      status: 'suppressed-secondary',
      rule: 'earlier-release',
    });
    expect(second.audit.passed).toBe(true);
    // Without the earlier release, the revision would publish GM0001 and GM0002.
    const alone = await protect({ cells: revised, profiles });
    expect(alone.cells.filter((c) => c.status === 'published')).toHaveLength(5);
  });

  it('the audit refuses a release that publishes an unsafe cell and names it', async () => {
    const cells = oneLevel([3, 8, 12, 17]);
    const profiles = { x: profile({ minFrequency: 5, minRange: 10 }) };
    const r = await protect({ cells, profiles });
    const leaked = r.cells.map((c, i) =>
      i === 1 ? { ...c, status: 'published' as const, value: 3, numerator: 3 } : c,
    );
    const rep = await audit({ cells, published: leaked, profiles });
    expect(rep.passed).toBe(false);
    expect(rep.publishedUnsafe).toEqual(['x/2020/GM0001']);
  });

  it('the audit reads rows in any order: the same report for the rows reversed', async () => {
    const cells = randomTable([[3, 2], [4]], [2, 7, 1, 12, 4, 0, 9, 3], true);
    const profiles = { x: profile({ minFrequency: 5, minRange: 5 }) };
    const r = await protect({ cells, profiles });
    const inOrder = await audit({ cells, published: r.cells, profiles });
    const reversed = await audit({ cells, published: [...r.cells].reverse(), profiles });
    expect(inOrder.checkedVariables).toBeGreaterThan(0);
    expect(reversed).toEqual(inOrder);
    const stray = { ...(r.cells[0] as PublishedCell), region_code: 'GM9999' };
    await expect(audit({ cells, published: [stray, ...r.cells], profiles })).rejects.toThrow(
      'release row 1 (x/2021/GM9999): no computed cell for this row',
    );
  });

  it('rejects bad profiles and inconsistent linked cells with clear messages', async () => {
    expect(() => parseRuleProfile('abc', { ...DEFAULT_PROFILES.count, roundingBase: 0 })).toThrow(
      "rule profile of indicator 'abc': field 'roundingBase'",
    );
    expect(() =>
      parseRuleProfile('abc', { ...DEFAULT_PROFILES.count, method: 'cell-key' }),
    ).toThrow("field 'cellKey'");
    const cells = oneLevel([3, 8]);
    const other = { ...(cells[1] as ComputedCell), indicatorId: 'y', numerator: 4, value: 4 };
    await expect(
      protect({
        cells: [...cells, other],
        profiles: { x: DEFAULT_PROFILES.count, y: DEFAULT_PROFILES.count },
      }),
    ).rejects.toThrow(
      'linked cells disagree on x|2020|GM0001|: x/2020/GM0001 has 3, y/2020/GM0001 has 4',
    );
    await expect(protect({ cells, profiles: {} })).rejects.toThrow(
      "no rule profile for indicator 'x'",
    );
  });
});

describe('cell key method', () => {
  const params = { D: 2, V: 1.05, js: 1, pstay: 0.5 };
  const table = buildPerturbationTable(params);

  it('builds a ptable: zero stays zero, no value in 1..js, |noise| ≤ D, mean 0', () => {
    expect(table.rows[0]).toEqual({ noise: [0], cumulative: [1] });
    for (let i = 1; i < table.rows.length; i++) {
      const row = table.rows[i] as { noise: number[]; cumulative: number[] };
      let prev = 0;
      let mean = 0;
      row.noise.forEach((v, j) => {
        const p = (row.cumulative[j] as number) - prev;
        prev = row.cumulative[j] as number;
        mean += p * v;
        expect(Math.abs(v)).toBeLessThanOrEqual(2);
        expect(i + v === 0 || i + v > 1).toBe(true);
      });
      expect(Math.abs(mean)).toBeLessThan(1e-6);
    }
    for (let k = 0; k < 1; k += 0.01) {
      for (const x of [0, 1, 2, 3, 10]) {
        const y = perturb(table, x, k);
        expect(y === 0 || y > 1).toBe(true);
        expect(Math.abs(y - x)).toBeLessThanOrEqual(2);
      }
    }
  });

  it('cell keys are the sum of record keys mod 1, so equal record sets get equal noise', () => {
    expect(cellKeyFromRecordKeys([0.75, 0.5])).toBeCloseTo(0.25, 12);
    expect(() => cellKeyFromRecordKeys([1.2])).toThrow('record key 1.2 is not in [0, 1)');
  });

  it('a cell-key indicator publishes perturbed counts, consistently for linked cells', async () => {
    const ck: RuleProfile = { ...DEFAULT_PROFILES.count, method: 'cell-key', cellKey: params };
    const base = {
      year: 2020,
      regionLevel: 'gemeente' as const,
      parentCode: null,
      breakdown: '',
      denominator: null,
      contributors: 7,
      largest: null,
      secondLargest: null,
      numeratorKey: 'k',
      denominatorKey: null,
    };
    const cells: ComputedCell[] = [
      { ...base, indicatorId: 'a', regionCode: 'GM0001', value: 7, numerator: 7 },
      { ...base, indicatorId: 'b', regionCode: 'GM0001', value: 7, numerator: 7 },
    ];
    const keys = new Map([['k|2020|GM0001|', 0.97]]);
    const r = await protect({ cells, profiles: { a: ck, b: ck }, cellKeys: keys });
    expect(r.cells[0]?.rule).toBe('cell-key');
    expect(r.cells[0]?.numerator).toBe(perturb(table, 7, 0.97));
    expect(r.cells[1]?.numerator).toBe(r.cells[0]?.numerator);
  });
});
