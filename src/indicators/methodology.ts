/**
 * The methodology text a reader needs to recompute an indicator: what counts (the definition's
 * own text), which records are left out before counting (from the contracts of its sources),
 * how the published figure is computed from rounded parts (from its kind and disclosure
 * profile), and which region a unit is counted in. One text for the API, the dashboard and
 * `samenzicht indicators show`; what a release adds (how many records were left out, data notes)
 * is in the release's notes.
 */
import { DEFAULT_PROFILES } from '../disclosure/profiles.js';
import { datasetContract } from '../ingest/contracts.js';
import type { ResolvedIndicator } from './schema.js';

export interface Bilingual {
  nl: string;
  en: string;
}

export interface Methodology {
  /** What counts: the definition's own text. */
  counts: Bilingual;
  /** Which records are left out before counting, and why. */
  excluded: Bilingual;
  /** How the figure is computed from its rounded parts. */
  rounding: Bilingual;
  /** Which region a unit is counted in, and on which division. */
  regionBasis: Bilingual;
}

type Reason = 'region' | 'date' | 'missing' | 'value' | 'pseudonym' | 'duplicate';
const REASON_WORDS: Record<Reason, Bilingual> = {
  region: { nl: 'een onbekende buurtcode', en: 'an unknown buurt code' },
  date: { nl: 'een ongeldige of onmogelijke datum', en: 'an invalid or impossible date' },
  missing: { nl: 'een ontbrekend verplicht veld', en: 'a missing required field' },
  value: {
    nl: 'een waarde die het gegevenscontract niet kent',
    en: 'a value the data contract does not allow',
  },
  pseudonym: { nl: 'een ongeldig pseudoniem', en: 'an invalid pseudonym' },
  duplicate: { nl: 'een dubbel geleverde sleutel', en: 'a key delivered twice' },
};

/** The reasons a row of these datasets can be quarantined, in the order validation checks them. */
function reasonsOf(datasets: readonly string[]): Reason[] {
  const found = new Set<Reason>();
  for (const id of datasets) {
    for (const c of datasetContract(id).columns) {
      if (c.regionLevel === 'buurt') found.add('region');
      if (c.type === 'DATE') found.add('date');
      if (!c.nullable) found.add('missing');
      if (c.values) found.add('value');
      if (c.identifier) found.add('pseudonym');
    }
    found.add('duplicate');
  }
  const order: Reason[] = ['region', 'date', 'missing', 'value', 'pseudonym', 'duplicate'];
  return order.filter((r) => found.has(r));
}

