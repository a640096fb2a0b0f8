/**
 * The rule semantics of issue "Public outputs are safe by construction": medians, counts in
 * magnitude cells, the zero policy of group disclosure, and an attacker who knows the rules.
 */
import { describe, expect, it } from 'vitest';
import type { ComputedCell } from '../../src/contracts/index.js';
import {
  audit,
  DEFAULT_PROFILES,
  parseRuleProfile,
  protect,
  type PublishedCell,
  type RuleProfile,
} from '../../src/disclosure/index.js';
import { cellFindings } from '../../src/disclosure/primary.js';
import { capacityNeeded } from '../../src/disclosure/secondary.js';
import { roundTo } from '../../src/disclosure/publish.js';
import { countOnlyRange, publishedAs, table } from './helpers.js';

type Where = Pick<ComputedCell, 'regionLevel' | 'regionCode' | 'parentCode'>;
const NL: Where = { regionLevel: 'nederland', regionCode: 'NL01', parentCode: null };
const gm = (code: string): Where => ({
  regionLevel: 'gemeente',
  regionCode: code,
  parentCode: 'NL01',
});
const base = {
  year: 2023,
  breakdown: '',
  denominator: null,
  largest: null,
  secondLargest: null,
  denominatorKey: null,
};

/** A median cell as the engine makes it: numerator = number of units, under the units' count key. */
function medianCell(w: Where, n: number, median: number, largest = median * 3): ComputedCell {
  return {
    ...base,
    ...w,
    indicatorId: 'med',
    value: n > 0 ? median : null,
    numerator: n,
    contributors: n,
    largest: n > 0 ? largest : null,
    secondLargest: n > 1 ? median : null,
    numeratorKey: 'units',
  };
}

/** A count indicator of the same units. */
function unitsCell(w: Where, n: number, id = 'cnt', key = 'units'): ComputedCell {
  return {
    ...base,
    ...w,
    indicatorId: id,
    value: n,
    numerator: n,
    contributors: n,
    numeratorKey: key,
  };
}

const byRegion = (rows: PublishedCell[], id: string): Map<string, PublishedCell> =>
  new Map(rows.filter((r) => r.indicator_id === id).map((r) => [r.region_code, r]));

