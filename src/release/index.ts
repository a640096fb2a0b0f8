export * from './format.js';
export {
  writeRelease,
  publicSide,
  readReleaseRows,
  releaseRowFromCsvLine,
  readPublicCells,
  readManifest,
  readPublicManifest,
  readAudit,
  listReleaseIds,
  releasesDir,
  rowsToCsv,
  publicCellsToCsv,
  publicCellsFile,
  newReleaseId,
  isReleaseId,
} from './store.js';
export type { WrittenRelease, ReleaseContent, PublicCellsFile } from './store.js';
export * from './integrity.js';
export * from './csv.js';
