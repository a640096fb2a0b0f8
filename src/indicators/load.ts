/**
 * Loading definitions: zod validation, then the checks zod cannot do — datasets and fields against
 * the dataset contracts, references between indicators (and their cycles), kinds against measures
 * and disclosure profiles. `sources` are derived from the datasets the expression uses. Every error
 * names the indicator (or the file it came from) and the field.
 */
import type { z } from 'zod';
import { isRatioKind } from '../contracts/index.js';
import { DATASETS, type DatasetContract } from '../ingest/contracts.js';
import {
  indicatorSchema,
  PROFILE_OF_KIND,
  type IndicatorDefinition,
  type Link,
  type Predicate,
  type ResolvedIndicator,
  type Series,
  type SeriesOrRef,
} from './schema.js';
import { namedPredicateOf, type NamedPredicateCall } from './predicates/index.js';

export class IndicatorDefinitionError extends Error {
  override name = 'IndicatorDefinitionError';
  constructor(
    readonly indicatorId: string,
    readonly field: string,
    readonly detail: string,
    /** The file the definition came from, when it came from one. */
    readonly file?: string,
  ) {
    super(
      file
        ? `${file}: field '${field}': ${detail}`
        : `indicator '${indicatorId}': field '${field}': ${detail}`,
    );
  }
}

const contracts = new Map(DATASETS.map((d) => [d.id, d]));

function isRef(s: SeriesOrRef): s is { ref: string } {
  return 'ref' in s;
}

function pathOf(path: readonly PropertyKey[]): string {
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
    .join('');
}

/** The field and reason of the first zod issue; an unknown key is named as the field itself. */
function issueOf(error: z.ZodError): { field: string; detail: string } {
  const issue = error.issues[0];
  if (!issue) return { field: '(root)', detail: 'invalid' };
  if (issue.code === 'unrecognized_keys' && issue.keys[0] !== undefined) {
    return { field: pathOf([...issue.path, issue.keys[0]]), detail: 'unknown field' };
  }
  return { field: pathOf(issue.path) || '(root)', detail: issue.message };
}

class Checker {
  /** Datasets the expression reads, in the order it first reads them: the derived `sources`. */
  readonly used = new Set<string>();
  constructor(
    private readonly id: string,
    private readonly file?: string,
  ) {}

  fail(field: string, detail: string): never {
    throw new IndicatorDefinitionError(this.id, field, detail, this.file);
  }

  dataset(id: string, field: string): DatasetContract {
    const d = contracts.get(id);
    if (!d)
      this.fail(field, `unknown dataset '${id}' (known: ${[...contracts.keys()].join(', ')})`);
    this.used.add(id);
    return d;
  }

  column(d: DatasetContract, col: string, field: string, type?: string[]): void {
    const c = d.columns.find((x) => x.name === col);
    if (!c) this.fail(field, `unknown field '${col}' of dataset '${d.id}'`);
    if (type && !type.includes(c.type)) {
      this.fail(
        field,
        `field '${col}' of dataset '${d.id}' is ${c.type}, expected ${type.join(' or ')}`,
      );
    }
  }

  /** `person` is true when the row carries a BRP record (own dataset or residence join). */
  predicates(
    preds: Predicate[],
    d: DatasetContract,
    outer: DatasetContract | null,
    person: boolean,
    field: string,
  ): void {
    preds.forEach((p, i) => this.predicate(p, d, outer, person, `${field}[${i}]`));
  }

  predicate(
    p: Predicate,
    d: DatasetContract,
    outer: DatasetContract | null,
    person: boolean,
    field: string,
  ): void {
    if ('age' in p) {
      if (!person)
        this.fail(
          `${field}.age`,
          `age needs a BRP record (dataset brp_personen or a residence region)`,
        );
      if (p.age.min > p.age.max)
        this.fail(`${field}.age`, `min ${p.age.min} exceeds max ${p.age.max}`);
      return;
    }
    if ('anyOf' in p) return this.predicates(p.anyOf, d, outer, person, `${field}.anyOf`);
    if ('exists' in p) return this.link(p.exists, d, `${field}.exists`);
    if ('notExists' in p) return this.link(p.notExists, d, `${field}.notExists`);
    if (!('col' in p)) return this.named(p, d, field);
    const dateOps = ['inYear', 'beforeYear', 'notBeforeYear', 'byYearEnd'];
    const type = dateOps.includes(p.op)
      ? ['DATE']
      : p.op === 'isYear'
        ? ['INTEGER', 'BIGINT']
        : undefined;
    this.column(d, p.col, `${field}.col`, type);
    if ('outer' in p) {
      if (!outer) this.fail(`${field}.op`, `'${p.op}' is only allowed inside a link`);
      this.column(outer, p.outer, `${field}.outer`);
    }
  }

