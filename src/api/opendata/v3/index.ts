/** The OData v3 feed (opendata.cbs.nl): routes, URL casing and the model of a release. */
export { registerV3Routes, canonicalV3Url, CATALOG_ROOT, API_ROOT, FEED_ROOT } from './routes.js';
export type { V3Options } from './routes.js';
export {
  buildV3Model,
  buildTablesSet,
  metadataXmlV3,
  catalogMetadataXmlV3,
  findSet,
  tableShape,
  SET,
  DATA_SETS,
  DATA_DIMENSIONS,
  CONFIDENTIAL_SYMBOL,
} from './model.js';
export type { V3Model, TableListing, TableShape } from './model.js';
