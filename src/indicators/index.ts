/**
 * The indicator catalogue: declarative definitions and their validation. The ground truth that
 * tests compare with is test support (test/support/truth).
 */
export * from './schema.js';
export { THEME_TITLES, themeTitle, type ThemeTitle } from './themes.js';
export { loadDefinitions, IndicatorDefinitionError } from './load.js';
export { WITWASGEVOELIGE_SBI, ZORG_SBI } from './sbi.js';
export {
  loadCatalogue,
  loadCatalogueEntries,
  CatalogueFileError,
  SHIPPED_CATALOGUE_DIR,
  type CatalogueEntry,
} from './files.js';
export { CATALOGUE, getIndicator, describeIndicator } from './catalogue.js';
export { methodologyOf, methodologyText, type Methodology } from './methodology.js';
