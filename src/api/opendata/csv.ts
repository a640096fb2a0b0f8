/**
 * CSV export of public cells, following CBS conventions: a confidential figure is '.', a figure
 * that cannot occur (not-applicable) is blank. Comma-separated, CRLF line ends (RFC 4180) and a
 * UTF-8 byte order mark so that Excel opens it with the right encoding.
 */
import { PUBLIC_CELL_COLUMNS, type PublicCell } from '../../public/index.js';

export const CSV_COLUMNS = PUBLIC_CELL_COLUMNS;

const BOM = '\uFEFF';

function field(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}

function figure(v: number | null, status: PublicCell['status']): string {
  if (status === 'confidential') return '.';
  return v === null ? '' : String(v);
}

export function csvLine(r: PublicCell): string {
  return [
    field(r.indicator_id),
    String(r.year),
    r.region_level,
    field(r.region_code),
    field(r.parent_code ?? ''),
    field(r.breakdown),
    figure(r.value, r.status),
    figure(r.numerator, r.status),
    figure(r.denominator, r.status),
    r.status,
  ].join(',');
}

export function toCsv(rows: readonly PublicCell[]): string {
  const parts = [BOM + CSV_COLUMNS.join(',')];
  for (const r of rows) parts.push(csvLine(r));
  return parts.join('\r\n') + '\r\n';
}
