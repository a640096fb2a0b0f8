/**
 * Zoekgebieden: the exact binomial tail, Benjamini–Hochberg, planted hot spots in a seeded
 * synthetic gemeente (found), seeded null worlds (false discoveries within what BH allows),
 * confidential cells (never tested), and the routes over the real public server.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IndicatorMeta } from '../../src/contracts/index.js';
import { ZOEKGEBIEDEN_CSV_COLUMNS, zoekgebiedenCsv } from '../../src/api/releases/zoekgebieden.js';
import { DEFAULT_PROFILES, type RuleProfile } from '../../src/disclosure/index.js';
import { roundTo } from '../../src/disclosure/publish.js';
import { buildPublicServer } from '../../src/pipeline/serve.js';
import { toPublicCell, type PublicCell } from '../../src/public/index.js';
import {
  benjaminiHochberg,
  binomialLogPmf,
  binomialUpperTail,
  findZoekgebieden,
  ZOEKGEBIEDEN_CAUTION,
  ZOEKGEBIEDEN_METHOD,
  type ZoekgebiedenInput,
  type ZoekgebiedenResult,
} from '../../src/public/zoekgebieden.js';
import type { ReleaseRow } from '../../src/release/index.js';
import { buildRegionSet } from '../../src/regions/set.js';
import type { Region, RegionSet } from '../../src/regions/index.js';
import { rng } from '../pseudonym/helpers.js';
import { stateLookup, textIndicator, writeTestRelease, type TestState } from './helpers.js';
import { parseRfc4180 } from '../support/csv.js';

// ── exact references ─────────────────────────────────────────────────────────────────────────

function choose(n: number, k: number): bigint {
  let c = 1n;
  for (let i = 0; i < k; i++) c = (c * BigInt(n - i)) / BigInt(i + 1);
  return c;
}

/** P(X ≥ x) for X ~ Bin(n, a/b), exactly in rationals, then one rounding to a double. */
function exactTail(x: number, n: number, a: number, b: number): number {
  let num = 0n;
  for (let k = Math.max(0, x); k <= n; k++) {
    num += choose(n, k) * BigInt(a) ** BigInt(k) * BigInt(b - a) ** BigInt(n - k);
  }
  return toDouble(num, BigInt(b) ** BigInt(n));
}

/** num / den rounded once to a double, also far below 1e-40. */
function toDouble(num: bigint, den: bigint): number {
  if (num === 0n) return 0;
  const shift = 64 - (num.toString(2).length - den.toString(2).length);
  const q = shift >= 0 ? (num << BigInt(shift)) / den : num / (den << BigInt(-shift));
  return Number(q) * 2 ** -shift;
}

const close = (actual: number, expected: number, rel = 1e-12, abs = 1e-300) =>
  Math.abs(actual - expected) <= Math.max(abs, rel * Math.abs(expected));

