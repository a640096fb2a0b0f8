/**
 * The OData v3 model of a release as opendata.cbs.nl spells it, so that cbsodataR and Python
 * cbsodata read it unchanged: TableInfos, DataProperties (dimensions, topic groups, topics),
 * CategoryGroups, one code table per dimension named like the dimension (Perioden, RegioS,
 * Breakdown: Key, Title, …), and the wide TypedDataSet/UntypedDataSet with one row per
 * combination of dimension codes and one column per topic. Plus the catalogue set Tables.
 * Pure: no HTTP here.
 */
import {
  DIMENSION,
  figureOf,
  figuresOf,
  type DatasetIdentity,
  type Dimension,
  type Figure,
  type Group,
  type Measure,
  type ReleaseDataset,
} from '../dataset.js';
import {
  bool,
  columnarSet,
  dbl,
  int,
  nullableInt,
  objectSet,
  str,
  type Entity,
  type EntitySet,
  type PropertyDef,
  type Value,
} from '../entity-set.js';
import { xmlEscape } from '../http.js';
import type { IndicatorSummary, PublicCell } from '../types.js';

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

// ---- combinations of dimension codes --------------------------------------------------------

/** How each cell indexes one dimension (0..size-1), in the order the rows should sort. */
interface DimensionIndex {
  of: (cell: PublicCell) => number;
  size: number;
}

/** One mixed-radix number per cell: its combination of dimension codes, sortable as numbers. */
function combinationKeys(
  cells: readonly PublicCell[],
  dims: readonly DimensionIndex[],
): Float64Array {
  const keys = new Float64Array(cells.length);
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i] as PublicCell;
    let k = 0;
    for (const d of dims) k = k * d.size + d.of(cell);
    keys[i] = k;
  }
  return keys;
}

/** The distinct keys, ascending (a typed array sorts numerically). */
function distinctSorted(keys: Float64Array): Float64Array {
  const sorted = keys.slice().sort();
  let n = 0;
  for (let i = 0; i < sorted.length; i++) {
    if (n === 0 || sorted[i] !== sorted[n - 1]) sorted[n++] = sorted[i] as number;
  }
  return sorted.slice(0, n);
}

