import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { geoArea } from 'd3-geo';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  REGION_LEVELS,
  RegionsDirError,
  loadRegionSet,
  resolveRegionsDir,
  type RegionSet,
} from '../../src/regions/index.js';

const SHARED = '/work/shared/data/regions';

function expectFullChains(set: RegionSet): void {
  for (const b of set.ofLevel('buurt')) {
    const chain = set.ancestors(b.code).map((r) => r.level);
    expect(chain).toEqual(['wijk', 'gemeente', 'veiligheidsregio', 'nederland']);
    expect(b.code).toMatch(/^BU\d{8}$/);
    expect(b.parentCode).toBe(`WK${b.code.slice(2, 8)}`);
  }
  for (const w of set.ofLevel('wijk')) {
    expect(w.code).toMatch(/^WK\d{6}$/);
    expect(w.parentCode).toBe(`GM${w.code.slice(2, 6)}`);
  }
  expect(set.ancestors('NL01')).toEqual([]);
}

describe('resolveRegionsDir', () => {
  it('takes --regions first and rejects a missing directory, naming it', () => {
    const missing = join(tmpdir(), 'no-such-regions-dir-xyz');
    expect(() => resolveRegionsDir({ option: missing, env: {} })).toThrow(RegionsDirError);
    expect(() => resolveRegionsDir({ option: missing, env: {} })).toThrow(
      `${missing} (from --regions) does not exist`,
    );
  });

  it('names the missing file of an incomplete directory (env)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'regions-'));
    writeFileSync(
      join(dir, 'gemeenten-2023.csv'),
      'gemeentecode,gemeentenaam,veiligheidsregiocode,inwoners\n',
    );
    expect(() => resolveRegionsDir({ env: { SAMENZICHT_REGIONS: dir } })).toThrow(
      `regions directory ${dir} (from SAMENZICHT_REGIONS) lacks veiligheidsregios-2023.csv`,
    );
  });

  it('prefers the option over the environment', () => {
    expect(
      resolveRegionsDir({ option: SHARED, env: { SAMENZICHT_REGIONS: '/nonexistent' } }),
    ).toEqual({
      dir: SHARED,
      how: 'option',
    });
    expect(resolveRegionsDir({ env: { SAMENZICHT_REGIONS: SHARED } })).toEqual({
      dir: SHARED,
      how: 'env',
    });
  });

  it('finds ../shared/data/regions relative to the working directory', () => {
    expect(resolveRegionsDir({ env: {}, cwd: '/work/main' })).toEqual({
      dir: SHARED,
      how: 'shared',
    });
  });
});

describe('CBS region set', () => {
  let set: RegionSet;
  beforeAll(async () => {
    set = await loadRegionSet(SHARED);
  });

  it('has the 2023 gemeenten and veiligheidsregio’s with their inhabitants', () => {
    expect(set.year).toBe(2023);
    expect(set.source.kind).toBe('cbs');
    expect(set.source.description).toContain(SHARED);
    expect(set.ofLevel('nederland').map((r) => r.code)).toEqual(['NL01']);
    expect(set.ofLevel('veiligheidsregio')).toHaveLength(25);
    expect(set.ofLevel('gemeente')).toHaveLength(342);
    expect(set.get('NL01')?.inhabitants).toBe(17_590_672);
    expect(set.get('GM0363')?.parentCode).toBe('VR13');
    expect(set.get('GM0820')?.name).toBe('Nuenen, Gerwen en Nederwetten');
    expect(set.childrenOf('NL01')).toHaveLength(25);
  });

  it('uses 2014 CBS buurten where the gemeente code fits and synthetic ones elsewhere', () => {
    expect(set.get('BU03630798')).toMatchObject({
      level: 'buurt',
      parentCode: 'WK036307',
      synthetic: false,
    });
    const gms = set.ofLevel('gemeente');
    for (const gm of gms) {
      const wijken = set.childrenOf(gm.code);
      expect(wijken.length).toBeGreaterThan(0);
      const synthetic = new Set(wijken.map((w) => w.synthetic));
      expect(synthetic.size).toBe(1); // one source per gemeente
    }
    const syntheticGms = gms.filter((g) => set.childrenOf(g.code)[0]?.synthetic);
    expect(syntheticGms.length).toBe(342 - 319);
    expectFullChains(set);
  });

  it('returns d3-wound geometry with {code, name}, filtered by ancestor', () => {
    for (const level of REGION_LEVELS) {
      const fc = set.geoJson(level);
      expect(fc).not.toBeNull();
      for (const f of fc!.features.slice(0, 400)) expect(geoArea(f)).toBeLessThan(2 * Math.PI);
    }
    expect(set.geoJson('gemeente')!.features).toHaveLength(342);
    const ams = set.geoJson('buurt', 'GM0363')!;
    const amsBuurten = set.ofLevel('buurt').filter((b) => b.code.startsWith('BU0363'));
    expect(ams.features.map((f) => f.properties?.code).sort()).toEqual(
      amsBuurten.map((b) => b.code).sort(),
    );
    expect(ams.features[0]?.properties).toEqual({
      code: expect.stringMatching(/^BU0363/),
      name: expect.any(String),
    });
    // Synthetic wijken have no geometry.
    const synth = set.ofLevel('wijk').find((w) => w.synthetic)!;
    expect(set.geoJson('wijk', synth.parentCode!)!.features).toHaveLength(0);
    expect(set.geoJson('gemeente', 'VR13')!.features.length).toBeGreaterThan(3);
  });
});

describe('synthetic country', () => {
  it('is a dozen gemeenten in three veiligheidsregio’s, marked synthetic, with geometry', async () => {
    const set = await loadRegionSet(null, { seed: 7 });
    expect(set.source).toMatchObject({ kind: 'synthetic', dir: null });
    expect(set.ofLevel('gemeente')).toHaveLength(12);
    expect(set.ofLevel('veiligheidsregio')).toHaveLength(3);
    expect(set.regions.every((r) => r.synthetic)).toBe(true);
    expect(set.ofLevel('gemeente').every((g) => /^GM\d{4}$/.test(g.code))).toBe(true);
    expectFullChains(set);
    const total = set.ofLevel('gemeente').reduce((s, g) => s + (g.inhabitants ?? 0), 0);
    expect(set.get('NL01')?.inhabitants).toBe(total);
    for (const f of set.geoJson('gemeente')!.features) expect(geoArea(f)).toBeLessThan(2 * Math.PI);
    expect(set.geoJson('buurt')).toBeNull();
    const again = await loadRegionSet(null, { seed: 7 });
    expect(again.regions).toEqual(set.regions);
  });
});
