/** A broker instance: its configuration file and `init`. */
export * from './config.js';
export * from './run-memory.js';
export {
  initInstance,
  brokerKeysDir,
  brokerDatabasePath,
  type InitOptions,
  type InitResult,
} from './init.js';
export {
  exposedPaths,
  refuseExposedFiles,
  ExposedFilesError,
  type ExposedPath,
} from './permissions.js';