function indexOfSorted(sorted: Float64Array, key: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = sorted[mid] as number;
    if (v === key) return mid;
    if (v < key) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** A dimension index that numbers values as they are first seen. */
function firstSeen<T>(read: (c: PublicCell) => T, cells: readonly PublicCell[]): DimensionIndex {
  const ids = new Map<T, number>();
  for (const c of cells) {
    const v = read(c);
    if (!ids.has(v)) ids.set(v, ids.size);
  }
  return { of: (c) => ids.get(read(c)) as number, size: Math.max(1, ids.size) };
}

export interface TableShape {
  /** Rows of the TypedDataSet: the combinations of dimension codes that have a cell. */
  records: number;
  /** Data columns of the TypedDataSet (dimensions and topics; ID aside). */
  columns: number;
}

/**
 * RecordCount and ColumnCount of a release without building its dataset (for the Tables list),
 * counted the way buildV3Model lays the data sets out.
 */
export function tableShape(
  cells: readonly PublicCell[],
  indicators: readonly IndicatorSummary[],
): TableShape {
  const dims = [
    firstSeen((c) => c.breakdown, cells),
    firstSeen((c) => c.region_code, cells),
    firstSeen((c) => c.year, cells),
  ];
  const records = distinctSorted(combinationKeys(cells, dims)).length;
  const kind = new Map(indicators.map((i) => [i.id, i.kind]));
  let topics = 0;
  for (const id of new Set(cells.map((c) => c.indicator_id)))
    topics += figuresOf(kind.get(id) ?? '').length;
  return { records, columns: DATA_DIMENSIONS.length + topics };
}

// ---- the data sets --------------------------------------------------------------------------

/**
 * The cells of a release grouped by row (combination), without a row object: `members` lists
 * cell numbers row after row, `start[r]..start[r+1]` being row r's. A national release has
 * millions of cells over hundreds of thousands of rows, too sparse for a dense rows×indicators
 * grid; this costs six bytes per cell.
 */
interface DataRows {
  size: number;
  /** Code index of each row in each of DATA_DIMENSIONS. */
  codeOf: Uint32Array[];
  start: Uint32Array;
  members: Uint32Array;
  /** Index (into the indicator list) of each cell's indicator. */
  indicatorOf: Uint16Array;
}

function codeIndex(dimension: Dimension): Map<string, number> {
  return new Map(dimension.codes.map((c, i) => [c.id, i]));
}

function dataRows(
  dataset: ReleaseDataset,
  dims: readonly Dimension[],
  indicators: string[],
): DataRows {
  const { cells } = dataset;
  const readers: Record<string, (c: PublicCell) => string> = {
    [DIMENSION.period]: (c) => dataset.periodCode(c.year),
    [DIMENSION.region]: (c) => c.region_code,
    [DIMENSION.breakdown]: (c) => dataset.breakdownCode(c.breakdown),
  };
  const index = dims.map((d): DimensionIndex => {
    const codes = codeIndex(d);
    const read = readers[d.id] as (c: PublicCell) => string;
    return { of: (c) => codes.get(read(c)) as number, size: Math.max(1, d.codes.length) };
  });
  const keys = combinationKeys(cells, index);
  const rows = distinctSorted(keys);
  const size = rows.length;
  const codeOf = dims.map(() => new Uint32Array(size));
  for (let r = 0; r < size; r++) {
    let k = rows[r] as number;
    for (let d = dims.length - 1; d >= 0; d--) {
      const radix = (index[d] as DimensionIndex).size;
      (codeOf[d] as Uint32Array)[r] = k % radix;
      k = Math.floor(k / radix);
    }
  }
  // Counting sort of the cells by row.
  const rowOf = new Uint32Array(cells.length);
  const start = new Uint32Array(size + 1);
  for (let i = 0; i < cells.length; i++) {
    const r = indexOfSorted(rows, keys[i] as number);
    rowOf[i] = r;
    start[r + 1] = (start[r + 1] as number) + 1;
  }
  for (let r = 0; r < size; r++) start[r + 1] = (start[r + 1] as number) + (start[r] as number);
  const fill = start.slice(0, size);
  const members = new Uint32Array(cells.length);
  for (let i = 0; i < cells.length; i++) {
    const r = rowOf[i] as number;
    members[fill[r] as number] = i;
    fill[r] = (fill[r] as number) + 1;
  }
  const indicatorIndex = new Map(indicators.map((id, i) => [id, i]));
  const indicatorOf = new Uint16Array(cells.length);
  for (let i = 0; i < cells.length; i++)
    indicatorOf[i] = indicatorIndex.get((cells[i] as PublicCell).indicator_id) ?? 0;
  return { size, codeOf, start, members, indicatorOf };
}

/**
 * The cell of (row, indicator), or -1. Reading an entity reads all columns of one row in turn,
 * so the row's cells are spread once into a slot per indicator and reused until the row changes.
 */
function cellReader(
  rows: DataRows,
  indicatorCount: number,
): (row: number, indicator: number) => number {
  const slots = new Int32Array(indicatorCount);
  let current = -1;
  return (row, indicator) => {
    if (row !== current) {
      slots.fill(-1);
      for (let m = rows.start[row] as number; m < (rows.start[row + 1] as number); m++) {
        const cell = rows.members[m] as number;
        slots[rows.indicatorOf[cell] as number] = cell;
      }
      current = row;
    }
    return slots[indicator] as number;
  };
}

/** A figure as a plain decimal string (never exponent notation, which String() may give). */
export function decimalString(v: number): string {
  const s = String(v);
  return s.includes('e')
    ? v.toLocaleString('en-US', { useGrouping: false, maximumFractionDigits: 20 })
    : s;
}

function dataSets(
  dataset: ReleaseDataset,
  dims: readonly Dimension[],
  topics: readonly Measure[],
): { typed: EntitySet; untyped: EntitySet } {
  const indicators = [...new Set(topics.map((m) => m.indicator))];
  const rows = dataRows(dataset, dims, indicators);
  const cellAt = cellReader(rows, indicators.length);
  const { cells } = dataset;
  const dimColumns: Record<string, (i: number) => Value> = { ID: (i) => i };
  dims.forEach((d, k) => {
    const codes = d.codes.map((c) => c.id);
    const codeOf = rows.codeOf[k] as Uint32Array;
    dimColumns[d.id] = (i) => codes[codeOf[i] as number] as string;
  });
  const typed: Record<string, (i: number) => Value> = { ...dimColumns };
  const untyped: Record<string, (i: number) => Value> = { ...dimColumns };
  for (const m of topics) {
    if (Object.hasOwn(dimColumns, m.id))
      throw new Error(`topic ${m.id} would share its name with a column of the data sets`);
    const indicator = indicators.indexOf(m.indicator);
    const figure: Figure = m.figure;
    typed[m.id] = (i) => {
      const c = cellAt(i, indicator);
      return c < 0 ? null : figureOf(cells[c] as PublicCell, figure);
    };
    untyped[m.id] = (i) => {
      const c = cellAt(i, indicator);
      if (c < 0) return null;
      const cell = cells[c] as PublicCell;
      if (cell.status === 'confidential') return CONFIDENTIAL_SYMBOL;
      const v = figureOf(cell, figure);
      return v === null ? null : decimalString(v);
    };
  }
  const head: PropertyDef[] = [int('ID'), ...dims.map((d) => str(d.id))];
  const indexed = dims.map((d) => d.id);
  return {
    typed: columnarSet(
      SET.typed,
      'TypedData',
      'ID',
      [...head, ...topics.map((m) => dbl(m.id))],
      rows.size,
      typed,
      indexed,
    ),
    untyped: columnarSet(
      SET.untyped,
      'UntypedData',
      'ID',
      [...head, ...topics.map((m) => str(m.id, true))],
      rows.size,
      untyped,
      indexed,
    ),
  };
}

// ---- metadata sets --------------------------------------------------------------------------

const TABLE_PROPERTIES: PropertyDef[] = [
  int('ID'),
  str('Title'),
  str('ShortTitle'),
  str('Identifier'),
  str('Summary'),
  str('Modified'),
  str('MetaDataModified'),
  str('ReasonDelivery'),
  str('ExplanatoryText'),
  str('OutputStatus'),
  str('Source'),
  str('Language'),
  str('Catalog'),
  str('Frequency'),
  str('Period'),
  str('ShortDescription'),
  str('Description'),
  int('Version'),
  int('RecordCount'),
  int('ColumnCount'),
  str('License'),
];

const EXPLANATORY_TEXT =
  "Een geheim cijfer is leeg (null) in TypedDataSet en '.' in UntypedDataSet; een cijfer dat " +
  'niet kan voorkomen, of waarvoor geen cel is, is leeg in beide.';

/** The description of a release as a table: TableInfos and its row in Tables. */
function tableRow(identity: DatasetIdentity, shape: TableShape): Entity {
  const coverage = identity.temporalCoverage;
  return {
    ID: identity.version,
    Title: identity.title,
    ShortTitle: coverage ? `Indicatoren per regio, ${coverage}` : 'Indicatoren per regio',
    Identifier: identity.identifier,
    Summary: `Indicatoren per jaar, regio en uitsplitsing\nPerioden: ${coverage}`,
    Modified: identity.modified,
    MetaDataModified: identity.modified,
    ReasonDelivery: identity.reason,
    ExplanatoryText: EXPLANATORY_TEXT,
    OutputStatus: identity.status,
    Source: 'Samenzicht',
    Language: identity.language,
    Catalog: identity.catalog,
    Frequency: identity.frequency,
    Period: coverage,
    ShortDescription: identity.description,
    Description: `${identity.description}\n\nVersie ${identity.version}: ${identity.reason}\n\nLicentie: ${identity.license}.`,
    Version: identity.version,
    RecordCount: shape.records,
    ColumnCount: shape.columns,
    License: identity.license,
  };
}

export interface TableListing {
  identity: DatasetIdentity;
  shape: TableShape;
  /** Absolute URLs of the table in the two services. */
  apiUrl: string;
  feedUrl: string;
}

/** `ODataCatalog/Tables`: one row per published release, as opendata.cbs.nl lists its tables. */
export function buildTablesSet(tables: readonly TableListing[]): EntitySet {
  return objectSet(
    SET.tables,
    'Table',
    'ID',
    [...TABLE_PROPERTIES, str('Updated'), str('ApiUrl'), str('FeedUrl')],
    tables.map((t) => ({
      ...tableRow(t.identity, t.shape),
      Updated: t.identity.modified,
      ApiUrl: t.apiUrl,
      FeedUrl: t.feedUrl,
    })),
  );
}

const DATA_PROPERTY_PROPERTIES: PropertyDef[] = [
  int('ID'),
  nullableInt('Position'),
  nullableInt('ParentID'),
  str('Type'),
  str('Key'),
  str('Title'),
  str('Description', true),
  bool('ReleasePolicy'),
  str('Datatype', true),
  str('Unit', true),
  nullableInt('Decimals'),
  str('Default', true),
  str('PresentationType', true),
  nullableInt('MapYear'),
];

/**
 * DataProperties: the dimensions in column order, then the topic groups (themes, and per
 * indicator a group) depth first, each followed by its topics. A topic's Position is its column
 * in the data sets, so the data sets take their topic columns in this order.
 *
 * ReleasePolicy is true for the time dimension only: its codes carry a Status (Definitief), as
 * CBS does. Default is 'Missing' for every topic: an empty figure is unknown or secret, never a
 * zero; dimensions and groups have no Default.
 */
function dataProperties(
  dims: readonly Dimension[],
  measures: readonly Measure[],
  groups: readonly Group[],
): { rows: Entity[]; topics: Measure[] } {
  const rows: Entity[] = [];
  let position = 0;
  const blank = {
    Datatype: null,
    Unit: null,
    Decimals: null,
    Default: null,
    PresentationType: null,
  };
  for (const d of dims) {
    rows.push({
      ID: rows.length,
      Position: position++,
      ParentID: null,
      Type: d.kind,
      Key: d.id,
      Title: d.title,
      Description: d.description,
      ReleasePolicy: d.kind === 'TimeDimension',
      ...blank,
      MapYear: d.kind === 'GeoDimension' ? d.mapYear : null,
    });
  }
  const topics: Measure[] = [];
  const topic = (m: Measure, parent: number | null) => {
    topics.push(m);
    rows.push({
      ID: rows.length,
      Position: position++,
      ParentID: parent,
      Type: 'Topic',
      Key: m.id,
      Title: m.title,
      Description: m.description,
      ReleasePolicy: false,
      Datatype: m.dataType,
      Unit: m.unit,
      Decimals: m.decimals,
      Default: 'Missing',
      PresentationType: m.presentationType,
      MapYear: null,
    });
  };
  const known = new Set(groups.map((g) => g.id));
  const children = (parent: string | null) =>
    groups.filter(
      (g) => (g.parentId !== null && known.has(g.parentId) ? g.parentId : null) === parent,
    );
  const visit = (g: Group, parent: number | null) => {
    const id = rows.length;
    rows.push({
      ID: id,
      Position: null,
      ParentID: parent,
      Type: 'TopicGroup',
      Key: g.id,
      Title: g.title,
      Description: g.description,
      ReleasePolicy: false,
      ...blank,
      MapYear: null,
    });
    for (const m of measures) if (m.groupId === g.id) topic(m, id);
    for (const c of children(g.id)) visit(c, id);
  };
  for (const g of children(null)) visit(g, null);
  // A measure outside every group still gets its column.
  for (const m of measures) if (!known.has(m.groupId)) topic(m, null);
  return { rows, topics };
}

/** CategoryGroups (numbered from 1 over all dimensions) and the code table of each dimension. */
function codeSets(dims: readonly Dimension[]): { groups: EntitySet; codes: EntitySet[] } {
  const groupRows: Entity[] = [];
  const codes: EntitySet[] = [];
  for (const d of dims) {
    const ids = new Map(d.groups.map((g, i) => [g.id, groupRows.length + i + 1]));
    for (const g of d.groups) {
      groupRows.push({
        ID: ids.get(g.id) as number,
        DimensionKey: d.id,
        Title: g.title,
        Description: g.description,
        ParentID: g.parentId === null ? null : (ids.get(g.parentId) ?? null),
      });
    }
    const props: PropertyDef[] = [
      str('Key'),
      str('Title'),
      str('Description', true),
      nullableInt('CategoryGroupID'),
    ];
    if (d.kind === 'TimeDimension') props.push(str('Status'));
    if (d.kind === 'GeoDimension') props.push(str('Level', true), str('ParentKey', true));
    const rows = d.codes.map((c) => {
      const row: Entity = {
        Key: c.id,
        Title: c.title,
        Description: c.description,
        CategoryGroupID: c.groupId === null ? null : (ids.get(c.groupId) ?? null),
      };
      if (d.kind === 'TimeDimension') row['Status'] = 'Definitief';
      if (d.kind === 'GeoDimension') {
        row['Level'] = c.level ?? null;
        row['ParentKey'] = c.parent ?? null;
      }
      return row;
    });
    codes.push(objectSet(d.id, `${d.id}Category`, 'Key', props, rows));
  }
  const groups = objectSet(
    SET.categoryGroups,
    'CategoryGroup',
    'ID',
    [
      int('ID'),
      str('DimensionKey'),
      str('Title'),
      str('Description', true),
      nullableInt('ParentID'),
    ],
    groupRows,
  );
  return { groups, codes };
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

// ---- $metadata ------------------------------------------------------------------------------

/** EDMX 1.0 with a CSDL v3 schema, as WCF Data Services (and so opendata.cbs.nl) writes it. */
export function csdlV3(containerName: string, sets: Iterable<EntitySet>): string {
  const list = [...sets];
  const types = list
    .map((s) => {
      const props = s.properties
        .map(
          (p) =>
            `        <Property Name="${xmlEscape(p.name)}" Type="${p.type}" Nullable="${p.nullable ? 'true' : 'false'}"/>`,
        )
        .join('\n');
      return `      <EntityType Name="${xmlEscape(s.typeName)}">\n        <Key><PropertyRef Name="${xmlEscape(s.key)}"/></Key>\n${props}\n      </EntityType>`;
    })
    .join('\n');
  const container = list
    .map(
      (s) =>
        `        <EntitySet Name="${xmlEscape(s.name)}" EntityType="${NAMESPACE}.${xmlEscape(s.typeName)}"/>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="utf-8" standalone="yes"?>
<edmx:Edmx Version="1.0" xmlns:edmx="http://schemas.microsoft.com/ado/2007/06/edmx">
  <edmx:DataServices m:DataServiceVersion="3.0" m:MaxDataServiceVersion="3.0" xmlns:m="http://schemas.microsoft.com/ado/2007/08/dataservices/metadata">
    <Schema Namespace="${NAMESPACE}" xmlns="http://schemas.microsoft.com/ado/2009/11/edm">
${types}
      <EntityContainer Name="${xmlEscape(containerName)}" m:IsDefaultEntityContainer="true">
${container}
      </EntityContainer>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>
`;
}

/** A valid SimpleIdentifier for the entity container of a release. */
function containerNameOf(identifier: string): string {
  return `Table_${identifier}`.replace(/[^A-Za-z0-9_]/g, '_');
}

export function metadataXmlV3(model: V3Model): string {
  return csdlV3(containerNameOf(model.identifier), model.sets.values());
}

/** `$metadata` of the catalogue service (the Tables set). */
export function catalogMetadataXmlV3(): string {
  return csdlV3('Catalog', [buildTablesSet([])]);
}
