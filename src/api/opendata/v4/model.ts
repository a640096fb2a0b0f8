/**
 * The OData v4 model of a release as datasets.cbs.nl spells it: Observations in the long format
 * (Id, Measure, ValueAttribute, Value, StringValue, one column per dimension), Dimensions,
 * MeasureCodes, MeasureGroups, <Dimension>Codes and <Dimension>Groups, and the Properties
 * singleton; plus the catalogue sets Datasets and Catalogs. Pure: no HTTP here.
 */
import { bool, columnarSet, dbl, int, nullableInt, objectSet, str } from '../entity-set.js';
import type { Entity, EntitySet, PropertyDef, Value } from '../entity-set.js';
import {
  figureOf,
  VALUE_ATTRIBUTE,
  type DatasetIdentity,
  type Dimension,
  type Figure,
  type Group,
  type Measure,
  type ReleaseDataset,
} from '../dataset.js';
import { xmlEscape, type CatalogEntry } from '../http.js';

export const NAMESPACE = 'Samenzicht.OData';

export interface Singleton {
  name: string;
  typeName: string;
  properties: PropertyDef[];
  value: Entity;
}

export interface V4Model {
  /** The release id, or null for the catalogue service. */
  releaseId: string | null;
  sets: Map<string, EntitySet>;
  singletons: Map<string, Singleton>;
}

const groupProps = [
  str('Id'),
  int('Index'),
  str('Title'),
  str('Description'),
  str('ParentId', true),
];
const groupRows = (groups: readonly Group[]): Entity[] =>
  groups.map((g) => ({
    Id: g.id,
    Index: g.index,
    Title: g.title,
    Description: g.description,
    ParentId: g.parentId,
  }));

/** `#,0` or `#,0.0…`: how a client formats the measure. */
function formatOf(decimals: number): string {
  return decimals === 0 ? '#,0' : `#,0.${'0'.repeat(decimals)}`;
}

const PROPERTIES: PropertyDef[] = [
  str('Identifier'),
  str('Title'),
  str('Description'),
  str('Language'),
  str('Catalog'),
  int('Version'),
  str('VersionReason'),
  str('Status'),
  str('Modified'),
  str('ObservationsModified'),
  str('License'),
  str('Frequency'),
  str('TemporalCoverage'),
  int('ObservationCount', 'Edm.Int64'),
  str('DatasetType'),
  str('Source'),
];

function propertiesOf(identity: DatasetIdentity, observationCount: number): Entity {
  return {
    Identifier: identity.identifier,
    Title: identity.title,
    Description: identity.description,
    Language: identity.language,
    Catalog: identity.catalog,
    Version: identity.version,
    VersionReason: identity.reason,
    Status: identity.status,
    Modified: identity.modified,
    ObservationsModified: identity.modified,
    License: identity.license,
    Frequency: identity.frequency,
    TemporalCoverage: identity.temporalCoverage,
    ObservationCount: observationCount,
    DatasetType: identity.datasetType,
    Source: 'Samenzicht',
  };
}

/** Observations in the long format: one row per (cell, measure), one column per dimension. */
function observationsSet(d: ReleaseDataset): EntitySet {
  const { cells, measures, observations } = d;
  const { cellOf, measureOf } = observations;
  const cell = (i: number) => cells[cellOf[i] as number] as NonNullable<(typeof cells)[number]>;
  const periodOf = new Map<number, string>();
  for (const y of new Set(cells.map((c) => c.year))) periodOf.set(y, d.periodCode(y));
  const measureIds = measures.map((m) => m.id);
  const figures = measures.map((m) => m.figure);

  const columns: Record<string, (i: number) => Value> = {
    Id: (i) => i,
    Measure: (i) => measureIds[measureOf[i] as number] as string,
    ValueAttribute: (i) => VALUE_ATTRIBUTE[cell(i).status],
    Value: (i) => figureOf(cell(i), figures[measureOf[i] as number] as Figure),
    StringValue: () => null,
    Perioden: (i) => periodOf.get(cell(i).year) as string,
    RegioS: (i) => cell(i).region_code,
    Breakdown: (i) => d.breakdownCode(cell(i).breakdown),
  };
  return columnarSet(
    'Observations',
    'Observation',
    'Id',
    [
      int('Id', 'Edm.Int64'),
      str('Measure'),
      str('ValueAttribute'),
      dbl('Value'),
      str('StringValue', true),
      ...d.dimensions.map((dim) => str(dim.id)),
    ],
    observations.size,
    columns,
    ['RegioS', 'Measure', 'Perioden'],
  );
}

