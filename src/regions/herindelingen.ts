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

/** `'GM0014 Groningen'` → code and name: the tables below list gemeenten as CBS overviews do. */
function gemeente(codeAndName: string): FormerGemeente {
  const at = codeAndName.indexOf(' ');
  return { code: codeAndName.slice(0, at), name: codeAndName.slice(at + 1) };
}

/** One merger: its year, the gemeente after it, and the former parts. */
function merger(year: number, after: string, former: readonly string[]): Herindeling {
  return { year, ...gemeente(after), former: former.map(gemeente) };
}

export const HERINDELINGEN: readonly Herindeling[] = [
  merger(2019, 'GM0014 Groningen', ['GM0014 Groningen', 'GM0017 Haren', 'GM0009 Ten Boer']),
  merger(2019, 'GM0394 Haarlemmermeer', [
    'GM0394 Haarlemmermeer',
    'GM0393 Haarlemmerliede en Spaarnwoude',
  ]),
  merger(2021, 'GM1979 Eemsdelta', ['GM0003 Appingedam', 'GM0010 Delfzijl', 'GM0024 Loppersum']),
  merger(2022, 'GM0363 Amsterdam', ['GM0363 Amsterdam', 'GM0457 Weesp']),
  merger(2022, 'GM0439 Purmerend', ['GM0439 Purmerend', 'GM0370 Beemster']),
  merger(2022, 'GM1980 Dijk en Waard', ['GM0398 Heerhugowaard', 'GM0416 Langedijk']),
  merger(2022, 'GM1991 Maashorst', ['GM1685 Landerd', 'GM0856 Uden']),
  merger(2022, 'GM1982 Land van Cuijk', [
    'GM0756 Boxmeer',
    'GM1684 Cuijk',
    'GM0786 Grave',
    'GM0815 Mill en Sint Hubert',
    'GM1702 Sint Anthonis',
  ]),
  merger(2023, 'GM1992 Voorne aan Zee', [
    'GM0501 Brielle',
    'GM0530 Hellevoetsluis',
    'GM0614 Westvoorne',
  ]),
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