describe('medians: a profile of their own', () => {
  it('the default median profile: frequency 10 on the units, value rounded to € 100, no dominance', () => {
    const p = DEFAULT_PROFILES.median;
    expect(p).toMatchObject({
      kind: 'median',
      minFrequency: 10,
      nk: null,
      pPercent: null,
      roundingBase: 5,
      valueRoundingBase: 100,
    });
    expect(parseRuleProfile('m', p)).toEqual(p);
    expect(() => parseRuleProfile('m', { ...p, nk: { n: 2, k: 85 } })).toThrow(
      "field 'nk': a median is not a sum",
    );
    // Every default carries the new field: the schema stays strict.
    for (const q of Object.values(DEFAULT_PROFILES)) expect('valueRoundingBase' in q).toBe(true);
    expect(() => parseRuleProfile('m', { ...p, valueRoundingBaes: 100 })).toThrow();
    // A manifest from before the field existed still parses (as null).
    const { valueRoundingBase: _, ...old } = DEFAULT_PROFILES.count;
    expect(parseRuleProfile('c', old).valueRoundingBase).toBeNull();
  });

  it('a dominant income never suppresses a median: only the number of units counts', () => {
    // One unit earns a thousand times the median: (n,k)-dominance on a sum would fire.
    const c = medianCell(gm('GM0001'), 40, 31_234.56, 31_234_560);
    expect(cellFindings(c, DEFAULT_PROFILES.median)).toEqual([]);
    expect(cellFindings(c, DEFAULT_PROFILES.magnitude).map((f) => f.rule)).toContain(
      'nk-dominance',
    );
    const small = cellFindings(medianCell(gm('GM0002'), 7, 30_000), DEFAULT_PROFILES.median);
    expect(small).toEqual([
      { rule: 'frequency', required: 10, protectsVariable: true, range: [1, 9] },
    ]);
  });

  it('publishes medians of ≥ 10 units rounded to € 100 with the count rounded to 5; < 10 is confidential and audited as a count', async () => {
    const kids: [string, number, number][] = [
      ['GM0001', 42, 31_234.56],
      ['GM0002', 27, 28_250],
      ['GM0003', 13, 40_049.99],
      ['GM0004', 7, 25_000],
    ];
    const total = kids.reduce((s, k) => s + k[1], 0);
    const cells = [
      medianCell(NL, total, 30_170.5),
      ...kids.map(([code, n, m]) => medianCell(gm(code), n, m)),
    ];
    const r = await protect({ cells, profiles: { med: DEFAULT_PROFILES.median } });
    expect(r.audit.passed).toBe(true);
    const rows = byRegion(r.cells, 'med');
    expect(rows.get('NL01')).toMatchObject({ status: 'published', value: 30_200, numerator: 90 });
    expect(rows.get('GM0004')).toMatchObject({
      status: 'suppressed-primary',
      rule: 'frequency',
      value: null,
      numerator: null,
    });
    // GM0004 is NL01 minus the others: one more gemeente is withheld.
    const published = [...rows.values()].filter((x) => x.status === 'published');
    for (const x of published) {
      const c = cells.find((y) => y.regionCode === x.region_code) as ComputedCell;
      expect(x.value).toBe(Math.floor((c.value as number) / 100 + 0.5) * 100);
      expect(x.numerator).toBe(roundTo(c.numerator as number, 5));
      expect(x.denominator).toBeNull();
    }
    expect(published.map((x) => x.region_code)).toContain('GM0001');
    expect(rows.get('GM0002')?.value ?? rows.get('GM0003')?.value).not.toBeUndefined();
    expect([...rows.values()].some((x) => x.status === 'suppressed-secondary')).toBe(true);
    expect(r.stats.suppressedByRule['nk-dominance']).toBeUndefined();
    // Audited as a count: the units variable, the rule's range [1, 9], width 10 overall and the
    // whole of [1, 9] inside it. The statuses say GM0004 has at least 1 unit (its median is not
    // not-applicable), which the rule's range says already: the prior range is [1, 9] as well,
    // and the requirement inside it its whole width, 8 (not the stop-gap's half, 4).
    const iv = r.audit.rules
      .find((x) => x.rule === 'frequency')
      ?.intervals.find((i) => i.variable === 'units|2023|GM0004|');
    expect(iv).toMatchObject({ truth: 7, required: 10, ...countOnlyRange(1, 9) });
    expect(iv!.upper - iv!.lower).toBeGreaterThanOrEqual(10);
    expect(iv!.lower).toBeLessThanOrEqual(1);
    expect(iv!.upper).toBeGreaterThanOrEqual(9);
    // The published medians are checked as rounded (rule 'single-value'), not as amounts.
    const sv = r.audit.rules.find((x) => x.rule === 'single-value');
    expect(sv).toMatchObject({ cells: published.length, passed: true });
    // An unrounded median is a unit's own value to the attacker: the audit refuses it.
    const leaked = r.cells.map((x) =>
      x.region_code === 'GM0001' ? { ...x, value: 31_234.56 } : x,
    );
    const rep = await audit({
      cells,
      published: leaked,
      profiles: { med: DEFAULT_PROFILES.median },
    });
    expect(rep.passed).toBe(false);
    expect(rep.publishedUnsafe[0]).toContain(
      'med/2023/GM0001 (median 31234.56 is not rounded to 100)',
    );
  });

  it('a median shares its units with a count indicator: one pattern, the same rounded count', async () => {
    const kids: [string, number][] = [
      ['GM0001', 42],
      ['GM0002', 27],
      ['GM0003', 13],
      ['GM0004', 7],
    ];
    const total = kids.reduce((s, k) => s + k[1], 0);
    const cells = [
      medianCell(NL, total, 30_000),
      ...kids.map(([code, n]) => medianCell(gm(code), n, 30_000 + n)),
      unitsCell(NL, total),
      ...kids.map(([code, n]) => unitsCell(gm(code), n)),
    ];
    const r = await protect({
      cells,
      profiles: { med: DEFAULT_PROFILES.median, cnt: DEFAULT_PROFILES.count },
    });
    expect(r.audit.passed).toBe(true);
    const med = byRegion(r.cells, 'med');
    const cnt = byRegion(r.cells, 'cnt');
    for (const [code, m] of med) {
      const c = cnt.get(code) as PublishedCell;
      expect(m.status === 'published').toBe(c.status === 'published');
      if (m.status === 'published') expect(m.numerator).toBe(c.numerator);
    }
  });
});