describe('binomialUpperTail', () => {
  it('equals exact rational enumeration for small n', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 20 }),
        fc.nat(),
        fc.nat(),
        (n, b, ra, rx) => {
          const a = 1 + (ra % Math.max(1, b - 1));
          if (a >= b) return;
          const x = rx % (n + 2);
          const got = binomialUpperTail(x, n, a / b);
          const want = exactTail(x, n, a, b);
          expect(close(got, want, 1e-11), `x=${x} n=${n} p=${a}/${b}: ${got} vs ${want}`).toBe(
            true,
          );
        },
      ),
      { numRuns: 500, seed: 20261201 },
    );
  });

  it('equals the sum of its pmf and is monotone (non-increasing) in x', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 200 }),
        fc.double({ min: 0.001, max: 0.999, noNaN: true }),
        (n, p) => {
          let sum = 0;
          let previous = 1;
          for (let x = n; x >= 0; x--) {
            sum += Math.exp(binomialLogPmf(x, n, p));
            const tail = binomialUpperTail(x, n, p);
            expect(close(tail, Math.min(1, sum), 1e-9, 1e-15), `x=${x} n=${n} p=${p}`).toBe(true);
          }
          for (let x = 0; x <= n + 1; x++) {
            const tail = binomialUpperTail(x, n, p);
            expect(tail).toBeLessThanOrEqual(previous);
            previous = tail;
          }
        },
      ),
      { numRuns: 200, seed: 7 },
    );
  });

  it('matches known values, also for n in the millions', () => {
    // R: pbinom(59, 100, 0.5, lower.tail = FALSE)
    expect(close(binomialUpperTail(60, 100, 0.5), 0.02844396682049039, 1e-13)).toBe(true);
    expect(binomialUpperTail(60, 100, 0.5)).toBe(binomialUpperTail(60, 100, 0.5));
    expect(close(binomialUpperTail(60, 100, 0.5), exactTail(60, 100, 1, 2), 1e-13)).toBe(true);
    // P(X ≥ 1) = 1 − (1 − p)^n and P(X ≥ n) = p^n.
    const n = 1_000_000;
    expect(close(binomialUpperTail(1, n, 1e-6), -Math.expm1(n * Math.log1p(-1e-6)), 1e-12)).toBe(
      true,
    );
    expect(close(binomialUpperTail(30, 30, 0.3), 0.3 ** 30, 1e-12)).toBe(true);
    // P(X ≥ m | 2m, ½) = ½ + C(2m, m) / 2^(2m+1), C(2m,m)/4^m = (1 − 1/(8m) + 1/(128m²)) / √(πm).
    const m = n / 2;
    const centre = (1 - 1 / (8 * m) + 1 / (128 * m * m)) / Math.sqrt(Math.PI * m);
    expect(close(binomialUpperTail(m, n, 0.5), 0.5 + centre / 2, 1e-12)).toBe(true);
    // Edges.
    expect(binomialUpperTail(0, 10, 0.3)).toBe(1);
    expect(binomialUpperTail(11, 10, 0.3)).toBe(0);
    expect(binomialUpperTail(3, 10, 0)).toBe(0);
    expect(binomialUpperTail(3, 10, 1)).toBe(1);
    // Far tails stay positive and tiny instead of collapsing to a cancelled 0.
    const far = binomialUpperTail(200, 1000, 0.1);
    expect(far).toBeGreaterThan(0);
    expect(far).toBeLessThan(1e-15);
  });

  it('is consistent with its complement for large n (no normal approximation)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 10_000, max: 5_000_000 }),
        fc.double({ min: 0.0001, max: 0.9999, noNaN: true }),
        fc.double({ min: -6, max: 6, noNaN: true }),
        (n, p, z) => {
          const sd = Math.sqrt(n * p * (1 - p));
          const x = Math.min(n, Math.max(1, Math.round(n * p + z * sd)));
          const upper = binomialUpperTail(x, n, p);
          const lower = binomialUpperTail(n - x + 1, n, 1 - p); // P(X ≤ x − 1)
          expect(Math.abs(upper + lower - 1)).toBeLessThan(1e-9);
        },
      ),
      { numRuns: 100, seed: 3 },
    );
  });
});

// ── Benjamini–Hochberg ───────────────────────────────────────────────────────────────────────

/** The textbook step-up rule: reject p_i ≤ p_(k*), k* = max{k : p_(k) ≤ k α / m}. */
function stepUp(ps: readonly number[], alpha: number): boolean[] {
  const sorted = [...ps].sort((a, b) => a - b);
  let cut = -Infinity;
  sorted.forEach((p, k) => {
    if (p <= ((k + 1) * alpha) / ps.length) cut = p;
  });
  return ps.map((p) => p <= cut);
}

/** q_i = min over p_j ≥ p_i of min(1, m p_j / #{k : p_k ≤ p_j}), quadratic and obvious. */
function naiveQ(ps: readonly number[]): number[] {
  return ps.map((pi) => {
    let best = 1;
    for (const pj of ps) {
      if (pj < pi) continue;
      const rank = ps.filter((pk) => pk <= pj).length;
      best = Math.min(best, (ps.length * pj) / rank);
    }
    return best;
  });
}

describe('benjaminiHochberg', () => {
  const pValues = fc.array(
    fc.oneof(
      fc.double({ min: 0, max: 1, noNaN: true }),
      // A coarse grid makes ties.
      fc.integer({ min: 0, max: 20 }).map((k) => k / 20),
      fc.double({ min: 0, max: 1e-4, noNaN: true }),
    ),
    { minLength: 1, maxLength: 80 },
  );

  it('q-values equal the reference adjustment and give the step-up rejections', () => {
    // Off the round grid, so that no p-value sits exactly on a step-up boundary.
    const level = fc.double({ min: 0.001, max: 0.5, noNaN: true }).map((a) => a * 1.0000001 + 1e-9);
    fc.assert(
      fc.property(pValues, level, (ps, alpha) => {
        const q = benjaminiHochberg(ps);
        const ref = naiveQ(ps);
        q.forEach((v, i) => {
          expect(close(v, ref[i]!, 1e-12, 1e-300)).toBe(true);
          expect(v).toBeGreaterThanOrEqual(ps[i]!);
          expect(v).toBeLessThanOrEqual(1);
        });
        expect(q.map((v) => v <= alpha)).toEqual(stepUp(ps, alpha));
      }),
      { numRuns: 400, seed: 11 },
    );
  });
});

// ── a seeded synthetic gemeente ──────────────────────────────────────────────────────────────

