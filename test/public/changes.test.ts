/**
 * The release comparison (src/public/changes.ts): properties over random pairs of releases, and
 * a worked example of every kind of change.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CHANGE_KINDS,
  cellKey,
  compareReleases,
  type CellChange,
  type ChangeCounts,
  type ChangeKind,
  type PublicCell,
} from '../../src/public/index.js';

const REGIONS: [PublicCell['region_level'], string, string | null][] = [
  ['nederland', 'NL01', null],
  ['veiligheidsregio', 'VR01', 'NL01'],
  ['gemeente', 'GM0001', 'VR01'],
  ['gemeente', 'GM0002', 'VR01'],
  ['wijk', 'WK000101', 'GM0001'],
  ['buurt', 'BU00010101', 'WK000101'],
];

/** A figure as releases publish them: integers and one- or two-decimal rates. */
const figure = fc.oneof(
  fc.integer({ min: 0, max: 2000 }),
  fc.integer({ min: 0, max: 20_000 }).map((x) => x / 10),
  fc.integer({ min: -2000, max: 2000 }).map((x) => x / 100),
);

const cell: fc.Arbitrary<PublicCell> = fc
  .record({
    indicator_id: fc.constantFrom('inwoners', 'drugs_verdachten', 'schulden'),
    year: fc.constantFrom(2022, 2023),
    region: fc.constantFrom(...REGIONS),
    breakdown: fc.constantFrom('', 'geslacht=V', 'geslacht=M'),
    status: fc.constantFrom('published', 'published', 'confidential', 'not-applicable'),
    value: figure,
    numerator: fc.option(fc.integer({ min: 0, max: 500 }).map((x) => x * 5)),
    denominator: fc.option(fc.integer({ min: 1, max: 500 }).map((x) => x * 5)),
  })
  .map(({ region: [level, code, parent], status, value, numerator, denominator, ...k }) =>
    status === 'published'
      ? {
          ...k,
          region_level: level,
          region_code: code,
          parent_code: parent,
          value,
          numerator,
          denominator,
          status,
        }
      : {
          ...k,
          region_level: level,
          region_code: code,
          parent_code: parent,
          value: null,
          numerator: null,
          denominator: null,
          status: status as PublicCell['status'],
        },
  );

const release = fc.uniqueArray(cell, { selector: cellKey, maxLength: 60 });

/**
 * A later release derived from an earlier one, so that pairs share most keys: each cell kept,
 * revised, made confidential, published, or dropped, and a few new cells.
 */
const pair = release.chain((from) =>
  fc
    .tuple(
      fc.array(fc.tuple(fc.nat(5), figure), { minLength: from.length, maxLength: from.length }),
      release,
    )
    .map(([edits, extra]) => {
      const to: PublicCell[] = [];
      from.forEach((c, i) => {
        const [what, v] = edits[i]!;
        if (what === 0) return; // dropped
        if (what === 1 && c.status === 'published') to.push({ ...c, value: v });
        else if (what === 2)
          to.push({
            ...c,
            status: 'confidential',
            value: null,
            numerator: null,
            denominator: null,
          });
        else if (what === 3)
          to.push({ ...c, status: 'published', value: v, numerator: null, denominator: null });
        else to.push(c);
      });
      const keys = new Set(to.map(cellKey));
      for (const c of extra) if (!keys.has(cellKey(c))) to.push(c);
      return [from, to] as const;
    }),
);

const SWAPPED: Record<ChangeKind, ChangeKind> = {
  changed: 'changed',
  'now-published': 'now-confidential',
  'now-confidential': 'now-published',
  'status-changed': 'status-changed',
  added: 'removed',
  removed: 'added',
};

function sumOfKinds(c: ChangeCounts): number {
  return CHANGE_KINDS.reduce((s, k) => s + c[k], c.unchanged);
}

