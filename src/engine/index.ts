/** The computation engine: indicator definitions compiled to DuckDB SQL over the broker tables. */
export { computeIndicators, loadRegions, breakdownKeys, LEVEL_ORDER } from './compute.js';
export type { ComputedCell, ComputeOptions, Region } from './compute.js';
export { explain } from './explain.js';
export { prepareRegionLookup, REGION_LOOKUP } from './division.js';
export type { Explanation, ExplainedQuery } from './explain.js';
export { seriesKey, seriesQuery, unitsQuery } from './plan.js';
export { compileSelect } from './sql.js';
export type { CompiledQuery } from './sql.js';
export { CATALOGUE, getIndicator } from '../indicators/index.js';
export {
  loadSynthAsBroker,
  brokerFromRawTables,
  createRegionHierarchy,
  createRegionConversion,
  hierarchyOf,
} from './fixture.js';