/** A binomial draw by inversion (exact for the PRNG's uniform). */
function drawBinomial(rand: () => number, n: number, p: number): number {
  const u = rand();
  let k = 0;
  let pmf = (1 - p) ** n;
  let cdf = pmf;
  while (u > cdf && k < n) {
    pmf *= ((n - k) / (k + 1)) * (p / (1 - p));
    k++;
    cdf += pmf;
  }
  return k;
}

interface SynthIndicator {
  id: string;
  theme: string;
  kind: string;
  rate: number;
  scale: number;
}

const SYNTH: SynthIndicator[] = [
  { id: 'drugs_a', theme: 'drugs', kind: 'rate_per_1000', rate: 0.02, scale: 1000 },
  { id: 'drugs_b', theme: 'drugs', kind: 'percentage', rate: 0.05, scale: 100 },
  { id: 'vastgoed_a', theme: 'vastgoed', kind: 'percentage', rate: 0.03, scale: 100 },
  { id: 'vastgoed_b', theme: 'vastgoed', kind: 'rate_per_10000', rate: 0.01, scale: 10000 },
  { id: 'zorg_a', theme: 'zorg', kind: 'percentage', rate: 0.04, scale: 100 },
  { id: 'zorg_b', theme: 'zorg', kind: 'rate_per_1000', rate: 0.02, scale: 1000 },
];
/** Not tested: a count and a mean (no share of a denominator). */
const UNTESTED = [
  { id: 'drugs_aantal', theme: 'drugs', kind: 'count' },
  { id: 'zorg_gemiddeld', theme: 'zorg', kind: 'mean' },
];
const ALL_INDICATORS = [...SYNTH, ...UNTESTED];
const YEAR = 2023;

const GM = 'GM0001';
const GM2 = 'GM0002';
const VR = 'VR01';
const wijkOf = (gm: string, w: number) => `WK${gm.slice(2)}${String(w).padStart(2, '0')}`;
const buurtOf = (wk: string, b: number) => `BU${wk.slice(2)}${String(b).padStart(2, '0')}`;

/** NL01 > VR01 > GM0001 (8 wijken × 5 buurten) and GM0002 (2 × 3). */
function synthRegions(): Region[] {
  const out: Region[] = [
    { code: 'NL01', name: 'Nederland', level: 'nederland', parentCode: null, synthetic: true },
    { code: VR, name: 'Regio Een', level: 'veiligheidsregio', parentCode: 'NL01', synthetic: true },
  ];
  for (const [gm, wijken, buurten] of [
    [GM, 8, 5],
    [GM2, 2, 3],
  ] as const) {
    out.push({
      code: gm,
      name: `Gemeente ${gm}`,
      level: 'gemeente',
      parentCode: VR,
      synthetic: true,
    });
    for (let w = 1; w <= wijken; w++) {
      const wk = wijkOf(gm, w);
      out.push({ code: wk, name: `Wijk ${wk}`, level: 'wijk', parentCode: gm, synthetic: true });
      for (let b = 1; b <= buurten; b++) {
        const bu = buurtOf(wk, b);
        // A comma in a name, so the CSV must quote it.
        out.push({
          code: bu,
          name: `Buurt ${bu}, oost`,
          level: 'buurt',
          parentCode: wk,
          synthetic: true,
        });
      }
    }
  }
  return out;
}

const REGIONS = synthRegions();
const REGION_SET: RegionSet = buildRegionSet(
  2023,
  { kind: 'synthetic', dir: null, description: 'zoekgebieden test' },
  REGIONS,
  {},
);

interface World {
  rows: ReleaseRow[];
  /** `${buurt}|${indicator}` with a planted 3× rate. */
  planted: Set<string>;
}

/**
 * Buurt counts drawn binomially from each indicator's base rate (3× in the planted buurten and
 * themes), wijk and gemeente counts as their sums, Nederland at exactly the base rate, all counts
 * rounded to base 5 and values computed from the rounded parts, as a release does.
 */
