/**
 * One division: a gemeente formed by a herindeling has an unbroken series on the current
 * division, equal to the sum of its former parts in the microdata. Area: Purmerend (absorbed
 * Beemster in 2022) and Eemsdelta (Appingedam, Delfzijl, Loppersum in 2021), at a small scale.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buurtConversion, loadRegionSet, projectRegionsDir } from '../../src/regions/index.js';
import { selectArea, synthesise } from '../../src/synth/index.js';
import { computeIndicators } from '../../src/engine/index.js';
import { openBrokerDatabase } from '../../src/engine/session.js';
import type { ComputedCell } from '../../src/contracts/index.js';
import { hierarchyOf, loadSynthAsBroker } from '../support/engine-fixture.js';
import { readGroundTruth, writeIndicatorGroundTruth } from '../support/truth/index.js';

const YEARS = [2019, 2020, 2021, 2022, 2023];
const PARTS: Record<string, { year: number; former: string[] }> = {
  GM0439: { year: 2022, former: ['GM0439', 'GM0370'] },
  GM1979: { year: 2021, former: ['GM0003', 'GM0010', 'GM0024'] },
};
const INDICATORS = [
  'inwoners',
  'drugsverdachten_per_1000',
  'hennepkwekerijen',
  'woningaankopen',
  'problematische_schulden',
];

let dir = '';
let cells: ComputedCell[] = [];
/** Valid BRP rows per year and delivered gemeente digits (the microdata). */
let brp: { year: number; gm: string; n: number }[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'samenzicht-herindeling-'));
  const area = selectArea(await loadRegionSet(projectRegionsDir()), 'GM0439,GM1979');
  const regions = area.regions;
  await synthesise({ scale: 0.03, seed: 5, outDir: dir, regions });
  const db = await openBrokerDatabase(':memory:', { threads: 2 });
  try {
    // The engine's conversion comes from the region set (as at ingest), not from the generator.
    await loadSynthAsBroker(db.conn, dir, hierarchyOf(regions), buurtConversion(regions));
    cells = await computeIndicators(db.conn, { indicators: INDICATORS, years: YEARS });
  } finally {
    db.close();
  }
  const inst = await DuckDBInstance.create(':memory:');
  const conn = await inst.connect();
  const reader = await conn.runAndReadAll(`
    SELECT peiljaar::INTEGER AS year, 'GM' || substr(buurtcode, 3, 4) AS gm, count(*)::INTEGER AS n
    FROM (SELECT row_number() OVER () AS rn, * FROM read_csv('${join(dir, 'providers', 'gemeenten', 'brp_personen.csv')}', delim = ';', header = true, all_varchar = true))
    WHERE rn NOT IN (SELECT "row" FROM read_csv('${join(dir, 'ground-truth', 'defects.csv')}', header = true) WHERE dataset = 'brp_personen')
    GROUP BY ALL`);
  brp = reader.getRowObjectsJS().map((r) => ({
    year: Number(r.year),
    gm: String(r.gm),
    n: Number(r.n),
  }));
  conn.closeSync();
  inst.closeSync();
}, 240_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const cell = (id: string, year: number, code: string) =>
  cells.find(
    (c) => c.indicatorId === id && c.year === year && c.regionCode === code && c.breakdown === '',
  );

describe('herindelingen in the synthetic registers', () => {
  it('carry the former gemeente codes before the merger and the current ones after', () => {
    for (const [code, p] of Object.entries(PARTS)) {
      const absorbed = p.former.filter((f) => f !== code);
      for (const year of YEARS) {
        const gms = new Set(brp.filter((r) => r.year === year).map((r) => r.gm));
        for (const f of absorbed) expect(gms.has(f), `${f} in ${year}`).toBe(year < p.year);
        if (p.former.includes(code)) expect(gms.has(code)).toBe(true);
        else expect(gms.has(code), `${code} in ${year}`).toBe(year >= p.year);
      }
    }
  });
});

describe('one division in the engine', () => {
  it('gives the merged gemeente every year, equal to the sum of its former parts', () => {
    for (const [code, p] of Object.entries(PARTS)) {
      for (const year of YEARS) {
        const parts = brp
          .filter((r) => r.year === year && (r.gm === code || p.former.includes(r.gm)))
          .reduce((s, r) => s + r.n, 0);
        expect(parts).toBeGreaterThan(0);
        expect(cell('inwoners', year, code)?.value, `${code} ${year}`).toBe(parts);
        // A rate: its denominator (residents) is the same sum.
        expect(cell('drugsverdachten_per_1000', year, code)?.denominator).toBe(parts);
      }
    }
  });

  it('publishes no figure for a former code', () => {
    const former = new Set(Object.values(PARTS).flatMap((p) => p.former));
    former.delete('GM0439');
    expect(cells.filter((c) => former.has(c.regionCode))).toEqual([]);
    expect(cells.filter((c) => /^BU(0370|0003|0010|0024)/.test(c.regionCode))).toEqual([]);
  });

  it('equals the ground truth, which maps former codes from the data table independently', async () => {
    const outFile = join(dir, 'ground-truth', 'indicators.csv');
    const area = selectArea(await loadRegionSet(projectRegionsDir()), 'GM0439,GM1979');
    await writeIndicatorGroundTruth({ synthDir: dir, regions: hierarchyOf(area.regions), outFile });
    const truth = new Map(
      readGroundTruth(outFile)
        .filter((t) => INDICATORS.includes(t.indicatorId))
        .map((t) => [`${t.indicatorId}|${t.year}|${t.regionCode}|${t.breakdown}`, t]),
    );
    const mismatches: string[] = [];
    for (const c of cells) {
      const t = truth.get(`${c.indicatorId}|${c.year}|${c.regionCode}|${c.breakdown}`);
      if (!t) mismatches.push(`${c.indicatorId} ${c.year} ${c.regionCode}: not in the truth`);
      else if (t.numerator !== c.numerator || t.denominator !== c.denominator)
        mismatches.push(
          `${c.indicatorId} ${c.year} ${c.regionCode} ${c.breakdown}: ${c.numerator}/${c.denominator} vs ${t.numerator}/${t.denominator}`,
        );
    }
    expect(mismatches.slice(0, 10)).toEqual([]);
    expect(cells.length).toBe(truth.size);
  }, 120_000);
});
