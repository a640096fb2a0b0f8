import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildDataset, datasetIdentity } from '../../../src/api/opendata/dataset.js';
import { entity, runQuery } from '../../../src/api/opendata/entity-set.js';
import { buildV4Model } from '../../../src/api/opendata/v4/model.js';
import {
  compileFilter,
  parseFilter,
  QueryError,
  type Schema,
} from '../../../src/api/opendata/filter.js';
import type { PublicCell } from '../../../src/api/opendata/types.js';

const SCHEMA: Schema = { S: { kind: 'string' }, N: { kind: 'number' } };
type Row = { S: string | null; N: number | null };

/** Random filters as an AST with their own reference semantics and OData text. */
type Gen = { text: string; holds: (r: Row) => boolean };

const strLit = fc.constantFrom('a', 'b', "it's", 'GM0363', '');
const numLit = fc.integer({ min: -3, max: 3 });
const ops = ['eq', 'ne', 'gt', 'ge', 'lt', 'le'] as const;
const quote = (s: string) => `'${s.replaceAll("'", "''")}'`;

function cmp(
  op: (typeof ops)[number],
  a: string | number | null,
  b: string | number | null,
): boolean {
  if (op === 'eq') return a === b;
  if (op === 'ne') return a !== b;
  if (a === null || b === null) return false;
  return op === 'gt' ? a > b : op === 'ge' ? a >= b : op === 'lt' ? a < b : a <= b;
}

const leaf: fc.Arbitrary<Gen> = fc.oneof(
  fc.tuple(fc.constantFrom(...ops), strLit, fc.boolean()).map(([op, v, flip]) => ({
    text: flip ? `${quote(v)} ${op} S` : `S ${op} ${quote(v)}`,
    holds: (r: Row) => (flip ? cmp(op, v, r.S) : cmp(op, r.S, v)),
  })),
  fc
    .tuple(fc.constantFrom(...ops), numLit)
    .map(([op, v]) => ({ text: `N ${op} ${v}`, holds: (r: Row) => cmp(op, r.N, v) })),
  fc.constantFrom('eq', 'ne').map((op) => ({
    text: `N ${op} null`,
    holds: (r: Row) => (op === 'eq' ? r.N === null : r.N !== null),
  })),
  fc.tuple(fc.constantFrom('startswith', 'endswith', 'contains'), strLit).map(([fn, v]) => ({
    text: `${fn}(S,${quote(v)})`,
    holds: (r: Row) =>
      r.S !== null &&
      (fn === 'startswith'
        ? r.S.startsWith(v)
        : fn === 'endswith'
          ? r.S.endsWith(v)
          : r.S.includes(v)),
  })),
);

const expr: fc.Arbitrary<Gen> = fc.letrec<{ e: Gen }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.tuple(tie('e'), tie('e')).map(([a, b]) => ({
      text: `(${a.text}) and (${b.text})`,
      holds: (r: Row) => a.holds(r) && b.holds(r),
    })),
    fc.tuple(tie('e'), tie('e')).map(([a, b]) => ({
      text: `(${a.text}) or (${b.text})`,
      holds: (r: Row) => a.holds(r) || b.holds(r),
    })),
    tie('e').map((a) => ({ text: `not (${a.text})`, holds: (r: Row) => !a.holds(r) })),
  ),
})).e;

const row: fc.Arbitrary<Row> = fc.record({
  S: fc.option(strLit, { nil: null }),
  N: fc.option(numLit, { nil: null }),
});

describe('$filter parser', () => {
  it('agrees with a reference evaluation on random expressions', () => {
    fc.assert(
      fc.property(expr, fc.array(row, { maxLength: 20 }), (g, rows) => {
        const pred = compileFilter(parseFilter(g.text, SCHEMA));
        expect(rows.map((r) => pred(r))).toEqual(rows.map((r) => g.holds(r)));
      }),
      { numRuns: 300 },
    );
  });

  it('gives and precedence over or, and not over and', () => {
    const ev = (text: string, r: Row) => compileFilter(parseFilter(text, SCHEMA))(r);
    const r = { S: 'a', N: 1 };
    expect(ev("S eq 'b' and N eq 0 or N eq 1", r)).toBe(true); // (false and false) or true
    expect(ev("S eq 'a' or N eq 0 and N eq 2", r)).toBe(true); // true or (...)
    expect(ev("not S eq 'b' and N eq 1", r)).toBe(true);
    expect(ev("not (S eq 'a' and N eq 1)", r)).toBe(false);
  });

  it('rejects malformed input with a QueryError', () => {
    for (const bad of [
      "S eq 'a' and",
      'S eq',
      '(S',
      'S eq 1',
      "N eq 'x'",
      'Q eq 1',
      "S eq 'a')",
      'startswith(S)',
      'N gt null',
      "S eq 'a' N eq 1",
      '1.2.3 eq N',
    ]) {
      expect(() => parseFilter(bad, SCHEMA), bad).toThrow(QueryError);
    }
  });
});

