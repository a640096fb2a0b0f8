import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliDecompressSync, gzipSync } from 'node:zlib';
import { geoArea } from 'd3-geo';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  REGION_LEVELS,
  RegionImportError,
  RegionsDirError,
  importRegionDivision,
  listRegionSets,
  loadRegionSet,
  projectRegionsDir,
  resolveRegionsDir,
  type RegionSet,
} from '../../src/regions/index.js';
import { main } from '../../src/cli/main.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const FIXTURES = join(HERE, 'fixtures');
const PROJECT = projectRegionsDir();
const tmp = (prefix: string) => mkdtempSync(join(tmpdir(), `${prefix}-`));

/** A scratch copy of the project's region files (to import into or break). */
function copyOfProjectData(): string {
  const dir = tmp('regions-copy');
  for (const f of readdirSync(PROJECT)) copyFileSync(join(PROJECT, f), join(dir, f));
  return dir;
}

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
    const dir = tmp('regions');
    writeFileSync(
      join(dir, 'gemeenten-2023.csv'),
      'gemeentecode,gemeentenaam,veiligheidsregiocode,inwoners\n',
    );
    expect(() => resolveRegionsDir({ env: { SAMENZICHT_REGIONS: dir } })).toThrow(
      `regions directory ${dir} (from SAMENZICHT_REGIONS) lacks veiligheidsregios-2023.csv (plain, .br, .gz)`,
    );
  });

  it('prefers the option over the environment over the project data', () => {
    const other = tmp('regions-other');
    copyFileSync(
      join(FIXTURES, 'division-2025.geojson'),
      join(other, 'ignored-not-a-region-file.geojson'),
    );
    expect(
      resolveRegionsDir({ option: PROJECT, env: { SAMENZICHT_REGIONS: '/nonexistent' } }),
    ).toEqual({ dir: PROJECT, how: 'option' });
    expect(resolveRegionsDir({ env: { SAMENZICHT_REGIONS: PROJECT } })).toEqual({
      dir: PROJECT,
      how: 'env',
    });
    expect(resolveRegionsDir({ env: {} })).toEqual({ dir: PROJECT, how: 'project' });
  });

  it('defaults to the project data whatever the working directory (nothing beside the clone)', () => {
    // A working directory with no shared folder beside it: the default must not care.
    const cwd = join(tmp('regions-cwd'), 'deeper');
    mkdirSync(cwd);
    expect(existsSync(join(cwd, '..', 'shared'))).toBe(false);
    expect(resolveRegionsDir({ env: {}, cwd })).toEqual({ dir: PROJECT, how: 'project' });
    expect(PROJECT).toMatch(/src\/regions\/cbs-files$/);
    // No source file of the loader looks beside the clone any more.
    const srcDir = join(HERE, '../../src/regions');
    for (const f of readdirSync(srcDir).filter((n) => n.endsWith('.ts'))) {
      expect(readFileSync(join(srcDir, f), 'utf8'), f).not.toContain('shared/data');
    }
  });

  it('ships the region files: present, and not ignored by git (a `data/` rule would hide them)', () => {
    const files = readdirSync(PROJECT);
    expect(files).toContain('README.md');
    expect(files.filter((f) => f.endsWith('.br'))).toHaveLength(7);
    const root = join(HERE, '../..');
    expect(existsSync(join(root, '.git')), 'the tests run in a git checkout').toBe(true);
    for (const f of files) {
      // `git check-ignore` exits 1 when the path is not ignored.
      let ignored = true;
      try {
        execFileSync('git', ['check-ignore', '-q', join(PROJECT, f)], { cwd: root });
      } catch (err) {
        ignored = (err as { status?: number }).status !== 1;
      }
      expect(ignored, `${f} is ignored by .gitignore`).toBe(false);
    }
  });

  it('gives the synthetic country only when asked for by name', () => {
    expect(resolveRegionsDir({ option: 'synthetic', env: {} })).toEqual({
      dir: null,
      how: 'synthetic',
    });
    expect(resolveRegionsDir({ env: { SAMENZICHT_REGIONS: 'synthetic' } })).toEqual({
      dir: null,
      how: 'synthetic',
    });
  });

  it('missing or broken project data is an error naming the file, not a fallback', async () => {
    const empty = tmp('regions-empty');
    expect(() => resolveRegionsDir({ env: {}, projectDir: empty })).toThrow(
      `regions directory ${empty} (from the project's own region data) lacks gemeenten-2023.csv`,
    );
    const noBuurten = copyOfProjectData();
    const { rmSync } = await import('node:fs');
    rmSync(join(noBuurten, 'nl-2014-buurt.topo.json.br'));
    expect(() => resolveRegionsDir({ env: {}, projectDir: noBuurten })).toThrow(
      'lacks nl-2014-buurt.topo.json',
    );
    const broken = copyOfProjectData();
    writeFileSync(join(broken, 'nl-2014-buurt.topo.json.br'), 'not brotli at all');
    expect(resolveRegionsDir({ env: {}, projectDir: broken }).dir).toBe(broken);
    await expect(loadRegionSet(broken)).rejects.toThrow(
      `${join(broken, 'nl-2014-buurt.topo.json.br')}: not valid Brotli data`,
    );
  });
});