/** What every code list of the feed has first (dimensions, measures, the codes of a dimension). */
interface Coded {
  id: string;
  index: number;
  title: string;
  description: string;
}

/** A code list: Identifier, Index, Title and Description, then `props` from `rest`. */
function codeListSet<T extends Coded>(
  name: string,
  typeName: string,
  props: readonly PropertyDef[],
  items: readonly T[],
  rest: (item: T) => Entity,
): EntitySet {
  return objectSet(
    name,
    typeName,
    'Identifier',
    [str('Identifier'), int('Index'), str('Title'), str('Description'), ...props],
    items.map((x) => ({
      Identifier: x.id,
      Index: x.index,
      Title: x.title,
      Description: x.description,
      ...rest(x),
    })),
  );
}

const dimensionsSet = (dimensions: readonly Dimension[]): EntitySet =>
  codeListSet(
    'Dimensions',
    'Dimension',
    [str('Kind'), nullableInt('MapYear'), bool('ReleasePolicy'), bool('ContainsGroups')],
    dimensions,
    (dim) => ({
      Kind: dim.kind,
      MapYear: dim.mapYear,
      // Every code of a release is final when published: there are no provisional figures.
      ReleasePolicy: false,
      ContainsGroups: dim.groups.length > 0,
    }),
  );

const measureCodesSet = (measures: readonly Measure[]): EntitySet =>
  codeListSet(
    'MeasureCodes',
    'MeasureCode',
    [
      str('MeasureGroupId', true),
      str('DataType'),
      str('Unit'),
      int('Decimals'),
      str('Format'),
      str('PresentationType'),
    ],
    measures,
    (m) => ({
      MeasureGroupId: m.groupId,
      DataType: m.dataType,
      Unit: m.unit,
      Decimals: m.decimals,
      Format: formatOf(m.decimals),
      PresentationType: m.presentationType,
    }),
  );

/** `<Dimension>Codes`: a region has a level and parent, a period a status. */
function dimensionCodesSet(dim: Dimension): EntitySet {
  const extra: PropertyDef[] =
    dim.kind === 'GeoDimension'
      ? [str('Level'), str('ParentCode', true)]
      : dim.kind === 'TimeDimension'
        ? [str('Status')]
        : [];
  return codeListSet(
    `${dim.id}Codes`,
    `${dim.id}Code`,
    [str('DimensionGroupId', true), ...extra],
    dim.codes,
    (c) => ({
      DimensionGroupId: c.groupId,
      ...(dim.kind === 'GeoDimension'
        ? { Level: c.level ?? null, ParentCode: c.parent ?? null }
        : {}),
      ...(dim.kind === 'TimeDimension' ? { Status: 'Definitief' } : {}),
    }),
  );
}

export function buildV4Model(d: ReleaseDataset): V4Model {
  const sets = new Map<string, EntitySet>();
  const add = (s: EntitySet) => sets.set(s.name, s);
  add(observationsSet(d));
  add(dimensionsSet(d.dimensions));
  add(measureCodesSet(d.measures));
  add(objectSet('MeasureGroups', 'MeasureGroup', 'Id', groupProps, groupRows(d.measureGroups)));
  for (const dim of d.dimensions) {
    add(dimensionCodesSet(dim));
    add(objectSet(`${dim.id}Groups`, `${dim.id}Group`, 'Id', groupProps, groupRows(dim.groups)));
  }
  const singletons = new Map<string, Singleton>([
    [
      'Properties',
      {
        name: 'Properties',
        typeName: 'DatasetProperties',
        properties: PROPERTIES,
        value: propertiesOf(d, d.observations.size),
      },
    ],
  ]);
  return { releaseId: d.identifier, sets, singletons };
}

