/**
 * The public disclosure summary and the approvals of a release, in words of the page language.
 * Pure (no React), so it is unit-tested in Node. Unknown rules or parameters fall back to their
 * identifiers rather than disappear.
 */
import type { PublicManifest, Review, RuleSummary } from './api.js';
import { translate, type Lang } from './texts.js';

type Words = Record<Lang, string>;

/** Each rule of the public audit summary, as a reader would name it. */
export const RULE_NAMES: Readonly<Record<string, Words>> = {
  frequency: { nl: 'Drempel voor kleine aantallen', en: 'Threshold for small counts' },
  zero: { nl: 'Nulwaarden', en: 'Zero values' },
  'nk-dominance': { nl: 'Dominantie van grote bijdragers', en: 'Dominance of large contributors' },
  'p-percent': {
    nl: 'Schatting door een andere bijdrager (p%-regel)',
    en: 'Estimate by another contributor (p% rule)',
  },
  'min-denominator': { nl: 'Minimale noemer', en: 'Minimum denominator' },
  'group-disclosure': {
    nl: 'Groepsonthulling (aandeel van 0% of 100%)',
    en: 'Group disclosure (share of 0% or 100%)',
  },
  'single-value': { nl: 'Mediaan van weinig waarnemingen', en: 'Median of few observations' },
  secondary: {
    nl: 'Terugrekenen uit andere cijfers voorkomen',
    en: 'Recomputation from other figures prevented',
  },
  'linked-denominator': { nl: 'Gedeelde noemer', en: 'Shared denominator' },
  'earlier-release': {
    nl: 'Geheim in een eerdere release',
    en: 'Confidential in an earlier release',
  },
};

