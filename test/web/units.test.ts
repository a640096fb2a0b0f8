import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readAgainstPeers } from '../../web/src/reading.js';
import { breakLabels, classOf, colourOf, PALETTE, quantileBreaks } from '../../web/src/scale.js';
import { normalise, searchRegions } from '../../web/src/search.js';

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
    expect(r.basis).toEqual({
      kind: 'poisson',
      observed: 260,
      expected: 200,
      z: 60 / Math.sqrt(200),
    });
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
