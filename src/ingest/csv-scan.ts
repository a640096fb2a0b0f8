/**
 * One streaming pass over a delivered CSV file (semicolon, `"` quotes doubled inside a quoted
 * value, LF, CRLF or CR line breaks), before DuckDB reads it: encoding (UTF-8, a byte-order mark
 * accepted), the header, the limits on columns, field length, line length and rows, and quotes
 * left open at the end. It stops at the first problem, so a file over a limit costs no more
 * than the bytes up to it, and reports it with the row (data rows from 1) and the field.
 *
 * It also counts what DuckDB does not tell: the data rows of the file, and where its empty lines
 * are (DuckDB skips them, but counts them in the line numbers of the rows it rejects), so that
 * load.ts can give every row, accepted or not, its row number, and check that none was lost.
 */
import { isUtf8 } from 'node:buffer';
import { createReadStream } from 'node:fs';
import {
  describeEncoding,
  firstInvalidUtf8,
  hexByte,
  incompleteTail,
  sniffEncoding,
  SNIFF_BYTES,
} from './encoding.js';
import { formatBytes, UPLOAD_LIMITS, type UploadLimits } from './limits.js';
import { ContributionError } from './refusal.js';

export interface CsvScan {
  /** The header's column names (trimmed, quotes removed, without a byte-order mark). */
  header: string[];
  /** Data rows: the non-empty lines (records) after the header. */
  rows: number;
  /**
   * Positions of the empty lines among the records after the header (from 1, empty lines
   * counted), ascending.
   */
  emptyLines: number[];
  /** The file began with a UTF-8 byte-order mark. */
  bom: boolean;
}

export interface CsvScanOptions {
  limits?: UploadLimits;
  /** Called once with the header, before any data row is read; may throw to stop the scan. */
  onHeader?: (names: string[]) => void;
}

/** More empty lines than this in one file are not kept track of: the file is refused. */
export const MAX_EMPTY_LINES = 1_000_000;

const DELIM = 0x3b;
const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;
const CHUNK = 1024 * 1024;
/** Bytes that end a run of unquoted bytes, and of bytes inside quotes. */
const STOP_UNQUOTED = new Uint8Array(256);
const STOP_QUOTED = new Uint8Array(256);
for (const c of [DELIM, LF, CR]) STOP_UNQUOTED[c] = 1;
for (const c of [QUOTE, LF, CR]) STOP_QUOTED[c] = 1;

