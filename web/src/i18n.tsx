/** Language context of the dashboard; the texts themselves are in texts.ts. */
import { createContext, useContext } from 'react';
import { translate, type Key, type Lang } from './texts.js';

export {
  compareThemes,
  DICTIONARIES,
  formatNumber,
  THEME_TITLES,
  themeTitle,
  translate,
  type Key,
  type Lang,
} from './texts.js';

export type T = (key: Key, vars?: Record<string, string | number>) => string;

export const LangContext = createContext<{ lang: Lang; t: T; setLang: (l: Lang) => void }>({
  lang: 'nl',
  t: (k, v) => translate('nl', k, v),
  setLang: () => undefined,
});

export function useI18n(): { lang: Lang; t: T; setLang: (l: Lang) => void } {
  return useContext(LangContext);
}
