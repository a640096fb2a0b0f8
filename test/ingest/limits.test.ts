/**
 * The upload limits (src/ingest/limits.ts) and the CSV scan that applies them before DuckDB reads
 * a file (src/ingest/csv-scan.ts): each limit holds at its value and refuses one past it, naming
 * the limit, the row and the field; the scan counts rows and empty lines as the file has them.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  formatBytes,
  UPLOAD_LIMITS,
  uploadLimits,
  VALIDATOR_RESOURCES,
  validatorResources,
} from '../../src/ingest/limits.js';
import { scanCsv } from '../../src/ingest/csv-scan.js';
import { ContributionError } from '../../src/ingest/refusal.js';
import { tempDir } from '../support/temp.js';

const dir = tempDir('samenzicht-limits-');
let n = 0;
const file = (content: string | Buffer) => {
  const f = join(dir, `f${n++}.csv`);
  writeFileSync(f, content);
  return f;
};

describe('the limits', () => {
  it('have sane defaults in one object', () => {
    expect(UPLOAD_LIMITS).toEqual({
      uploadBytes: 4 * 1024 ** 3,
      rows: 50_000_000,
      decompressedBytes: 16 * 1024 ** 3,
      fieldBytes: 64 * 1024,
      columns: 256,
      lineBytes: 1024 ** 2,
    });
    expect(Object.isFrozen(UPLOAD_LIMITS)).toBe(true);
    expect(VALIDATOR_RESOURCES).toEqual({
      memoryLimit: '1GB',
      threads: 1,
      maxTempSize: '40GB',
      heapMb: 512,
      timeoutMs: 540_000,
    });
  });

  it('can be lowered one by one; nonsense is refused', () => {
    expect(uploadLimits({ rows: 10 })).toEqual({ ...UPLOAD_LIMITS, rows: 10 });
    expect(uploadLimits({})).toEqual(UPLOAD_LIMITS);
    expect(() => uploadLimits({ fieldBytes: 0 })).toThrow(
      'upload limit fieldBytes must be a whole number ≥ 1, not 0',
    );
    expect(() => uploadLimits({ rows: 1.5 })).toThrow('upload limit rows must be a whole number');
    expect(() => uploadLimits({ bogus: 1 } as never)).toThrow("unknown upload limit 'bogus'");
    expect(validatorResources({ memoryLimit: '256MB', timeoutMs: 5 })).toEqual({
      ...VALIDATOR_RESOURCES,
      memoryLimit: '256MB',
      timeoutMs: 5,
    });
    expect(() => validatorResources({ memoryLimit: 'lots' })).toThrow(
      "validator resource memoryLimit must be a size such as '1GB', not lots",
    );
  });

  it('are written as a person reads them', () => {
    expect(formatBytes(64 * 1024)).toBe('64 KiB');
    expect(formatBytes(1024 ** 2)).toBe('1 MiB');
    expect(formatBytes(16 * 1024 ** 3)).toBe('16 GiB');
    expect(formatBytes(1000)).toBe('1,000 bytes');
    expect(formatBytes(25 * 1024 ** 2 + 1)).toBe('25.0 MiB');
  });
});

/** The refusal `scanCsv` throws for `content` under `limits`, as plain data. */
/** Scans `content` under `limits` (a file that passes). */
const accepted = (content: string, limits: Partial<typeof UPLOAD_LIMITS>) =>
  scanCsv(file(content), { limits: uploadLimits(limits) });

async function refusal(content: string, limits: Partial<typeof UPLOAD_LIMITS>) {
  const f = file(content);
  const err = await scanCsv(f, { limits: uploadLimits(limits) }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ContributionError);
  const e = err as ContributionError;
  expect(e.message).toBe(`${f}: ${e.detail}`);
  return { code: e.code, detail: e.detail, ...e.info };
}