describe('compareReleases: properties', () => {
  it('a release compared with itself has no changes; every cell is unchanged', () => {
    fc.assert(
      fc.property(release, (cells) => {
        const r = compareReleases(cells, cells);
        expect(r.changes).toEqual([]);
        expect(r.summary.total.cells).toBe(cells.length);
        expect(r.summary.total.unchanged).toBe(cells.length);
        for (const k of CHANGE_KINDS) expect(r.summary.total[k]).toBe(0);
      }),
    );
  });

  it('the counts add up to the union of the keys, per indicator and in total', () => {
    fc.assert(
      fc.property(fc.oneof(pair, fc.tuple(release, release)), ([from, to]) => {
        const r = compareReleases(from, to);
        const union = new Set([...from.map(cellKey), ...to.map(cellKey)]);
        const { total, indicators } = r.summary;
        expect(total.cells).toBe(union.size);
        expect(sumOfKinds(total)).toBe(union.size);
        // The list holds exactly the counted changes.
        expect(r.changes.length).toBe(total.cells - total.unchanged);
        for (const k of CHANGE_KINDS) {
          expect(r.changes.filter((c) => c.kind === k).length, k).toBe(total[k]);
        }
        // Indicators: one row each, sorted, and together the total.
        const ids = [...new Set([...from, ...to].map((c) => c.indicator_id))].sort();
        expect(indicators.map((i) => i.indicator)).toEqual(ids);
        for (const i of indicators) {
          expect(sumOfKinds(i)).toBe(i.cells);
          const mine = [...union].filter((k) => k.startsWith(`${i.indicator}\u0000`)).length;
          expect(i.cells).toBe(mine);
        }
        for (const k of [...CHANGE_KINDS, 'unchanged', 'cells'] as const) {
          expect(
            indicators.reduce((s, i) => s + i[k], 0),
            k,
          ).toBe(total[k]);
        }
      }),
    );
  });

  it('swapping from and to swaps now-published/now-confidential and added/removed, and negates differences', () => {
    fc.assert(
      fc.property(fc.oneof(pair, fc.tuple(release, release)), ([from, to]) => {
        const ab = compareReleases(from, to);
        const ba = compareReleases(to, from);
        expect(ba.changes.length).toBe(ab.changes.length);
        ab.changes.forEach((c, i) => {
          const d = ba.changes[i]!;
          expect(cellKey(d)).toBe(cellKey(c));
          expect(d.kind).toBe(SWAPPED[c.kind]);
          expect(d.from).toEqual(c.to);
          expect(d.to).toEqual(c.from);
          if (c.difference === null) expect(d.difference).toBeNull();
          else expect(d.difference).toBe(c.difference === 0 ? 0 : -c.difference);
        });
        for (const k of CHANGE_KINDS) {
          expect(ba.summary.total[SWAPPED[k]], k).toBe(ab.summary.total[k]);
        }
        expect(ba.summary.total.unchanged).toBe(ab.summary.total.unchanged);
      }),
    );
  });

  it('is deterministic: the order of the input lists does not matter', () => {
    fc.assert(
      fc.property(
        pair,
        fc.infiniteStream(fc.double({ min: 0, max: 1, noNaN: true })),
        ([from, to], noise) => {
          const shuffle = (xs: readonly PublicCell[]) =>
            xs
              .map((x) => [noise.next().value as number, x] as const)
              .sort((a, b) => a[0] - b[0])
              .map(([, x]) => x);
          expect(compareReleases(shuffle(from), shuffle(to))).toEqual(compareReleases(from, to));
        },
      ),
    );
  });

  it('a side that is not published carries no figure', () => {
    fc.assert(
      fc.property(fc.tuple(release, release), ([from, to]) => {
        for (const c of compareReleases(from, to).changes) {
          for (const s of [c.from, c.to]) {
            if (s && s.status !== 'published') {
              expect([s.value, s.numerator, s.denominator]).toEqual([null, null, null]);
            }
          }
          if (c.kind !== 'changed') expect(c.difference).toBeNull();
        }
      }),
    );
  });
});

