import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildDataset,
  datasetIdentity,
  datasetVersions,
  FIGURES_OF_KIND,
  observationCount,
} from '../../../src/api/opendata/dataset.js';
import { METADATA_PAGE, pageLimit, widePageLimit } from '../../../src/api/opendata/http.js';
import type { PublicCell, ReleaseSummary } from '../../../src/api/opendata/types.js';

const release = (
  id: string,
  publishedAt: string | null,
  years: number[],
  status = 'published',
): ReleaseSummary => ({
  id,
  status,
  createdAt: publishedAt ?? '2026-06-01T00:00:00Z',
  publishedAt,
  years,
  regionSet: null,
});

describe('dataset versions', () => {
  it('numbers releases by publication, names new and revised years, and marks revisions', () => {
    const v = datasetVersions([
      release('c', '2026-03-01T00:00:00Z', [2023, 2024]),
      release('a', '2026-01-01T00:00:00Z', [2022, 2023]),
      release('b', '2026-02-01T00:00:00Z', [2022, 2023], 'withdrawn'),
      release('d', null, [2025], 'candidate'),
    ]);
    expect(Object.fromEntries(v)).toEqual({
      a: { version: 1, status: 'Regulier', reason: 'Eerste publicatie.' },
      b: { version: 2, status: 'Gewijzigd', reason: 'Herziene cijfers over 2022, 2023.' },
      c: {
        version: 3,
        status: 'Gewijzigd',
        reason: 'Nieuwe cijfers over 2024; herziene cijfers over 2023.',
      },
    });
  });

  it('never renumbers a release when another is withdrawn later', () => {
    fc.assert(
      fc.property(
        fc.array(fc.subarray([2019, 2020, 2021, 2022, 2023], { minLength: 1 }), {
          minLength: 1,
          maxLength: 6,
        }),
        fc.nat(),
        (yearsPerRelease, pick) => {
          const list = yearsPerRelease.map((years, i) =>
            release(`r${i}`, `2026-0${i + 1}-01T00:00:00Z`, years),
          );
          const before = datasetVersions(list);
          const k = pick % list.length;
          const after = datasetVersions(
            list.map((r, i) => (i === k ? { ...r, status: 'withdrawn' } : r)),
          );
          expect(after).toEqual(before);
        },
      ),
    );
  });
});

describe('observations', () => {
  it('one per cell and published figure of its kind, counted the same without building', () => {
    const kinds = Object.keys(FIGURES_OF_KIND);
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            indicator: fc.constantFrom(...kinds),
            year: fc.constantFrom(2022, 2023),
            region: fc.constantFrom('NL01', 'GM0363'),
            status: fc.constantFrom('published', 'confidential', 'not-applicable'),
          }),
          { maxLength: 30 },
        ),
        (rows) => {
          const seen = new Set<string>();
          const cells: PublicCell[] = [];
          for (const r of rows) {
            const key = `${r.indicator}|${r.year}|${r.region}`;
            if (seen.has(key)) continue;
            seen.add(key);
            const published = r.status === 'published';
            cells.push({
              indicator_id: r.indicator,
              year: r.year,
              region_level: r.region === 'NL01' ? 'nederland' : 'gemeente',
              region_code: r.region,
              parent_code: r.region === 'NL01' ? null : 'NL01',
              breakdown: '',
              value: published ? 1.5 : null,
              numerator: published ? 15 : null,
              denominator: published ? 10 : null,
              status: r.status as PublicCell['status'],
            });
          }
          const indicators = kinds.map((k) => ({
            id: k,
            title: { nl: k, en: k },
            unit: '',
            kind: k,
          }));
          const identity = datasetIdentity(
            'Samenzicht',
            release('r', '2026-01-01T00:00:00Z', [2022, 2023]),
            {
              version: 1,
              status: 'Regulier',
              reason: 'Eerste publicatie.',
            },
          );
          const d = buildDataset({
            identity,
            mapYear: null,
            cells,
            indicators,
            regionName: () => undefined,
          });
          let expected = 0;
          for (const c of cells) expected += (FIGURES_OF_KIND[c.indicator_id] ?? []).length;
          expect(d.observations.size).toBe(expected);
          expect(observationCount(cells, indicators)).toBe(expected);
          // Every observation points at a measure of its own cell's indicator.
          for (let i = 0; i < d.observations.size; i++) {
            const cell = cells[d.observations.cellOf[i] as number] as PublicCell;
            const m = d.measures[d.observations.measureOf[i] as number];
            expect(m?.indicator).toBe(cell.indicator_id);
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('page sizes', () => {
  it('page a wide data set by values (at most 100,000 a page, at least 100 rows)', () => {
    expect(widePageLimit(75, 10_000)).toBe(1333);
    expect(widePageLimit(8, 10_000)).toBe(10_000);
    expect(widePageLimit(5000, 10_000)).toBe(100);
    // A smaller configured page still wins.
    expect(widePageLimit(75, 3)).toBe(3);
    // Metadata lists are sent whole, up to the metadata bound.
    expect(pageLimit(false, 10_000)).toBe(METADATA_PAGE);
    expect(pageLimit(true, 10_000)).toBe(10_000);
  });
});
