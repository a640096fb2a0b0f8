/**
 * The region basis of a release: every year on the division of the region set's year (earlier
 * years recomputed from the microdata by the areas' current codes), and the herindelingen that
 * this changes for the release's areas.
 */
import { herindelingenIn, type Herindeling } from './herindelingen.js';
import type { RegionSet } from './types.js';

export interface RegionBasis {
  /** All years on one division: that of `year`. */
  basis: 'one-division';
  year: number;
  /** Herindelingen after the first published year that affect the set's gemeenten. */
  herindelingen: Herindeling[];
  note: { nl: string; en: string };
}

export function regionBasis(regions: RegionSet, firstYear: number): RegionBasis {
  const herindelingen = herindelingenIn(regions, firstYear);
  const y = regions.year;
  const parts = (h: Herindeling) =>
    h.former
      .filter((f) => f.code !== h.code)
      .map((f) => f.name)
      .join(', ');
  const list = (lang: 'nl' | 'en') =>
    herindelingen
      .map((h) => `${parts(h)} ${lang === 'nl' ? 'in' : 'into'} ${h.name} (${h.year})`)
      .join('; ');
  const note =
    herindelingen.length === 0
      ? {
          nl: `Alle jaren op de gemeentelijke indeling van ${y}; in de gepubliceerde gebieden was er sinds ${firstYear} geen herindeling.`,
          en: `All years on the municipal division of ${y}; the published areas had no municipal merger since ${firstYear}.`,
        }
      : {
          nl: `Alle jaren op de gemeentelijke indeling van ${y}: eerdere jaren zijn herberekend naar de huidige gemeenten (${list('nl')}).`,
          en: `All years on the municipal division of ${y}: earlier years are recomputed for the current municipalities (${list('en')}).`,
        };
  return { basis: 'one-division', year: y, herindelingen, note };
}
