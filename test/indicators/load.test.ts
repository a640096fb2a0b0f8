import { describe, expect, it } from 'vitest';
import {
  CATALOGUE,
  getIndicator,
  loadDefinitions,
  THEMES,
  type IndicatorFileInput,
} from '../../src/indicators/index.js';
import { shipped } from './shipped.js';

const clone = (): IndicatorFileInput => shipped('drugsverdachten_per_1000');
const load =
  (...defs: unknown[]) =>
  () =>
    loadDefinitions(defs);

describe('the catalogue', () => {
  it('has at least 25 valid indicators covering every theme, each with methodology', () => {
    expect(CATALOGUE.length).toBeGreaterThanOrEqual(25);
    expect(new Set(CATALOGUE.map((d) => d.theme))).toEqual(new Set(THEMES));
    for (const d of CATALOGUE) {
      expect(d.methodology.nl.length).toBeGreaterThan(40);
      expect(d.methodology.en.length).toBeGreaterThan(40);
    }
  });

  it('resolves references to another indicator’s numerator', () => {
    expect(getIndicator('hennepkwekerijen_per_10000_woningen').denominator).toEqual(
      getIndicator('woningen').numerator,
    );
    expect(() => getIndicator('nope')).toThrow("unknown indicator 'nope'");
  });
});

describe('bad definitions fail at load, naming indicator and field', () => {
  it('an unknown dataset', () => {
    const d = clone();
    (d.numerator as { dataset: string }).dataset = 'politie_geheim';
    expect(load(d)).toThrow(
      "indicator 'drugsverdachten_per_1000': field 'numerator.dataset': unknown dataset 'politie_geheim'",
    );
  });

  it('an unknown field, also inside a link', () => {
    const d = clone();
    (d.denominator as { region: { col: string } }).region.col = 'postcode';
    expect(load(d)).toThrow(
      "field 'denominator.region.col': unknown field 'postcode' of dataset 'brp_personen'",
    );
    const e = clone();
    const link = (e.numerator as { where: { exists: { where: { col: string }[] } }[] }).where[0]!
      .exists;
    link.where[1]!.col = 'delict';
    expect(load(e)).toThrow(
      "field 'numerator.where[0].exists.where[1].col': unknown field 'delict' of dataset 'politie_verdachten'",
    );
  });

  it('an unknown region level', () => {
    const d = { ...clone(), levels: ['gemeente', 'provincie'] };
    expect(load(d)).toThrow("indicator 'drugsverdachten_per_1000': field 'levels[1]'");
  });

  it('a cycle between indicators', () => {
    const a = {
      ...clone(),
      id: 'a',
      kind: 'count',
      disclosure: 'count',
      denominator: undefined,
      breakdowns: [],
      numerator: { ref: 'b' },
    };
    const b = {
      ...clone(),
      id: 'b',
      kind: 'count',
      disclosure: 'count',
      denominator: undefined,
      breakdowns: [],
      numerator: { ref: 'a' },
    };
    expect(load(a, b)).toThrow(
      /indicator '(a|b)': field 'numerator.ref': cycle: (a -> b -> a|b -> a -> b)/,
    );
    const self = { ...a, numerator: { ref: 'a' } };
    expect(load(self)).toThrow("indicator 'a': field 'numerator.ref': cycle: a -> a");
  });

  it('a kind that does not fit the disclosure profile', () => {
    const d = { ...clone(), disclosure: 'count' };
    expect(load(d)).toThrow(
      "field 'disclosure': kind 'rate_per_1000' needs disclosure profile 'ratio', not 'count'",
    );
  });

  it('sources that do not match the datasets used', () => {
    expect(load({ ...clone(), sources: ['brp_personen'] })).toThrow(
      "field 'sources': uses dataset 'politie_verdachten' but does not list it",
    );
    expect(
      load({ ...clone(), sources: ['brp_personen', 'politie_verdachten', 'fiu_meldingen'] }),
    ).toThrow("field 'sources': lists dataset 'fiu_meldingen' but does not use it");
  });

  it('a measure or denominator that does not fit the kind, and breakdowns without persons', () => {
    expect(load({ ...clone(), denominator: undefined })).toThrow(
      "field 'denominator': kind 'rate_per_1000' needs a denominator",
    );
    const h = shipped('hennepkwekerijen');
    expect(load({ ...h, breakdowns: ['geslacht'] })).toThrow(
      "indicator 'hennepkwekerijen': field 'numerator.dataset': breakdowns geslacht need a BRP record",
    );
    expect(load({ ...h, kind: 'sum', disclosure: 'magnitude' })).toThrow(
      "field 'numerator.measure': kind 'sum' needs a 'sum' measure, not 'count'",
    );
  });

  it('a duplicate id', () => {
    expect(load(clone(), clone())).toThrow(
      "indicator 'drugsverdachten_per_1000': field 'id': duplicate id",
    );
  });
});

describe('describeIndicator', () => {
  it('gives the API shape with providers per source', async () => {
    const { describeIndicator } = await import('../../src/indicators/index.js');
    const d = describeIndicator(getIndicator('kopers_met_veroordeling'));
    expect(d.sources).toEqual([
      { dataset: 'kadaster_transacties', provider: 'kadaster' },
      { dataset: 'om_veroordelingen', provider: 'om' },
    ]);
    expect(d.disclosure).toBe('ratio');
    expect(d.levels).toEqual(['nederland', 'veiligheidsregio', 'gemeente', 'wijk', 'buurt']);
  });
});