function synthWorld(
  seed: number,
  plant: { buurten: string[]; themes: string[] } | null,
  years: number[] = [YEAR],
): World {
  const rand = rng(seed);
  const rows: ReleaseRow[] = [];
  const planted = new Set<string>();
  const push = (
    ind: SynthIndicator,
    year: number,
    r: Region,
    x: number,
    n: number,
    status: ReleaseRow['status'] = 'published',
  ) => {
    const num = roundTo(x, 5);
    const den = roundTo(n, 5);
    rows.push({
      indicator_id: ind.id,
      year,
      region_level: r.level,
      region_code: r.code,
      parent_code: r.parentCode,
      breakdown: '',
      value: den > 0 ? Math.round(((ind.scale * num) / den) * 100) / 100 : null,
      numerator: num,
      denominator: den,
      status,
      rule: null,
    });
  };
  for (const year of years) {
    for (const ind of SYNTH) {
      const sums = new Map<string, { x: number; n: number }>();
      const add = (code: string | null, x: number, n: number) => {
        if (!code) return;
        const s = sums.get(code) ?? { x: 0, n: 0 };
        s.x += x;
        s.n += n;
        sums.set(code, s);
      };
      for (const b of REGIONS.filter((r) => r.level === 'buurt')) {
        const n = 600 + Math.floor(rand() * 2400);
        const hot =
          year === years.at(-1) &&
          plant?.buurten.includes(b.code) &&
          plant.themes.includes(ind.theme);
        if (hot) planted.add(`${b.code}|${ind.id}`);
        const x = drawBinomial(rand, n, hot ? 3 * ind.rate : ind.rate);
        push(ind, year, b, x, n);
        const wk = REGION_SET.get(b.parentCode!)!;
        add(wk.code, x, n);
        add(wk.parentCode, x, n);
      }
      for (const [code, s] of sums) push(ind, year, REGION_SET.get(code)!, s.x, s.n);
      const N = 17_000_000;
      push(ind, year, REGION_SET.get('NL01')!, Math.round(ind.rate * N), N);
    }
    for (const u of UNTESTED) {
      for (const r of REGIONS) {
        rows.push({
          indicator_id: u.id,
          year,
          region_level: r.level,
          region_code: r.code,
          parent_code: r.parentCode,
          breakdown: '',
          value: u.kind === 'mean' ? 1234.5 : 50,
          numerator: u.kind === 'mean' ? 999_999 : 50,
          denominator: u.kind === 'mean' ? 5 : null,
          status: 'published',
          rule: null,
        });
      }
    }
  }
  return { rows, planted };
}

const RULES: Record<string, RuleProfile> = Object.fromEntries(
  ALL_INDICATORS.map((i) => [
    i.id,
    i.kind === 'count'
      ? DEFAULT_PROFILES.count
      : i.kind === 'mean'
        ? DEFAULT_PROFILES.magnitude
        : DEFAULT_PROFILES.ratio,
  ]),
);

function inputOf(
  cells: readonly PublicCell[],
  o: Partial<ZoekgebiedenInput> = {},
): ZoekgebiedenInput {
  const byRegion = new Map<string, PublicCell[]>();
  for (const c of cells) {
    const list = byRegion.get(c.region_code) ?? [];
    list.push(c);
    byRegion.set(c.region_code, list);
  }
  return {
    scope: GM,
    year: YEAR,
    regions: REGION_SET,
    indicators: ALL_INDICATORS.map(({ id, theme, kind }) => ({ id, theme, kind })),
    rules: RULES,
    cellsOf: (code) => byRegion.get(code) ?? [],
    ...o,
  };
}

const PLANTED = [buurtOf(wijkOf(GM, 2), 3), buurtOf(wijkOf(GM, 5), 1), buurtOf(wijkOf(GM, 7), 5)];

