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
import { ContributionError, type RefusalCode } from './refusal.js';

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

/** `feedQuoted` read the value's closing quote: the byte after it is read as unquoted. */
const CLOSED = -1;

/**
 * The scanner's state machine: position, the current record and field, quotes, and the header
 * as it is read. Fed chunk by chunk; `finish` checks the end of the file.
 */
class CsvScanner {
  // Position
  line = 1; // physical line
  record = 0; // records read so far after the header (empty lines counted); 0 = the header
  rows = 0;
  readonly emptyLines: number[] = [];
  // Current record and field
  fieldIndex = 0;
  fieldBytes = 0;
  fieldStart = true;
  recordBytes = 0;
  lineBytes = 0;
  // Quotes
  inQuotes = false;
  quotePending = false; // a `"` inside a quoted value: escaped (`""`) or closing
  quoteLine = 0;
  crPending = false;
  // The header's fields, as bytes of the current one and names of the finished ones.
  header: string[] | null = null;
  readonly names: string[] = [];
  nameBytes: number[] = [];
  readonly decoder = new TextDecoder('utf-8');

  constructor(
    readonly file: string,
    readonly limits: UploadLimits,
    readonly onHeader?: (names: string[]) => void,
  ) {}

  refuse(code: RefusalCode, detail: string, info = {}): ContributionError {
    return new ContributionError(this.file, code, detail, info);
  }

  row(): number {
    return this.rows + 1;
  }
  fieldName(): string {
    return this.header
      ? (this.header[this.fieldIndex] ?? `column ${this.fieldIndex + 1}`)
      : `column ${this.fieldIndex + 1} of the header`;
  }
  where(): string {
    return this.record === 0 ? 'the header' : `row ${this.row()}`;
  }
  rowInfo(): { row?: number } {
    return this.record === 0 ? {} : { row: this.row() };
  }

  tooLongField(): ContributionError {
    const { limits } = this;
    const open =
      this.inQuotes && this.quoteLine < this.line
        ? `; the value opens with a quote in line ${this.quoteLine} that is not closed: is a quote unbalanced?`
        : '';
    return this.refuse(
      'field-length-limit',
      `${this.where()}, field ${this.fieldName()}: a value longer than ${formatBytes(limits.fieldBytes)} (the field length limit)${open}`,
      {
        ...this.rowInfo(),
        ...(this.header ? { field: this.fieldName() } : {}),
        limit: { name: 'fieldBytes', value: limits.fieldBytes },
      },
    );
  }
  tooLongLine(): ContributionError {
    const { limits } = this;
    return this.refuse(
      'line-length-limit',
      `line ${this.line} (${this.where()}) is longer than ${formatBytes(limits.lineBytes)} (the line length limit)`,
      { ...this.rowInfo(), limit: { name: 'lineBytes', value: limits.lineBytes } },
    );
  }
  notUtf8(byte: number): ContributionError {
    return this.refuse(
      'not-utf8',
      `${describeEncoding('Latin-1', false)}: line ${this.line} (${this.where()}) has the byte ${hexByte(byte)}, which is not UTF-8 there`,
      this.rowInfo(),
    );
  }

  /** The header's current field is finished: one more name. */
  endName(): void {
    this.names.push(this.decoder.decode(Uint8Array.from(this.nameBytes)).trim());
    this.nameBytes = [];
  }

  endField(): void {
    if (this.record === 0) {
      this.endName();
      const { columns } = this.limits;
      if (this.names.length >= columns)
        throw this.refuse(
          'column-limit',
          `the header has more than ${columns.toLocaleString('en-US')} columns (the column limit)`,
          { limit: { name: 'columns', value: columns } },
        );
    }
    this.fieldIndex++;
    this.fieldBytes = 0;
    this.fieldStart = true;
  }

