/**
 * CSV of what a view shows, made in the browser: a byte order mark (so that spreadsheet programs
 * read UTF-8), commas, CRLF line ends and RFC 4180 quoting. Numbers keep a decimal point, so that
 * the file reads the same in every locale. Pure (the download is in download.ts).
 */
export type CsvValue = string | number | null | undefined;

function field(v: CsvValue): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : v;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(header: readonly string[], rows: readonly (readonly CsvValue[])[]): string {
  return `\uFEFF${[header, ...rows].map((r) => r.map(field).join(',')).join('\r\n')}\r\n`;
}