export interface CatalogInfo {
  identifier: string;
  title: string;
  description: string;
  homepage: string;
}

/** The catalogue service at the root of the feed: Datasets and Catalogs. */
export function buildCatalogModel(catalog: CatalogInfo, entries: readonly CatalogEntry[]): V4Model {
  const sets = new Map<string, EntitySet>();
  sets.set(
    'Datasets',
    objectSet(
      'Datasets',
      'Dataset',
      'Identifier',
      [
        str('Identifier'),
        str('Catalog'),
        str('Title'),
        str('Description'),
        str('Language'),
        str('Modified'),
        str('ObservationsModified'),
        int('ObservationCount', 'Edm.Int64'),
        str('DatasetType'),
        str('Status'),
        int('Version'),
        str('VersionReason'),
        str('Frequency'),
        str('TemporalCoverage'),
        str('License'),
      ],
      entries.map(({ identity: d, observationCount }) => ({
        Identifier: d.identifier,
        Catalog: d.catalog,
        Title: d.title,
        Description: d.description,
        Language: d.language,
        Modified: d.modified,
        ObservationsModified: d.modified,
        ObservationCount: observationCount,
        DatasetType: d.datasetType,
        Status: d.status,
        Version: d.version,
        VersionReason: d.reason,
        Frequency: d.frequency,
        TemporalCoverage: d.temporalCoverage,
        License: d.license,
      })),
    ),
  );
  sets.set(
    'Catalogs',
    objectSet(
      'Catalogs',
      'Catalog',
      'Identifier',
      [
        str('Identifier'),
        int('Index'),
        str('Title'),
        str('Description'),
        str('Publisher'),
        str('Language'),
        str('License'),
        str('Homepage'),
      ],
      [
        {
          Identifier: catalog.identifier,
          Index: 1,
          Title: catalog.title,
          Description: catalog.description,
          Publisher: catalog.title,
          Language: 'nl',
          License: entries[0]?.identity.license ?? 'CC BY 4.0',
          Homepage: catalog.homepage,
        },
      ],
    ),
  );
  return { releaseId: null, sets, singletons: new Map() };
}

function entityTypeXml(name: string, key: string | null, props: readonly PropertyDef[]): string {
  const lines = props.map(
    (p) =>
      `        <Property Name="${p.name}" Type="${p.type}" Nullable="${p.nullable ? 'true' : 'false'}"/>`,
  );
  const keyXml = key ? `\n        <Key><PropertyRef Name="${key}"/></Key>` : '';
  return `      <EntityType Name="${name}">${keyXml}\n${lines.join('\n')}\n      </EntityType>`;
}

/** CSDL 4.0 for `$metadata`, as Power BI's OData connector reads it. */
export function metadataXml(model: V4Model): string {
  const types = [
    ...[...model.sets.values()].map((s) => entityTypeXml(s.typeName, s.key, s.properties)),
    // A singleton's type needs a key in CSDL 4.0 too; Identifier is the dataset's.
    ...[...model.singletons.values()].map((s) =>
      entityTypeXml(s.typeName, 'Identifier', s.properties),
    ),
  ].join('\n');
  const members = [
    ...[...model.sets.values()].map(
      (s) => `        <EntitySet Name="${s.name}" EntityType="${NAMESPACE}.${s.typeName}"/>`,
    ),
    ...[...model.singletons.values()].map(
      (s) => `        <Singleton Name="${s.name}" Type="${NAMESPACE}.${s.typeName}"/>`,
    ),
  ].join('\n');
  const container =
    model.releaseId === null
      ? 'Catalog'
      : `Dataset_${model.releaseId}`.replace(/[^A-Za-z0-9_]/g, '_');
  return `<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
    <Schema Namespace="${NAMESPACE}" xmlns="http://docs.oasis-open.org/odata/ns/edm">
${types}
      <EntityContainer Name="${xmlEscape(container)}">
${members}
      </EntityContainer>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>
`;
}
