import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fetchAllPages, type CellsResponse } from '../../web/src/api.js';
import { DICTIONARIES } from '../../web/src/texts.js';
import { readAgainstPeers } from '../../web/src/reading.js';
import { breakLabels, classOf, colourOf, PALETTE, quantileBreaks } from '../../web/src/scale.js';
import { normalise, searchRegions } from '../../web/src/search.js';
import {
  parametersWords,
  reviewsByCapacity,
  RULE_NAMES,
  ruleParameterLines,
} from '../../web/src/words.js';
import { FORBIDDEN } from './forbidden.js';
import { poissonBasis } from './readings.js';

const GEMEENTEN = [
  { code: 'GM0518', name: "'s-Gravenhage" },
  { code: 'GM0796', name: "'s-Hertogenbosch" },
  { code: 'GM0363', name: 'Amsterdam' },
  { code: 'GM0599', name: 'Rotterdam' },
  { code: 'GM0344', name: 'Utrecht' },
  { code: 'GM0353', name: 'IJsselstein' },
  { code: 'GM0373', name: 'Bergen (NH.)' },
  { code: 'GM0893', name: 'Bergen (L.)' },
  { code: 'GM0096', name: 'Vlieland' },
];

describe('searchRegions', () => {
  it('finds common names, codes and partial names', () => {
    expect(searchRegions(GEMEENTEN, 'Den Haag').map((r) => r.code)).toEqual(['GM0518']);
    expect(searchRegions(GEMEENTEN, 'the hague').map((r) => r.code)).toEqual(['GM0518']);
    expect(searchRegions(GEMEENTEN, 'den bosch').map((r) => r.code)).toEqual(['GM0796']);
    expect(searchRegions(GEMEENTEN, "'s-Gravenhage").map((r) => r.code)).toEqual(['GM0518']);
    expect(searchRegions(GEMEENTEN, 'gravenhage').map((r) => r.code)).toEqual(['GM0518']);
    expect(searchRegions(GEMEENTEN, 'GM0363').map((r) => r.code)).toEqual(['GM0363']);
    expect(searchRegions(GEMEENTEN, '363').map((r) => r.code)).toEqual(['GM0363']);
    expect(searchRegions(GEMEENTEN, 'gm 0599').map((r) => r.code)).toEqual(['GM0599']);
    expect(searchRegions(GEMEENTEN, 'bergen').map((r) => r.name)).toEqual([
      'Bergen (L.)',
      'Bergen (NH.)',
    ]);
    expect(searchRegions(GEMEENTEN, 'ijssel').map((r) => r.code)).toEqual(['GM0353']);
    expect(searchRegions(GEMEENTEN, 'dam').map((r) => r.code)).toEqual(['GM0363', 'GM0599']);
    expect(searchRegions(GEMEENTEN, '   ')).toEqual([]);
    expect(searchRegions(GEMEENTEN, 'Parijs')).toEqual([]);
  });

  it('normalises accents, apostrophes and punctuation', () => {
    expect(normalise("'s-Gravenhage")).toBe('s gravenhage');
    expect(normalise('Súdwest-Fryslân')).toBe('sudwest fryslan');
    expect(normalise('Bergen (NH.)')).toBe('bergen nh');
  });
});

