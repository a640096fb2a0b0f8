import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ComputedCell } from '../../src/contracts/index.js';
import { computeIndicators, explain } from '../../src/engine/index.js';
import { compileSelect } from '../../src/engine/sql.js';
import { seriesQuery } from '../../src/engine/plan.js';
import {
  loadDefinitions,
  type IndicatorInput,
  type Predicate,
} from '../../src/indicators/index.js';
import type { BrokerDatabase } from '../../src/engine/session.js';
import { tinyBroker } from './tiny.js';

let db: BrokerDatabase;
beforeAll(async () => {
  db = await tinyBroker();
});
afterAll(() => db.close());

const CLASSES = ['drugs_productie', 'drugs_handel', 'witwassen', 'geweld', 'overig'];

/** Predicates on a BRP resident, with the datasets each one reads. */
const predicate: fc.Arbitrary<{ p: Predicate; uses: string[] }> = fc.oneof<
  fc.Arbitrary<{ p: Predicate; uses: string[] }>[]
>(
  fc.tuple(fc.nat(40), fc.nat(60)).map(([min, span]) => ({
    p: { age: { min, max: min + span } } as Predicate,
    uses: [] as string[],
  })),
  fc.constantFrom('M', 'V').map((v) => ({
    p: { col: 'geslacht', op: 'eq', value: v } as Predicate,
    uses: [] as string[],
  })),
  fc.subarray(CLASSES, { minLength: 1 }).map((values) => ({
    p: {
      exists: {
        dataset: 'politie_verdachten',
        match: [{ col: 'bsn', outer: 'bsn' }],
        where: [
          { col: 'pleegdatum', op: 'inYear' },
          { col: 'delictklasse', op: 'in', values },
        ],
      },
    } as Predicate,
    uses: ['politie_verdachten'] as string[],
  })),
  fc.constant<{ p: Predicate; uses: string[] }>({
    p: {
      notExists: {
        dataset: 'politie_verdachten',
        match: [{ col: 'bsn', outer: 'bsn' }],
        where: [{ col: 'pleegdatum', op: 'beforeYear' }],
      },
    } as Predicate,
    uses: ['politie_verdachten'],
  }),
  fc.constant<{ p: Predicate; uses: string[] }>({
    p: {
      anyOf: [
        {
          exists: {
            dataset: 'fiu_meldingen',
            match: [{ col: 'bsn', outer: 'bsn' }],
            where: [{ col: 'meldingsdatum', op: 'inYear' }],
          },
        },
        { col: 'buurtcode', op: 'startsWith', values: ['BU0002'] },
      ],
    } as Predicate,
    uses: ['fiu_meldingen'],
  }),
);

const residents = (where: Predicate[]) => ({
  dataset: 'brp_personen',
  time: { type: 'year' as const, col: 'peiljaar' },
  region: { type: 'column' as const, col: 'buurtcode', basis: 'residence' as const },
  where,
});

/** A percentage: numerator = denominator conditions plus extra ones, so numerator ⊆ denominator. */
const definition = fc
  .tuple(fc.array(predicate, { maxLength: 2 }), fc.array(predicate, { minLength: 1, maxLength: 3 }))
  .map(([common, extra]): IndicatorInput => {
    const uses = [...new Set(['brp_personen', ...[...common, ...extra].flatMap((x) => x.uses)])];
    const text = { nl: 'gegenereerd', en: 'generated' };
    return {
      id: 'generated',
      title: text,
      description: text,
      theme: 'context',
      kind: 'percentage',
      unit: text,
      numerator: residents([...common, ...extra].map((x) => x.p)),
      denominator: residents(common.map((x) => x.p)),
      sources: uses,
      levels: ['nederland', 'veiligheidsregio', 'gemeente', 'wijk', 'buurt'],
      years: [2022, 2023],
      breakdowns: ['geslacht'],
      disclosure: 'ratio',
      methodology: text,
      regionBasis: text,
    };
  });

function reversedDeep(def: IndicatorInput): IndicatorInput {
  const rev = (ps: Predicate[]): Predicate[] =>
    [...ps].reverse().map((p) => {
      if ('anyOf' in p) return { anyOf: rev(p.anyOf) };
      if ('exists' in p) return { exists: { ...p.exists, where: rev(p.exists.where) } };
      if ('notExists' in p) return { notExists: { ...p.notExists, where: rev(p.notExists.where) } };
      if ('values' in p && p.op === 'in') return { ...p, values: [...p.values].reverse() };
      return p;
    });
  const n = def.numerator as ReturnType<typeof residents>;
  const d = def.denominator as ReturnType<typeof residents>;
  return {
    ...def,
    sources: [...def.sources].reverse(),
    numerator: { ...n, where: rev(n.where) },
    denominator: { ...d, where: rev(d.where) },
  };
}

const strip = (cells: ComputedCell[]) => cells.map((c) => JSON.stringify(c));

describe('compiler properties', () => {
  it('generated definitions load, compile with bound parameters only, and run', async () => {
    await fc.assert(
      fc.asyncProperty(definition, async (def) => {
        const [resolved] = loadDefinitions([def]);
        const q = compileSelect(seriesQuery(resolved!.numerator, ['geslacht']), [2022, 2023]);
        expect(q.sql).not.toMatch(/'[^']*'/); // no string literal pasted into the SQL
        expect(q.sql.match(/\$\d+/g)?.length).toBe(q.params.length);
        const cells = await computeIndicators(db.conn, {
          years: [2022, 2023],
          catalogue: [resolved!],
        });
        // NL, 2 VR, 2 GM with the total and 2 sexes; 2 wijken, 3 buurten with the total; 2 years
        expect(cells).toHaveLength(2 * (5 * 3 + 5 * 1));
        for (const c of cells) {
          expect(c.numerator!).toBeLessThanOrEqual(c.denominator!);
          if (c.value !== null) expect(c.value).toBeGreaterThanOrEqual(0);
          if (c.value !== null) expect(c.value).toBeLessThanOrEqual(100);
        }
        // Additivity: the national numerator is the sum over the buurten.
        for (const year of [2022, 2023]) {
          const sum = cells
            .filter((c) => c.year === year && c.regionLevel === 'buurt' && c.breakdown === '')
            .reduce((a, c) => a + c.numerator!, 0);
          expect(
            cells.find(
              (c) => c.year === year && c.regionLevel === 'nederland' && c.breakdown === '',
            )!.numerator,
          ).toBe(sum);
        }
      }),
      { numRuns: 30 },
    );
  });

  it('results and keys do not depend on the order of sources, conditions or values', async () => {
    await fc.assert(
      fc.asyncProperty(definition, async (def) => {
        const [a] = loadDefinitions([def]);
        const [b] = loadDefinitions([reversedDeep(def)]);
        const ca = await computeIndicators(db.conn, { years: [2022, 2023], catalogue: [a!] });
        const cb = await computeIndicators(db.conn, { years: [2022, 2023], catalogue: [b!] });
        expect(strip(cb)).toEqual(strip(ca));
      }),
      { numRuns: 30 },
    );
  });

  it('every catalogue indicator explains with its sources and SQL', () => {
    const e = explain('onverklaarbare_woningaankopen');
    expect(e.sources.map((s) => s.provider)).toEqual(['kadaster', 'gemeenten', 'belastingdienst']);
    expect(e.queries.map((q) => q.role)).toEqual(['numerator+denominator']);
    expect(e.queries[0]!.sql).toContain('"n_1"');
    expect(e.queries[0]!.params).toContain(4.5);
    expect(e.queries[0]!.params).toContain(10_000_000);
  });
});
