/** A broker instance: its configuration file and `init`. */
export * from './config.js';
export {
  initInstance,
  brokerKeysDir,
  brokerDatabasePath,
  type InitOptions,
  type InitResult,
} from './init.js';