describe('the default region set: the real Netherlands shipped with the project', () => {
  let set: RegionSet;
  beforeAll(async () => {
    const where = resolveRegionsDir({ env: {}, cwd: tmp('regions-cwd') });
    expect(where.how).toBe('project');
    set = await loadRegionSet(where.dir);
  });

  it('has the 2023 gemeenten and veiligheidsregio’s with their inhabitants', () => {
    expect(set.year).toBe(2023);
    expect(set.source.kind).toBe('cbs');
    expect(set.source.dir).toBe(PROJECT);
    expect(set.source.files?.every((f) => f.startsWith(PROJECT) && f.endsWith('.br'))).toBe(true);
    expect(set.source.description).toContain("the project's src/regions/cbs-files");
    expect(set.source.description).toContain(
      "gemeenten and veiligheidsregio's of 2023 (gemeenten-2023.csv.br",
    );
    expect(set.source.description).toContain(
      'wijken and buurten of 2014 (nl-2014-wijk.topo.json.br',
    );
    expect(set.source.description).toContain('for the 319 of 342 gemeenten');
    expect(set.ofLevel('nederland').map((r) => r.code)).toEqual(['NL01']);
    expect(set.ofLevel('veiligheidsregio')).toHaveLength(25);
    expect(set.ofLevel('gemeente')).toHaveLength(342);
    expect(set.get('NL01')?.inhabitants).toBe(17_590_672);
    expect(set.get('GM0363')?.parentCode).toBe('VR13');
    expect(set.get('GM0820')?.name).toBe('Nuenen, Gerwen en Nederwetten');
    expect(set.childrenOf('NL01')).toHaveLength(25);
    expect(set.regions.filter((r) => !r.synthetic && r.level === 'buurt').length).toBeGreaterThan(
      10_000,
    );
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

  it('reads the same set from plain and gzip files as from the shipped Brotli files', async () => {
    const dir = tmp('regions-plain');
    for (const f of readdirSync(PROJECT).filter((n) => n.endsWith('.br'))) {
      const plain = brotliDecompressSync(readFileSync(join(PROJECT, f)));
      const name = f.slice(0, -'.br'.length);
      if (name.startsWith('nl-2014-wijk')) writeFileSync(join(dir, `${name}.gz`), gzipSync(plain));
      else writeFileSync(join(dir, name), plain);
    }
    const other = await loadRegionSet(resolveRegionsDir({ option: dir, env: {} }).dir);
    expect(other.regions).toEqual(set.regions);
    expect(other.source.description).toContain('nl-2014-wijk.topo.json.gz');
    expect(other.source.description).toContain('(gemeenten-2023.csv, ');
  });
});

describe('synthetic country', () => {
  it('is a dozen gemeenten in three veiligheidsregio’s, marked synthetic, with geometry', async () => {
    const set = await loadRegionSet(null, { seed: 7 });
    expect(set.source).toMatchObject({ kind: 'synthetic', dir: null });
    expect(set.source.description).toContain('chosen explicitly');
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

describe('regions import', () => {
  const fixture = (name: string) => join(FIXTURES, name);
  /** Imports the 2025 division fixture `name` into `dataDir`. */
  const importFixture = (name: string, dataDir: string, force?: boolean) =>
    importRegionDivision({
      file: fixture(name),
      year: 2025,
      dataDir,
      ...(force === undefined ? {} : { force }),
    });

  it('imports a PDOK-style GeoJSON division that the loader then uses', async () => {
    const dir = tmp('regions-import');
    const result = await importFixture('division-2025.geojson', dir);
    expect(result.path).toBe(join(dir, 'nl-2025-import.geo.json.br'));
    expect(result.meta).toMatchObject({
      year: 2025,
      attribution: 'Bron: CBS, Kadaster',
      counts: { gemeente: 3, wijk: 3, buurt: 4 },
      skippedWater: 1,
      veiligheidsregios: [{ code: 'VR13', name: 'Amsterdam-Amstelland' }],
      fromTable: { veiligheidsregio: 2, inhabitants: 2 },
    });
    expect(result.gemeentenWithoutWijken).toEqual(['GM0384']);

    // A directory holding only an import is a region directory.
    expect(resolveRegionsDir({ option: dir, env: {} })).toEqual({ dir, how: 'option' });
    const set = await loadRegionSet(dir);
    expect(set.year).toBe(2025);
    expect(set.source.files).toEqual([result.path]);
    expect(set.source.description).toContain(
      'CBS/Kadaster division of 2025 imported from division-2025.geojson',
    );
    expect(set.source.description).toContain('1 gemeenten without wijken in the file (GM0384)');
    expect(set.ofLevel('veiligheidsregio').map((r) => r.code)).toEqual(['VR13']);
    expect(set.ofLevel('gemeente').map((r) => r.code)).toEqual(['GM0363', 'GM0384', 'GM1999']);
    // Inhabitants: from the file (GM1999), else from gemeenten-2023.csv of the project.
    const real = await loadRegionSet(PROJECT);
    expect(set.get('GM1999')).toMatchObject({ inhabitants: 12345, parentCode: 'VR13' });
    expect(set.get('GM0363')?.inhabitants).toBe(real.get('GM0363')?.inhabitants);
    expect(set.get('NL01')?.inhabitants).toBe(
      12345 + real.get('GM0363')!.inhabitants! + real.get('GM0384')!.inhabitants!,
    );
    expect(set.get('WK036301')).toMatchObject({ name: 'Centrum', inhabitants: 80000 });
    expect(set.get('BU03630101')).toMatchObject({
      name: 'Burgwallen-Oude Zijde',
      parentCode: 'WK036301',
      synthetic: false,
    });
    expect(set.get('BU03630101')?.inhabitants).toBeUndefined(); // -99999999: secret
    expect(set.get('BU19990101')?.parentCode).toBe('WK199901'); // derived from the code
    expect(set.childrenOf('GM0384').every((w) => w.synthetic)).toBe(true);
    expectFullChains(set);
    expect(set.geoJson('buurt')!.features).toHaveLength(4);
    expect(set.geoJson('gemeente')!.features).toHaveLength(3);
    for (const level of REGION_LEVELS) {
      for (const f of set.geoJson(level)!.features) expect(geoArea(f)).toBeLessThan(2 * Math.PI);
    }
    expect(set.geoJson('veiligheidsregio')!.features[0]?.geometry.type).toBe('MultiPolygon');
    expect(set.geoJson('buurt', 'GM0363')!.features).toHaveLength(3);
  });

  it('imports TopoJSON (CBS statcode/statnaam/rubriek), merging veiligheidsregio shapes', async () => {
    const dir = tmp('regions-import-topo');
    const result = await importFixture('division-2025.topo.json', dir);
    expect(result.path).toBe(join(dir, 'nl-2025-import.topo.json.br'));
    const stored = JSON.parse(brotliDecompressSync(readFileSync(result.path)).toString('utf8'));
    expect(stored.type).toBe('Topology');
    expect(Object.keys(stored.objects)).toEqual(['gemeente', 'wijk', 'buurt']);
    expect(stored.objects.buurt.geometries[0].properties).toEqual({
      code: 'BU03630101',
      name: 'Burgwallen-Oude Zijde',
      parent: 'WK036301',
    });
    const set = await loadRegionSet(dir);
    expect(set.year).toBe(2025);
    expect(set.ofLevel('buurt').map((b) => b.code)).toEqual([
      'BU03630101',
      'BU03630201',
      'BU03840101',
    ]);
    expectFullChains(set);
    const vr = set.geoJson('veiligheidsregio')!.features;
    expect(vr.map((f) => f.properties?.code)).toEqual(['VR13']);
    // The merge of two adjacent gemeenten is one outline: the 0.3° × 0.1° rectangle.
    const area = (f: (typeof vr)[number]) => geoArea(f);
    const gms = set.geoJson('gemeente')!.features;
    expect(area(vr[0]!)).toBeCloseTo(area(gms[0]!) + area(gms[1]!), 10);
    expect(area(vr[0]!)).toBeLessThan(2 * Math.PI);
  });

  it('rejects a jrstatcode of another year than --year', async () => {
    await expect(
      importRegionDivision({
        file: fixture('division-2025.topo.json'),
        year: 2024,
        dataDir: tmp('regions-year'),
      }),
    ).rejects.toThrow(
      "objects.gemeenten.geometries[0]: field 'jrstatcode' says 2025, but the division is imported as 2024",
    );
  });

  it('names the file, the feature and the fields for a feature without a code', async () => {
    const dir = tmp('regions-nocodes');
    const file = fixture('no-codes.geojson');
    const err = await importRegionDivision({ file, year: 2025, dataDir: dir }).catch((e) => e);
    expect(err).toBeInstanceOf(RegionImportError);
    expect(err.message).toBe(
      `${file}: features[1]: no region code: none of the fields code, statcode, buurtcode, bu_code, wijkcode, wk_code, gemeentecode, gm_code (any case) has a value`,
    );
    expect(readdirSync(dir)).toEqual([]);
  });

  it('names the wijk whose gemeente is not in the file', async () => {
    const file = fixture('wijk-without-gemeente.geojson');
    await expect(
      importRegionDivision({ file, year: 2025, dataDir: tmp('regions-orphan') }),
    ).rejects.toThrow(
      `${file}: features[1]: wijk WK099901: its gemeente GM0999 (field 'gemeentecode') is not in the file`,
    );
  });

  it('rejects bad codes, levels and RD coordinates, naming feature and field', async () => {
    const dir = tmp('regions-bad');
    const write = (name: string, features: unknown[]) => {
      const file = join(dir, name);
      writeFileSync(file, JSON.stringify({ type: 'FeatureCollection', features }));
      return file;
    };
    const square = (x: number, y: number, d: number) => ({
      type: 'Polygon',
      coordinates: [
        [
          [x, y],
          [x + d, y],
          [x + d, y + d],
          [x, y + d],
          [x, y],
        ],
      ],
    });
    const gm = {
      type: 'Feature',
      properties: { statcode: 'GM0363', statnaam: 'Amsterdam' },
      geometry: square(4.9, 52.3, 0.1),
    };
    const run = (file: string) =>
      importRegionDivision({ file, year: 2025, dataDir: join(dir, 'out') });
    const vr = write('vr.geojson', [
      gm,
      { type: 'Feature', properties: { statcode: 'VR13', statnaam: 'A' }, geometry: null },
    ]);
    await expect(run(vr)).rejects.toThrow(
      `${vr}: features[1]: field 'statcode' = 'VR13' is not a gemeente (GM + 4 digits), wijk (WK + 6) or buurt (BU + 8) code`,
    );
    const short = write('short.geojson', [
      gm,
      { type: 'Feature', properties: { buurtcode: 'BU036301', buurtnaam: 'X' }, geometry: null },
    ]);
    await expect(run(short)).rejects.toThrow(
      `${short}: features[1]: field 'buurtcode' = 'BU036301' is not a buurt code (BU + 8 digits)`,
    );
    const level = write('level.geojson', [
      { ...gm, properties: { ...gm.properties, rubriek: 'wijk' } },
    ]);
    await expect(run(level)).rejects.toThrow(
      `${level}: features[0]: field 'rubriek' = 'wijk' does not match the gemeente code GM0363 (field 'statcode')`,
    );
    const rd = write('rd.geojson', [{ ...gm, geometry: square(121000, 487000, 1000) }]);
    await expect(run(rd)).rejects.toThrow(
      `${rd}: features[0]: coordinates [121000,487000] are not longitude/latitude in the Netherlands`,
    );
    const dup = write('dup.geojson', [gm, gm]);
    await expect(run(dup)).rejects.toThrow(
      `${dup}: features[1]: code GM0363 (field 'statcode') also at features[0]`,
    );
    const unknown = write('unknown.geojson', [
      { ...gm, properties: { statcode: 'GM1998', statnaam: 'Nergens' } },
    ]);
    await expect(run(unknown)).rejects.toThrow(
      `${unknown}: features[0]: gemeente GM1998 (Nergens) has no veiligheidsregio: no field 'veiligheidsregiocode' and not in gemeenten-2023.csv`,
    );
  });

  it('makes demo and serve (the project default) pick the newest imported year', async () => {
    const dir = copyOfProjectData();
    await importFixture('division-2025.geojson', dir);
    expect(listRegionSets(dir).map((s) => [s.year, s.kind])).toEqual([
      [2025, 'import'],
      [2023, 'base'],
    ]);
    const where = resolveRegionsDir({ env: {}, projectDir: dir });
    expect(where).toEqual({ dir, how: 'project' });
    expect((await loadRegionSet(where.dir)).year).toBe(2025);
    expect((await loadRegionSet(where.dir, { year: 2023 })).ofLevel('gemeente')).toHaveLength(342);
    await expect(loadRegionSet(where.dir, { year: 2019 })).rejects.toThrow(
      'has no region set of 2019; it has 2025, 2023',
    );
    // Same year again: refused without --force, replaced with it.
    await expect(
      importRegionDivision({ file: fixture('division-2025.topo.json'), year: 2025, dataDir: dir }),
    ).rejects.toThrow('already holds a 2025 division; use --force to replace it');
    await importFixture('division-2025.topo.json', dir, true);
    expect(readdirSync(dir).filter((f) => f.includes('import'))).toEqual([
      'nl-2025-import.topo.json.br',
    ]);
    expect((await loadRegionSet(dir)).ofLevel('gemeente')).toHaveLength(2);
  });
});

describe('samenzicht regions import (CLI)', () => {
  let out = '';
  let err = '';
  afterEach(() => vi.restoreAllMocks());
  const run = async (...args: string[]) => {
    out = '';
    err = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
    const code = await main(['node', 'samenzicht', ...args]);
    vi.restoreAllMocks();
    return code;
  };

  it('stores the import and says how to use it; bad input is one line, exit 2', async () => {
    const dir = tmp('regions-cli');
    const file = join(FIXTURES, 'division-2025.topo.json');
    expect(await run('regions', 'import', file, '--year', '2025', '--data', dir)).toBe(0);
    expect(out).toBe(`${join(dir, 'nl-2025-import.topo.json.br')}\n`);
    expect(err).toContain('as the 2025 division: 2 gemeenten, 3 wijken, 3 buurten');
    expect(err).toContain(`to use it: --regions ${dir}`);
    expect(await run('regions', 'list', '--regions', dir)).toBe(0);
    expect(out).toContain('* 2025 imported: nl-2025-import.topo.json.br');

    const bad = join(FIXTURES, 'no-codes.geojson');
    expect(await run('regions', 'import', bad, '--year', '2025', '--data', dir)).toBe(2);
    expect(err).toBe(
      `samenzicht: ${bad}: features[1]: no region code: none of the fields code, statcode, buurtcode, bu_code, wijkcode, wk_code, gemeentecode, gm_code (any case) has a value\n`,
    );
    expect(await run('regions', 'import', file, '--data', dir)).toBe(2);
    expect(err).toContain('--year Y is required');
    expect(await run('regions', 'import', file, '--year', '25', '--data', dir)).toBe(2);
    expect(err).toContain("--year '25' must be a year");
  });
});
