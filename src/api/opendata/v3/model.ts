/**
 * The OData v3 model of a release as opendata.cbs.nl spells it, so that cbsodataR and Python
 * cbsodata read it unchanged: TableInfos, DataProperties (dimensions, topic groups, topics),
 * CategoryGroups, one code table per dimension named like the dimension (Perioden, RegioS,
 * Breakdown: Key, Title, …), and the wide TypedDataSet/UntypedDataSet with one row per
 * combination of dimension codes and one column per topic. Plus the catalogue set Tables.
 * Pure: no HTTP here.
 */
import type { ReleaseDataset } from '../dataset.js';
import { objectSet, type EntitySet } from '../entity-set.js';
import { dataSets } from './data-sets.js';
import {
  codeSets,
  DATA_PROPERTY_PROPERTIES,
  dataProperties,
  TABLE_PROPERTIES,
  tableRow,
} from './metadata-sets.js';
import { DATA_DIMENSIONS, SET, type TableShape } from './vocabulary.js';

export {
  CONFIDENTIAL_SYMBOL,
  DATA_DIMENSIONS,
  DATA_SETS,
  NAMESPACE,
  SET,
  type TableShape,
} from './vocabulary.js';
export { tableShape } from './combinations.js';
export { decimalString } from './data-sets.js';
export { buildTablesSet, type TableListing } from './metadata-sets.js';
export { catalogMetadataXmlV3, csdlV3, metadataXmlV3 } from './csdl.js';

export interface V3Model {
  identifier: string;
  /** In the order of the service document (as opendata.cbs.nl lists them). */
  sets: Map<string, EntitySet>;
}

/** A set by name in any case: CBS's server, and so its clients, do not mind the case. */
export function findSet(
  model: { sets: Map<string, EntitySet> },
  name: string,
): EntitySet | undefined {
  const exact = model.sets.get(name);
  if (exact) return exact;
  const lower = name.toLowerCase();
  for (const [n, s] of model.sets) if (n.toLowerCase() === lower) return s;
  return undefined;
}

export function buildV3Model(dataset: ReleaseDataset): V3Model {
  const dims = DATA_DIMENSIONS.map((id) => {
    const d = dataset.dimensions.find((x) => x.id === id);
    if (!d) throw new Error(`the dataset has no dimension ${id}`);
    return d;
  });
  const { rows: propertyRows, topics } = dataProperties(
    dims,
    dataset.measures,
    dataset.measureGroups,
  );
  const { typed, untyped } = dataSets(dataset, dims, topics);
  const { groups, codes } = codeSets(dims);
  const shape: TableShape = { records: typed.size, columns: dims.length + topics.length };
  const sets = new Map<string, EntitySet>();
  for (const s of [
    objectSet(SET.tableInfos, 'TableInfo', 'ID', TABLE_PROPERTIES, [tableRow(dataset, shape)]),
    untyped,
    typed,
    objectSet(SET.dataProperties, 'DataProperty', 'ID', DATA_PROPERTY_PROPERTIES, propertyRows),
    groups,
    ...codes,
  ])
    sets.set(s.name, s);
  return { identifier: dataset.identifier, sets };
}
