/**
 * Gemeentelijke herindelingen (mergers) as data, and the conversion of a former division's codes
 * to the codes of a region set's division, so every year can be published on one division.
 *
 * Sources, checked for every entry below:
 * - the new code and name: `src/regions/cbs-files/gemeenten-2023.csv` (CBS gemeenten 2023);
 * - each former code and name: `src/regions/cbs-files/nl-2015-gemeente.topo.json` (CBS/Kadaster
 *   gemeentegrenzen 2015, `statcode`/`statnaam`); none of them is a 2023 gemeente
 *   (test/regions/herindelingen.test.ts asserts both);
 * - the date (1 January of `year`): the CBS overviews of gemeentelijke indelingen per year, as
 *   named in the issue (Weesp → Amsterdam 2022; Eemsdelta 2021; Voorne aan Zee 2023; Purmerend,
 *   Dijk en Waard, Maashorst, Land van Cuijk 2022; Groningen, Haarlemmermeer 2019).
 * Only mergers whose codes could be verified this way are listed; splits (e.g. Haaren, divided in
 * 2021 among four gemeenten) are not mergers and are not listed: a split needs a buurt-level
 * key, which the shipped files do not have.
 */
import type { Region, RegionSet } from './types.js';

export interface FormerGemeente {
  code: string;
  name: string;
}

export interface Herindeling {
  /** The first year on the new division (the merger takes effect on 1 January of this year). */
  year: number;
  /** The gemeente after the merger. Its code may be that of one of the former parts (absorption). */
  code: string;
  name: string;
  former: readonly FormerGemeente[];
}

export const HERINDELINGEN: readonly Herindeling[] = [
  {
    year: 2019,
    code: 'GM0014',
    name: 'Groningen',
    former: [
      { code: 'GM0014', name: 'Groningen' },
      { code: 'GM0017', name: 'Haren' },
      { code: 'GM0009', name: 'Ten Boer' },
    ],
  },
  {
    year: 2019,
    code: 'GM0394',
    name: 'Haarlemmermeer',
    former: [
      { code: 'GM0394', name: 'Haarlemmermeer' },
      { code: 'GM0393', name: 'Haarlemmerliede en Spaarnwoude' },
    ],
  },
  {
    year: 2021,
    code: 'GM1979',
    name: 'Eemsdelta',
    former: [
      { code: 'GM0003', name: 'Appingedam' },
      { code: 'GM0010', name: 'Delfzijl' },
      { code: 'GM0024', name: 'Loppersum' },
    ],
  },
  {
    year: 2022,
    code: 'GM0363',
    name: 'Amsterdam',
    former: [
      { code: 'GM0363', name: 'Amsterdam' },
      { code: 'GM0457', name: 'Weesp' },
    ],
  },
  {
    year: 2022,
    code: 'GM0439',
    name: 'Purmerend',
    former: [
      { code: 'GM0439', name: 'Purmerend' },
      { code: 'GM0370', name: 'Beemster' },
    ],
  },
  {
    year: 2022,
    code: 'GM1980',
    name: 'Dijk en Waard',
    former: [
      { code: 'GM0398', name: 'Heerhugowaard' },
      { code: 'GM0416', name: 'Langedijk' },
    ],
  },
  {
    year: 2022,
    code: 'GM1991',
    name: 'Maashorst',
    former: [
      { code: 'GM1685', name: 'Landerd' },
      { code: 'GM0856', name: 'Uden' },
    ],
  },
  {
    year: 2022,
    code: 'GM1982',
    name: 'Land van Cuijk',
    former: [
      { code: 'GM0756', name: 'Boxmeer' },
      { code: 'GM1684', name: 'Cuijk' },
      { code: 'GM0786', name: 'Grave' },
      { code: 'GM0815', name: 'Mill en Sint Hubert' },
      { code: 'GM1702', name: 'Sint Anthonis' },
    ],
  },
  {
    year: 2023,
    code: 'GM1992',
    name: 'Voorne aan Zee',
    former: [
      { code: 'GM0501', name: 'Brielle' },
      { code: 'GM0530', name: 'Hellevoetsluis' },
      { code: 'GM0614', name: 'Westvoorne' },
    ],
  },
];