  endRecord(): void {
    if (this.record === 0) {
      this.endName();
      if (this.names.length === 1 && this.names[0] === '' && this.recordBytes === 0)
        throw this.refuse(
          'missing-header',
          'the first line is empty; a delivery starts with its header row',
        );
      this.header = this.names;
      this.onHeader?.(this.header);
    } else if (this.recordBytes === 0) {
      if (this.emptyLines.length >= MAX_EMPTY_LINES)
        throw this.refuse(
          'unreadable',
          `the file has more than ${MAX_EMPTY_LINES.toLocaleString('en-US')} empty lines`,
        );
      this.emptyLines.push(this.record);
    } else if (++this.rows > this.limits.rows) {
      const { rows } = this.limits;
      throw this.refuse(
        'row-limit',
        `the file has more than ${rows.toLocaleString('en-US')} rows (the row limit)`,
        { row: this.rows, limit: { name: 'rows', value: rows } },
      );
    }
    this.record++;
    this.fieldIndex = 0;
    this.fieldBytes = 0;
    this.fieldStart = true;
    this.recordBytes = 0;
  }

  /**
   * Reads `b[i]` inside a quoted value (and the run of value bytes after it): returns the index
   * of the last byte read, or CLOSED when `b[i]` follows the closing quote and is unquoted.
   */
  feedQuoted(b: Uint8Array, i: number, to: number): number {
    const fieldMax = this.limits.fieldBytes;
    const lineMax = this.limits.lineBytes;
    const c = b[i]!;
    if (this.quotePending) {
      this.quotePending = false;
      if (c !== QUOTE) {
        this.inQuotes = false; // the value's closing quote
        return CLOSED;
      }
      // `""`: one quote in the value
      if (++this.fieldBytes > fieldMax) throw this.tooLongField();
      if (++this.lineBytes > lineMax) throw this.tooLongLine();
      this.recordBytes++;
      if (this.record === 0) this.nameBytes.push(c);
      return i;
    }
    if (c === QUOTE) {
      this.quotePending = true;
      if (++this.lineBytes > lineMax) throw this.tooLongLine();
      this.recordBytes++;
      return i;
    }
    if (c === LF || c === CR) {
      // a line break inside a quoted value
      this.line++;
      this.lineBytes = 0;
      if (c === CR) this.crPending = true;
      if (++this.fieldBytes > fieldMax) throw this.tooLongField();
      this.recordBytes++;
      if (this.record === 0) this.nameBytes.push(c);
      return i;
    }
    // a run of the value's bytes, up to the next quote or line break
    let j = i + 1;
    while (j < to && STOP_QUOTED[b[j]!] === 0) j++;
    const run = j - i;
    this.recordBytes += run;
    if ((this.lineBytes += run) > lineMax) throw this.tooLongLine();
    if ((this.fieldBytes += run) > fieldMax) throw this.tooLongField();
    if (this.record === 0) for (let k = i; k < j; k++) this.nameBytes.push(b[k]!);
    return j - 1;
  }

  /** Runs the state machine over `b[from, to)`. */
  feed(b: Uint8Array, from: number, to: number): void {
    const fieldMax = this.limits.fieldBytes;
    const lineMax = this.limits.lineBytes;
    for (let i = from; i < to; i++) {
      const c = b[i]!;
      if (this.crPending) {
        this.crPending = false;
        if (c === LF) continue; // CRLF: the CR already ended the line
      }
      if (this.inQuotes) {
        const last = this.feedQuoted(b, i, to);
        if (last !== CLOSED) {
          i = last;
          continue;
        }
      }
      if (c === DELIM) {
        this.endField();
        if (++this.lineBytes > lineMax) throw this.tooLongLine();
        this.recordBytes++;
        continue;
      }
      if (c === LF || c === CR) {
        this.endRecord();
        this.line++;
        this.lineBytes = 0;
        if (c === CR) this.crPending = true;
        continue;
      }
      if (++this.lineBytes > lineMax) throw this.tooLongLine();
      this.recordBytes++;
      if (c === QUOTE && this.fieldStart) {
        this.inQuotes = true;
        this.quoteLine = this.line;
        this.fieldStart = false;
        continue;
      }
      this.fieldStart = false;
      // a run of unquoted bytes (a quote inside one is a character), up to a delimiter or break
      let j = i + 1;
      while (j < to && STOP_UNQUOTED[b[j]!] === 0) j++;
      const run = j - i;
      this.recordBytes += run - 1;
      if ((this.lineBytes += run - 1) > lineMax) throw this.tooLongLine();
      if ((this.fieldBytes += run) > fieldMax) throw this.tooLongField();
      if (this.record === 0) for (let k = i; k < j; k++) this.nameBytes.push(b[k]!);
      i = j - 1;
    }
  }