describe('scanCsv applies each limit at its value', () => {
  const header = 'a;b;c';
  it('field length (bytes, UTF-8): a value of the limit passes, one byte more is refused', async () => {
    await expect(
      scanCsv(file(`${header}\n1;${'é'.repeat(5)};3\n`), {
        limits: uploadLimits({ fieldBytes: 10 }),
      }),
    ).resolves.toMatchObject({ rows: 1 });
    expect(await refusal(`${header}\n1;2;3\n1;${'é'.repeat(5)}x;3\n`, { fieldBytes: 10 })).toEqual({
      code: 'field-length-limit',
      detail: 'row 2, field b: a value longer than 10 bytes (the field length limit)',
      row: 2,
      field: 'b',
      limit: { name: 'fieldBytes', value: 10 },
    });
    // Inside quotes, escaped quotes count once; the surrounding quotes not at all.
    await expect(accepted(`${header}\n1;"12""45";3\n`, { fieldBytes: 5 })).resolves.toMatchObject({
      rows: 1,
    });
  });

  it('line length: a line of the limit passes, one byte more is refused with its line and row', async () => {
    await expect(accepted(`${header}\n12;45;78\r\n`, { lineBytes: 8 })).resolves.toMatchObject({
      rows: 1,
    });
    expect(await refusal(`${header}\n1;2;3\n"x\ny";45;789\n`, { lineBytes: 8 })).toEqual({
      code: 'line-length-limit',
      detail: 'line 4 (row 2) is longer than 8 bytes (the line length limit)',
      row: 2,
      limit: { name: 'lineBytes', value: 8 },
    });
  });

  it('rows: the limit passes, one more is refused as soon as it is read', async () => {
    await expect(accepted(`${header}\n1;2;3\n\n4;5;6\n`, { rows: 2 })).resolves.toMatchObject({
      rows: 2,
      emptyLines: [2],
    });
    expect(await refusal(`${header}\n1;2;3\n4;5;6\n7;8;9\n`, { rows: 2 })).toEqual({
      code: 'row-limit',
      detail: 'the file has more than 2 rows (the row limit)',
      row: 3,
      limit: { name: 'rows', value: 2 },
    });
  });

  it('columns: a header of the limit passes, one more column is refused', async () => {
    await expect(accepted(`${header}\n1;2;3\n`, { columns: 3 })).resolves.toMatchObject({
      header: ['a', 'b', 'c'],
    });
    expect(await refusal(`${header};d\n1;2;3;4\n`, { columns: 3 })).toEqual({
      code: 'column-limit',
      detail: 'the header has more than 3 columns (the column limit)',
      limit: { name: 'columns', value: 3 },
    });
  });

  it('stops at the header when the header is refused, before reading a row', async () => {
    const seen: string[][] = [];
    const f = file(`${header}\n${'x'.repeat(100)}\n`);
    const err = await scanCsv(f, {
      limits: uploadLimits({ lineBytes: 10 }),
      onHeader: (names) => {
        seen.push(names);
        throw new Error('wrong header');
      },
    }).catch((e: unknown) => e);
    expect((err as Error).message).toBe('wrong header');
    expect(seen).toEqual([['a', 'b', 'c']]);
  });

  it('reads the header as delivered: a BOM, quotes and spaces removed', async () => {
    await expect(scanCsv(file(`\ufeff"a" ; b;"c""d"\r\n1;2;3`))).resolves.toEqual({
      header: ['a', 'b', 'c"d'],
      rows: 1,
      emptyLines: [],
      bom: true,
    });
  });
});

/** A record as the writer of a CSV file writes it: fields quoted when they must be. */
const writeField = (v: string) =>
  /[;"\r\n]/.test(v) || v === '' ? `"${v.replaceAll('"', '""')}"` : v;

describe('scanCsv counts the rows of any well-formed file', () => {
  it('rows and empty lines, whatever the line breaks, quotes and line breaks inside values', async () => {
    const field = fc.string({
      unit: fc.constantFrom('a', 'é', ';', '"', '\n', '\r\n', ' ', '1'),
      maxLength: 6,
    });
    const item = fc.oneof(
      { weight: 5, arbitrary: fc.array(field, { minLength: 1, maxLength: 4 }) },
      { weight: 1, arbitrary: fc.constant(null) }, // an empty line
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(item, { maxLength: 12 }),
        fc.constantFrom('\n', '\r\n', '\r'),
        fc.boolean(),
        fc.boolean(),
        async (items, eol, bom, finalEol) => {
          // A record of one empty value is written quoted, so that it is not an empty line.
          const lines = [
            'x;y',
            ...items.map((r) => (r === null ? '' : r.map(writeField).join(';'))),
          ];
          const content = `${bom ? '\ufeff' : ''}${lines.join(eol)}${finalEol ? eol : ''}`;
          const rows = items.filter((r) => r !== null).length;
          const emptyLines = items.flatMap((r, i) => (r === null ? [i + 1] : []));
          // A file ending in empty lines without a final line break loses the last one.
          if (!finalEol && items.at(-1) === null) emptyLines.pop();
          if (rows === 0) {
            await expect(scanCsv(file(content))).rejects.toThrow(
              'the file has a header but no data rows',
            );
            return;
          }
          await expect(scanCsv(file(content))).resolves.toEqual({
            header: ['x', 'y'],
            rows,
            emptyLines,
            bom,
          });
        },
      ),
      { numRuns: 300, seed: 1515 },
    );
  });
});
