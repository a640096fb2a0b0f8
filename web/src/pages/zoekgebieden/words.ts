/** The zoekgebieden in words and colours: strictness, q-values, theme counts. */
import type { Zoekgebied } from '../../api.js';
import { NO_DATA } from '../../components/Choropleth.js';
import { formatNumber, type T } from '../../i18n.js';
import { PALETTE } from '../../scale.js';
import type { Lang } from '../../texts.js';

export type Level = 'wijk' | 'buurt';

/** The chosen area and where choosing another leads: the map and the ranking share it. */
export interface AreaChoice {
  selected: Zoekgebied | undefined;
  hrefOf: (code: string) => string;
}

/** False discovery rates offered; the API's default is 0.05. */
export const STRICTNESS: [number, 'zgStrict1' | 'zgStrict5' | 'zgStrict10'][] = [
  [0.01, 'zgStrict1'],
  [0.05, 'zgStrict5'],
  [0.1, 'zgStrict10'],
];
/** Colours by number of themes with a clearly higher value: none, one, two or more. */
export const THEME_FILL: readonly [string, string, string] = [PALETTE[0], PALETTE[2], PALETTE[4]];

export const themeFill = (a: Zoekgebied | undefined): string =>
  a ? THEME_FILL[Math.min(2, a.themeCount) as 0 | 1 | 2] : NO_DATA;

/** A q-value in three decimals; a smaller one as "q < 0,001". */
export function qText(t: T, lang: Lang, q: number): string {
  return q < 0.001
    ? t('zgQSmall', { q: formatNumber(lang, 0.001, 3) })
    : t('zgQValue', {
        q: new Intl.NumberFormat(lang === 'nl' ? 'nl-NL' : 'en-GB', {
          minimumFractionDigits: 3,
          maximumFractionDigits: 3,
        }).format(q),
      });
}

export function themesText(t: T, n: number): string {
  return n === 0 ? t('zgThemes0') : n === 1 ? t('zgThemes1') : t('zgThemesN', { n });
}

export const num = (lang: Lang, v: number | null, digits = 2): string =>
  v === null ? '–' : formatNumber(lang, v, digits);
