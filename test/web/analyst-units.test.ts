/** Unit tests of the dashboard's analyst views: theme names, comparisons, CSV, words. */
import { describe, expect, it } from 'vitest';
import { THEME_TITLES as SERVER_THEMES } from '../../src/indicators/themes.js';
import type { Cell, Indicator } from '../../web/src/api.js';
import { isCompared, MAX_CHOSEN, parseChosen, profileRows } from '../../web/src/compare.js';
import { toCsv } from '../../web/src/csv.js';
import { readAgainstPeers } from '../../web/src/reading.js';
import { compareThemes, THEME_TITLES, themeTitle } from '../../web/src/texts.js';
import { parameterWords, regionSetText, ruleName } from '../../web/src/words.js';
import { INDICATOR_KINDS } from '../../src/contracts/index.js';
import { poissonBasis } from './readings.js';

describe('theme names', () => {
  it('are the server’s, in its order, in both languages', () => {
    expect(THEME_TITLES).toEqual(SERVER_THEMES);
    expect(Object.keys(THEME_TITLES)).toEqual(Object.keys(SERVER_THEMES));
    expect(themeTitle('jonge_aanwas', 'nl')).toBe('Jonge aanwas');
    expect(themeTitle('verdachte_transacties', 'en')).toBe('Suspicious transactions');
  });

  it('fall back to the id for an unknown theme, listed after the known ones', () => {
    expect(themeTitle('nieuw_thema', 'nl')).toBe('nieuw_thema');
    expect(themeTitle('toString', 'en')).toBe('toString');
    expect(['zz', 'context', 'aa', 'drugs'].sort(compareThemes)).toEqual([
      'drugs',
      'context',
      'aa',
      'zz',
    ]);
  });
});

const cell = (over: Partial<Cell>): Cell => ({
  indicator_id: 'x',
  year: 2023,
  region_level: 'gemeente',
  region_code: 'GM0001',
  parent_code: null,
  breakdown: '',
  value: 1,
  numerator: 10,
  denominator: 1000,
  status: 'published',
  ...over,
});
const indicator = (id: string, kind: string): Indicator => ({
  id,
  title: { nl: id, en: id },
  description: { nl: '', en: '' },
  theme: 'drugs',
  kind,
  unit: '',
  sources: [],
  methodology: { nl: '', en: '' },
  levels: ['gemeente'],
  years: [2023],
  disclosure: null,
});

