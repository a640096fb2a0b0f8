/**
 * End to end: synthetic raw deliveries → quarantine → broker tables → engine, against the ground
 * truth computed from the raw files by the separate plain implementation. Exact, every cell.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadRegionSet } from '../../src/regions/index.js';
import { synthesise } from '../../src/synth/index.js';
import { computeIndicators } from '../../src/engine/index.js';
import { openBrokerDatabase } from '../../src/engine/session.js';
import { hierarchyOf, loadSynthAsBroker } from '../support/engine-fixture.js';
import { CELL_FIGURES, expectEveryIndicatorNonZero } from './checks.js';
import { readGroundTruth, writeIndicatorGroundTruth } from '../support/truth/index.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const FIELDS = CELL_FIGURES;

describe.each([
  { scale: 0.001, seed: 7 },
  { scale: 0.003, seed: 11 },
])('engine equals the ground truth at scale $scale', ({ scale, seed }) => {
  it('for every indicator, region, level, year and breakdown', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'samenzicht-engine-'));
    dirs.push(dir);
    const regions = await loadRegionSet(null, { seed: 1 });
    await synthesise({ scale, seed, outDir: dir, regions });
    const hierarchy = hierarchyOf(regions);
    const outFile = join(dir, 'ground-truth', 'indicators.csv');
    const { quarantine } = await writeIndicatorGroundTruth({
      synthDir: dir,
      regions: hierarchy,
      outFile,
    });
    expect(quarantine.reduce((a, q) => a + q.rejected, 0)).toBeGreaterThan(0);
    const truth = readGroundTruth(outFile);

    const db = await openBrokerDatabase(':memory:', { threads: 2 });
    try {
      await loadSynthAsBroker(db.conn, dir, hierarchy);
      const cells = await computeIndicators(db.conn, { years: [2019, 2020, 2021, 2022, 2023] });
      expect(cells.length).toBe(truth.length);
      const key = (c: {
        indicatorId: string;
        year: number;
        regionCode: string;
        breakdown: string;
      }) => `${c.indicatorId}|${c.year}|${c.regionCode}|${c.breakdown}`;
      const byKey = new Map(truth.map((t) => [key(t), t]));
      const mismatches: string[] = [];
      for (const c of cells) {
        const t = byKey.get(key(c));
        if (!t) {
          mismatches.push(`${key(c)}: not in the truth`);
          continue;
        }
        expect(c.regionLevel).toBe(t.regionLevel);
        for (const f of FIELDS)
          if (c[f] !== t[f]) mismatches.push(`${key(c)}.${f}: engine ${c[f]} truth ${t[f]}`);
      }
      expect(mismatches.slice(0, 10)).toEqual([]);
      // Not degenerate: at the larger scale every indicator has a non-zero national value in some year.
      if (scale >= 0.003) expectEveryIndicatorNonZero(cells);
    } finally {
      db.close();
    }
  });
});
