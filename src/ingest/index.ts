export * from './contracts.js';
export { loadContribution, ContributionError, QUARANTINE_TABLE } from './load.js';
export { sha256File } from './sha256.js';
export type { IngestReport, LoadOptions } from './load.js';
export { REASONS, DATE_RANGE } from './validate.js';
export { writeRegionHierarchy, REGION_TABLE, CONVERSION_TABLE } from './regions-table.js';
export { uploadValidator, QUARANTINE_HEADER, SCRATCH_LIMITS } from './upload-validator.js';