describe('class breaks', () => {
  it('puts breaks at the quintiles and classes values up to and including a break below it', () => {
    const values = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
    expect(quantileBreaks(values)).toEqual([3, 5, 7, 9]);
    expect([1, 3, 3.01, 9, 9.5, 11].map((v) => classOf(v, [3, 5, 7, 9]))).toEqual([
      0, 0, 1, 3, 4, 4,
    ]);
    expect(breakLabels([3, 5], String)).toEqual(['≤ 3', '3 – 5', '> 5']);
    expect(quantileBreaks([])).toEqual([]);
    expect(quantileBreaks([4, 4, 4])).toEqual([]);
    expect(colourOf(4, [])).toBe(PALETTE[4]);
  });

  it('gives every value a palette colour, monotone in the value', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 200 }),
        (values) => {
          const breaks = quantileBreaks(values);
          for (let i = 1; i < breaks.length; i++)
            expect(breaks[i]).toBeGreaterThan(breaks[i - 1] as number);
          const sorted = [...values].sort((a, b) => a - b);
          let last = -1;
          for (const v of sorted) {
            const c = PALETTE.indexOf(colourOf(v, breaks) as (typeof PALETTE)[number]);
            expect(c).toBeGreaterThanOrEqual(last);
            last = c;
          }
        },
      ),
    );
  });
});

describe('readAgainstPeers', () => {
  const peer = (numerator: number, denominator: number) => ({
    value: (numerator / denominator) * 1000,
    numerator,
    denominator,
  });

  it('uses a Poisson test against the pooled peer rate when counts are published', () => {
    const peers = [peer(100, 100_000), peer(300, 100_000)]; // pooled 2 per 1,000
    const r = readAgainstPeers(peer(260, 100_000), peers); // expected 200, z = 60 / sqrt(200) = 4.24
    expect(r.key).toBe('readingClearlyAbove');
    expect(r.basis).toEqual(poissonBasis(260, 200)); // z = 60 / sqrt(200)
    expect(readAgainstPeers(peer(230, 100_000), peers).key).toBe('readingAbove'); // z = 2.12
    expect(readAgainstPeers(peer(210, 100_000), peers).key).toBe('readingSimilar'); // z = 0.71
    expect(readAgainstPeers(peer(170, 100_000), peers).key).toBe('readingBelow'); // z = -2.12
    expect(readAgainstPeers(peer(150, 100_000), peers).key).toBe('readingClearlyBelow'); // z = -3.54
  });

  it('falls back to the peers range, and says when it cannot read', () => {
    const peers = [
      { value: 10, numerator: null, denominator: null },
      { value: 20, numerator: null, denominator: null },
    ];
    expect(readAgainstPeers({ value: 15, numerator: null, denominator: null }, peers)).toEqual({
      key: 'readingSimilar',
      basis: { kind: 'range', n: 2, min: 10, max: 20 },
    });
    expect(readAgainstPeers({ value: 21, numerator: null, denominator: null }, peers).key).toBe(
      'readingAbove',
    );
    expect(readAgainstPeers({ value: 26, numerator: null, denominator: null }, peers).key).toBe(
      'readingClearlyAbove',
    );
    expect(readAgainstPeers({ value: 9, numerator: null, denominator: null }, peers).key).toBe(
      'readingBelow',
    );
    expect(readAgainstPeers({ value: null, numerator: null, denominator: null }, peers)).toEqual({
      key: 'readingUnknown',
      basis: { kind: 'none' },
    });
    expect(
      readAgainstPeers({ value: 5, numerator: null, denominator: null }, peers.slice(0, 1)).key,
    ).toBe('readingUnknown');
  });
});

