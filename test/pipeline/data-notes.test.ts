import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  coverageNotes,
  exclusionNotes,
  roughly,
  sourceCoverage,
  yearExpression,
} from '../../src/pipeline/data-notes.js';
import { openBrokerDatabase } from '../../src/engine/session.js';
import { datasetContract, DATASETS } from '../../src/ingest/contracts.js';
import { REASONS } from '../../src/ingest/validate.js';

describe('rounded counts in public notes', () => {
  it('keep two significant digits and stay within 5% of the count', () => {
    fc.assert(
      fc.property(fc.integer({ min: 10, max: 200_000_000 }), (n) => {
        const r = roughly(n);
        expect(Math.abs(r - n) / n).toBeLessThanOrEqual(0.05);
        expect(String(r).replace(/0+$/, '').length).toBeLessThanOrEqual(2);
      }),
    );
    expect(roughly(4321)).toBe(4300);
    expect(roughly(7)).toBe(7);
  });
});

describe('exclusion notes', () => {
  it('name the source, a rounded count, the share and the reasons, most frequent first', () => {
    const notes = exclusionNotes([
      {
        dataset: 'brp_personen',
        rowsIn: 612_345,
        quarantined: 4_321,
        reasons: { [REASONS.region]: 3_100, [REASONS.date]: 1_221 },
      },
      { dataset: 'kvk_vestigingen', rowsIn: 1000, quarantined: 0, reasons: {} },
    ]);
    expect(notes).toEqual([
      {
        nl: `Niet meegeteld uit ${datasetContract('brp_personen').title} (gemeenten): circa 4.300 records (0,7%), wegens onbekende buurtcode, ongeldige of onmogelijke datum.`,
        en: `Not counted from ${datasetContract('brp_personen').title} (gemeenten): about 4,300 records (0.7%), because of unknown buurt code, invalid or impossible date.`,
      },
    ]);
    // The exact count never appears.
    expect(JSON.stringify(notes)).not.toContain('4321');
    expect(JSON.stringify(notes)).not.toContain('4.321');
  });
});

describe('coverage notes', () => {
  const indicators = [
    {
      id: 'onverklaarbare_woningaankopen',
      title: { nl: 'Onverklaarbare woningaankopen', en: 'Unexplained home purchases' },
      sources: ['kadaster_transacties', 'brp_personen'],
    },
  ];
  const years = [2019, 2020, 2021, 2022, 2023];

  it('flag a year with far fewer records than the others, and the indicators that read it', () => {
    const coverage = new Map([
      [
        'kadaster_transacties',
        new Map([
          [2019, 1000],
          [2020, 6000],
          [2021, 6100],
          [2022, 5900],
          [2023, 6050],
        ]),
      ],
      ['brp_personen', new Map(years.map((y) => [y, 100_000]))],
    ]);
    const notes = coverageNotes(coverage, years, indicators);
    expect(notes).toHaveLength(1);
    expect(notes[0]?.nl).toContain('over 2019 ongeveer 17% van het gebruikelijke aantal');
    expect(notes[0]?.nl).toContain('Onverklaarbare woningaankopen');
    expect(notes[0]?.en).toContain('for 2019');
  });

  it('say nothing about a source with a steady number of records', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 5000, max: 9000 }), { minLength: 5, maxLength: 5 }),
        (counts) => {
          const coverage = new Map([
            ['kadaster_transacties', new Map(years.map((y, i) => [y, counts[i] as number]))],
          ]);
          expect(coverageNotes(coverage, years, indicators)).toEqual([]);
        },
      ),
    );
  });

  it('dates every source that has a year or a required date column', () => {
    for (const c of DATASETS) {
      const e = yearExpression(c);
      if (c.columns.some((x) => x.name === 'jaar' || x.name === 'peiljaar'))
        expect(e).toMatch(/^"(peil)?jaar"$/);
      else if (c.columns.some((x) => x.type === 'DATE' && !x.nullable))
        expect(e).toMatch(/^year\("/);
      else expect(e).toBeNull();
    }
  });
});

describe('source coverage from the broker tables', () => {
  it('counts rows per year by the year column or the first required date, and skips sources not delivered', async () => {
    const db = await openBrokerDatabase();
    try {
      await db.conn.run(
        `CREATE TABLE brp_personen AS SELECT (2019 + (i % 5))::INTEGER AS peiljaar FROM range(100) t(i)`,
      );
      await db.conn.run(
        `CREATE TABLE kadaster_transacties AS SELECT DATE '2019-06-01' + INTERVAL (i % 3) YEAR AS transactiedatum FROM range(30) t(i)`,
      );
      const coverage = await sourceCoverage(
        db.conn,
        ['brp_personen', 'kadaster_transacties', 'fiu_meldingen'],
        [2019, 2020, 2021, 2022, 2023],
      );
      expect(Object.fromEntries(coverage.get('brp_personen') ?? [])).toEqual({
        2019: 20,
        2020: 20,
        2021: 20,
        2022: 20,
        2023: 20,
      });
      expect(Object.fromEntries(coverage.get('kadaster_transacties') ?? [])).toEqual({
        2019: 10,
        2020: 10,
        2021: 10,
      });
      expect(coverage.has('fiu_meldingen')).toBe(false);
    } finally {
      db.close();
    }
  });
});