  /** A named predicate checks its own arguments, through this checker. */
  named(p: NamedPredicateCall, d: DatasetContract, field: string): void {
    const named = namedPredicateOf(p, field);
    if (!named) this.fail(field, 'unknown predicate');
    named.check({
      dataset: d,
      column: (col, f, type) => this.column(d, col, f, type),
      uses: (id, f) => this.dataset(id, f),
      fail: (f, detail) => this.fail(f, detail),
    });
  }

  link(l: Link, outer: DatasetContract, field: string): void {
    const d = this.dataset(l.dataset, `${field}.dataset`);
    l.match.forEach((m, i) => {
      this.column(d, m.col, `${field}.match[${i}].col`);
      this.column(outer, m.outer, `${field}.match[${i}].outer`);
    });
    this.predicates(l.where, d, outer, false, `${field}.where`);
  }

  series(s: Series, field: string, breakdowns: string[]): void {
    const d = this.dataset(s.dataset, `${field}.dataset`);
    const t = s.time;
    if (t.type === 'active') {
      this.column(d, t.start, `${field}.time.start`, ['DATE']);
      this.column(d, t.end, `${field}.time.end`, ['DATE']);
    } else {
      this.column(
        d,
        t.col,
        `${field}.time.col`,
        t.type === 'date' ? ['DATE'] : ['INTEGER', 'BIGINT'],
      );
    }
    let person = d.id === 'brp_personen';
    const r = s.region;
    if (r.type === 'column') {
      this.column(d, r.col, `${field}.region.col`);
      const c = d.columns.find((x) => x.name === r.col);
      if (c?.regionLevel !== 'buurt')
        this.fail(`${field}.region.col`, `field '${r.col}' is not a buurt code`);
    } else {
      this.column(d, r.bsnCol, `${field}.region.bsnCol`);
      this.dataset('brp_personen', `${field}.region`);
      person = true;
    }
    if (breakdowns.length > 0 && !person) {
      this.fail(
        `${field}.dataset`,
        `breakdowns ${breakdowns.join(', ')} need a BRP record (brp_personen or a residence region)`,
      );
    }
    this.predicates(s.where, d, null, person, `${field}.where`);
    const m = s.measure;
    if (m.type === 'distinct') this.column(d, m.col, `${field}.measure.col`);
    if (m.type === 'sum' || m.type === 'median')
      this.column(d, m.col, `${field}.measure.col`, ['DOUBLE', 'INTEGER', 'BIGINT']);
    if (m.type === 'sum') this.column(d, m.contributor, `${field}.measure.contributor`);
  }
}

const MEASURE_OF_KIND = {
  count: ['count', 'distinct'],
  percentage: 'count',
  rate_per_1000: 'count',
  rate_per_10000: 'count',
  mean: 'sum',
  median: 'median',
  sum: 'sum',
} as const;

/** Zod validation of each raw definition; an error names the definition's id (or index) and file. */
function parseDefinitions(
  raw: readonly unknown[],
  files: readonly string[],
): IndicatorDefinition[] {
  return raw.map((r, i) => {
    const res = indicatorSchema.safeParse(r);
    if (!res.success) {
      const id =
        typeof r === 'object' && r !== null && typeof (r as { id?: unknown }).id === 'string'
          ? (r as { id: string }).id
          : `#${i}`;
      const { field, detail } = issueOf(res.error);
      throw new IndicatorDefinitionError(id, field, detail, files[i]);
    }
    return res.data;
  });
}

/** The definitions by id, and the file each came from; a second definition of an id fails. */
function indexDefinitions(parsed: readonly IndicatorDefinition[], files: readonly string[]) {
  const byId = new Map<string, IndicatorDefinition>();
  const fileOf = new Map<string, string>();
  parsed.forEach((d, i) => {
    if (byId.has(d.id)) {
      const first = fileOf.get(d.id);
      throw new IndicatorDefinitionError(
        d.id,
        'id',
        first ? `duplicate id (also in ${first})` : 'duplicate id',
        files[i],
      );
    }
    byId.set(d.id, d);
    const file = files[i];
    if (file) fileOf.set(d.id, file);
  });
  return { byId, fileOf };
}

/** Resolves `{ref}` chains depth first; a revisit on the current path is a cycle. */
class RefResolver {
  private readonly resolved = new Map<string, Series>();
  constructor(
    private readonly byId: ReadonlyMap<string, IndicatorDefinition>,
    private readonly fileOf: ReadonlyMap<string, string>,
  ) {}