describe('public words', () => {
  it('never name primary/secondary suppression, intervals or true values', () => {
    for (const lang of ['nl', 'en'] as const) {
      for (const [key, text] of Object.entries(DICTIONARIES[lang]))
        expect(text, key).not.toMatch(FORBIDDEN);
      for (const [rule, words] of Object.entries(RULE_NAMES))
        expect(words[lang], rule).not.toMatch(FORBIDDEN);
    }
    expect(Object.keys(DICTIONARIES.nl).filter((k) => k.includes('suppressed'))).toEqual([]);
  });

  it('says the approvals by capacity, providers first, with counts', () => {
    const r = (capacity: string, decision: 'approve' | 'reject' = 'approve') => ({
      capacity,
      decision,
      createdAt: '2026-01-01T00:00:00Z',
    });
    const reviews = [
      r('board'),
      r('politie'),
      r('board'),
      r('belastingdienst'),
      r('kvk', 'reject'),
    ];
    expect(reviewsByCapacity(reviews, 'nl')).toBe('Politie, Belastingdienst, bestuur (2)');
    expect(reviewsByCapacity(reviews, 'en')).toBe('Politie, Belastingdienst, board (2)');
    expect(reviewsByCapacity(reviews, 'nl', 'reject')).toBe('KvK');
    expect(reviewsByCapacity([], 'nl')).toBe('');
  });

  it('puts rule parameters in words of the page language', () => {
    const frequency = { minFrequency: 10, safetyRange: 20, minRange: 10, zeroPolicy: 'safe' };
    expect(parametersWords(frequency, 'nl')).toBe(
      'drempel 10 eenheden, veiligheidsmarge 20%, onzekerheid voor een buitenstaander minstens 10, een nul mag gepubliceerd worden',
    );
    expect(parametersWords(frequency, 'en')).toBe(
      'threshold 10 units, safety margin 20%, uncertainty for an outsider at least 10, a zero may be published',
    );
    expect(parametersWords({ roundingBase: 5, cost: 'value' }, 'nl')).toBe(
      'afronding op 5, zo weinig mogelijk waarde geheim',
    );
    expect(parametersWords({ nk: { n: 2, k: 85 } }, 'en')).toBe(
      'the 2 largest contributions together at most 85% of the total',
    );
    expect(parametersWords({ minDenominator: 1000 }, 'nl')).toBe('noemer minstens 1.000');
    expect(parametersWords({}, 'nl')).toBe('–');
    const lines = ruleParameterLines(
      {
        parameters: [
          { indicators: ['a', 'b'], values: { minDenominator: 50 } },
          { indicators: ['c'], values: { minDenominator: 100 } },
        ],
      },
      ['a', 'b', 'c'],
      (id) => id.toUpperCase(),
      'en',
    );
    expect(lines).toEqual(['A, B: denominator at least 50', 'C: denominator at least 100']);
  });
});

describe('fetchAllPages', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });
  const cell = (i: number) => ({
    indicator_id: 'x',
    year: 2023,
    region_level: 'buurt' as const,
    region_code: `BU${i}`,
    parent_code: null,
    breakdown: '',
    value: i,
    numerator: i,
    denominator: 10,
    status: 'published' as const,
  });
  const pages = (total: number, limit: number, served = total) => {
    const urls: string[] = [];
    vi.stubGlobal('fetch', async (url: string) => {
      urls.push(url);
      const offset = Number(new URL(url, 'http://h').searchParams.get('offset') ?? 0);
      const next =
        offset + limit < total ? `http://h/c?offset=${offset + limit}&limit=${limit}` : null;
      const cells = Array.from({ length: Math.max(0, Math.min(limit, served - offset)) }, (_, i) =>
        cell(offset + i),
      );
      return new Response(
        JSON.stringify({ release: 'r', cells, page: { offset, limit, total, next } }),
        { headers: { 'content-type': 'application/json' } },
      );
    });
    return urls;
  };

  it('follows page.next until the last page and returns every item', async () => {
    const urls = pages(25, 10);
    const all = await fetchAllPages<CellsResponse, 'cells'>('http://h/c', 'cells');
    expect(all.cells.map((c) => c.region_code)).toEqual(
      Array.from({ length: 25 }, (_, i) => `BU${i}`),
    );
    expect(all.page).toEqual({ offset: 0, limit: 25, total: 25, next: null });
    expect(urls).toEqual([
      'http://h/c',
      'http://h/c?offset=10&limit=10',
      'http://h/c?offset=20&limit=10',
    ]);
  });

  it('fails rather than return an incomplete list', async () => {
    pages(25, 10, 15);
    await expect(fetchAllPages<CellsResponse, 'cells'>('http://h/c', 'cells')).rejects.toThrow(
      /received 15 of 25/,
    );
  });
});
