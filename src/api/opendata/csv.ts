/**
 * CSV export of public cells, following CBS conventions: a confidential figure is '.', a figure
 * that cannot occur (not-applicable) is blank. Comma-separated, CRLF line ends (RFC 4180) and a
 * UTF-8 byte order mark so that Excel opens it with the right encoding. Cells are written by the
 * one CSV owner (src/release/csv.ts): formula-like text is neutralised, numbers stay numbers.
 */
import { PUBLIC_CELL_COLUMNS, type PublicCell } from '../../public/index.js';
import { csvDocument, type CsvValue } from '../../release/csv.js';

export const CSV_COLUMNS = PUBLIC_CELL_COLUMNS;

function figure(v: number | null, status: PublicCell['status']): CsvValue {
  return status === 'confidential' ? '.' : v;
}

function record(r: PublicCell): CsvValue[] {
  return [
    r.indicator_id,
    r.year,
    r.region_level,
    r.region_code,
    r.parent_code,
    r.breakdown,
    figure(r.value, r.status),
    figure(r.numerator, r.status),
    figure(r.denominator, r.status),
    r.status,
  ];
}

export function toCsv(rows: readonly PublicCell[]): string {
  return csvDocument(CSV_COLUMNS, rows.map(record), { bom: true });
}
