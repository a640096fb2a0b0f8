import { describe, expect, it } from 'vitest';
import {
  HERINDELINGEN,
  buurtConversion,
  currentGemeente,
  herindelingenBetween,
  loadRegionSet,
  projectRegionsDir,
  regionBasis,
} from '../../src/regions/index.js';
import { selectArea } from '../../src/synth/index.js';

describe('herindelingen table', async () => {
  const nl = await loadRegionSet(projectRegionsDir());

  it('has every new gemeente in the 2023 division, with its CBS name', () => {
    for (const h of HERINDELINGEN) {
      const g = nl.get(h.code);
      expect(g?.level, h.code).toBe('gemeente');
      expect(g?.name).toBe(h.name);
    }
  });

  it('has no former code that is still a gemeente (except the one an absorption keeps)', () => {
    for (const h of HERINDELINGEN) {
      for (const f of h.former) {
        if (f.code === h.code) continue;
        expect(nl.get(f.code), `${f.code} ${f.name}`).toBeUndefined();
        expect(currentGemeente(f.code, 2023)).toBe(h.code);
      }
      expect(new Set(h.former.map((f) => f.code)).size).toBe(h.former.length);
    }
  });

  it('maps a former code only from the herindeling year on', () => {
    expect(currentGemeente('GM0457', 2021)).toBe('GM0457');
    expect(currentGemeente('GM0457', 2022)).toBe('GM0363');
    expect(currentGemeente('GM0003', 2020)).toBe('GM0003');
    expect(currentGemeente('GM0003', 2021)).toBe('GM1979');
    expect(currentGemeente('GM0501', 2022)).toBe('GM0501');
    expect(currentGemeente('GM0501', 2023)).toBe('GM1992');
    expect(currentGemeente('GM0392', 2023)).toBe('GM0392');
    expect(herindelingenBetween(2019, 2023).map((h) => h.code)).toEqual([
      'GM1979',
      'GM0363',
      'GM0439',
      'GM1980',
      'GM1991',
      'GM1982',
      'GM1992',
    ]);
  });

  it('converts former buurt codes of the real division to buurten of the merged gemeente', () => {
    const conv = buurtConversion(nl);
    expect(new Set(conv.map((c) => c.formerBuurtCode)).size).toBe(conv.length);
    for (const c of conv) {
      expect(nl.get(c.formerBuurtCode)).toBeUndefined();
      const b = nl.get(c.currentBuurtCode)!;
      expect(b.level).toBe('buurt');
      expect(nl.ancestors(b.code).find((r) => r.level === 'gemeente')?.code).toBe(
        c.currentGemeenteCode,
      );
      expect(c.formerBuurtCode.slice(2, 6)).toBe(c.formerGemeenteCode.slice(2));
      expect(c.formerBuurtCode.slice(6)).toBe(c.currentBuurtCode.slice(6));
    }
    // Every former gemeente of a 2021–2023 herindeling has territory.
    const formers = new Set(conv.map((c) => c.formerGemeenteCode));
    for (const h of herindelingenBetween(2019, 2023))
      for (const f of h.former) if (f.code !== h.code) expect(formers, f.code).toContain(f.code);
  });

  it('is empty for the synthetic country', async () => {
    expect(buurtConversion(await loadRegionSet(null))).toEqual([]);
  });

  it('states the region basis of a release, with the herindelingen of its areas', () => {
    const amsterdam = regionBasis(selectArea(nl, 'GM0363').regions, 2019);
    expect(amsterdam.basis).toBe('one-division');
    expect(amsterdam.herindelingen.map((h) => h.code)).toEqual(['GM0363']);
    expect(amsterdam.note.nl).toBe(
      'Alle jaren op de gemeentelijke indeling van 2023: eerdere jaren zijn herberekend naar de huidige gemeenten (Weesp in Amsterdam (2022)).',
    );
    const haarlem = regionBasis(selectArea(nl, 'GM0392,GM0397').regions, 2019);
    expect(haarlem.herindelingen).toEqual([]);
    expect(haarlem.note.en).toMatch(/^All years on the municipal division of 2023/);
  });
});
