export * from './contracts.js';
export { loadContribution, ContributionError, QUARANTINE_TABLE } from './load.js';
export { checkColumns } from './stage.js';
export { sha256File } from './sha256.js';
export type { IngestReport, LoadOptions } from './load.js';
export { REASONS, DATE_RANGE } from './validate.js';
export {
  writeRegionHierarchy,
  writeRegionRows,
  regionRows,
  REGION_TABLE,
  CONVERSION_TABLE,
  type RegionRows,
} from './regions-table.js';
export {
  uploadValidator,
  refusalError,
  QUARANTINE_HEADER,
  type UploadValidatorOptions,
} from './upload-validator.js';
export {
  UPLOAD_LIMITS,
  VALIDATOR_RESOURCES,
  LIMIT_NAMES,
  uploadLimits,
  validatorResources,
  type UploadLimits,
  type ValidatorResources,
} from './limits.js';
export { REFUSALS, type RefusalCode, type Refusal, type RefusalDetail } from './refusal.js';
export { sniffEncoding, describeEncoding, type Sniffed } from './encoding.js';
export { scanCsv, type CsvScan } from './csv-scan.js';
export type { ValidatorReport } from './validation-pool.js';
