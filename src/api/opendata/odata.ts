/**
 * The OData v4 model of one release in CBS's long format: one row per observation (Measure,
 * ValueAttribute, Value and a column per dimension) plus the metadata sets Dimensions,
 * MeasureCodes and <Dimension>Codes, and the query options $filter, $select, $orderby, $top,
 * $skip and $count with server-driven paging. Pure: no HTTP here.
 */
import {
  compileFilter,
  parseFilter,
  QueryError,
  requiredEqualities,
  type Schema,
} from './filter.js';
import type { IndicatorSummary, PublicCell } from './types.js';

export type EdmType = 'Edm.String' | 'Edm.Int32' | 'Edm.Int64' | 'Edm.Double';
export interface PropertyDef {
  name: string;
  type: EdmType;
  nullable: boolean;
}
export type Value = string | number | null;
export type Entity = Record<string, Value>;

/**
 * An entity set as columns over row numbers 0..size-1. A release holds millions of observations,
 * so they are never copied into entity objects: columns read the release rows, entities are made
 * only for the page that is sent, and equality indexes are built on first use.
 */
export interface EntitySet {
  name: string;
  typeName: string;
  key: string;
  properties: PropertyDef[];
  size: number;
  column(name: string): (i: number) => Value;
  /** Row numbers whose column equals `value`, in order; undefined when the column has no index. */
  lookup(name: string, value: Value): readonly number[] | undefined;
}

export interface ODataModel {
  releaseId: string;
  sets: Map<string, EntitySet>;
}

export function entity(set: EntitySet, i: number, select: readonly string[] | null = null): Entity {
  const o: Entity = {};
  for (const p of select ?? set.properties.map((x) => x.name)) o[p] = set.column(p)(i);
  return o;
}

/** Code of the total over a breakdown (CBS style), since the release uses '' for it. */
export const TOTAL_BREAKDOWN = 'T001';
/** CBS ValueAttribute values: a figure, a secret (suppressed) figure, a figure that cannot occur. */
export const VALUE_ATTRIBUTE = {
  published: 'None',
  confidential: 'Confidential',
  'not-applicable': 'Impossible',
} as const;

export const NAMESPACE = 'Samenzicht.Release';

const str = (name: string, nullable = false): PropertyDef => ({
  name,
  type: 'Edm.String',
  nullable,
});
const int = (name: string, type: 'Edm.Int32' | 'Edm.Int64' = 'Edm.Int32'): PropertyDef => ({
  name,
  type,
  nullable: false,
});

function columnarSet(
  name: string,
  typeName: string,
  key: string,
  properties: PropertyDef[],
  size: number,
  columns: Record<string, (i: number) => Value>,
  indexed: readonly string[],
): EntitySet {
  const indexes = new Map<string, Map<Value, number[]>>();
  const column = (col: string): ((i: number) => Value) => {
    const c = columns[col];
    if (!c) throw new Error(`${name} has no column ${col}`);
    return c;
  };
  return {
    name,
    typeName,
    key,
    properties,
    size,
    column,
    lookup(col, value) {
      if (!indexed.includes(col)) return undefined;
      let idx = indexes.get(col);
      if (!idx) {
        idx = new Map();
        const read = column(col);
        for (let i = 0; i < size; i++) {
          const v = read(i);
          const list = idx.get(v);
          if (list) list.push(i);
          else idx.set(v, [i]);
        }
        indexes.set(col, idx);
      }
      return idx.get(value) ?? [];
    },
  };
}

/** A small set held as entity objects (the metadata sets). */
function objectSet(
  name: string,
  typeName: string,
  key: string,
  properties: PropertyDef[],
  rows: Entity[],
): EntitySet {
  const columns: Record<string, (i: number) => Value> = {};
  for (const p of properties) columns[p.name] = (i) => (rows[i] as Entity)[p.name] ?? null;
  return columnarSet(name, typeName, key, properties, rows.length, columns, []);
}

export function periodCode(year: number): string {
  return `${year}JJ00`;
}

const LEVEL_ORDER = ['nederland', 'veiligheidsregio', 'gemeente', 'wijk', 'buurt'];

