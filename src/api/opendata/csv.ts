/**
 * CSV export of release rows, following CBS conventions: a suppressed figure is '.', a figure
 * that cannot occur (not-applicable) is blank. Comma-separated, CRLF line ends (RFC 4180) and a
 * UTF-8 byte order mark so that Excel opens it with the right encoding.
 */
import type { ReleaseRow } from './types.js';
import { RELEASE_COLUMNS } from '../../release/index.js';

export const CSV_COLUMNS = RELEASE_COLUMNS;

const BOM = '\uFEFF';

function field(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}

function figure(v: number | null, status: ReleaseRow['status']): string {
  if (v !== null) return String(v);
  return status === 'suppressed-primary' || status === 'suppressed-secondary' ? '.' : '';
}

export function csvLine(r: ReleaseRow): string {
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
    field(r.rule ?? ''),
  ].join(',');
}

export function toCsv(rows: readonly ReleaseRow[]): string {
  const parts = [BOM + CSV_COLUMNS.join(',')];
  for (const r of rows) parts.push(csvLine(r));
  return parts.join('\r\n') + '\r\n';
}