describe('means: the count beside an amount is protected as counts are', () => {
  /** fiu_gemiddeld_bedrag-like: sum over reports, count of reports (shared with a count indicator). */
  function meanCell(w: Where, reports: number, sum: number, persons = reports): ComputedCell {
    return {
      ...base,
      ...w,
      indicatorId: 'mean',
      value: reports > 0 ? sum / reports : null,
      numerator: sum,
      denominator: reports,
      contributors: persons,
      largest: reports > 0 ? sum / persons : null,
      secondLargest: reports > 1 ? sum / persons : null,
      numeratorKey: 'amount',
      denominatorKey: 'reports',
    };
  }
  const kids: [string, number, number][] = [
    ['GM0001', 27, 270_000.5],
    ['GM0002', 41, 123_456.78],
    ['GM0003', 64, 640_000],
  ];
  const totalN = kids.reduce((s, k) => s + k[1], 0);
  const totalS = kids.reduce((s, k) => s + k[2], 0);
  const cells = [
    meanCell(NL, totalN, totalS),
    ...kids.map(([c, n, s]) => meanCell(gm(c), n, s)),
    unitsCell(NL, totalN, 'cnt', 'reports'),
    ...kids.map(([c, n]) => unitsCell(gm(c), n, 'cnt', 'reports')),
  ];
  const profiles = { mean: DEFAULT_PROFILES.magnitude, cnt: DEFAULT_PROFILES.count };

  it('publishes the count rounded as the count indicator does, and value = exact sum / rounded count', async () => {
    const r = await protect({ cells, profiles });
    expect(r.audit.passed).toBe(true);
    const mean = byRegion(r.cells, 'mean');
    const cnt = byRegion(r.cells, 'cnt');
    // 27 was published exactly beside its sum before, undoing the count indicator's 25.
    expect(mean.get('GM0001')).toMatchObject({
      status: 'published',
      numerator: 270_000.5,
      denominator: 25,
      value: 10_800.02,
    });
    for (const [code, m] of mean) {
      const c = cnt.get(code) as PublishedCell;
      expect(m.status).toBe('published');
      expect(m.denominator).toBe(c.numerator);
      expect(m.denominator! % 5).toBe(0);
      expect(m.value).toBe(Math.round((m.numerator! / m.denominator!) * 100) / 100);
    }
  });

  it('the audit models the row as published: a mean that recomputes the exact count fails it', async () => {
    const r = await protect({ cells, profiles });
    const exact = r.cells.map((x) =>
      x.indicator_id === 'mean' && x.region_code === 'GM0001'
        ? { ...x, value: Math.round((270_000.5 / 27) * 100) / 100 }
        : x,
    );
    const rep = await audit({ cells, published: exact, profiles });
    expect(rep.passed).toBe(false);
    expect(rep.publishedUnsafe).toEqual([
      'mean/2023/GM0001 (mean 10000.02 is not the published sum / published count)',
    ]);
    // And a row that shows the exact count is inconsistent with what the rules publish? No: it
    // is a narrower box (27 ± 2.5 ∋ 27), so the re-audit still reads it, as the attacker would.
  });

  it('a suppressed count suppresses the mean with it (linked-denominator)', async () => {
    // Reports: 3 (persons 3: every rule fires), 12 and 115. The count indicator protects the 3
    // with the 12 (its cheapest partner); the sums protect GM0001's amount with GM0003's (the
    // smaller sum). So GM0002's sum is published, but its count is not, and nor is its mean.
    const few = [
      meanCell(NL, 130, 520_000),
      meanCell(gm('GM0001'), 3, 6_000),
      meanCell(gm('GM0002'), 12, 500_000),
      meanCell(gm('GM0003'), 115, 14_000),
      unitsCell(NL, 130, 'cnt', 'reports'),
      unitsCell(gm('GM0001'), 3, 'cnt', 'reports'),
      unitsCell(gm('GM0002'), 12, 'cnt', 'reports'),
      unitsCell(gm('GM0003'), 115, 'cnt', 'reports'),
    ];
    const r = await protect({ cells: few, profiles });
    expect(r.audit.passed).toBe(true);
    const mean = byRegion(r.cells, 'mean');
    const cnt = byRegion(r.cells, 'cnt');
    expect(cnt.get('GM0001')?.status).toBe('suppressed-primary');
    expect(cnt.get('GM0002')?.status).toBe('suppressed-secondary');
    expect(mean.get('GM0001')).toMatchObject({ status: 'suppressed-primary', rule: 'frequency' });
    expect(mean.get('GM0002')).toMatchObject({
      status: 'suppressed-secondary',
      rule: 'linked-denominator',
      value: null,
      numerator: null,
      denominator: null,
    });
    // Where the count is published, the mean is too, with the same rounded count.
    expect(mean.get('GM0003')).toMatchObject({ status: 'suppressed-secondary' });
    expect(mean.get('NL01')).toMatchObject({ status: 'published', denominator: 130 });
    expect(cnt.get('NL01')).toMatchObject({ status: 'published', numerator: 130 });
  });
});