function list(words: string[], and: string): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} ${and} ${words.at(-1)}`;
}

function excludedText(d: ResolvedIndicator): Bilingual {
  const reasons = reasonsOf(d.sources);
  const titles = d.sources.map((s) => datasetContract(s).title);
  return {
    nl:
      `Niet meegeteld: records uit ${list(titles, 'en')} met ${list(
        reasons.map((r) => REASON_WORDS[r].nl),
        'of',
      )}. De broker zet zulke records bij het inlezen apart (quarantaine) met hun reden; ` +
      'hoeveel dat er in een release waren, staat (afgerond) in de toelichting bij die release.',
    en:
      `Not counted: records from ${list(titles, 'and')} with ${list(
        reasons.map((r) => REASON_WORDS[r].en),
        'or',
      )}. The broker sets such records apart on loading (quarantine) with their reason; how many ` +
      'there were in a release is stated (rounded) in that release’s notes.',
  };
}

const nlNumber = (v: number, decimals: number) =>
  v.toLocaleString('nl-NL', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
const enNumber = (v: number, decimals: number) =>
  v.toLocaleString('en-GB', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });

/** A worked example of a ratio computed from rounded parts, so that a reader can check it. */
function ratioExample(kind: string, base: number): Bilingual {
  const [num, den, per, unitNl, unitEn] =
    kind === 'percentage'
      ? [13, 57, 100, '%', '%']
      : kind === 'rate_per_10000'
        ? [13, 5712, 10_000, ' per 10.000', ' per 10,000']
        : [13, 5712, 1000, ' per 1.000', ' per 1,000'];
  const round = (v: number) => Math.round(v / base) * base;
  const exact = (num / den) * per;
  const published = (round(num) / round(den)) * per;
  const d = 1;
  return {
    nl: `Zo wordt ${num} van ${nlNumber(den, 0)} (${nlNumber(exact, 2)}${unitNl}) gepubliceerd als ${round(num)} van ${nlNumber(round(den), 0)}, dus ${nlNumber(published, d + 1)}${unitNl}.`,
    en: `So ${num} of ${enNumber(den, 0)} (${enNumber(exact, 2)}${unitEn}) is published as ${round(num)} of ${enNumber(round(den), 0)}, that is ${enNumber(published, d + 1)}${unitEn}.`,
  };
}

function roundingText(d: ResolvedIndicator): Bilingual {
  const profile = DEFAULT_PROFILES[d.disclosure];
  const base = profile.roundingBase;
  switch (d.kind) {
    case 'percentage':
    case 'rate_per_1000':
    case 'rate_per_10000': {
      const ex = ratioExample(d.kind, base);
      return {
        nl: `Teller en noemer worden na de geheimhouding afgerond op een veelvoud van ${base}, en het gepubliceerde cijfer wordt uit de afgeronde teller en noemer berekend, niet uit de ware aantallen. ${ex.nl}`,
        en: `Numerator and denominator are rounded to a multiple of ${base} after suppression, and the published figure is computed from the rounded numerator and denominator, not from the true counts. ${ex.en}`,
      };
    }
    case 'mean':
      return {
        nl: `De som wordt gepubliceerd, het aantal eenheden afgerond op een veelvoud van ${base} (zoals het bijbehorende aantal); het gemiddelde is de som gedeeld door het afgeronde aantal.`,
        en: `The sum is published, the number of units rounded to a multiple of ${base} (as the matching count is); the mean is the sum divided by the rounded number.`,
      };
    case 'median': {
      const v = DEFAULT_PROFILES.median.valueRoundingBase ?? 100;
      return {
        nl: `Het aantal eenheden wordt afgerond op een veelvoud van ${base}, de mediaan op € ${nlNumber(v, 0)}.`,
        en: `The number of units is rounded to a multiple of ${base}, the median to € ${enNumber(v, 0)}.`,
      };
    }
    default:
      return {
        nl: `Het cijfer wordt na de geheimhouding afgerond op een veelvoud van ${base}; totalen van afgeronde cijfers tellen daardoor niet altijd op.`,
        en: `The figure is rounded to a multiple of ${base} after suppression; totals of rounded figures may therefore not add up.`,
      };
  }
}

const sentence = (s: string) => s.trim().replace(/\.+$/, '');

function regionBasisText(d: ResolvedIndicator): Bilingual {
  return {
    nl: `Regio: ${sentence(d.regionBasis.nl)}. De regio's volgen de CBS-indeling die de release noemt (het kaartjaar); een buurt die in die indeling niet bestaat, telt niet mee.`,
    en: `Region: ${sentence(d.regionBasis.en)}. Regions follow the CBS division the release names (its map year); a buurt that does not exist in that division is not counted.`,
  };
}

export function methodologyOf(d: ResolvedIndicator): Methodology {
  return {
    counts: d.methodology,
    excluded: excludedText(d),
    rounding: roundingText(d),
    regionBasis: regionBasisText(d),
  };
}

/** The whole text, one paragraph per part, as the API and the dashboard show it. */
export function methodologyText(d: ResolvedIndicator): Bilingual {
  const m = methodologyOf(d);
  const parts = [m.counts, m.excluded, m.rounding, m.regionBasis];
  return {
    nl: parts.map((p) => p.nl).join('\n\n'),
    en: parts.map((p) => p.en).join('\n\n'),
  };
}