  private fail(id: string, field: string, detail: string): never {
    throw new IndicatorDefinitionError(id, field, detail, this.fileOf.get(id));
  }

  private numerator(id: string, path: string[]): Series {
    const done = this.resolved.get(id);
    if (done) return done;
    const d = this.byId.get(id);
    if (!d)
      return this.fail(path[path.length - 1] ?? id, 'numerator.ref', `unknown indicator '${id}'`);
    if (path.includes(id)) {
      this.fail(
        id,
        'numerator.ref',
        `cycle: ${[...path.slice(path.indexOf(id)), id].join(' -> ')}`,
      );
    }
    const s = isRef(d.numerator) ? this.numerator(d.numerator.ref, [...path, id]) : d.numerator;
    this.resolved.set(id, s);
    return s;
  }

  /** The series `s` of indicator `owner` at `field`, with a reference resolved. */
  series(owner: string, s: SeriesOrRef, field: string): Series {
    if (!isRef(s)) return s;
    if (!this.byId.has(s.ref)) this.fail(owner, `${field}.ref`, `unknown indicator '${s.ref}'`);
    if (s.ref === owner) this.fail(owner, `${field}.ref`, `cycle: ${owner} -> ${owner}`);
    return this.numerator(s.ref, [owner]);
  }
}

/** The kind against the disclosure profile, the numerator's measure and the denominator. */
function checkKind(
  ck: Checker,
  d: IndicatorDefinition,
  numerator: Series,
  denominator: Series | null,
): void {
  if (PROFILE_OF_KIND[d.kind] !== d.disclosure) {
    ck.fail(
      'disclosure',
      `kind '${d.kind}' needs disclosure profile '${PROFILE_OF_KIND[d.kind]}', not '${d.disclosure}'`,
    );
  }
  const allowed: readonly string[] = [MEASURE_OF_KIND[d.kind]].flat();
  if (!allowed.includes(numerator.measure.type)) {
    ck.fail(
      'numerator.measure',
      `kind '${d.kind}' needs a '${allowed.join("' or '")}' measure, not '${numerator.measure.type}'`,
    );
  }
  const needsDenominator = isRatioKind(d.kind);
  if (needsDenominator && !denominator)
    ck.fail('denominator', `kind '${d.kind}' needs a denominator`);
  if (!needsDenominator && denominator)
    ck.fail('denominator', `kind '${d.kind}' takes no denominator`);
  if (denominator && denominator.measure.type !== 'count') {
    ck.fail('denominator.measure', `a denominator counts units, not '${denominator.measure.type}'`);
  }
}

/** Listed sources are optional; when given they must agree with the derived ones. */
function checkListedSources(ck: Checker, sources: readonly string[] | undefined): void {
  if (!sources) return;
  const listed = new Set(sources);
  sources.forEach((s, i) => {
    if (!contracts.has(s)) ck.fail(`sources[${i}]`, `unknown dataset '${s}'`);
  });
  for (const u of ck.used) {
    if (!listed.has(u)) ck.fail('sources', `uses dataset '${u}' but does not list it`);
  }
  for (const s of listed) {
    if (!ck.used.has(s)) ck.fail('sources', `lists dataset '${s}' but does not use it`);
  }
}

/**
 * Validates raw definitions and resolves references; throws IndicatorDefinitionError. `files[i]`,
 * when given, names where `raw[i]` came from, and errors then name that file.
 */
export function loadDefinitions(
  raw: readonly unknown[],
  files: readonly string[] = [],
): ResolvedIndicator[] {
  const parsed = parseDefinitions(raw, files);
  const { byId, fileOf } = indexDefinitions(parsed, files);
  const refs = new RefResolver(byId, fileOf);
  return parsed.map((d): ResolvedIndicator => {
    const numerator = refs.series(d.id, d.numerator, 'numerator');
    const denominator = d.denominator ? refs.series(d.id, d.denominator, 'denominator') : null;
    const ck = new Checker(d.id, fileOf.get(d.id));
    checkKind(ck, d, numerator, denominator);
    ck.series(numerator, 'numerator', d.breakdowns);
    if (denominator) ck.series(denominator, 'denominator', d.breakdowns);
    checkListedSources(ck, d.sources);
    if (new Set(d.levels).size !== d.levels.length) ck.fail('levels', 'duplicate level');
    return Object.freeze({ ...d, numerator, denominator, sources: [...ck.used] });
  });
}