describe('findZoekgebieden', () => {
  const world = synthWorld(42, { buurten: PLANTED, themes: ['drugs', 'vastgoed'] });
  const cells = world.rows.map(toPublicCell);
  const result = findZoekgebieden(inputOf(cells));

  it('finds the planted hot spots: flagged, on top of the buurten, in the planted themes', () => {
    const buurten = result.areas.filter((a) => a.level === 'buurt');
    const flagged = buurten.filter((a) => a.flagged).map((a) => a.code);
    for (const code of PLANTED) expect(flagged).toContain(code);
    expect(
      buurten
        .slice(0, 3)
        .map((a) => a.code)
        .sort(),
    ).toEqual([...PLANTED].sort());
    for (const a of buurten.filter((x) => PLANTED.includes(x.code))) {
      expect(a.themes).toEqual(expect.arrayContaining(['drugs', 'vastgoed']));
      for (const s of a.signals.filter((x) => x.significant)) expect(s.ratio!).toBeGreaterThan(1);
    }
    // Every (wijk or buurt, ratio indicator) was tested: all cells are published.
    expect(result.tested).toBe((8 + 40) * SYNTH.length);
  });

  it('ranks by score then code; score = themes + m/(1+m) with m the mean capped log2 ratio', () => {
    for (let i = 1; i < result.areas.length; i++) {
      const [a, b] = [result.areas[i - 1]!, result.areas[i]!];
      expect(a.score > b.score || (a.score === b.score && a.code < b.code)).toBe(true);
    }
    for (const a of result.areas) {
      const sig = a.signals.filter((s) => s.significant);
      expect(a.themeCount).toBe(new Set(sig.map((s) => s.theme)).size);
      expect(a.flagged).toBe(a.themeCount >= 2);
      const logs = sig.map((s) => Math.min(10, Math.max(0, Math.log2(s.ratio!))));
      const m = logs.length ? logs.reduce((x, y) => x + y, 0) / logs.length : 0;
      expect(Math.abs(a.excess - m)).toBeLessThan(1e-3);
      expect(Math.abs(a.score - (a.themeCount + m / (1 + m)))).toBeLessThan(1e-3);
      expect(a.score - a.themeCount).toBeLessThan(1);
      for (const s of a.signals) expect(s.qValue).toBeGreaterThanOrEqual(s.pValue);
    }
  });

  it('tests only shares and rates, with the published figures and references', () => {
    const tested = new Set(result.areas.flatMap((a) => a.signals.map((s) => s.indicator)));
    expect([...tested].sort()).toEqual(SYNTH.map((i) => i.id).sort());
    const area = result.areas[0]!;
    const s = area.signals[0]!;
    const cell = cells.find(
      (c) => c.region_code === area.code && c.indicator_id === s.indicator && c.year === YEAR,
    )!;
    const gm = cells.find(
      (c) => c.region_code === GM && c.indicator_id === s.indicator && c.year === YEAR,
    )!;
    expect([s.value, s.numerator, s.denominator]).toEqual([
      cell.value,
      cell.numerator,
      cell.denominator,
    ]);
    expect(s.gemeenteValue).toBe(gm.value);
  });

  it('takes rounding conservatively: more rounding, no smaller p-value', () => {
    const coarse = findZoekgebieden(
      inputOf(cells, {
        rules: Object.fromEntries(
          Object.entries(RULES).map(([k, v]) => [k, { ...v, roundingBase: 25 }]),
        ),
      }),
    );
    const p = (r: ZoekgebiedenResult) =>
      new Map(r.areas.flatMap((a) => a.signals.map((s) => [`${a.code}|${s.indicator}`, s.pValue])));
    const fine = p(result);
    for (const [k, v] of p(coarse)) expect(v).toBeGreaterThanOrEqual(fine.get(k)!);
  });

  it('covers every gemeente of a veiligheidsregio, and one level when asked', () => {
    const vr = findZoekgebieden(inputOf(cells, { scope: VR }));
    expect(vr.scope).toEqual({ code: VR, name: 'Regio Een', level: 'veiligheidsregio' });
    expect(new Set(vr.areas.map((a) => a.gemeente))).toEqual(new Set([GM, GM2]));
    expect(vr.tested).toBe((8 + 40 + 2 + 6) * SYNTH.length);
    const wijken = findZoekgebieden(inputOf(cells, { levels: ['wijk'] }));
    expect(wijken.areas.every((a) => a.level === 'wijk')).toBe(true);
    expect(() => findZoekgebieden(inputOf(cells, { scope: 'WK000101' }))).toThrow();
    expect(() => findZoekgebieden(inputOf(cells, { q: 1 }))).toThrow(RangeError);
  });

  it('never tests a confidential cell, even one that (wrongly) still carries figures', () => {
    const hidden = PLANTED[0]!;
    const confidential = cells.map((c) =>
      c.region_code === hidden && c.indicator_id.startsWith('drugs_')
        ? ({ ...c, status: 'confidential' } as PublicCell)
        : c,
    );
    const r = findZoekgebieden(inputOf(confidential));
    const area = r.areas.find((a) => a.code === hidden)!;
    expect(area.signals.map((s) => s.indicator)).not.toContain('drugs_a');
    expect(area.signals.map((s) => s.indicator)).not.toContain('drugs_b');
    expect(area.themes).not.toContain('drugs');
    expect(area.flagged).toBe(false);
    expect(r.tested).toBe(result.tested - 2);

    // A confidential reference: that indicator is not tested anywhere in the gemeente.
    const noRef = cells.map((c) =>
      c.region_code === GM && c.indicator_id === 'zorg_a'
        ? toPublicCell({ ...c, status: 'suppressed-secondary', rule: 'secondary' })
        : c,
    );
    const r2 = findZoekgebieden(inputOf(noRef));
    expect(r2.areas.flatMap((a) => a.signals).some((s) => s.indicator === 'zorg_a')).toBe(false);

    // An area whose every cell is confidential is not listed at all.
    const all = cells.map((c) =>
      c.region_code === hidden
        ? toPublicCell({ ...c, status: 'suppressed-primary', rule: 'frequency' })
        : c,
    );
    expect(findZoekgebieden(inputOf(all)).areas.some((a) => a.code === hidden)).toBe(false);
  });

  it('keeps false discoveries within what BH allows over seeded null worlds', () => {
    const q = 0.05;
    let fdpSum = 0;
    let runs = 0;
    for (let seed = 1; seed <= 60; seed++) {
      const r = findZoekgebieden(
        inputOf(synthWorld(1000 + seed, null).rows.map(toPublicCell), { q }),
      );
      const sig = r.areas.flatMap((a) => a.signals).filter((s) => s.significant).length;
      // No excess was planted: every discovery is false.
      fdpSum += sig > 0 ? 1 : 0;
      runs++;
    }
    expect(fdpSum / runs).toBeLessThanOrEqual(q + 0.02);
  });

  it('keeps the false discovery proportion within q when true hot spots are mixed in', () => {
    const q = 0.1;
    let fdpSum = 0;
    let found = 0;
    const runs = 50;
    const buurten = REGIONS.filter((r) => r.level === 'buurt' && r.code.startsWith('BU0001'));
    for (let seed = 1; seed <= runs; seed++) {
      const rand = rng(seed);
      const plantedBuurten = buurten.filter(() => rand() < 0.15).map((b) => b.code);
      const themes = ['drugs', 'vastgoed', 'zorg'].filter(() => rand() < 0.5);
      const world = synthWorld(5000 + seed, { buurten: plantedBuurten, themes });
      const r = findZoekgebieden(inputOf(world.rows.map(toPublicCell), { q, levels: ['buurt'] }));
      let trueHits = 0;
      let falseHits = 0;
      for (const a of r.areas) {
        for (const s of a.signals.filter((x) => x.significant)) {
          if (world.planted.has(`${a.code}|${s.indicator}`)) trueHits++;
          else falseHits++;
        }
      }
      found += trueHits;
      fdpSum += trueHits + falseHits > 0 ? falseHits / (trueHits + falseHits) : 0;
    }
    expect(fdpSum / runs).toBeLessThanOrEqual(q + 0.02);
    expect(found).toBeGreaterThan(0);
  });
});

