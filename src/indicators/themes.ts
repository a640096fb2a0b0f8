/**
 * The themes that group indicators, with their names in both languages of the dashboard. A theme
 * of Zicht op Ondermijning is a kind of sign (drugs, vastgoed, …), not a data source. Imports
 * nothing: the dashboard bundles it too (web/src/texts.ts).
 */
export interface ThemeTitle {
  nl: string;
  en: string;
}

/** In the order the dashboard and the open data list them. */
export const THEME_TITLES = {
  drugs: { nl: 'Drugs', en: 'Drugs' },
  vastgoed: { nl: 'Vastgoed', en: 'Real estate' },
  verdachte_transacties: { nl: 'Verdachte transacties', en: 'Suspicious transactions' },
  branches: { nl: 'Kwetsbare branches', en: 'Vulnerable sectors' },
  zorg: { nl: 'Zorg', en: 'Care' },
  jonge_aanwas: { nl: 'Jonge aanwas', en: 'Young recruits' },
  kwetsbaarheid: { nl: 'Kwetsbaarheid', en: 'Vulnerability' },
  context: { nl: 'Context', en: 'Context' },
} as const satisfies Record<string, ThemeTitle>;

export type Theme = keyof typeof THEME_TITLES;

export const THEMES = Object.keys(THEME_TITLES) as [Theme, ...Theme[]];

/** The theme's title; an unknown id (a newer server's theme) keeps its id as its title. */
export function themeTitle(id: string): ThemeTitle {
  return Object.hasOwn(THEME_TITLES, id) ? THEME_TITLES[id as Theme] : { nl: id, en: id };
}

/** Known themes in their order, then unknown ones by id. */
export function compareThemes(a: string, b: string): number {
  const rank = (id: string): number => {
    const i = THEMES.indexOf(id as Theme);
    return i === -1 ? THEMES.length : i;
  };
  return rank(a) - rank(b) || a.localeCompare(b);
}
