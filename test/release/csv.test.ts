/**
 * The one CSV owner (src/release/csv.ts): RFC 4180 quoting and OWASP formula neutralisation,
 * as properties over arbitrary strings. Each written file is read back by a small reference
 * parser written here from RFC 4180 (quoted fields over line ends, doubled quotes), and samples by
 * DuckDB's read_csv as an independent reader: every text comes back as it was, a formula-like one
 * with one single quote in front; no text cell read back starts with = + - @ TAB or CR; numbers
 * (also negative ones) come back as written, unquoted. The release files' own reader
 * (`textFromCsv`) undoes the neutralisation exactly, and the dashboard's CSV is the same writer.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrokerDatabase, queryRows, quoteLiteral } from '../../src/engine/session.js';
import {
  csvCell,
  csvDocument,
  csvLine,
  csvNumber,
  csvText,
  FORMULA_PREFIXES,
  isFormulaLike,
  splitCsvLine,
  textFromCsv,
  type CsvDelimiter,
} from '../../src/release/csv.js';
import {
  RELEASE_COLUMNS,
  releaseRowFromCsvLine,
  rowsToCsv,
  type ReleaseRow,
} from '../../src/release/index.js';
import { toCsv as dashboardCsv } from '../../web/src/csv.js';
import { parseRfc4180 } from '../support/csv.js';

/** What a reader gets back for a text cell: the text, with one quote first when formula-like. */
const expectedText = (s: string): string => (/^'*[=+\-@\t\r]/.test(s) ? `'${s}` : s);

/** Strings that stress the writer: formula prefixes, quotes, delimiters, line ends, unicode. */
const tricky = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.string({
    unit: fc.constantFrom('=', '+', '-', '@', '\t', '\r', '\n', '"', "'", ',', ';', ' ', 'a', '1'),
    maxLength: 12,
  }),
  fc
    .tuple(fc.constantFrom(...FORMULA_PREFIXES, "'=", "''+"), fc.string({ maxLength: 20 }))
    .map(([p, s]) => p + s),
  fc.constantFrom(
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://x","y")',
    '@SUM(1+1)*cmd|/C calc',
    '-2+3',
  ),
);

const finite = fc.double({ noNaN: true, noDefaultInfinity: true });

describe('csvText / csvNumber', () => {
  it('quotes per RFC 4180 and neutralises formula-like text, for arbitrary strings', () => {
    fc.assert(
      fc.property(tricky, fc.constantFrom<CsvDelimiter>(',', ';'), (s, d) => {
        const cell = csvText(s, d);
        const parsed = parseRfc4180(`${cell}\r\n`, d);
        expect(parsed).toEqual([[expectedText(s)]]);
        expect(parsed[0]![0]).not.toMatch(/^[=+\-@\t\r]/);
        // The release files' reader gives back the original text exactly.
        expect(textFromCsv(splitCsvLine(cell, d)[0]!)).toBe(s);
        // Inside a quoted field when neutralised (OWASP), never bare.
        if (isFormulaLike(s)) expect(cell.startsWith(`"'`)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('leaves numbers, also negative ones, untouched', () => {
    expect(csvNumber(-3.5)).toBe('-3.5');
    expect(csvCell(-3.5)).toBe('-3.5');
    expect(csvCell(-0.001)).toBe('-0.001');
    expect(csvCell(+12)).toBe('12');
    expect(csvCell(-7n)).toBe('-7');
    expect(csvCell(Number.NaN)).toBe('');
    expect(csvCell(Number.NEGATIVE_INFINITY)).toBe('');
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
    expect(csvCell(true)).toBe('true');
    // The same characters as text are neutralised: a text column never starts with '-'.
    expect(csvText('-3.5')).toBe(`"'-3.5"`);
    expect(csvText("=cmd|' /C calc'!A0")).toBe(`"'=cmd|' /C calc'!A0"`);
    expect(csvText('\tTAB')).toBe(`"'\tTAB"`);
    expect(csvText('\rCR')).toBe(`"'\rCR"`);
    expect(csvText("'=x")).toBe(`"''=x"`);
    expect(csvText("'plain")).toBe("'plain");
    expect(csvText('Buurt 1, oost')).toBe('"Buurt 1, oost"');
    expect(csvText('a;b', ';')).toBe('"a;b"');
    expect(csvText('a;b', ',')).toBe('a;b');
    fc.assert(
      fc.property(finite, (n) => {
        const cell = csvNumber(n);
        expect(cell).toBe(String(n));
        expect(Number(cell)).toBe(n === 0 ? 0 : n);
      }),
    );
  });
});

