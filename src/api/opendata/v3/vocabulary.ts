/** The names of the OData v3 model as opendata.cbs.nl spells them, shared by its builders. */
import { DIMENSION } from '../dataset.js';

export const NAMESPACE = 'Samenzicht.OData';

export const SET = {
  tableInfos: 'TableInfos',
  untyped: 'UntypedDataSet',
  typed: 'TypedDataSet',
  dataProperties: 'DataProperties',
  categoryGroups: 'CategoryGroups',
  tables: 'Tables',
} as const;

/** The data sets; cbsodataR fetches every other set of the service document as metadata. */
export const DATA_SETS: readonly string[] = [SET.typed, SET.untyped];

/**
 * Dimension columns of the data sets in CBS order: the time dimension last, so that rows (sorted
 * by these columns) list a region's years together, as a StatLine table does.
 */
export const DATA_DIMENSIONS = [DIMENSION.breakdown, DIMENSION.region, DIMENSION.period] as const;

/** CBS's symbol for a figure that is secret (our confidential cell) in the UntypedDataSet. */
export const CONFIDENTIAL_SYMBOL = '.';

export interface TableShape {
  /** Rows of the TypedDataSet: the combinations of dimension codes that have a cell. */
  records: number;
  /** Data columns of the TypedDataSet (dimensions and topics; ID aside). */
  columns: number;
}
