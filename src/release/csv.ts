/**
 * The one owner of CSV cells: every CSV the broker writes (the release's cells.csv and
 * restricted/cells.csv, the public downloads, the changes and zoekgebieden exports) and the
 * dashboard's own CSV (web/src/csv.ts) write their fields through here; the release store and
 * the CBS region files (src/regions/csv.ts) read theirs through here.
 *
 * - RFC 4180: a field holding a double quote, the delimiter, CR or LF is quoted, with inner
 *   double quotes doubled.
 * - Formula injection (OWASP, "CSV Injection"): region names, indicator titles and labels come
 *   from files an instance operator supplies, and a spreadsheet runs a text that starts with
 *   `=`, `+`, `-`, `@`, TAB or CR as a formula. Such a text cell is written with a single quote
 *   in front, inside a quoted field (`"'=cmd|…"`), so that the spreadsheet shows it as text.
 *   A text that already starts with quotes followed by such a character gets one more, so that
 *   `textFromCsv` gives back exactly what was written (the release files are read back).
 * - Numbers are data, never formulas: a number cell (a JS number, e.g. -3.5) is written as it
 *   is, without a quote. A number that is not finite is an empty field (as JSON's null).
 *
 * Pure and without Node imports: the dashboard bundles it too.
 */

/** What a cell can hold; its JavaScript type decides whether it is text or a number. */
export type CsvValue = string | number | bigint | boolean | null | undefined;

export type CsvDelimiter = ',' | ';';

/** Characters that make a spreadsheet read a cell as a formula when a text starts with one. */
export const FORMULA_PREFIXES = ['=', '+', '-', '@', '\t', '\r'] as const;

/** Formula-like, also behind leading single quotes (those are neutralised once more). */
const NEEDS_NEUTRALISING = /^'*[=+\-@\t\r]/;
/** A neutralised text as written: one added quote to take away. */
const NEUTRALISED = /^'+[=+\-@\t\r]/;

/** A text a spreadsheet would run as a formula (its first character is one of the prefixes). */
export function isFormulaLike(text: string): boolean {
  return /^[=+\-@\t\r]/.test(text);
}

function quoted(s: string): string {
  return `"${s.replaceAll('"', '""')}"`;
}

/** One text cell: neutralised when formula-like, quoted when RFC 4180 needs it. */
export function csvText(text: string, delimiter: CsvDelimiter = ','): string {
  if (NEEDS_NEUTRALISING.test(text)) return quoted(`'${text}`);
  return text.includes('"') ||
    text.includes(delimiter) ||
    text.includes('\n') ||
    text.includes('\r')
    ? quoted(text)
    : text;
}

/** One number cell, as JavaScript prints it (a decimal point; -3.5 stays -3.5); '' when absent. */
export function csvNumber(n: number | bigint | null | undefined): string {
  if (n === null || n === undefined) return '';
  if (typeof n === 'bigint') return String(n);
  return Number.isFinite(n) ? String(n) : '';
}

/** One cell of any kind: numbers as numbers, everything else as text; '' for null/undefined. */
export function csvCell(v: CsvValue, delimiter: CsvDelimiter = ','): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number' || typeof v === 'bigint') return csvNumber(v);
  return csvText(String(v), delimiter);
}

/** One record (without its line end). */
export function csvLine(values: readonly CsvValue[], delimiter: CsvDelimiter = ','): string {
  return values.map((v) => csvCell(v, delimiter)).join(delimiter);
}

export interface CsvDocumentOptions {
  /** A UTF-8 byte order mark first, so that spreadsheet programs read UTF-8 (default false). */
  bom?: boolean;
  /** Line end after every record, the last one too (default CRLF, as RFC 4180). */
  eol?: '\r\n' | '\n';
  delimiter?: CsvDelimiter;
}

/** A whole file: the header, then one record per row, each ended by `eol`. */
export function csvDocument(
  header: readonly string[],
  rows: Iterable<readonly CsvValue[]>,
  o: CsvDocumentOptions = {},
): string {
  const eol = o.eol ?? '\r\n';
  const delimiter = o.delimiter ?? ',';
  const lines = [csvLine(header, delimiter)];
  for (const row of rows) lines.push(csvLine(row, delimiter));
  return `${o.bom ? '\uFEFF' : ''}${lines.join(eol)}${eol}`;
}

/** What a scan has read: the complete records, and the record it ended inside. */
interface Scanned {
  records: string[][];
  record: string[];
  field: string;
}

/**
 * Reads fields (quotes removed, doubled quotes undone); with `recordEnds`, a CR, LF or CRLF
 * outside quotes ends a record, otherwise it is text of the field.
 */
function scan(src: string, delimiter: CsvDelimiter, recordEnds: boolean): Scanned {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let inQuotes = false;
  for (let i = 0; i < src.length; i++) {
    const ch = src[i]!;
    if (inQuotes) {
      if (ch === '"' && src[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') inQuotes = false;
      else field += ch;
    } else if (ch === '"') inQuotes = true;
    else if (ch === delimiter) {
      record.push(field);
      field = '';
    } else if (recordEnds && (ch === '\n' || ch === '\r')) {
      if (ch === '\r' && src[i + 1] === '\n') i++;
      record.push(field);
      records.push(record);
      record = [];
      field = '';
    } else field += ch;
  }
  return { records, record, field };
}

/**
 * The fields of one record on one line, as written (quotes removed, doubled quotes undone; a
 * neutralised text keeps its quote: see `textFromCsv`).
 */
export function splitCsvLine(line: string, delimiter: CsvDelimiter = ','): string[] {
  const { record, field } = scan(line, delimiter, false);
  return [...record, field];
}

/** Every record of a CSV text (a quoted field may hold line ends); no record for a final EOL. */
export function csvRecords(text: string, delimiter: CsvDelimiter = ','): string[][] {
  const { records, record, field } = scan(text, delimiter, true);
  if (field !== '' || record.length > 0) records.push([...record, field]);
  return records;
}

/** The text a text cell held before `csvText` neutralised it (the inverse for text cells). */
export function textFromCsv(field: string): string {
  return NEUTRALISED.test(field) ? field.slice(1) : field;
}