function c(
  region_code: string,
  status: PublicCell['status'],
  value: number | null,
  o: Partial<PublicCell> = {},
): PublicCell {
  const level = REGIONS.find((r) => r[1] === region_code)!;
  return {
    indicator_id: 'drugs_verdachten',
    year: 2023,
    region_level: level[0],
    region_code,
    parent_code: level[2],
    breakdown: '',
    value: status === 'published' ? value : null,
    numerator: null,
    denominator: null,
    status,
    ...o,
  };
}

describe('compareReleases: every kind', () => {
  const from = [
    c('NL01', 'published', 5.1),
    c('VR01', 'published', 4.2),
    c('GM0001', 'confidential', null),
    c('GM0002', 'published', 7.5),
    c('WK000101', 'not-applicable', null),
    c('BU00010101', 'published', 3),
    c('NL01', 'published', 12, { year: 2022 }),
    c('NL01', 'published', 1, { indicator_id: 'oud' }),
  ];
  const to = [
    c('NL01', 'published', 5.3),
    c('VR01', 'published', 4.2),
    c('GM0001', 'published', 6.4),
    c('GM0002', 'confidential', null),
    c('WK000101', 'published', 2),
    c('NL01', 'published', 12, { year: 2022 }),
    c('NL01', 'published', 9, { year: 2024 }),
    // A cell that arrives confidential still says no figure, even from a careless caller.
    { ...c('VR01', 'confidential', null, { breakdown: 'geslacht=V' }), value: 3 },
  ];
  const r = compareReleases(from, to);

  it('lists the changes in order, with only the public figures', () => {
    const brief = (x: CellChange) => [
      x.kind,
      x.indicator_id,
      x.year,
      x.region_code,
      x.breakdown,
      x.from?.value ?? x.from?.status ?? null,
      x.to?.value ?? x.to?.status ?? null,
      x.difference,
    ];
    expect(r.changes.map(brief)).toEqual([
      ['changed', 'drugs_verdachten', 2023, 'NL01', '', 5.1, 5.3, 0.2],
      ['added', 'drugs_verdachten', 2023, 'VR01', 'geslacht=V', null, 'confidential', null],
      ['now-published', 'drugs_verdachten', 2023, 'GM0001', '', 'confidential', 6.4, null],
      ['now-confidential', 'drugs_verdachten', 2023, 'GM0002', '', 7.5, 'confidential', null],
      ['status-changed', 'drugs_verdachten', 2023, 'WK000101', '', 'not-applicable', 2, null],
      ['removed', 'drugs_verdachten', 2023, 'BU00010101', '', 3, null, null],
      ['added', 'drugs_verdachten', 2024, 'NL01', '', null, 9, null],
      ['removed', 'oud', 2023, 'NL01', '', 1, null, null],
    ]);
    const confidential = r.changes.find((x) => x.kind === 'now-confidential')!;
    expect(confidential.to).toEqual({
      status: 'confidential',
      value: null,
      numerator: null,
      denominator: null,
    });
    expect(r.changes[1]!.to).toEqual({
      status: 'confidential',
      value: null,
      numerator: null,
      denominator: null,
    });
  });

  it('a revised numerator is a change even when the value is the same', () => {
    const a = compareReleases(
      [c('NL01', 'published', 5, { numerator: 10, denominator: 2000 })],
      [c('NL01', 'published', 5, { numerator: 15, denominator: 3000 })],
    );
    expect(a.changes.map((x) => [x.kind, x.difference])).toEqual([['changed', 0]]);
  });

  it('summarises per indicator and in total', () => {
    expect(r.summary.total).toEqual({
      cells: 10,
      unchanged: 2,
      changed: 1,
      'now-published': 1,
      'now-confidential': 1,
      'status-changed': 1,
      added: 2,
      removed: 2,
    });
    expect(r.summary.indicators.map((i) => [i.indicator, i.cells, i.removed])).toEqual([
      ['drugs_verdachten', 9, 1],
      ['oud', 1, 1],
    ]);
  });

  it('refuses a release with two cells for one key', () => {
    expect(() => compareReleases([from[0]!, from[0]!], to)).toThrow(/two cells/);
  });
});