export function buildModel(
  releaseId: string,
  rows: readonly PublicCell[],
  indicators: readonly IndicatorSummary[],
  regionName: (code: string) => string | undefined,
): ODataModel {
  // One pass for the code lists.
  const measureIds = new Set<string>();
  const years = new Set<number>();
  const regions = new Map<string, { level: string; parent: string | null }>();
  const breakdowns = new Set<string>();
  for (const r of rows) {
    measureIds.add(r.indicator_id);
    years.add(r.year);
    if (!regions.has(r.region_code))
      regions.set(r.region_code, { level: r.region_level, parent: r.parent_code });
    breakdowns.add(r.breakdown);
  }
  const periodOf = new Map([...years].map((y) => [y, periodCode(y)]));

  const row = (i: number): PublicCell => rows[i] as PublicCell;
  const observations = columnarSet(
    'Observations',
    'Observation',
    'Id',
    [
      int('Id', 'Edm.Int64'),
      str('Measure'),
      str('ValueAttribute'),
      { name: 'Value', type: 'Edm.Double', nullable: true },
      str('Perioden'),
      str('RegionS'),
      str('Breakdown'),
    ],
    rows.length,
    {
      Id: (i) => i,
      Measure: (i) => row(i).indicator_id,
      ValueAttribute: (i) => VALUE_ATTRIBUTE[row(i).status],
      Value: (i) => (row(i).status === 'published' ? row(i).value : null),
      Perioden: (i) => periodOf.get(row(i).year) as string,
      RegionS: (i) => row(i).region_code,
      Breakdown: (i) => (row(i).breakdown === '' ? TOTAL_BREAKDOWN : row(i).breakdown),
    },
    ['RegionS', 'Measure', 'Perioden'],
  );

  const byId = new Map(indicators.map((i) => [i.id, i]));
  const measures: Entity[] = [...measureIds].sort().map((id, i) => {
    const ind = byId.get(id);
    return {
      Identifier: id,
      Index: i + 1,
      Title: ind?.title.nl ?? id,
      TitleEn: ind?.title.en ?? id,
      Unit: ind?.unit ?? '',
      Kind: ind?.kind ?? '',
      DataType: 'Double',
    };
  });
  const periods: Entity[] = [...years]
    .sort((a, b) => a - b)
    .map((y, i) => ({
      Identifier: periodCode(y),
      Index: i + 1,
      Title: String(y),
      Status: 'Definitief',
    }));
  const regionRows: Entity[] = [...regions.entries()]
    .sort(
      ([a, x], [b, y]) =>
        LEVEL_ORDER.indexOf(x.level) - LEVEL_ORDER.indexOf(y.level) || a.localeCompare(b),
    )
    .map(([code, info], i) => ({
      Identifier: code,
      Index: i + 1,
      Title: regionName(code) ?? code,
      Level: info.level,
      ParentCode: info.parent,
    }));
  const breakdownRows: Entity[] = [...breakdowns].sort().map((b, i) => ({
    Identifier: b === '' ? TOTAL_BREAKDOWN : b,
    Index: i + 1,
    Title: b === '' ? 'Totaal' : b,
  }));
  const dimensions: Entity[] = [
    {
      Identifier: 'Perioden',
      Index: 1,
      Title: 'Perioden',
      Kind: 'TimeDimension',
      Description: 'Jaar (CBS-periodecode JJ00)',
    },
    {
      Identifier: 'RegionS',
      Index: 2,
      Title: 'Regio',
      Kind: 'GeoDimension',
      Description: 'Nederland, veiligheidsregio, gemeente, wijk, buurt',
    },
    {
      Identifier: 'Breakdown',
      Index: 3,
      Title: 'Uitsplitsing',
      Kind: 'Dimension',
      Description: `Uitsplitsing; ${TOTAL_BREAKDOWN} is het totaal`,
    },
  ];

  const sets = new Map<string, EntitySet>();
  for (const s of [
    observations,
    objectSet(
      'Dimensions',
      'Dimension',
      'Identifier',
      [str('Identifier'), int('Index'), str('Title'), str('Kind'), str('Description')],
      dimensions,
    ),
    objectSet(
      'MeasureCodes',
      'MeasureCode',
      'Identifier',
      [
        str('Identifier'),
        int('Index'),
        str('Title'),
        str('TitleEn'),
        str('Unit'),
        str('Kind'),
        str('DataType'),
      ],
      measures,
    ),
    objectSet(
      'PeriodenCodes',
      'PeriodenCode',
      'Identifier',
      [str('Identifier'), int('Index'), str('Title'), str('Status')],
      periods,
    ),
    objectSet(
      'RegionSCodes',
      'RegionSCode',
      'Identifier',
      [str('Identifier'), int('Index'), str('Title'), str('Level'), str('ParentCode', true)],
      regionRows,
    ),
    objectSet(
      'BreakdownCodes',
      'BreakdownCode',
      'Identifier',
      [str('Identifier'), int('Index'), str('Title')],
      breakdownRows,
    ),
  ]) {
    sets.set(s.name, s);
  }
  return { releaseId, sets };
}