  /** The end of the file: a quote left open, the last record without a line break, no rows. */
  finish(): void {
    if (this.inQuotes && !this.quotePending) {
      const quoted = this.fieldName();
      throw this.refuse(
        'unbalanced-quote',
        `${this.where()}, field ${quoted}: the quote that opens the value in line ${this.quoteLine} is never closed`,
        { ...this.rowInfo(), ...(this.header ? { field: quoted } : {}) },
      );
    }
    if (this.recordBytes > 0 || this.fieldIndex > 0 || this.record === 0) this.endRecord();
    if (this.rows === 0) throw this.refuse('no-rows', 'the file has a header but no data rows');
  }
}

/**
 * The first chunk's encoding: binary data and encodings other than UTF-8 are refused; a UTF-8
 * byte-order mark is dropped. Latin-1 is found later, chunk by chunk, with the line it is in.
 */
function sniffFirstChunk(scanner: CsvScanner, buf: Buffer): { buf: Buffer; bom: boolean } {
  const sniffed = sniffEncoding(buf.subarray(0, SNIFF_BYTES), buf.length < SNIFF_BYTES);
  if (sniffed.kind === 'binary')
    throw scanner.refuse(
      'binary',
      `the file is ${sniffed.format ?? 'binary data'}, not CSV text${sniffed.format ? '' : ` (control bytes such as ${hexByte(buf[sniffed.offset]!)} from byte ${sniffed.offset + 1})`}`,
    );
  if (sniffed.kind === 'encoding' && sniffed.encoding !== 'Latin-1')
    throw scanner.refuse('not-utf8', describeEncoding(sniffed.encoding, sniffed.bom));
  if (sniffed.kind === 'utf-8' && sniffed.bom) return { buf: buf.subarray(3), bom: true };
  return { buf, bom: false };
}

export async function scanCsv(file: string, opts: CsvScanOptions = {}): Promise<CsvScan> {
  const scanner = new CsvScanner(file, opts.limits ?? UPLOAD_LIMITS, opts.onHeader);
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
        ({ buf, bom } = sniffFirstChunk(scanner, buf));
      }
      const tail = incompleteTail(buf);
      const body = tail > 0 ? buf.subarray(0, buf.length - tail) : buf;
      carry = tail > 0 ? Buffer.from(buf.subarray(buf.length - tail)) : Buffer.alloc(0);
      if (!isUtf8(body)) {
        const bad = firstInvalidUtf8(body);
        scanner.feed(body, 0, bad); // up to the bad byte, so that its line and row are known
        throw scanner.notUtf8(body[bad]!);
      }
      scanner.feed(body, 0, body.length);
    }
  } finally {
    stream.destroy();
  }
  if (carry.length > 0) throw scanner.notUtf8(carry[0]!);
  if (total === 0 || (bom && total === 3))
    throw scanner.refuse(
      'empty-file',
      'the file is empty; a delivery is a header row and at least one data row',
    );
  scanner.finish();
  const { header, names, rows, emptyLines } = scanner;
  return { header: header ?? names, rows, emptyLines, bom };
}
