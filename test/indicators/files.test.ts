import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { capture } from '../support/cli.js';
import { main } from '../../src/cli/main.js';
import {
  CATALOGUE,
  loadCatalogue,
  loadCatalogueEntries,
  SHIPPED_CATALOGUE_DIR,
  WITWASGEVOELIGE_SBI,
  ZORG_SBI,
  type IndicatorFileInput,
} from '../../src/indicators/index.js';
import { shipped } from './shipped.js';

/** A new indicator an instance adds: residents aged 65 and over, referring to `inwoners`. */
const ouderen = (): IndicatorFileInput => ({
  ...shipped('jeugdige_drugsverdachten_pct'),
  id: 'ouderen_pct',
  theme: 'context',
  title: { nl: 'Ouderen', en: 'Older residents' },
  numerator: {
    ...(shipped('inwoners').numerator as object),
    where: [{ age: { min: 65, max: 200 } }],
  } as IndicatorFileInput['numerator'],
  denominator: { ref: 'inwoners' },
  breakdowns: ['geslacht'],
});

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'samenzicht-catalogue-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
  vi.restoreAllMocks();
});

/** Writes a definition (object or raw text) as `<name>.json` in the temporary directory. */
function put(name: string, def: unknown): string {
  const path = join(dir, `${name}.json`);
  writeFileSync(path, typeof def === 'string' ? def : `${JSON.stringify(def, null, 2)}\n`);
  return path;
}

describe('the shipped catalogue directory', () => {
  it('holds one valid file per indicator, named after its id, without hand-written sources', () => {
    const files = readdirSync(SHIPPED_CATALOGUE_DIR).filter((f) => f.endsWith('.json'));
    expect(files).toHaveLength(CATALOGUE.length);
    const entries = loadCatalogueEntries();
    expect(entries.map((e) => e.file)).toContain(join('catalogue', 'indicators', 'inwoners.json'));
    for (const e of entries) {
      expect(e.file.endsWith(`${e.definition.id}.json`)).toBe(true);
      expect(shipped(e.definition.id).sources).toBeUndefined();
    }
  });

  it('loads to exactly what the former TypeScript definitions produced (refs and sources resolved)', () => {
    const snapshot = JSON.parse(
      readFileSync(new URL('./catalogue.snapshot.json', import.meta.url), 'utf8'),
    ) as unknown;
    expect(JSON.parse(JSON.stringify(CATALOGUE))).toEqual(snapshot);
    expect(CATALOGUE).toHaveLength(32);
  });

  it('derives sources from the expression, in the order it first reads them', () => {
    const byId = new Map(CATALOGUE.map((d) => [d.id, d]));
    expect(byId.get('onverklaarbare_woningaankopen')?.sources).toEqual([
      'kadaster_transacties',
      'brp_personen',
      'bd_inkomen',
    ]);
    expect(byId.get('hennepkwekerijen_per_10000_woningen')?.sources).toEqual([
      'politie_ontmantelingen',
      'kadaster_woningen',
    ]);
  });

  it('uses the same SBI prefixes as the ground truth (src/indicators/sbi.ts)', () => {
    const prefixes = (id: string) =>
      (shipped(id).numerator as { where: { values?: unknown }[] }).where[0]?.values;
    expect(prefixes('witwasgevoelige_vestigingen_pct')).toEqual(
      WITWASGEVOELIGE_SBI.map((s) => s.prefix),
    );
    expect(prefixes('zorgaanbieders')).toEqual(ZORG_SBI.map((s) => s.prefix));
  });
});

describe('an instance directory', () => {
  it('adds its indicators to the shipped ones, with references into the shipped catalogue', () => {
    put('ouderen_pct', ouderen());
    const all = loadCatalogue([dir]);
    expect(all).toHaveLength(CATALOGUE.length + 1);
    const d = all.at(-1)!;
    expect(d.id).toBe('ouderen_pct');
    expect(d.sources).toEqual(['brp_personen']);
    expect(d.denominator).toEqual(CATALOGUE.find((x) => x.id === 'inwoners')?.numerator);
  });

  it('is accepted by indicators validate, explain and list', async () => {
    const file = put('ouderen_pct', ouderen());
    const v = capture();
    expect(await main(['node', 'samenzicht', 'indicators', 'validate', file])).toBe(0);
    expect(v.out()).toBe('ouderen_pct: valid (sources brp_personen)\n');
    const e = capture();
    expect(await main(['node', 'samenzicht', 'indicators', 'explain', file])).toBe(0);
    expect(e.out()).toContain('ouderen_pct: Ouderen / Older residents');
    expect(e.out()).toContain('brp_personen (');
    expect(e.out()).toContain('GROUP BY GROUPING SETS');
    const l = capture();
    expect(await main(['node', 'samenzicht', 'indicators', 'list', '--catalogue', dir])).toBe(0);
    expect(l.out().trim().split('\n').at(-1)).toMatch(/^ouderen_pct\s+context\s+percentage/);
    const s = capture();
    expect(
      await main(['node', 'samenzicht', 'indicators', 'show', 'ouderen_pct', '--catalogue', dir]),
    ).toBe(0);
    expect(s.out()).toContain('ouderen_pct: Ouderen');
  });

  it('validate reports a bad file with its name, field and reason (exit 1)', async () => {
    const file = put('ouderen_pct', { ...ouderen(), kind: 'ratio' });
    const c = capture();
    expect(await main(['node', 'samenzicht', 'indicators', 'validate', file])).toBe(1);
    expect(c.err()).toContain(`${file}: field 'kind': Invalid option`);
  });
});