describe('comparisons', () => {
  it('compare shares, rates, means and medians, never counts, sums or unknown kinds', () => {
    expect(INDICATOR_KINDS.filter(isCompared).sort()).toEqual(
      ['mean', 'median', 'percentage', 'rate_per_1000', 'rate_per_10000'].sort(),
    );
    expect(INDICATOR_KINDS.filter((k) => !isCompared(k)).sort()).toEqual(['count', 'sum']);
    expect(isCompared('rate')).toBe(false);
  });

  it('read the chosen gemeenten from the URL: valid codes, once, not the own, at most 10', () => {
    expect(parseChosen('GM0363,gm0518, GM0518,GM0392,XX,WK036300', 'GM0392')).toEqual([
      'GM0363',
      'GM0518',
    ]);
    expect(parseChosen(null, 'GM0392')).toEqual([]);
    const many = Array.from({ length: 14 }, (_, i) => `GM${String(i + 1).padStart(4, '0')}`);
    expect(parseChosen(many.join(','), 'GM9999')).toHaveLength(MAX_CHOSEN);
  });

  it('give a count its value and trend, but no group, country or reading', () => {
    const inds = [indicator('rate', 'rate_per_1000'), indicator('count', 'count')];
    const own = [
      cell({ indicator_id: 'rate', value: 5, numerator: 50, denominator: 10_000 }),
      cell({ indicator_id: 'count', value: 10_000, numerator: 10_000, denominator: null }),
      cell({
        indicator_id: 'count',
        year: 2022,
        value: 9_900,
        numerator: 9_900,
        denominator: null,
      }),
    ];
    const nl = own.map((c) => ({ ...c, region_code: 'NL01' }));
    const group = [
      cell({
        region_code: 'GM0002',
        indicator_id: 'rate',
        value: 2,
        numerator: 40,
        denominator: 20_000,
      }),
      cell({
        region_code: 'GM0003',
        indicator_id: 'rate',
        value: 4,
        numerator: 80,
        denominator: 20_000,
      }),
      cell({
        region_code: 'GM0004',
        indicator_id: 'rate',
        value: null,
        numerator: null,
        denominator: null,
        status: 'confidential',
      }),
      cell({ region_code: 'GM0002', indicator_id: 'count', value: 20_000 }),
    ];
    const [rate, count] = profileRows(inds, own, nl, group, 3, 2023);
    expect(rate?.compared).toBe(true);
    expect(rate?.groupValue).toBe(3);
    expect([rate?.groupPublished, rate?.groupSize]).toEqual([2, 3]);
    expect(rate?.reading?.basis.kind).toBe('poisson');
    expect(count?.compared).toBe(false);
    expect([count?.groupValue, count?.national, count?.reading]).toEqual([null, undefined, null]);
    expect(count?.trend).toEqual([
      { year: 2022, value: 9_900 },
      { year: 2023, value: 10_000 },
    ]);
    // A mean's numerator is a sum of amounts: read against the group's range, not by Poisson.
    const [mean] = profileRows([indicator('rate', 'mean')], own, nl, group, 3, 2023);
    expect(mean?.reading?.basis.kind).toBe('range');
  });
});

describe('csv', () => {
  it('has a byte order mark, commas, CRLF and quotes where needed', () => {
    expect(
      toCsv(
        ['a', 'b'],
        [
          ['x, y', 1.5],
          ['"q"', null],
        ],
      ),
    ).toBe('\uFEFFa,b\r\n"x, y",1.5\r\n"""q""",\r\n');
  });
});

describe('words of a newer server', () => {
  it('name an unknown rule or parameter in words, never as JSON', () => {
    expect(ruleName('max-share', 'nl')).toBe('Max share');
    expect(parameterWords('maxShare', { n: 2, limit: 0.5 }, 'nl')).toBe(
      'max share: n 2, limit 0,5',
    );
    expect(parameterWords('flag', true, 'en')).toBe('flag: yes');
    expect(parameterWords('levels', ['wijk', 'buurt'], 'en')).toBe('levels: wijk, buurt');
    expect(parameterWords('nested', { a: { b: 1 } }, 'en')).not.toMatch(/[{}"]/);
  });
});

describe('the region basis', () => {
  it('is named with its year and source, in the page language', () => {
    const cbs = { year: 2023, kind: 'cbs', attribution: 'Bron: CBS, Kadaster' } as const;
    expect(regionSetText('nl', cbs)).toBe('Regio-indeling 2023 (Bron: CBS, Kadaster)');
    expect(regionSetText('en', cbs)).toBe('Region division 2023 (Source: CBS, Kadaster)');
    expect(regionSetText('nl', { ...cbs, kind: 'synthetic', attribution: null })).toBe(
      'Regio-indeling 2023: gegenereerd (synthetisch land, geen echte gebieden)',
    );
  });
});

describe('a reading against one chosen gemeente', () => {
  it('tests the counts against that gemeente’s rate; without counts it cannot read', () => {
    const own = { value: 3, numerator: 300, denominator: 100_000 };
    const r = readAgainstPeers(own, [{ value: 2, numerator: 200, denominator: 100_000 }]);
    expect(r.key).toBe('readingClearlyAbove');
    expect(r.basis).toEqual(poissonBasis(300, 200)); // z = 100 / sqrt(200)
    const noCounts = { value: 2, numerator: null, denominator: null };
    expect(readAgainstPeers(own, [noCounts]).key).toBe('readingUnknown');
  });
});
