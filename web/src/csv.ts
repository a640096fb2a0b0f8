/**
 * CSV of what a view shows, made in the browser: a byte order mark (so that spreadsheet programs
 * read UTF-8), commas, CRLF line ends and RFC 4180 quoting. Numbers keep a decimal point, so that
 * the file reads the same in every locale. Region names and indicator titles come from the
 * operator's files: the cells are written by the broker's one CSV owner (src/release/csv.ts,
 * bundled), which neutralises formula-like text and leaves numbers as they are. Pure (the
 * download is in download.ts).
 */
import { csvDocument, type CsvValue } from '../../src/release/csv.js';

export type { CsvValue };

export function toCsv(header: readonly string[], rows: readonly (readonly CsvValue[])[]): string {
  return csvDocument(header, rows, { bom: true });
}