describe('a malformed file gets an error naming the file, the field and the reason', () => {
  const fails = (def: unknown, name = 'ouderen_pct') => {
    const file = put(name, def);
    return expect(() => loadCatalogue([dir]), file);
  };

  it('bad JSON: the position', () => {
    const file = put('ouderen_pct', '{\n  "id": "ouderen_pct",\n  "kind": "count",\n}\n');
    expect(() => loadCatalogue([dir])).toThrow(`${file}: invalid JSON at line 4, column 1: `);
    const cut = put('ouderen_pct', '{\n  "id": "ouderen_pct"');
    expect(() => loadCatalogue([dir])).toThrow(`${cut}: invalid JSON at line 2, column 22: `);
  });

  it('an unknown dataset', () => {
    const d = ouderen();
    (d.numerator as { dataset: string }).dataset = 'foo';
    fails(d).toThrow(
      `${join(dir, 'ouderen_pct.json')}: field 'numerator.dataset': unknown dataset 'foo' (known: brp_personen,`,
    );
  });

  it('an unknown field, at the top and inside a series', () => {
    fails({ ...ouderen(), colour: 'red' }).toThrow(
      `${join(dir, 'ouderen_pct.json')}: field 'colour': unknown field`,
    );
    const d = ouderen();
    (d.numerator as { regio?: string }).regio = 'x';
    fails(d).toThrow(`${join(dir, 'ouderen_pct.json')}: field 'numerator.regio': unknown field`);
    const e = ouderen();
    (e.numerator as { region: { col: string } }).region.col = 'postcode';
    fails(e).toThrow(
      "field 'numerator.region.col': unknown field 'postcode' of dataset 'brp_personen'",
    );
  });

  it('a wrong kind or disclosure profile', () => {
    fails({ ...ouderen(), kind: 'ratio' }).toThrow(
      `${join(dir, 'ouderen_pct.json')}: field 'kind': Invalid option`,
    );
    fails({ ...ouderen(), disclosure: 'count' }).toThrow(
      `${join(dir, 'ouderen_pct.json')}: field 'disclosure': kind 'percentage' needs disclosure profile 'ratio', not 'count'`,
    );
  });

  it('sources that disagree with the expression', () => {
    fails({ ...ouderen(), sources: ['brp_personen'] }).not.toThrow();
    fails({ ...ouderen(), sources: ['brp_personen', 'bd_inkomen'] }).toThrow(
      `${join(dir, 'ouderen_pct.json')}: field 'sources': lists dataset 'bd_inkomen' but does not use it`,
    );
    fails({ ...ouderen(), sources: ['brp_personen', 'nope'] }).toThrow(
      `${join(dir, 'ouderen_pct.json')}: field 'sources[1]': unknown dataset 'nope'`,
    );
  });

  it('a reference cycle across files', () => {
    const counting = { ...ouderen(), kind: 'count', disclosure: 'count', breakdowns: [] };
    const { denominator: _d, ...a } = { ...counting, id: 'a', numerator: { ref: 'b' } };
    const { denominator: _e, ...b } = { ...counting, id: 'b', numerator: { ref: 'a' } };
    put('a', a);
    put('b', b);
    expect(() => loadCatalogue([dir])).toThrow(
      new RegExp(`${dir}/(a|b)\\.json: field 'numerator\\.ref': cycle: (a -> b -> a|b -> a -> b)`),
    );
  });

  it('a file not named after its id, and an id the catalogue already has', () => {
    fails(ouderen(), 'ouderen').toThrow(
      `${join(dir, 'ouderen.json')}: field 'id': 'ouderen_pct' does not match the file name (expected ouderen_pct.json)`,
    );
    rmSync(join(dir, 'ouderen.json'));
    fails(shipped('inwoners'), 'inwoners').toThrow(
      `${join(dir, 'inwoners.json')}: field 'id': duplicate id (also in ${join('catalogue', 'indicators', 'inwoners.json')})`,
    );
  });

  it('a directory that does not exist', () => {
    expect(() => loadCatalogue([join(dir, 'nope')])).toThrow(
      `${join(dir, 'nope')}: not a catalogue directory`,
    );
  });
});