describe('group disclosure agrees with the zero policy', () => {
  function share(w: Where, n: number, d: number): ComputedCell {
    return {
      ...base,
      ...w,
      indicatorId: 'pct',
      value: d > 0 ? (100 * n) / d : null,
      numerator: n,
      denominator: d,
      contributors: n,
      numeratorKey: 'n',
      denominatorKey: 'pop',
    };
  }
  const cells = [
    share(NL, 60 + 30 + 200, 60 + 60 + 900),
    share(gm('GM0001'), 0, 60),
    share(gm('GM0002'), 60, 60),
    share(gm('GM0003'), 30, 300),
    share(gm('GM0004'), 200, 600),
  ];
  const counts = [
    unitsCell(NL, 290, 'cnt', 'n'),
    unitsCell(gm('GM0001'), 0, 'cnt', 'n'),
    unitsCell(gm('GM0002'), 60, 'cnt', 'n'),
    unitsCell(gm('GM0003'), 30, 'cnt', 'n'),
    unitsCell(gm('GM0004'), 200, 'cnt', 'n'),
  ];

  it('zeroPolicy safe: 0% with a small denominator is published (its count publishes 0); 100% is confidential', async () => {
    const r = await protect({
      cells: [...cells, ...counts],
      profiles: { pct: DEFAULT_PROFILES.ratio, cnt: DEFAULT_PROFILES.count },
    });
    expect(r.audit.passed).toBe(true);
    const pct = byRegion(r.cells, 'pct');
    expect(pct.get('GM0001')).toMatchObject({ status: 'published', value: 0, numerator: 0 });
    expect(byRegion(r.cells, 'cnt').get('GM0001')).toMatchObject({
      status: 'published',
      value: 0,
    });
    expect(pct.get('GM0002')).toMatchObject({
      status: 'suppressed-primary',
      rule: 'group-disclosure',
    });
    // The numerator is shared: the count of GM0002 (60, not small) is withheld with the 100%.
    expect(byRegion(r.cells, 'cnt').get('GM0002')?.status).not.toBe('published');
  });

  it('zeroPolicy unsafe: the zero is disclosive everywhere, in the share and in the count', async () => {
    const unsafe = (p: RuleProfile): RuleProfile => ({ ...p, zeroPolicy: 'unsafe' });
    const r = await protect({
      cells: [...cells, ...counts],
      profiles: {
        pct: unsafe(DEFAULT_PROFILES.ratio),
        cnt: unsafe(DEFAULT_PROFILES.count),
      },
    });
    expect(r.audit.passed).toBe(true);
    const pct = byRegion(r.cells, 'pct');
    expect(pct.get('GM0001')?.status).toBe('suppressed-primary');
    expect(byRegion(r.cells, 'cnt').get('GM0001')?.status).toBe('suppressed-primary');
    const rules = cellFindings(cells[1] as ComputedCell, unsafe(DEFAULT_PROFILES.ratio));
    expect(rules.map((f) => f.rule).sort()).toEqual(['group-disclosure', 'zero']);
  });

  it('a 0% or 100% share with a large denominator is no group disclosure', () => {
    expect(cellFindings(share(gm('X'), 0, 150), DEFAULT_PROFILES.ratio)).toEqual([]);
    expect(cellFindings(share(gm('X'), 150, 150), DEFAULT_PROFILES.ratio)).toEqual([]);
  });
});

