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
export {
  compareReleases,
  compareChanges,
  cellKey,
  CHANGE_KINDS,
  type CellChange,
  type ChangeCounts,
  type ChangeKind,
  type ChangeSide,
  type ChangeSummary,
  type IndicatorChangeCounts,
  type ReleaseComparison,
} from './changes.js';
