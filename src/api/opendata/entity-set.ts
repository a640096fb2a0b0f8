/**
 * Entity sets as columns over row numbers, and the OData system query options over them
 * ($filter, $select, $orderby, $top, $skip, counting) with server-driven paging. Shared by the
 * v4 feed and the v3 feed: they differ in names and envelopes, not in how a query runs. Pure.
 */
import {
  compileFilter,
  parseFilter,
  QueryError,
  requiredEqualities,
  type FilterDialect,
  type Schema,
} from './filter.js';

export type EdmType = 'Edm.String' | 'Edm.Int32' | 'Edm.Int64' | 'Edm.Double' | 'Edm.Boolean';
export interface PropertyDef {
  name: string;
  type: EdmType;
  nullable: boolean;
}
export type Value = string | number | boolean | null;
export type Entity = Record<string, Value>;

/**
 * A release holds millions of observations, so they are never copied into entity objects:
 * columns read the release rows, entities are made only for the page that is sent, and equality
 * indexes are built on first use.
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

export const str = (name: string, nullable = false): PropertyDef => ({
  name,
  type: 'Edm.String',
  nullable,
});
export const int = (name: string, type: 'Edm.Int32' | 'Edm.Int64' = 'Edm.Int32'): PropertyDef => ({
  name,
  type,
  nullable: false,
});
export const dbl = (name: string, nullable = true): PropertyDef => ({
  name,
  type: 'Edm.Double',
  nullable,
});
export const bool = (name: string): PropertyDef => ({ name, type: 'Edm.Boolean', nullable: false });
export const nullableInt = (name: string): PropertyDef => ({
  name,
  type: 'Edm.Int32',
  nullable: true,
});

export function entity(set: EntitySet, i: number, select: readonly string[] | null = null): Entity {
  const o: Entity = {};
  for (const p of select ?? set.properties.map((x) => x.name)) o[p] = set.column(p)(i);
  return o;
}

export function columnarSet(
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
export function objectSet(
  name: string,
  typeName: string,
  key: string,
  properties: PropertyDef[],
  rows: readonly Entity[],
): EntitySet {
  const columns: Record<string, (i: number) => Value> = {};
  for (const p of properties) columns[p.name] = (i) => (rows[i] as Entity)[p.name] ?? null;
  return columnarSet(name, typeName, key, properties, rows.length, columns, []);
}

export interface QueryOptions {
  filter?: string;
  select?: string;
  orderby?: string;
  top?: string;
  skip?: string;
  /** v4 `$count=true|false`. */
  count?: string;
  /** v3 `$inlinecount=allpages|none`. */
  inlinecount?: string;
  format?: string;
}

/** Reads the system query options a feed supports; unknown or repeated $-options are 400s. */
export function readQueryOptions(
  query: Record<string, unknown>,
  supported: readonly string[],
): QueryOptions {
  const out: QueryOptions = {};
  for (const [k, v] of Object.entries(query)) {
    if (!k.startsWith('$')) continue; // custom query options are allowed and ignored
    if (!supported.includes(k)) {
      throw new QueryError(
        `query option ${k} is not supported (supported: ${supported.join(', ')})`,
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

export function schemaOf(set: EntitySet): Schema {
  const s: Record<string, { kind: 'string' | 'number' | 'boolean' }> = {};
  for (const p of set.properties)
    s[p.name] = {
      kind: p.type === 'Edm.String' ? 'string' : p.type === 'Edm.Boolean' ? 'boolean' : 'number',
    };
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
  dialect: FilterDialect = 'v4',
): Matches {
  let rows: readonly number[] | null = null;
  if (filter !== undefined) {
    const expr = parseFilter(filter, schemaOf(set), dialect);
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

function wantsCount(opts: QueryOptions): boolean {
  if (opts.count !== undefined) {
    if (opts.count !== 'true' && opts.count !== 'false') {
      throw new QueryError(`$count must be true or false, got '${opts.count}'`);
    }
    return opts.count === 'true';
  }
  if (opts.inlinecount !== undefined) {
    if (opts.inlinecount !== 'allpages' && opts.inlinecount !== 'none') {
      throw new QueryError(`$inlinecount must be allpages or none, got '${opts.inlinecount}'`);
    }
    return opts.inlinecount === 'allpages';
  }
  return false;
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
  const withCount = wantsCount(opts);
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

/** The number of entities after $filter (for `/$count`). */
export function countOf(
  set: EntitySet,
  opts: QueryOptions,
  matches: (filter: string | undefined, orderby: string | undefined) => Matches,
): number {
  if (opts.filter !== undefined && opts.filter.trim() === '')
    throw new QueryError('$filter: empty expression');
  const rows = matches(opts.filter, undefined);
  return rows === null ? set.size : rows.length;
}