describe('$filter dialects', () => {
  const ev = (text: string, r: Row, dialect: 'v3' | 'v4') =>
    compileFilter(parseFilter(text, SCHEMA, dialect))(r);

  it('v3 spells substring search substringof(needle, haystack), v4 contains(haystack, needle)', () => {
    fc.assert(
      fc.property(row, strLit, (r, v) => {
        const v3 = ev(`substringof(${quote(v)}, S)`, r, 'v3');
        const v4 = ev(`contains(S, ${quote(v)})`, r, 'v4');
        expect(v3).toBe(v4);
        expect(v3).toBe(r.S !== null && r.S.includes(v));
      }),
      { numRuns: 200 },
    );
    expect(ev("substringof('GM', S) eq true", { S: 'GM0363', N: null }, 'v3')).toBe(true);
    expect(ev("substringof('GM', S) eq false", { S: 'GM0363', N: null }, 'v3')).toBe(false);
  });

  it('names the functions a dialect supports when another is used', () => {
    expect(() => parseFilter("contains(S,'a')", SCHEMA, 'v3')).toThrow(
      "$filter: function 'contains' is not supported in OData v3 (supported: startswith, endswith, substringof) at position 1",
    );
    expect(() => parseFilter("substringof('a',S)", SCHEMA, 'v4')).toThrow(
      "$filter: function 'substringof' is not supported in OData v4 (supported: startswith, endswith, contains) at position 1",
    );
  });

  it('compares boolean properties with true and false only', () => {
    const schema: Schema = { B: { kind: 'boolean' }, S: { kind: 'string' } };
    const pred = compileFilter(parseFilter('B eq true', schema));
    expect([{ B: true }, { B: false }].map(pred)).toEqual([true, false]);
    expect(() => parseFilter('B gt true', schema)).toThrow(
      'true/false can only be compared with eq or ne',
    );
    expect(() => parseFilter("B eq 'x'", schema)).toThrow('cannot compare a boolean with a string');
    expect(() => parseFilter('S eq true', schema)).toThrow(
      'cannot compare a string with a boolean',
    );
  });
});

describe('index narrowing in runQuery', () => {
  it('returns the same rows as a plain scan', () => {
    const regions = ['NL01', 'GM0363', 'GM0518', 'GM0599'];
    const cell = fc.record({
      indicator_id: fc.constantFrom('a', 'b'),
      year: fc.constantFrom(2022, 2023),
      region_code: fc.constantFrom(...regions),
      value: fc.option(fc.integer({ min: 0, max: 9 }), { nil: null }),
    });
    fc.assert(
      fc.property(
        fc.array(cell, { maxLength: 40 }),
        fc.constantFrom(...regions),
        fc.constantFrom('a', 'b'),
        (cells, region, measure) => {
          const rows: PublicCell[] = cells.map((c) => ({
            ...c,
            region_level: c.region_code === 'NL01' ? 'nederland' : 'gemeente',
            parent_code: c.region_code === 'NL01' ? null : 'NL01',
            breakdown: '',
            numerator: null,
            denominator: null,
            status: c.value === null ? 'confidential' : 'published',
          }));
          const summary = {
            id: 'r',
            status: 'published',
            createdAt: '2026-01-01T00:00:00Z',
            publishedAt: '2026-01-01T00:00:00Z',
            years: [2022, 2023],
            regionSet: null,
          };
          const identity = datasetIdentity('Samenzicht', summary, {
            version: 1,
            status: 'Regulier',
            reason: 'Eerste publicatie.',
          });
          const model = buildV4Model(
            buildDataset({
              identity,
              mapYear: null,
              cells: rows,
              indicators: [],
              regionName: () => undefined,
            }),
          );
          const set = model.sets.get('Observations');
          if (!set) throw new Error('no Observations');
          const filter = `RegioS eq '${region}' and (Measure eq '${measure}' or Value gt 4)`;
          const got = runQuery(set, { filter }, 1000).value.map((o) => o['Id']);
          const want = Array.from({ length: set.size }, (_, i) => entity(set, i))
            .filter(
              (o) =>
                o['RegioS'] === region &&
                (o['Measure'] === measure || (o['Value'] !== null && (o['Value'] as number) > 4)),
            )
            .map((o) => o['Id']);
          expect(got).toEqual(want);
        },
      ),
      { numRuns: 200 },
    );
  });
});
