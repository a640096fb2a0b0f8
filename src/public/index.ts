export * from './surface.js';
export { comparableGemeenten, COMPARABLE_METHOD, type ComparableResult } from './comparable.js';
export {
  findZoekgebieden,
  DEFAULT_FDR,
  ZOEKGEBIEDEN_CAUTION,
  ZOEKGEBIEDEN_METHOD,
  ZoekgebiedenScopeError,
  type Zoekgebied,
  type ZoekgebiedSignal,
  type ZoekgebiedenResult,
} from './zoekgebieden.js';
