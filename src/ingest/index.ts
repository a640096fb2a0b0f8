export * from './contracts.js';
export { loadContribution, sha256File, ContributionError, QUARANTINE_TABLE } from './load.js';
export type { IngestReport, LoadOptions } from './load.js';
export { REASONS, DATE_RANGE } from './validate.js';
export { writeRegionHierarchy, REGION_TABLE } from './regions-table.js';
