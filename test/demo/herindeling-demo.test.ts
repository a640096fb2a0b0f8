/**
 * A herindeling through the whole product path: the synthetic providers deliver Purmerend's
 * records of 2019–2021 under Beemster's codes (Beemster joined Purmerend in 2022), the broker
 * ingests them as known former codes (not as unknown regions), and the release publishes one
 * unbroken series for Purmerend on the 2023 division, equal to the ground truth that counts
 * every year's residents by their current gemeente.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runDemo, type DemoResult } from '../../src/demo/index.js';
import { RecordingProgress } from '../../src/pipeline/progress.js';
import { loadRegionSet, resolveRegionsDir } from '../../src/regions/index.js';
import { readManifest, readPublicManifest, readReleaseRows } from '../../src/release/index.js';
import { REASONS } from '../../src/ingest/validate.js';
import { readGroundTruth, writeDemoGroundTruth } from '../support/truth/index.js';

const PURMEREND = 'GM0439';
const BEEMSTER = 'GM0370';
let result: DemoResult;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'samenzicht-herindeling-'));
  result = await runDemo({
    scale: 0.2,
    seed: 11,
    dataDir,
    regions: await loadRegionSet(resolveRegionsDir({}).dir),
    area: PURMEREND,
    progress: new RecordingProgress(),
    groundTruth: writeDemoGroundTruth,
    scope: { indicators: ['inwoners', 'drugsverdachten_per_1000'], detail: [], breakdowns: false },
  });
}, 600_000);

describe('a herindeling end to end', () => {
  it('ingests the former codes as known regions: no unknown-region flood in the quarantine', () => {
    const brp = readManifest(dataDir, result.releaseId).inputs.find(
      (i) => i.dataset === 'brp_personen',
    )!;
    const unknown = (brp.quarantineReasons as Record<string, number>)[REASONS.region] ?? 0;
    // Only the planted defect rate (0.5% of rows with an unknown code), not 3 of 5 years of Beemster.
    expect(unknown / brp.rows).toBeLessThan(0.01);
  });

  it('publishes Purmerend for every year, equal to the ground truth, and nothing for Beemster', () => {
    const rows = readReleaseRows(dataDir, result.releaseId).filter(
      (r) => r.indicator_id === 'inwoners' && r.breakdown === '',
    );
    const truth = new Map(
      readGroundTruth(join(result.layout.groundTruth, 'indicators.csv'))
        .filter((t) => t.indicatorId === 'inwoners' && t.breakdown === '')
        .map((t) => [`${t.year}|${t.regionCode}`, t.value]),
    );
    const purmerend = rows.filter((r) => r.region_code === PURMEREND);
    expect(purmerend.map((r) => r.year).sort()).toEqual([2019, 2020, 2021, 2022, 2023]);
    for (const r of purmerend) {
      expect(r.status).toBe('published');
      expect(
        Math.abs((r.value as number) - (truth.get(`${r.year}|${PURMEREND}`) as number)),
      ).toBeLessThanOrEqual(2.5);
    }
    // No break at the merger: 2021 (with Beemster's residents mapped in) is close to 2022.
    const byYear = new Map(purmerend.map((r) => [r.year, r.value as number]));
    expect((byYear.get(2021) as number) / (byYear.get(2022) as number)).toBeGreaterThan(0.9);
    expect(rows.some((r) => r.region_code === BEEMSTER || r.region_code.startsWith('BU0370'))).toBe(
      false,
    );
  });

  it('states its region basis and the herindeling in the public manifest and its notes', () => {
    const m = readPublicManifest(dataDir, result.releaseId);
    expect(m.regionSet).toMatchObject({ year: 2023, kind: 'cbs', basis: 'one-division' });
    expect(
      m.regionSet.herindelingen?.map((h) => [h.code, h.year, h.former.map((f) => f.code).sort()]),
    ).toEqual([[PURMEREND, 2022, [BEEMSTER, PURMEREND].sort()]]);
    expect(m.notes.some((n) => n.nl.includes('Beemster') && n.en.includes('Beemster'))).toBe(true);
  });
});