/**
 * The code of a gemeente on the division of `year`: a former code maps to the gemeente it merged
 * into when that merger took effect in or before `year` (following chains); any other code is
 * returned unchanged.
 */
export function currentGemeente(
  code: string,
  year: number,
  table: readonly Herindeling[] = HERINDELINGEN,
): string {
  let cur = code;
  for (const h of [...table].sort((a, b) => a.year - b.year)) {
    if (h.year <= year && h.code !== cur && h.former.some((f) => f.code === cur)) cur = h.code;
  }
  return cur;
}

/** The herindelingen that took effect after `fromYear` up to and including `toYear`. */
export function herindelingenBetween(
  fromYear: number,
  toYear: number,
  table: readonly Herindeling[] = HERINDELINGEN,
): Herindeling[] {
  return table.filter((h) => h.year > fromYear && h.year <= toYear);
}

/** One buurt of a former division and the buurt of the region set it lies in. */
export interface BuurtConversion {
  /** The buurt code as delivered for years up to `lastYear`. */
  formerBuurtCode: string;
  formerGemeenteCode: string;
  currentBuurtCode: string;
  currentGemeenteCode: string;
  /** The last year on the former division (the herindeling's year − 1). */
  lastYear: number;
}

/** `BUggggrest` → `BUffffrest`: the buurt or wijk code with the former gemeente's digits. */
export function formerCode(code: string, formerGemeente: string): string {
  return `${code.slice(0, 2)}${formerGemeente.slice(2)}${code.slice(6)}`;
}

/**
 * The territory of each former part, as a documented synthetic choice (the shipped files have no
 * former buurten): the current gemeente's wijken in code order. An absorbed gemeente (the new
 * gemeente keeps the code of another part) takes one wijk each from the end; in a merger into a
 * new code the wijken are dealt in turn over the former parts. A part that gets no wijk has no
 * territory, and so no records.
 */
function territory(regions: RegionSet, h: Herindeling): Map<string, FormerGemeente> {
  const wijken = regions.childrenOf(h.code).sort((a, b) => (a.code < b.code ? -1 : 1));
  const out = new Map<string, FormerGemeente>();
  const continuing = h.former.find((f) => f.code === h.code);
  if (continuing) {
    const absorbed = h.former.filter((f) => f !== continuing);
    absorbed.forEach((f, i) => {
      const w = wijken[wijken.length - 1 - i];
      // Keep at least one wijk for the continuing part.
      if (w && wijken.length - 1 - i > 0) out.set(w.code, f);
    });
  } else {
    wijken.forEach((w, i) => out.set(w.code, h.former[i % h.former.length]!));
  }
  return out;
}

/**
 * Every buurt of a former division in `regions` (herindelingen up to the set's year): former
 * buurt code → buurt of the set. Empty for a set with none of the merged gemeenten (the synthetic
 * country). Former codes are unique, since no former gemeente code is a gemeente of the set.
 */
export function buurtConversion(
  regions: RegionSet,
  table: readonly Herindeling[] = HERINDELINGEN,
): BuurtConversion[] {
  const out: BuurtConversion[] = [];
  for (const h of table) {
    if (h.year > regions.year || regions.get(h.code)?.level !== 'gemeente') continue;
    for (const [wijk, f] of territory(regions, h)) {
      if (f.code === h.code) continue;
      if (regions.get(f.code)) {
        throw new Error(`herindeling ${h.name} ${h.year}: former ${f.code} is in the region set`);
      }
      for (const b of regions.childrenOf(wijk) as Region[]) {
        out.push({
          formerBuurtCode: formerCode(b.code, f.code),
          formerGemeenteCode: f.code,
          currentBuurtCode: b.code,
          currentGemeenteCode: h.code,
          lastYear: h.year - 1,
        });
      }
    }
  }
  return out.sort((a, b) => (a.formerBuurtCode < b.formerBuurtCode ? -1 : 1));
}

/** The herindelingen behind a conversion (those that change codes in `fromYear`…set year). */
export function herindelingenIn(
  regions: RegionSet,
  fromYear: number,
  table: readonly Herindeling[] = HERINDELINGEN,
): Herindeling[] {
  return herindelingenBetween(fromYear, regions.year, table).filter(
    (h) => regions.get(h.code)?.level === 'gemeente',
  );
}