// ── the routes over the real public server ───────────────────────────────────────────────────

const BASE = 'https://samenzicht.example.nl';

function meta(i: { id: string; theme: string; kind: string }): IndicatorMeta {
  return textIndicator(
    i.id,
    { nl: i.id, en: i.id },
    {
      theme: i.theme,
      kind: i.kind,
      unit: 'eenheid',
      units: { nl: 'eenheid', en: 'unit' },
      years: [2022, 2023],
    },
  );
}

const ALLOWED_KEYS = new Set([
  'release',
  'year',
  'scope',
  'q',
  'tested',
  'method',
  'caution',
  'areas',
  'code',
  'name',
  'level',
  'nl',
  'en',
  'parent',
  'gemeente',
  'score',
  'themeCount',
  'themes',
  'excess',
  'flagged',
  'signals',
  'indicator',
  'theme',
  'value',
  'numerator',
  'denominator',
  'gemeenteValue',
  'nederlandValue',
  'ratio',
  'pValue',
  'qValue',
  'significant',
]);

function keysOf(v: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(v)) v.forEach((x) => keysOf(x, out));
  else if (v !== null && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      out.add(k);
      keysOf(x, out);
    }
  }
  return out;
}

describe('GET /api/v1/releases/{id}/zoekgebieden(.csv)', () => {
  let dataDir: string;
  let app: FastifyInstance;
  let rows: ReleaseRow[];
  const HIDDEN = PLANTED[1]!;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'samenzicht-zoekgebieden-'));
    const world = synthWorld(42, { buurten: PLANTED, themes: ['drugs', 'vastgoed'] }, [2022, 2023]);
    // One planted buurt keeps its drugs figures confidential in the release.
    rows = world.rows.map((r) =>
      r.region_code === HIDDEN && r.indicator_id === 'drugs_a'
        ? { ...r, status: 'suppressed-primary', rule: 'frequency' }
        : r,
    );
    const states = new Map<string, TestState>();
    const write = async (id: string, createdAt: string, state: TestState['status']) => {
      const digest = await writeTestRelease(dataDir, id, rows, {
        createdAt,
        indicators: ALL_INDICATORS.map((i) => i.id),
        rules: RULES,
      });
      states.set(id, {
        status: state,
        publishedAt: createdAt,
        digest,
        ...(state === 'withdrawn' ? { withdrawnReason: 'test withdrawal' } : {}),
      });
    };
    await write('r1', '2026-01-01T00:00:00.000Z', 'published');
    await write('r2', '2026-02-01T00:00:00.000Z', 'published');
    await write('rw', '2026-01-15T00:00:00.000Z', 'withdrawn');
    app = await buildPublicServer({
      dataDir,
      regions: REGION_SET,
      stateOf: stateLookup(states),
      publicBaseUrl: BASE,
      indicators: ALL_INDICATORS.map(meta),
      webDir: null,
    });
    await app.ready();
  }, 300_000);

  afterAll(async () => {
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const get = (url: string) => app.inject({ method: 'GET', url });

  it('answers JSON with the documented shape, public fields only, cached as immutable', async () => {
    const res = await get(`/api/v1/releases/r2/zoekgebieden?gemeente=${GM}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toContain('immutable');
    const body = res.json();
    expect(Object.keys(body).sort()).toEqual(
      ['areas', 'caution', 'method', 'q', 'release', 'scope', 'tested', 'year'].sort(),
    );
    expect(body.release).toBe('r2');
    expect(body.year).toBe(2023);
    expect(body.q).toBe(0.05);
    expect(body.scope).toEqual({ code: GM, name: `Gemeente ${GM}`, level: 'gemeente' });
    expect(body.caution).toEqual(ZOEKGEBIEDEN_CAUTION);
    expect(body.method).toEqual(ZOEKGEBIEDEN_METHOD);
    expect(body.tested).toBe((8 + 40) * SYNTH.length - 1);
    for (const k of keysOf(body)) expect(ALLOWED_KEYS.has(k), k).toBe(true);
    expect(res.body).not.toMatch(/suppressed|frequency|"rule"|"status"|region_code/);
    const flagged = body.areas.filter((a: { flagged: boolean }) => a.flagged);
    for (const code of PLANTED) {
      expect(flagged.map((a: { code: string }) => a.code)).toContain(code);
    }
    // The confidential cell is not tested, and its figures appear nowhere.
    const hidden = body.areas.find((a: { code: string }) => a.code === HIDDEN);
    expect(hidden.signals.map((s: { indicator: string }) => s.indicator)).not.toContain('drugs_a');
    // Every figure is the published one.
    const published = new Map(
      rows
        .filter((r) => r.status === 'published' && r.year === 2023)
        .map((r) => [`${r.region_code}|${r.indicator_id}`, r]),
    );
    for (const a of body.areas) {
      for (const s of a.signals) {
        const r = published.get(`${a.code}|${s.indicator}`)!;
        expect([s.value, s.numerator, s.denominator]).toEqual([
          r.value,
          r.numerator,
          r.denominator,
        ]);
        expect(s.numerator % 5).toBe(0);
      }
    }
  });

  it('takes year, level, q and veiligheidsregio', async () => {
    const y = (
      await get(`/api/v1/releases/r2/zoekgebieden?gemeente=${GM}&year=2022&level=wijk&q=0.1`)
    ).json();
    expect(y.year).toBe(2022);
    expect(y.q).toBe(0.1);
    expect(y.tested).toBe(8 * SYNTH.length);
    expect(y.areas.every((a: { level: string }) => a.level === 'wijk')).toBe(true);
    const vr = await get(`/api/v1/releases/r2/zoekgebieden?veiligheidsregio=${VR}`);
    expect(vr.statusCode).toBe(200);
    expect(vr.json().scope.level).toBe('veiligheidsregio');
    expect(new Set(vr.json().areas.map((a: { gemeente: string }) => a.gemeente))).toEqual(
      new Set([GM, GM2]),
    );
  });

  it('answers CSV with BOM, CRLF, one row per signal and the caution on every row', async () => {
    const json = (await get(`/api/v1/releases/r2/zoekgebieden?gemeente=${GM}`)).json();
    const res = await get(`/api/v1/releases/r2/zoekgebieden.csv?gemeente=${GM}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    expect(res.headers['cache-control']).toContain('immutable');
    expect(res.headers['content-disposition']).toContain('attachment');
    expect(res.body.startsWith('\uFEFF')).toBe(true);
    expect(res.body.endsWith('\r\n')).toBe(true);
    expect(res.body.replace(/\r\n/g, '')).not.toContain('\n');
    const table = parseRfc4180(res.body.slice(1));
    expect(table[0]).toEqual([...ZOEKGEBIEDEN_CSV_COLUMNS]);
    expect(table[0]!.at(-1)).toBe('let_op');
    const data = table.slice(1);
    const signals = json.areas.reduce(
      (n: number, a: { signals: unknown[] }) => n + a.signals.length,
      0,
    );
    expect(data.length).toBe(signals);
    for (const row of data) {
      expect(row.length).toBe(ZOEKGEBIEDEN_CSV_COLUMNS.length);
      expect(row.at(-1)).toBe(ZOEKGEBIEDEN_CAUTION.nl);
    }
    const col = (name: string) => ZOEKGEBIEDEN_CSV_COLUMNS.indexOf(name as never);
    expect(data[0]![col('area_code')]).toBe(json.areas[0].code);
    expect(data[0]![col('area_name')]).toBe(json.areas[0].name);
    expect(data.some((r) => r[col('flagged')] === 'true')).toBe(true);
    expect(data.some((r) => r[col('flagged')] === 'false')).toBe(true);

    const en = await get(`/api/v1/releases/r2/zoekgebieden.csv?gemeente=${GM}&lang=en`);
    const enTable = parseRfc4180(en.body.slice(1));
    expect(enTable[0]).toEqual([...ZOEKGEBIEDEN_CSV_COLUMNS]);
    for (const row of enTable.slice(1)) expect(row.at(-1)).toBe(ZOEKGEBIEDEN_CAUTION.en);
  });

  it('refuses bad input with 400 naming the parameter', async () => {
    const cases: [string, RegExp][] = [
      ['', /gemeente.*veiligheidsregio/],
      [`?gemeente=${GM}&veiligheidsregio=${VR}`, /exactly one.*not both/],
      ['?gemeente=GM9999', /querystring\/gemeente: unknown gemeente 'GM9999'/],
      ['?gemeente=WK000101', /querystring\/gemeente/],
      ['?veiligheidsregio=VR99', /querystring\/veiligheidsregio: unknown/],
      [`?gemeente=${GM}&year=1999`, /querystring\/year: .*1999/],
      [`?gemeente=${GM}&q=0`, /querystring\/q/],
      [`?gemeente=${GM}&q=1`, /querystring\/q/],
      [`?gemeente=${GM}&q=1.5`, /querystring\/q/],
      [`?gemeente=${GM}&q=abc`, /querystring\/q/],
      [`?gemeente=${GM}&level=gemeente`, /querystring\/level/],
      [`?gemeente=${GM}&extra=1`, /additional/],
    ];
    for (const path of ['zoekgebieden', 'zoekgebieden.csv']) {
      for (const [query, message] of cases) {
        const res = await get(`/api/v1/releases/r2/${path}${query}`);
        expect(res.statusCode, `${path}${query}`).toBe(400);
        expect(res.json().error, `${path}${query}`).toBe('bad-request');
        expect(res.json().message, `${path}${query}`).toMatch(message);
      }
    }
    // As the crawler asks: no gemeente, latest or an id; never a 500.
    for (const id of ['latest', 'r1']) {
      const res = await get(`/api/v1/releases/${id}/zoekgebieden`);
      expect(res.statusCode).toBe(400);
    }
    const csvLang = await get(`/api/v1/releases/r2/zoekgebieden.csv?gemeente=${GM}&lang=de`);
    expect(csvLang.statusCode).toBe(400);
  });

  it('redirects latest (307, not cached), 404s unknown and 410s withdrawn releases', async () => {
    for (const path of ['zoekgebieden', 'zoekgebieden.csv']) {
      const res = await get(`/api/v1/releases/latest/${path}?gemeente=${GM}&q=0.1`);
      expect(res.statusCode).toBe(307);
      expect(res.headers['location']).toBe(`/api/v1/releases/r2/${path}?gemeente=${GM}&q=0.1`);
      expect(res.headers['cache-control']).toBe('no-cache');
      expect((await get(`/api/v1/releases/nope/${path}?gemeente=${GM}`)).statusCode).toBe(404);
      const gone = await get(`/api/v1/releases/rw/${path}?gemeente=${GM}`);
      expect(gone.statusCode).toBe(410);
      expect(gone.json().error).toBe('withdrawn');
    }
    expect((await get(`/api/v1/releases/r1/zoekgebieden?gemeente=${GM}`)).json().release).toBe(
      'r1',
    );
  });

  it('is in the OpenAPI document under releases', async () => {
    const spec = (await get('/api/v1/openapi.json')).json();
    for (const path of [
      '/api/v1/releases/{id}/zoekgebieden',
      '/api/v1/releases/{id}/zoekgebieden.csv',
    ]) {
      expect(spec.paths[path]?.get?.tags, path).toContain('releases');
    }
    const schema =
      spec.paths['/api/v1/releases/{id}/zoekgebieden'].get.responses['200'].content[
        'application/json'
      ].schema;
    expect(Object.keys(schema.properties).sort()).toEqual(
      ['areas', 'caution', 'method', 'q', 'release', 'scope', 'tested', 'year'].sort(),
    );
  });
});

describe('the zoekgebieden CSV', () => {
  it('carries the caution even when no area could be tested', () => {
    for (const lang of ['nl', 'en'] as const) {
      const csv = zoekgebiedenCsv(
        'r1',
        {
          scope: { code: 'GM0001', name: 'Klein', level: 'gemeente' },
          year: 2023,
          q: 0.05,
          tested: 0,
          areas: [],
        },
        lang,
      );
      const lines = csv
        .replace(/^\uFEFF/, '')
        .trimEnd()
        .split('\r\n');
      expect(lines).toHaveLength(2);
      expect(lines[1]?.startsWith('r1,2023,GM0001,0.05,')).toBe(true);
      expect(lines[1]).toContain(ZOEKGEBIEDEN_CAUTION[lang].slice(0, 20));
      expect(lines[1]?.split(',').length).toBeGreaterThanOrEqual(ZOEKGEBIEDEN_CSV_COLUMNS.length);
    }
  });
});