describe('csvDocument', () => {
  // Rows of a text column, a number column and another text column.
  const rows = fc.array(fc.tuple(tricky, fc.option(finite, { nil: null }), tricky), {
    maxLength: 12,
  });

  it('reads back: texts as written (formula-like with one quote), numbers as written', () => {
    fc.assert(
      fc.property(
        rows,
        fc.boolean(),
        fc.constantFrom<'\r\n' | '\n'>('\r\n', '\n'),
        (rs, bom, eol) => {
          const doc = csvDocument(['name', 'value', 'label'], rs, { bom, eol });
          expect(doc.startsWith('\uFEFF')).toBe(bom);
          expect(doc.endsWith(eol)).toBe(true);
          const parsed = parseRfc4180(bom ? doc.slice(1) : doc);
          expect(parsed[0]).toEqual(['name', 'value', 'label']);
          expect(parsed.slice(1)).toEqual(
            rs.map(([a, n, b]) => [expectedText(a), n === null ? '' : String(n), expectedText(b)]),
          );
          for (const [a, , b] of parsed.slice(1)) {
            expect(a).not.toMatch(/^[=+\-@\t\r]/);
            expect(b).not.toMatch(/^[=+\-@\t\r]/);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('is the dashboard’s CSV too (web/src/csv.ts)', () => {
    fc.assert(
      fc.property(rows, (rs) => {
        expect(dashboardCsv(['name', 'value', 'label'], rs)).toBe(
          csvDocument(['name', 'value', 'label'], rs, { bom: true }),
        );
      }),
    );
    expect(dashboardCsv(['regio', 'waarde'], [['=cmd|x', -3.5]])).toBe(
      `\uFEFFregio,waarde\r\n"'=cmd|x",-3.5\r\n`,
    );
  });

  it('writes one record per line with the line function', () => {
    expect(csvLine(['a', 1, null, '+x'])).toBe(`a,1,,"'+x"`);
  });
});

describe('the release files (restricted/cells.csv, cells.csv)', () => {
  it('are neutralised as written and read back exactly', () => {
    const text = tricky.filter((s) => !/[\r\n]/.test(s));
    fc.assert(
      fc.property(
        text,
        text,
        fc.option(text, { nil: null }),
        // -0 is written as 0, as JavaScript prints it.
        fc.option(
          finite.map((n) => (n === 0 ? 0 : n)),
          { nil: null },
        ),
        (code, breakdown, parent, value) => {
          const row: ReleaseRow = {
            indicator_id: 'inwoners',
            year: 2023,
            region_level: 'buurt',
            region_code: code,
            parent_code: parent === '' ? null : parent,
            breakdown,
            value,
            numerator: value === null ? null : value === 0 ? 0 : -value,
            denominator: null,
            status: 'published',
            rule: null,
          };
          const [header, line, ...rest] = rowsToCsv([row]).split('\n');
          expect(header).toBe(RELEASE_COLUMNS.join(','));
          expect(rest).toEqual(['']);
          expect(releaseRowFromCsvLine(line!)).toEqual(row);
          for (const field of parseRfc4180(`${line}\n`)[0]!)
            expect(field).not.toMatch(/^[=+@\t\r]/);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('read back by DuckDB (read_csv)', () => {
  let dir: string;
  let db: Awaited<ReturnType<typeof openBrokerDatabase>>;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'samenzicht-csv-'));
    db = await openBrokerDatabase(':memory:', { threads: 1 });
  });
  afterAll(() => {
    db?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  // Text a file can hold as UTF-8 (no lone surrogates), without CR and NUL, which DuckDB's
  // reader treats as line ends and string ends: then its reading is comparable.
  const forDuckdb = tricky.filter(
    (s) => !/[\r\0]/.test(s) && Buffer.from(s, 'utf8').toString('utf8') === s,
  );

  it('gives every text back (formula-like with one quote) and every number as written', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(forDuckdb, fc.option(finite, { nil: null })), {
          minLength: 1,
          maxLength: 8,
        }),
        async (rs) => {
          const file = join(dir, `t${run++}.csv`);
          writeFileSync(
            file,
            csvDocument(
              ['id', 'text', 'value'],
              rs.map(([s, n], i) => [i, s, n]),
            ),
          );
          const got = await queryRows<{ id: string; text: string | null; value: string | null }>(
            db.conn,
            `SELECT * FROM read_csv(${quoteLiteral(file)}, header = true, delim = ',', quote = '"', escape = '"',
               all_varchar = true, auto_detect = false, new_line = '\\r\\n',
               columns = {'id': 'VARCHAR', 'text': 'VARCHAR', 'value': 'VARCHAR'}) ORDER BY id::INTEGER`,
          );
          expect(got.map((r) => [r.text ?? '', r.value ?? ''])).toEqual(
            rs.map(([s, n]) => [expectedText(s), n === null ? '' : String(n)]),
          );
          for (const r of got) expect(r.text ?? '').not.toMatch(/^[=+\-@\t\r]/);
        },
      ),
      { numRuns: 60 },
    );
  });
});
