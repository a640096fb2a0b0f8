/**
 * The computation engine: indicator definitions compiled to SQL over the broker tables, in DuckDB's
 * dialect (the default) or PostgreSQL's (for PostgreSQL / Citus, past one machine).
 */
export { computeIndicators, loadRegions, breakdownKeys } from './compute.js';
export type { ComputeOptions, Region } from './compute.js';
export { explain } from './explain.js';
export { prepareRegionLookup, REGION_LOOKUP } from './division.js';
export type { Explanation, ExplainedQuery } from './explain.js';
export { seriesKey, seriesQuery, unitsQuery } from './plan.js';
export { compileSelect } from './sql.js';
export type { CompiledQuery } from './sql.js';
export { DUCKDB, POSTGRES, dialectOf } from './dialect.js';
export type { Dialect, DialectName } from './dialect.js';
export { duckdbExecutor, postgresExecutor } from './executor.js';
export type { Executor } from './executor.js';
export { computeIndicatorsOnPostgres, copyBrokerTablesToPostgres } from './postgres.js';
export type { CopyOptions, CopyReport } from './postgres.js';
export { CATALOGUE, getIndicator } from '../indicators/index.js';