function xmlEscape(s: string): string {
  return s
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}

/** CSDL XML for `$metadata`. */
export function metadataXml(model: ODataModel): string {
  const types = [...model.sets.values()]
    .map((s) => {
      const props = s.properties
        .map(
          (p) =>
            `        <Property Name="${p.name}" Type="${p.type}" Nullable="${p.nullable ? 'true' : 'false'}"/>`,
        )
        .join('\n');
      return `      <EntityType Name="${s.typeName}">\n        <Key><PropertyRef Name="${s.key}"/></Key>\n${props}\n      </EntityType>`;
    })
    .join('\n');
  const sets = [...model.sets.values()]
    .map((s) => `        <EntitySet Name="${s.name}" EntityType="${NAMESPACE}.${s.typeName}"/>`)
    .join('\n');
  return `<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
    <Schema Namespace="${NAMESPACE}" xmlns="http://docs.oasis-open.org/odata/ns/edm">
${types}
      <EntityContainer Name="${xmlEscape(`Release_${model.releaseId}`.replace(/[^A-Za-z0-9_]/g, '_'))}">
${sets}
      </EntityContainer>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>
`;
}

export interface QueryOptions {
  filter?: string;
  select?: string;
  orderby?: string;
  top?: string;
  skip?: string;
  count?: string;
  format?: string;
}

const SUPPORTED = new Set(['$filter', '$select', '$orderby', '$top', '$skip', '$count', '$format']);

/** Reads the system query options from a parsed query string; unknown or repeated $-options are errors. */
export function readQueryOptions(query: Record<string, unknown>): QueryOptions {
  const out: QueryOptions = {};
  for (const [k, v] of Object.entries(query)) {
    if (!k.startsWith('$')) continue; // custom query options are allowed and ignored
    if (!SUPPORTED.has(k)) {
      throw new QueryError(
        `query option ${k} is not supported (supported: ${[...SUPPORTED].join(', ')})`,
      );
    }
    if (typeof v !== 'string') throw new QueryError(`query option ${k} may appear only once`);
    out[k.slice(1) as keyof QueryOptions] = v;
  }
  return out;
}

function nonNegativeInt(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v.trim()))
    throw new QueryError(`${name} must be a non-negative integer, got '${v}'`);
  const n = Number(v.trim());
  if (!Number.isSafeInteger(n)) throw new QueryError(`${name} is too large: '${v}'`);
  return n;
}

function schemaOf(set: EntitySet): Schema {
  const s: Record<string, { kind: 'string' | 'number' }> = {};
  for (const p of set.properties)
    s[p.name] = { kind: p.type === 'Edm.String' ? 'string' : 'number' };
  return s;
}

function propertyList(set: EntitySet, option: string, raw: string): string[] {
  const names = raw.split(',').map((x) => x.trim());
  const known = new Set(set.properties.map((p) => p.name));
  for (const n of names) {
    if (n === '') throw new QueryError(`${option}: empty property name in '${raw}'`);
    if (!known.has(n))
      throw new QueryError(
        `${option}: unknown property '${n}' of ${set.name} (known: ${[...known].join(', ')})`,
      );
  }
  return names;
}

