import { csvRecords } from '../release/csv.js';

/** Minimal RFC 4180 reader for the small CBS reference CSVs (comma, optional quotes). */
export function parseCsv(text: string, file: string): Record<string, string>[] {
  // Records are read by the one CSV owner; this adds the header, trimming and row checks.
  const rows = csvRecords(text.replace(/^\uFEFF/, ''));
  const nonEmpty = rows.filter((r) => !(r.length === 1 && r[0] === ''));
  const header = nonEmpty[0];
  if (!header) throw new Error(`${file}: empty file`);
  return nonEmpty.slice(1).map((r, idx) => {
    if (r.length !== header.length) {
      throw new Error(`${file}: row ${idx + 2} has ${r.length} fields, expected ${header.length}`);
    }
    return Object.fromEntries(header.map((h, j) => [h.trim(), (r[j] ?? '').trim()]));
  });
}

/** The value of a required column, or an error naming file, row and field. */
export function field(
  row: Record<string, string>,
  name: string,
  file: string,
  rowNo: number,
): string {
  const v = row[name];
  if (v === undefined || v === '')
    throw new Error(`${file}: row ${rowNo}: missing field '${name}'`);
  return v;
}