/** The rule's name; a rule of a newer server in words of its identifier. */
export function ruleName(rule: string, lang: Lang): string {
  const known = RULE_NAMES[rule]?.[lang];
  if (known) return known;
  const words = humanise(rule);
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function num(lang: Lang, v: number): string {
  return new Intl.NumberFormat(lang === 'nl' ? 'nl-NL' : 'en-GB', {
    maximumFractionDigits: 2,
  }).format(v);
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** One parameter in words, or null when it does not apply (a null value). */
export function parameterWords(key: string, value: unknown, lang: Lang): string | null {
  if (value === null || value === undefined) return null;
  const nl = lang === 'nl';
  switch (key) {
    case 'minFrequency':
      if (!isNum(value)) break;
      if (value === 0) return nl ? 'geen drempel' : 'no threshold';
      return nl ? `drempel ${num(lang, value)} eenheden` : `threshold ${num(lang, value)} units`;
    case 'safetyRange':
      if (!isNum(value)) break;
      return nl ? `veiligheidsmarge ${num(lang, value)}%` : `safety margin ${num(lang, value)}%`;
    case 'minRange':
      if (!isNum(value)) break;
      if (value === 0) return null;
      return nl
        ? `onzekerheid voor een buitenstaander minstens ${num(lang, value)}`
        : `uncertainty for an outsider at least ${num(lang, value)}`;
    case 'zeroPolicy':
      if (value === 'safe')
        return nl ? 'een nul mag gepubliceerd worden' : 'a zero may be published';
      if (value === 'unsafe') return nl ? 'een nul is geheim' : 'a zero is confidential';
      break;
    case 'nk': {
      const v = value as { n?: unknown; k?: unknown };
      if (!isNum(v.n) || !isNum(v.k)) break;
      if (v.n === 1)
        return nl
          ? `de grootste bijdrage hoogstens ${num(lang, v.k)}% van het totaal`
          : `the largest contribution at most ${num(lang, v.k)}% of the total`;
      return nl
        ? `de ${num(lang, v.n)} grootste bijdragen samen hoogstens ${num(lang, v.k)}% van het totaal`
        : `the ${num(lang, v.n)} largest contributions together at most ${num(lang, v.k)}% of the total`;
    }
    case 'pPercent':
      if (!isNum(value)) break;
      return nl
        ? `een bijdrager kan een andere niet tot op ${num(lang, value)}% schatten`
        : `no contributor can estimate another within ${num(lang, value)}%`;
    case 'minDenominator':
      if (!isNum(value)) break;
      return nl
        ? `noemer minstens ${num(lang, value)}`
        : `denominator at least ${num(lang, value)}`;
    case 'groupDisclosure':
      if (!isNum(value)) break;
      return nl
        ? `geen aandeel van 0% of 100% bij een noemer onder ${num(lang, value)}`
        : `no share of 0% or 100% with a denominator below ${num(lang, value)}`;
    case 'valueRoundingBase':
      if (!isNum(value)) break;
      return nl
        ? `waarden afgerond op ${num(lang, value)}`
        : `values rounded to ${num(lang, value)}`;
    case 'roundingBase':
      if (!isNum(value)) break;
      if (value <= 1) return nl ? 'geen afronding' : 'no rounding';
      return nl ? `afronding op ${num(lang, value)}` : `rounding to base ${num(lang, value)}`;
    case 'cost':
      if (value === 'value')
        return nl ? 'zo weinig mogelijk waarde geheim' : 'as little value withheld as possible';
      if (value === 'count')
        return nl ? 'zo weinig mogelijk eenheden geheim' : 'as few units withheld as possible';
      if (value === 'unit')
        return nl ? 'zo weinig mogelijk cijfers geheim' : 'as few figures withheld as possible';
      break;
  }
  return `${humanise(key)}: ${plainValue(value, lang)}`;
}

/** An identifier as words: `minShare` → "min share", `earlier-release` → "earlier release". */
export function humanise(id: string): string {
  return id
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[-_]+/g, ' ')
    .toLowerCase()
    .trim();
}

/** A parameter value of a newer server, in words rather than as JSON. */
function plainValue(value: unknown, lang: Lang): string {
  if (isNum(value)) return num(lang, value);
  if (typeof value === 'boolean')
    return lang === 'nl' ? (value ? 'ja' : 'nee') : value ? 'yes' : 'no';
  if (Array.isArray(value)) return value.map((v) => plainValue(v, lang)).join(', ');
  if (value !== null && typeof value === 'object')
    return Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${humanise(k)} ${plainValue(v, lang)}`)
      .join(', ');
  return humanise(String(value));
}

/** All parameters of one group in words, e.g. "drempel 10 eenheden, afronding op 5". */
export function parametersWords(values: Record<string, unknown>, lang: Lang): string {
  const parts = Object.entries(values)
    .map(([k, v]) => parameterWords(k, v, lang))
    .filter((s): s is string => s !== null);
  return parts.length === 0 ? '–' : parts.join(', ');
}

/**
 * The parameter groups of a rule as lines; a group that does not cover every indicator of the
 * release names its indicators first.
 */
export function ruleParameterLines(
  rule: Pick<RuleSummary, 'parameters'>,
  allIndicators: readonly string[],
  titleOf: (id: string) => string,
  lang: Lang,
): string[] {
  if (rule.parameters.length === 0) return ['–'];
  return rule.parameters.map((g) => {
    const words = parametersWords(g.values, lang);
    const all =
      rule.parameters.length === 1 && allIndicators.every((id) => g.indicators.includes(id));
    return all ? words : `${g.indicators.map(titleOf).join(', ')}: ${words}`;
  });
}

/** Provider organisations by id; proper names, the same in both languages. */
export const PROVIDER_NAMES: Readonly<Record<string, string>> = {
  gemeenten: 'Gemeenten',
  belastingdienst: 'Belastingdienst',
  politie: 'Politie',
  om: 'Openbaar Ministerie',
  kvk: 'KvK',
  kadaster: 'Kadaster',
  fiu: 'FIU-Nederland',
  uwv: 'UWV',
};

export function providerName(id: string): string {
  return PROVIDER_NAMES[id.toLowerCase()] ?? id.charAt(0).toUpperCase() + id.slice(1);
}

/** The capacity a review was given in: a provider, or the governance board. */
export function capacityName(capacity: string, lang: Lang): string {
  if (capacity === 'board') return lang === 'nl' ? 'bestuur' : 'board';
  return providerName(capacity);
}

/**
 * Approvals (or rejections) by capacity, providers first, with a count where one capacity
 * decided more than once: "Politie, Belastingdienst, bestuur (2)". Empty when there are none.
 */
export function reviewsByCapacity(
  reviews: readonly Review[],
  lang: Lang,
  decision: Review['decision'] = 'approve',
): string {
  const counts = new Map<string, number>();
  for (const r of reviews)
    if (r.decision === decision) counts.set(r.capacity, (counts.get(r.capacity) ?? 0) + 1);
  return [...counts.entries()]
    .sort(([a], [b]) => Number(a === 'board') - Number(b === 'board'))
    .map(([c, n]) => (n > 1 ? `${capacityName(c, lang)} (${n})` : capacityName(c, lang)))
    .join(', ');
}

/** The region basis in words: "Regio-indeling 2023 (Bron: CBS, Kadaster)". */
export function regionSetText(lang: Lang, regionSet: PublicManifest['regionSet']): string {
  const base = translate(lang, 'regionSetValue', { year: regionSet.year });
  if (regionSet.kind === 'synthetic') return `${base}: ${translate(lang, 'regionSetSynthetic')}`;
  return `${base} (${translate(lang, 'regionSetSource')})`;
}
