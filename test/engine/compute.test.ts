import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ComputedCell } from '../../src/contracts/index.js';
import { computeIndicators, explain } from '../../src/engine/index.js';
import type { BrokerDatabase } from '../../src/engine/session.js';
import { tinyBroker } from './tiny.js';

let db: BrokerDatabase;
let cells: ComputedCell[];
const cell = (id: string, year: number, code: string, breakdown = '') => {
  const c = cells.find(
    (x) =>
      x.indicatorId === id && x.year === year && x.regionCode === code && x.breakdown === breakdown,
  );
  if (!c) throw new Error(`no cell ${id} ${year} ${code} ${breakdown}`);
  return c;
};

beforeAll(async () => {
  db = await tinyBroker();
  cells = await computeIndicators(db.conn, {
    years: [2022, 2023],
    indicators: [
      'inwoners',
      'drugsverdachten_per_1000',
      'jeugdige_drugsverdachten',
      'first_offenders_jeugd',
      'fiu_gemeld_bedrag',
      'fiu_gemiddeld_bedrag',
      'fiu_meldingen_per_1000_inwoners',
      'mediaan_verzamelinkomen',
      'huishoudens',
    ],
  });
});
afterAll(() => db.close());

describe('computeIndicators on a hand-made broker database', () => {
  it('counts residents at every level, with parents and zero-filled regions', () => {
    expect(cell('inwoners', 2023, 'NL01')).toMatchObject({
      regionLevel: 'nederland',
      parentCode: null,
      value: 4,
      numerator: 4,
      denominator: null,
      contributors: 4,
    });
    expect(cell('inwoners', 2023, 'VR01')).toMatchObject({
      regionLevel: 'veiligheidsregio',
      parentCode: 'NL01',
      value: 3,
    });
    expect(cell('inwoners', 2023, 'GM0001')).toMatchObject({ parentCode: 'VR01', value: 3 });
    expect(cell('inwoners', 2023, 'WK000101')).toMatchObject({ parentCode: 'GM0001', value: 3 });
    expect(cell('inwoners', 2023, 'BU00010101')).toMatchObject({
      parentCode: 'WK000101',
      value: 2,
    });
    expect(cell('inwoners', 2023, 'BU00010102').value).toBe(1);
    expect(cell('inwoners', 2022, 'GM0002')).toMatchObject({
      value: 0,
      numerator: 0,
      contributors: 0,
    });
    expect(cell('inwoners', 2023, 'NL01', 'geslacht=V').value).toBe(2);
    expect(cell('inwoners', 2023, 'NL01', 'leeftijd=12-17').value).toBe(1);
    expect(cell('inwoners', 2023, 'NL01', 'leeftijd=18-23').value).toBe(1);
    expect(cell('inwoners', 2023, 'GM0002', 'leeftijd=0-11').value).toBe(0);
    // Breakdowns stop at the gemeente: below it only the total is computed.
    expect(
      cells.filter(
        (c) => c.breakdown !== '' && (c.regionLevel === 'wijk' || c.regionLevel === 'buurt'),
      ),
    ).toEqual([]);
    // one row per region, year and breakdown: NL, 2 VR and 2 GM with 1 + 2 + 6 breakdowns,
    // 2 wijken and 3 buurten with the total only; 2 years
    expect(cells.filter((c) => c.indicatorId === 'inwoners')).toHaveLength(2 * (5 * 9 + 5 * 1));
  });

  it('counts residents by residence with their registrations of the year', () => {
    expect(cell('drugsverdachten_per_1000', 2023, 'BU00010101')).toMatchObject({
      value: 500,
      numerator: 1,
      denominator: 2,
    });
    expect(cell('drugsverdachten_per_1000', 2023, 'NL01')).toMatchObject({
      value: 250,
      numerator: 1,
      denominator: 4,
    });
    expect(cell('drugsverdachten_per_1000', 2023, 'GM0002')).toMatchObject({
      value: 0,
      numerator: 0,
      denominator: 1,
    });
    expect(cell('jeugdige_drugsverdachten', 2023, 'BU00010101').value).toBe(1);
    // p1 had a registration in 2022, so only p3 is a first offender in 2023
    expect(cell('first_offenders_jeugd', 2023, 'NL01').value).toBe(1);
    expect(cell('first_offenders_jeugd', 2023, 'BU00010102').value).toBe(1);
    expect(cell('first_offenders_jeugd', 2022, 'NL01').value).toBe(1);
  });

  it('gives a null value, not a division by zero, for an empty denominator', () => {
    expect(cell('drugsverdachten_per_1000', 2022, 'GM0002')).toMatchObject({
      value: null,
      numerator: 0,
      denominator: 0,
    });
  });

  it('sums amounts exactly with largest contributions per person', () => {
    const expected: [Parameters<typeof cell>, Record<string, number | null>][] = [
      [
        ['fiu_gemeld_bedrag', 2023, 'NL01'],
        { value: 1150.1, numerator: 1150.1, contributors: 2, largest: 1000, secondLargest: 150.1 },
      ],
      [
        ['fiu_gemeld_bedrag', 2023, 'BU00010101'],
        { value: 150.1, contributors: 1, largest: 150.1, secondLargest: null },
      ],
      [['fiu_gemeld_bedrag', 2023, 'BU00010102'], { value: 0, contributors: 0, largest: null }],
      [
        ['fiu_gemiddeld_bedrag', 2023, 'NL01'],
        { value: 1150.1 / 3, numerator: 1150.1, denominator: 3 },
      ],
      [
        ['fiu_meldingen_per_1000_inwoners', 2023, 'NL01'],
        { value: 750, numerator: 3, denominator: 4 },
      ],
      [
        ['fiu_meldingen_per_1000_inwoners', 2023, 'NL01', 'geslacht=M'],
        { value: 1000, numerator: 2, denominator: 2 },
      ],
    ];
    for (const [args, figures] of expected) expect(cell(...args)).toMatchObject(figures);
  });

  it('takes the median in whole cents, mean of the two middle values', () => {
    expect(cell('mediaan_verzamelinkomen', 2023, 'NL01')).toMatchObject({
      value: 20000,
      numerator: 4,
      largest: 50000.5,
      secondLargest: 30000,
    });
    expect(cell('mediaan_verzamelinkomen', 2023, 'BU00010101').value).toBe(30000.25);
    expect(cell('mediaan_verzamelinkomen', 2023, 'BU00010102').value).toBe(0);
    expect(cell('mediaan_verzamelinkomen', 2022, 'NL01').value).toBeNull();
  });

  it('counts distinct households', () => {
    expect(cell('huishoudens', 2023, 'NL01').value).toBe(3);
    expect(cell('huishoudens', 2023, 'BU00010101').value).toBe(1);
  });

  it('gives the same count series the same key across indicators', () => {
    const residents = cell('inwoners', 2023, 'NL01').numeratorKey;
    expect(cell('drugsverdachten_per_1000', 2023, 'NL01').denominatorKey).toBe(residents);
    expect(cell('fiu_meldingen_per_1000_inwoners', 2023, 'NL01').denominatorKey).toBe(residents);
    expect(cell('drugsverdachten_per_1000', 2023, 'NL01').numeratorKey).not.toBe(residents);
    expect(cell('fiu_gemiddeld_bedrag', 2023, 'NL01').numeratorKey).toBe(
      cell('fiu_gemeld_bedrag', 2023, 'NL01').numeratorKey,
    );
    expect(cell('inwoners', 2022, 'NL01').numeratorKey).toBe(residents);
  });

  it('binds every definition value as a parameter', () => {
    const e = explain('drugsverdachten_per_1000');
    expect(e.sources.map((s) => s.dataset)).toEqual(['brp_personen', 'politie_verdachten']);
    const sql = e.queries.map((q) => q.sql).join('\n');
    expect(sql).not.toContain('drugs_handel');
    expect(sql).not.toContain('2019');
    expect(e.queries[0]!.params).toContain('drugs_handel');
    expect(e.queries[0]!.params).toContain(2023);
    expect(sql).toContain('GROUPING SETS');
  });

  it('rejects an unknown indicator', async () => {
    await expect(
      computeIndicators(db.conn, { years: [2023], indicators: ['nope'] }),
    ).rejects.toThrow("unknown indicator 'nope'");
  });
});
