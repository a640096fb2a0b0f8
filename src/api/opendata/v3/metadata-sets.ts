/**
 * The metadata sets of a v3 table as opendata.cbs.nl lays them out: TableInfos (and the
 * catalogue's Tables), DataProperties, CategoryGroups and a code table per dimension.
 */
import type { DatasetIdentity, Dimension, Group, Measure } from '../dataset.js';
import { bool, int, nullableInt, objectSet, str } from '../entity-set.js';
import type { Entity, EntitySet, PropertyDef } from '../entity-set.js';
import { SET, type TableShape } from './vocabulary.js';

export const TABLE_PROPERTIES: PropertyDef[] = [
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
export function tableRow(identity: DatasetIdentity, shape: TableShape): Entity {
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

export const DATA_PROPERTY_PROPERTIES: PropertyDef[] = [
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
export function dataProperties(
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
export function codeSets(dims: readonly Dimension[]): { groups: EntitySet; codes: EntitySet[] } {
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