export async function scanCsv(file: string, opts: CsvScanOptions = {}): Promise<CsvScan> {
  const limits = opts.limits ?? UPLOAD_LIMITS;
  const refuse = (
    code: ConstructorParameters<typeof ContributionError>[1],
    detail: string,
    info = {},
  ) => new ContributionError(file, code, detail, info);

  // Position
  let line = 1; // physical line
  let record = 0; // records read so far after the header (empty lines counted); 0 = the header
  let rows = 0;
  const emptyLines: number[] = [];
  // Current record and field
  let fieldIndex = 0;
  let fieldBytes = 0;
  let fieldStart = true;
  let recordBytes = 0;
  let lineBytes = 0;
  // Quotes
  let inQuotes = false;
  let quotePending = false; // a `"` inside a quoted value: escaped (`""`) or closing
  let quoteLine = 0;
  let crPending = false;
  // The header's fields, as bytes of the current one and names of the finished ones.
  let header: string[] | null = null;
  const names: string[] = [];
  let nameBytes: number[] = [];
  const decoder = new TextDecoder('utf-8');

  const row = () => rows + 1;
  const fieldName = () =>
    header
      ? (header[fieldIndex] ?? `column ${fieldIndex + 1}`)
      : `column ${fieldIndex + 1} of the header`;
  const where = () => (record === 0 ? 'the header' : `row ${row()}`);
  const rowInfo = () => (record === 0 ? {} : { row: row() });

  const tooLongField = () => {
    const open =
      inQuotes && quoteLine < line
        ? `; the value opens with a quote in line ${quoteLine} that is not closed: is a quote unbalanced?`
        : '';
    return refuse(
      'field-length-limit',
      `${where()}, field ${fieldName()}: a value longer than ${formatBytes(limits.fieldBytes)} (the field length limit)${open}`,
      {
        ...rowInfo(),
        ...(header ? { field: fieldName() } : {}),
        limit: { name: 'fieldBytes', value: limits.fieldBytes },
      },
    );
  };
  const tooLongLine = () =>
    refuse(
      'line-length-limit',
      `line ${line} (${where()}) is longer than ${formatBytes(limits.lineBytes)} (the line length limit)`,
      { ...rowInfo(), limit: { name: 'lineBytes', value: limits.lineBytes } },
    );

  const endField = () => {
    if (record === 0) {
      names.push(decoder.decode(Uint8Array.from(nameBytes)).trim());
      nameBytes = [];
      if (names.length >= limits.columns)
        throw refuse(
          'column-limit',
          `the header has more than ${limits.columns.toLocaleString('en-US')} columns (the column limit)`,
          { limit: { name: 'columns', value: limits.columns } },
        );
    }
    fieldIndex++;
    fieldBytes = 0;
    fieldStart = true;
  };

  const endRecord = () => {
    if (record === 0) {
      names.push(decoder.decode(Uint8Array.from(nameBytes)).trim());
      nameBytes = [];
      if (names.length === 1 && names[0] === '' && recordBytes === 0)
        throw refuse(
          'missing-header',
          'the first line is empty; a delivery starts with its header row',
        );
      header = names;
      opts.onHeader?.(header);
    } else if (recordBytes === 0) {
      if (emptyLines.length >= MAX_EMPTY_LINES)
        throw refuse(
          'unreadable',
          `the file has more than ${MAX_EMPTY_LINES.toLocaleString('en-US')} empty lines`,
        );
      emptyLines.push(record);
    } else if (++rows > limits.rows) {
      throw refuse(
        'row-limit',
        `the file has more than ${limits.rows.toLocaleString('en-US')} rows (the row limit)`,
        { row: rows, limit: { name: 'rows', value: limits.rows } },
      );
    }
    record++;
    fieldIndex = 0;
    fieldBytes = 0;
    fieldStart = true;
    recordBytes = 0;
  };

  /** Runs the state machine over `b[from, to)`. */
  const feed = (b: Uint8Array, from: number, to: number) => {
    const fieldMax = limits.fieldBytes;
    const lineMax = limits.lineBytes;
    for (let i = from; i < to; i++) {
      const c = b[i]!;
      if (crPending) {
        crPending = false;
        if (c === LF) continue; // CRLF: the CR already ended the line
      }
      if (inQuotes) {
        if (quotePending) {
          quotePending = false;
          if (c === QUOTE) {
            // `""`: one quote in the value
            if (++fieldBytes > fieldMax) throw tooLongField();
            if (++lineBytes > lineMax) throw tooLongLine();
            recordBytes++;
            if (record === 0) nameBytes.push(c);
            continue;
          }
          inQuotes = false; // the value's closing quote; `c` is read as unquoted below
        } else if (c === QUOTE) {
          quotePending = true;
          if (++lineBytes > lineMax) throw tooLongLine();
          recordBytes++;
          continue;
        } else if (c === LF || c === CR) {
          // a line break inside a quoted value
          line++;
          lineBytes = 0;
          if (c === CR) crPending = true;
          if (++fieldBytes > fieldMax) throw tooLongField();
          recordBytes++;
          if (record === 0) nameBytes.push(c);
          continue;
        } else {
          // a run of the value's bytes, up to the next quote or line break
          let j = i + 1;
          while (j < to && STOP_QUOTED[b[j]!] === 0) j++;
          const run = j - i;
          recordBytes += run;
          if ((lineBytes += run) > lineMax) throw tooLongLine();
          if ((fieldBytes += run) > fieldMax) throw tooLongField();
          if (record === 0) for (let k = i; k < j; k++) nameBytes.push(b[k]!);
          i = j - 1;
          continue;
        }
      }
      if (c === DELIM) {
        endField();
        if (++lineBytes > lineMax) throw tooLongLine();
        recordBytes++;
        continue;
      }
      if (c === LF || c === CR) {
        endRecord();
        line++;
        lineBytes = 0;
        if (c === CR) crPending = true;
        continue;
      }
      if (++lineBytes > lineMax) throw tooLongLine();
      recordBytes++;
      if (c === QUOTE && fieldStart) {
        inQuotes = true;
        quoteLine = line;
        fieldStart = false;
        continue;
      }
      fieldStart = false;
      // a run of unquoted bytes (a quote inside one is a character), up to a delimiter or break
      let j = i + 1;
      while (j < to && STOP_UNQUOTED[b[j]!] === 0) j++;
      const run = j - i;
      recordBytes += run - 1;
      if ((lineBytes += run - 1) > lineMax) throw tooLongLine();
      if ((fieldBytes += run) > fieldMax) throw tooLongField();
      if (record === 0) for (let k = i; k < j; k++) nameBytes.push(b[k]!);
      i = j - 1;
    }
  };

  let first = true;
  let bom = false;
  let carry: Buffer = Buffer.alloc(0);
  let total = 0;
  const stream = createReadStream(file, { highWaterMark: CHUNK });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let buf = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
      total += chunk.length;
      if (first) {
        first = false;
        const sniffed = sniffEncoding(buf.subarray(0, SNIFF_BYTES), buf.length < SNIFF_BYTES);
        if (sniffed.kind === 'binary')
          throw refuse(
            'binary',
            `the file is ${sniffed.format ?? 'binary data'}, not CSV text${sniffed.format ? '' : ` (control bytes such as ${hexByte(buf[sniffed.offset]!)} from byte ${sniffed.offset + 1})`}`,
          );
        if (sniffed.kind === 'encoding' && sniffed.encoding !== 'Latin-1')
          throw refuse('not-utf8', describeEncoding(sniffed.encoding, sniffed.bom));
        if (sniffed.kind === 'utf-8' && sniffed.bom) {
          bom = true;
          buf = buf.subarray(3);
        }
        // Latin-1 is found below, chunk by chunk, with the line it is in.
      }
      const tail = incompleteTail(buf);
      const body = tail > 0 ? buf.subarray(0, buf.length - tail) : buf;
      carry = tail > 0 ? Buffer.from(buf.subarray(buf.length - tail)) : Buffer.alloc(0);
      if (!isUtf8(body)) {
        const bad = firstInvalidUtf8(body);
        feed(body, 0, bad); // up to the bad byte, so that its line and row are known
        throw notUtf8(body[bad]!);
      }
      feed(body, 0, body.length);
    }
  } finally {
    stream.destroy();
  }
  if (carry.length > 0) throw notUtf8(carry[0]!);

  function notUtf8(byte: number) {
    return refuse(
      'not-utf8',
      `${describeEncoding('Latin-1', false)}: line ${line} (${where()}) has the byte ${hexByte(byte)}, which is not UTF-8 there`,
      rowInfo(),
    );
  }

  if (total === 0 || (bom && total === 3))
    throw refuse(
      'empty-file',
      'the file is empty; a delivery is a header row and at least one data row',
    );
  if (inQuotes && !quotePending) {
    const quoted = fieldName();
    throw refuse(
      'unbalanced-quote',
      `${where()}, field ${quoted}: the quote that opens the value in line ${quoteLine} is never closed`,
      { ...rowInfo(), ...(header ? { field: quoted } : {}) },
    );
  }
  if (recordBytes > 0 || fieldIndex > 0 || record === 0) endRecord();
  if (rows === 0) throw refuse('no-rows', 'the file has a header but no data rows');
  return { header: header ?? names, rows, emptyLines, bom };
}
