export * from './format.js';
export {
  writeRelease,
  readReleaseRows,
  readManifest,
  readAudit,
  listReleaseIds,
  releasesDir,
  rowsToCsv,
  hashRows,
  newReleaseId,
  isReleaseId,
} from './store.js';
export type { WrittenRelease } from './store.js';