function cmpValues(a: Value, b: Value): number {
  if (a === b) return 0;
  if (a === null) return -1; // OData: null sorts first ascending
  if (b === null) return 1;
  return a < b ? -1 : 1;
}

export interface QueryResult {
  /** Properties in the response, in order (for the context URL). */
  select: string[] | null;
  value: Entity[];
  count?: number;
  /** Query options for the next page, or null when this is the last page. */
  next: { skip: number; top: number | null } | null;
}

/** Row numbers matching $filter, in $orderby order; null means every row in its own order. */
export type Matches = readonly number[] | null;

export function matchingRows(
  set: EntitySet,
  filter: string | undefined,
  orderby: string | undefined,
): Matches {
  let rows: readonly number[] | null = null;
  if (filter !== undefined) {
    const expr = parseFilter(filter, schemaOf(set));
    // Narrow through the smallest matching equality index; the full predicate still decides.
    for (const [prop, value] of requiredEqualities(expr)) {
      const hit = set.lookup(prop, value);
      if (hit && (rows === null || hit.length < rows.length)) rows = hit;
    }
    const pred = compileFilter<number>(expr, (name) => set.column(name));
    const out: number[] = [];
    if (rows === null) {
      for (let i = 0; i < set.size; i++) if (pred(i)) out.push(i);
    } else {
      for (const i of rows) if (pred(i)) out.push(i);
    }
    rows = out;
  }
  if (orderby !== undefined) {
    const keys = orderby.split(',').map((part) => {
      const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)(?:\s+(asc|desc))?\s*$/.exec(part);
      if (!m)
        throw new QueryError(`$orderby: expected 'Property [asc|desc]', got '${part.trim()}'`);
      propertyList(set, '$orderby', m[1] as string);
      return { read: set.column(m[1] as string), dir: m[2] === 'desc' ? -1 : 1 };
    });
    const base = rows ?? Array.from({ length: set.size }, (_, i) => i);
    rows = [...base].sort((a, b) => {
      for (const k of keys) {
        const c = cmpValues(k.read(a), k.read(b));
        if (c !== 0) return c * k.dir;
      }
      return a - b;
    });
  }
  return rows;
}

export function runQuery(
  set: EntitySet,
  opts: QueryOptions,
  pageSize: number,
  matches: (filter: string | undefined, orderby: string | undefined) => Matches = (f, o) =>
    matchingRows(set, f, o),
): QueryResult {
  if (opts.format !== undefined && !/^(json|application\/json)(;.*)?$/.test(opts.format)) {
    throw new QueryError(`$format: only json is supported, got '${opts.format}'`);
  }
  const top = nonNegativeInt('$top', opts.top);
  const skip = nonNegativeInt('$skip', opts.skip) ?? 0;
  let withCount = false;
  if (opts.count !== undefined) {
    if (opts.count !== 'true' && opts.count !== 'false') {
      throw new QueryError(`$count must be true or false, got '${opts.count}'`);
    }
    withCount = opts.count === 'true';
  }
  const select =
    opts.select !== undefined && opts.select.trim() !== '*'
      ? propertyList(set, '$select', opts.select)
      : null;
  if (opts.filter !== undefined && opts.filter.trim() === '')
    throw new QueryError('$filter: empty expression');
  const rows = matches(opts.filter, opts.orderby);
  const at = (pos: number): number => (rows === null ? pos : (rows[pos] as number));
  const total = rows === null ? set.size : rows.length;
  const wanted = top ?? Infinity;
  const take = Math.min(wanted, pageSize);
  const value: Entity[] = [];
  for (let pos = skip; pos < Math.min(total, skip + take); pos++)
    value.push(entity(set, at(pos), select));
  const more = wanted > pageSize && skip + pageSize < total;
  const result: QueryResult = {
    select,
    value,
    next: more ? { skip: skip + pageSize, top: top === undefined ? null : top - pageSize } : null,
  };
  if (withCount) result.count = total;
  return result;
}
