/**
 * Loading definitions: zod validation, then the checks zod cannot do — datasets and fields against
 * the dataset contracts, references between indicators (and their cycles), kinds against measures
 * and disclosure profiles. `sources` are derived from the datasets the expression uses. Every error
 * names the indicator (or the file it came from) and the field.
 */
import type { z } from 'zod';
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
    if ('unexplainedPurchase' in p) {
      const u = p.unexplainedPurchase;
      this.column(d, u.price, `${field}.unexplainedPurchase.price`, [
        'DOUBLE',
        'INTEGER',
        'BIGINT',
      ]);
      this.column(d, u.buyer, `${field}.unexplainedPurchase.buyer`);
      if (d.columns.find((c) => c.name === u.buyer)?.identifier !== 'bsn') {
        this.fail(`${field}.unexplainedPurchase.buyer`, `field '${u.buyer}' is not a BSN`);
      }
      this.dataset('brp_personen', `${field}.unexplainedPurchase`);
      this.dataset('bd_inkomen', `${field}.unexplainedPurchase`);
      return;
    }
    if ('exists' in p) return this.link(p.exists, d, `${field}.exists`);
    if ('notExists' in p) return this.link(p.notExists, d, `${field}.notExists`);
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

/**
 * Validates raw definitions and resolves references; throws IndicatorDefinitionError. `files[i]`,
 * when given, names where `raw[i]` came from, and errors then name that file.
 */
export function loadDefinitions(
  raw: readonly unknown[],
  files: readonly string[] = [],
): ResolvedIndicator[] {
  const fileOf = new Map<string, string>();
  const fail = (id: string, field: string, detail: string): never => {
    throw new IndicatorDefinitionError(id, field, detail, fileOf.get(id));
  };

  const parsed: IndicatorDefinition[] = raw.map((r, i) => {
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

  const byId = new Map<string, IndicatorDefinition>();
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

  // Resolve `{ref}` chains depth first; a revisit on the current path is a cycle.
  const resolved = new Map<string, Series>();
  const resolveNumerator = (id: string, path: string[]): Series => {
    const done = resolved.get(id);
    if (done) return done;
    const d = byId.get(id);
    if (!d) return fail(path[path.length - 1] ?? id, 'numerator.ref', `unknown indicator '${id}'`);
    if (path.includes(id)) {
      fail(id, 'numerator.ref', `cycle: ${[...path.slice(path.indexOf(id)), id].join(' -> ')}`);
    }
    const s = isRef(d.numerator) ? resolveNumerator(d.numerator.ref, [...path, id]) : d.numerator;
    resolved.set(id, s);
    return s;
  };
  const resolveRef = (owner: string, s: SeriesOrRef, field: string): Series => {
    if (!isRef(s)) return s;
    if (!byId.has(s.ref)) fail(owner, `${field}.ref`, `unknown indicator '${s.ref}'`);
    if (s.ref === owner) fail(owner, `${field}.ref`, `cycle: ${owner} -> ${owner}`);
    return resolveNumerator(s.ref, [owner]);
  };

  return parsed.map((d): ResolvedIndicator => {
    const numerator = resolveRef(d.id, d.numerator, 'numerator');
    const denominator = d.denominator ? resolveRef(d.id, d.denominator, 'denominator') : null;
    const ck = new Checker(d.id, fileOf.get(d.id));
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
    const needsDenominator = ['percentage', 'rate_per_1000', 'rate_per_10000'].includes(d.kind);
    if (needsDenominator && !denominator)
      ck.fail('denominator', `kind '${d.kind}' needs a denominator`);
    if (!needsDenominator && denominator)
      ck.fail('denominator', `kind '${d.kind}' takes no denominator`);
    if (denominator && denominator.measure.type !== 'count') {
      ck.fail(
        'denominator.measure',
        `a denominator counts units, not '${denominator.measure.type}'`,
      );
    }
    ck.series(numerator, 'numerator', d.breakdowns);
    if (denominator) ck.series(denominator, 'denominator', d.breakdowns);
    // Listed sources are optional; when given they must agree with the derived ones.
    if (d.sources) {
      const listed = new Set(d.sources);
      d.sources.forEach((s, i) => {
        if (!contracts.has(s)) ck.fail(`sources[${i}]`, `unknown dataset '${s}'`);
      });
      for (const u of ck.used) {
        if (!listed.has(u)) ck.fail('sources', `uses dataset '${u}' but does not list it`);
      }
      for (const s of listed) {
        if (!ck.used.has(s)) ck.fail('sources', `lists dataset '${s}' but does not use it`);
      }
    }
    if (new Set(d.levels).size !== d.levels.length) ck.fail('levels', 'duplicate level');
    return Object.freeze({ ...d, numerator, denominator, sources: [...ck.used] });
  });
}