describe('an attacker who knows the rules', () => {
  it('capacityNeeded: the plain width, or the whole prior range ([1, 9] here) when that asks more', () => {
    // No range: the old requirement (width 10 for count 3 needs 7 above; for 9, 5 either way).
    expect(capacityNeeded(3, 10, -Infinity, Infinity)).toBe(7);
    expect(capacityNeeded(9, 10, -Infinity, Infinity)).toBe(5);
    // Range [1, 9]: 9 must be able to go down to 1 (capacity 8), 1 up to 9.
    expect(capacityNeeded(9, 10, 1, 9)).toBe(8);
    expect(capacityNeeded(1, 10, 1, 9)).toBe(9);
    expect(capacityNeeded(5, 10, 1, 9)).toBe(5);
    // τ-Argus ex1: 137 of threshold 138, range [1, 137], safety range 27.4: 27.4 downwards.
    expect(capacityNeeded(137, 27.4, 1, 137)).toBeCloseTo(27.4, 9);
    // Prior range [2, 9] (statuses say ≥ 2): 3 needs 6 up to reach 9, but 7 for width 10 overall
    // (3 − min(3, 7) = 0 … 3 + 7); 9 needs 7 down to reach 2.
    expect(capacityNeeded(3, 10, 2, 9)).toBe(7);
    expect(capacityNeeded(9, 10, 2, 9)).toBe(7);
  });

  it('a pattern wide enough but narrowing a small count inside [1, 9] fails; protect widens it', async () => {
    // A/m = 9 and B/f = 2 are frequency-unsafe. With the rectangle A/m, A/f, B/m, B/f suppressed
    // and every margin published, A/m can only go down as far as B/f can: A/m ∈ [7, 59]. That is
    // 52 wide (the old requirement, 10, holds), but an attacker who guesses that A/m is primary
    // knows it lies in [1, 9], and then in [7, 9]: the table narrowed it from 8 to 2.
    const rows = (
      [
        ['Total', 'Total', 9 + 50 + 50 + 2 + 100 + 100],
        ['Total', 'm', 9 + 50 + 100],
        ['Total', 'f', 50 + 2 + 100],
        ['A', 'Total', 59],
        ['A', 'm', 9],
        ['A', 'f', 50],
        ['B', 'Total', 52],
        ['B', 'm', 50],
        ['B', 'f', 2],
        ['C', 'Total', 200],
        ['C', 'm', 100],
        ['C', 'f', 100],
      ] as const
    ).map(([region, group, n]) => ({ region, group, n }));
    const cells = table(rows);
    const profiles = { ind: { ...DEFAULT_PROFILES.count, roundingBase: 1 } };
    const hide = new Set(['A/m', 'A/f', 'B/m', 'B/f']);
    const published = publishedAs(cells, (i) => {
      const r = rows[i] as (typeof rows)[number];
      if (!hide.has(`${r.region}/${r.group}`)) return null;
      return r.n < 10
        ? { status: 'suppressed-primary', rule: 'frequency' }
        : { status: 'suppressed-secondary', rule: 'secondary' };
    });
    const rep = await audit({ cells, published, profiles, exactIntervals: true });
    const am = rep.failing.find((f) => f.variable === 'ind|2023|A|group=m');
    // A table of counts only: the requirement inside the rule's range is its whole width, 8.
    expect(am).toMatchObject({ lower: 7, upper: 59, required: 10, ...countOnlyRange(1, 9) });
    expect(am!.margin).toBe(2 - 8);
    expect(rep.passed).toBe(false);

    const r = await protect({ cells, profiles, exactIntervals: true });
    expect(r.audit.passed).toBe(true);
    for (const rule of r.audit.rules.filter((x) => x.rule === 'frequency')) {
      for (const i of rule.intervals) {
        expect(i.lower).toBeLessThanOrEqual(1 + 1e-6);
        expect(i.upper).toBeGreaterThanOrEqual(9 - 1e-6);
      }
    }
    expect(r.stats.secondaryCells).toBeGreaterThan(2);
  });

  it('what the statuses tell is the prior: a wijk whose two buurten have a confidential ratio is ≥ 2, and is protected within [2, 9]', async () => {
    // zorgaanbieders (a count) is the denominator of a share. Every share of a buurt, wijk or
    // gemeente with a denominator below 50 is withheld (min-denominator), but is not
    // not-applicable: the attacker knows each of those counts is at least 1, so WK000101 =
    // BU00010101 (1) + BU00010102 (2) is at least 2 whatever is published. Its rule's range is
    // [1, 9]; asking the table to leave all of it open (8 wide) could never be met, which refused
    // the demo release. The prior range [2, 9] is what no pattern can take from the attacker.
    const wk = (code: string, n: number): [Where, number] => [
      { regionLevel: 'wijk', regionCode: code, parentCode: 'GM0001' },
      n,
    ];
    const bu = (code: string, n: number): [Where, number] => [
      { regionLevel: 'buurt', regionCode: code, parentCode: code.replace('BU', 'WK').slice(0, 8) },
      n,
    ];
    const regions: [Where, number][] = [
      [NL, 313],
      [gm('GM0001'), 113],
      [gm('GM0002'), 200],
      wk('WK000101', 3),
      wk('WK000102', 45),
      wk('WK000103', 65),
      bu('BU00010101', 1),
      bu('BU00010102', 2),
      bu('BU00010201', 20),
      bu('BU00010202', 25),
      bu('BU00010301', 30),
      bu('BU00010302', 35),
    ];
    const shareOf = ([w, d]: [Where, number]): ComputedCell => ({
      ...base,
      ...w,
      indicatorId: 'pct',
      value: 0,
      numerator: 0,
      denominator: d,
      contributors: 0,
      numeratorKey: 'veroordeeld',
      denominatorKey: 'zorg',
    });
    const cells = [
      ...regions.map(([w, n]) => unitsCell(w, n, 'cnt', 'zorg')),
      ...regions.map(shareOf),
    ];
    const profiles = { cnt: DEFAULT_PROFILES.count, pct: DEFAULT_PROFILES.ratio };
    const r = await protect({ cells, profiles });
    expect(r.audit.passed).toBe(true);
    const freq = r.audit.rules.find((x) => x.rule === 'frequency')?.intervals ?? [];
    const wijk = freq.find((i) => i.variable === 'zorg|2023|WK000101|');
    expect(wijk).toMatchObject({
      truth: 3,
      ruleRange: { lower: 1, upper: 9 },
      priorRange: { lower: 2, upper: 9 },
      rangeRequired: 7,
      passed: true,
    });
    expect(wijk!.lower).toBeCloseTo(2, 9);
    expect(wijk!.upper).toBeGreaterThanOrEqual(12 - 1e-6);
    // A buurt's own status says no more than its rule's range: all of [1, 9] stays open.
    const buurt = freq.find((i) => i.variable === 'zorg|2023|BU00010102|');
    expect(buurt).toMatchObject({ priorRange: { lower: 1, upper: 9 }, rangeRequired: 8 });
    expect(buurt!.lower).toBeLessThanOrEqual(1 + 1e-6);
    expect(buurt!.upper).toBeGreaterThanOrEqual(9 - 1e-6);

    // With every figure withheld the attacker still has [2, ∞) for the wijk: the statuses alone.
    const nothing = r.cells.map((x) =>
      x.status === 'published'
        ? {
            ...x,
            status: 'suppressed-secondary' as const,
            rule: 'secondary',
            value: null,
            numerator: null,
            denominator: null,
          }
        : x,
    );
    const all = await audit({ cells, published: nothing, profiles, exactIntervals: true });
    expect(all.passed).toBe(true);
    const bare = all.rules
      .find((x) => x.rule === 'frequency')
      ?.intervals.find((i) => i.variable === 'zorg|2023|WK000101|');
    expect(bare).toMatchObject({ lower: 2, upper: Infinity, margin: 0 });
  });
});
