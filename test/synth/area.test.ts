/**
 * The area of a run: which regions it generates, which it publishes, and that the generator
 * produces nothing outside it.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadRegionSet, projectRegionsDir, type RegionSet } from '../../src/regions/index.js';
import {
  AreaError,
  describeArea,
  parseAreaSpec,
  selectArea,
  synthesise,
} from '../../src/synth/index.js';
import { areaScope } from '../../src/demo/index.js';
import { inScope } from '../../src/pipeline/compute.js';
import { RunRequestBody } from '../../src/contracts/runs.js';

let regions: RegionSet;
beforeAll(async () => {
  regions = await loadRegionSet(projectRegionsDir());
});

describe('parseAreaSpec', () => {
  it('reads NL, a veiligheidsregio and a list of gemeenten', () => {
    expect(parseAreaSpec('NL')).toBe('NL');
    expect(parseAreaSpec(' nl ')).toBe('NL');
    expect(parseAreaSpec('VR11')).toEqual(['VR11']);
    expect(parseAreaSpec('gm0392, GM0397,GM0392')).toEqual(['GM0392', 'GM0397']);
  });

  it.each([
    ['', /empty/],
    ['NL,GM0392', /NL stands alone/],
    ['VR1', /'VR1' is not NL/],
    ['Haarlem', /'HAARLEM' is not NL, VR \+ 2 digits or GM \+ 4 digits/],
  ])('refuses %j', (text, message) => {
    expect(() => parseAreaSpec(text)).toThrow(AreaError);
    expect(() => parseAreaSpec(text)).toThrow(message);
  });
});

describe('selectArea on the CBS region set', () => {
  it('NL is the whole set, every region published', () => {
    const a = selectArea(regions, 'NL');
    expect(a.nationwide).toBe(true);
    expect(a.regions).toBe(regions);
    expect(a.gemeenten).toHaveLength(342);
    expect(a.published.size).toBe(regions.regions.length);
    expect(a.syntheticSubAreas).toHaveLength(23);
  });

  it('a whole veiligheidsregio: its figure is published, Nederland is not', () => {
    const a = selectArea(regions, 'VR11');
    expect(a.name).toBe('Zaanstreek-Waterland (VR11)');
    expect(a.gemeenten.map((g) => g.code)).toEqual([
      'GM0385',
      'GM0415',
      'GM0431',
      'GM0439',
      'GM0479',
      'GM0852',
      'GM0880',
    ]);
    expect(a.wholeRegions.map((v) => v.code)).toEqual(['VR11']);
    expect(a.partialRegions).toEqual([]);
    expect(a.published.has('VR11')).toBe(true);
    expect(a.published.has('NL01')).toBe(false);
    expect(a.publishedLevels).toEqual(['veiligheidsregio', 'gemeente', 'wijk', 'buurt']);
    // The run's region set holds the area and the chain above it, nothing else.
    expect(a.regions.ofLevel('gemeente')).toHaveLength(7);
    expect(a.regions.ofLevel('veiligheidsregio').map((v) => v.code)).toEqual(['VR11']);
    expect(a.regions.ofLevel('nederland')).toHaveLength(1);
    expect(a.regions.ofLevel('buurt')).toHaveLength(138);
    for (const b of a.regions.ofLevel('buurt'))
      expect(b.code.slice(2, 6)).toMatch(/^0(385|415|431|439|479|852|880)$/);
    expect(a.regions.source.description).toMatch(
      /^area Zaanstreek-Waterland \(VR11\): 7 gemeenten/,
    );
    // Geometry of the area only.
    expect(a.regions.geoJson('gemeente')!.features).toHaveLength(7);
    expect(a.regions.geoJson('buurt', 'GM0479')!.features.length).toBeGreaterThan(40);
  });

  it('a few gemeenten: their veiligheidsregio is only partly covered and gets no figure', () => {
    const a = selectArea(regions, 'GM0397,GM0392');
    expect(a.name).toBe('Haarlem, Heemstede');
    expect(a.wholeRegions).toEqual([]);
    expect(a.partialRegions.map((v) => v.code)).toEqual(['VR12']);
    expect(a.published.has('VR12')).toBe(false);
    expect(a.published.has('GM0392')).toBe(true);
    expect(a.publishedLevels).toEqual(['gemeente', 'wijk', 'buurt']);
    expect(a.inhabitants).toBe(162_898 + 27_557);
    const lines = describeArea(a, 1);
    expect(lines[0]).toMatch(
      /^area Haarlem, Heemstede: 2 gemeenten, 12 wijken, 53 buurten; 190,455 synthetic residents/,
    );
    expect(lines[1]).toMatch(
      /no figure for Kennemerland \(only partly in the area\) nor Nederland/,
    );
  });

  it('says where the wijken and buurten are synthetic', () => {
    const a = selectArea(regions, 'GM1961,GM0344');
    expect(a.syntheticSubAreas.map((g) => g.code)).toEqual(['GM1961']);
    expect(a.regions.source.description).toContain(
      'synthetic wijken and buurten in Vijfheerenlanden',
    );
    expect(describeArea(a, 1).at(-1)).toMatch(
      /no CBS wijken\/buurten ship for 1 gemeente\(n\) of the area \(Vijfheerenlanden GM1961\)/,
    );
  });

  it('every gemeente of the country is NL', () => {
    const all = regions
      .ofLevel('veiligheidsregio')
      .map((v) => v.code)
      .join(',');
    expect(selectArea(regions, all).nationwide).toBe(true);
  });

  it('an unknown code is an AreaError naming it', () => {
    expect(() => selectArea(regions, 'GM9999,GM0392')).toThrow(
      /area: GM9999 is not a gemeente or veiligheidsregio of the region set/,
    );
    expect(() => selectArea(regions, 'VR99')).toThrow(AreaError);
  });

  it('a run on an area publishes only the regions it covers wholly, and says so', () => {
    const a = selectArea(regions, 'GM0392');
    const scope = areaScope({ detail: 'all' }, a);
    expect(inScope(scope, 'inwoners', 'nederland', 'NL01')).toBe(false);
    expect(inScope(scope, 'inwoners', 'veiligheidsregio', 'VR12')).toBe(false);
    expect(inScope(scope, 'inwoners', 'gemeente', 'GM0392')).toBe(true);
    expect(inScope(scope, 'inwoners', 'buurt', 'BU03920100')).toBe(true);
    expect(scope.notes?.[0]?.nl).toContain('geen landelijk cijfer');
    const whole = areaScope({ detail: 'all' }, selectArea(regions, 'VR11'));
    expect(inScope(whole, 'inwoners', 'veiligheidsregio', 'VR11')).toBe(true);
    expect(inScope(whole, 'inwoners', 'nederland', 'NL01')).toBe(false);
  });

  it('the whole country names its 23 generated gemeenten in one note that a run accepts', () => {
    const a = selectArea(regions, 'NL');
    const scope = areaScope({ detail: 'all' }, a);
    expect(scope.notes).toHaveLength(1);
    const body = RunRequestBody.parse({ notes: scope.notes });
    for (const g of a.syntheticSubAreas) {
      expect(body.notes?.[0]?.nl).toContain(g.name);
      expect(body.notes?.[0]?.en).toContain(g.name);
    }
    expect(body.notes?.[0]?.nl).toMatch(/ en [^,]+ zijn gegenereerd/);
    expect(body.notes?.[0]?.en).toMatch(/, and [^,]+ are generated/);
  });
});

describe('synthesise in an area', () => {
  it('generates residents, moves and registers only inside the area, at scale of its inhabitants', async () => {
    const area = selectArea(regions, 'GM0397,GM0473');
    const out = mkdtempSync(join(tmpdir(), 'synth-area-'));
    await synthesise({ scale: 0.05, seed: 5, outDir: out, regions: area.regions });
    const inArea = (code: string) => /^BU0(397|473)/.test(code);
    const csv = (file: string, column: string) => {
      const [header, ...lines] = readFileSync(join(out, 'providers', file), 'utf8')
        .trimEnd()
        .split('\n');
      const i = header!.split(';').indexOf(column);
      return lines.map((l) => l.split(';')[i]!);
    };
    const brp = readFileSync(join(out, 'providers/gemeenten/brp_personen.csv'), 'utf8')
      .trimEnd()
      .split('\n')
      .slice(1)
      .map((l) => l.split(';'));
    // Every buurt code (planted unknown codes keep the gemeente digits) lies in the area.
    for (const [file, col] of [
      ['gemeenten/brp_personen.csv', 'buurtcode'],
      ['politie/politie_verdachten.csv', 'pleeg_buurtcode'],
      ['politie/politie_ontmantelingen.csv', 'buurtcode'],
      ['kadaster/kadaster_woningen.csv', 'buurtcode'],
      ['kadaster/kadaster_transacties.csv', 'buurtcode'],
    ] as const) {
      const outside = csv(file, col).filter((c) => c !== '' && !inArea(c));
      expect(outside.slice(0, 3), file).toEqual([]);
    }
    const residents2023 = (gm: string) =>
      brp.filter((r) => r[0] === '2023' && r[2]!.startsWith(`BU${gm}`)).length;
    expect(residents2023('0397')).toBe(Math.round(27_557 * 0.05));
    expect(residents2023('0473')).toBe(Math.round(17_107 * 0.05));
    const population = readFileSync(join(out, 'ground-truth/population.csv'), 'utf8');
    expect(population).not.toMatch(/,gemeente,GM(?!0397|0473)/);
  });
});
