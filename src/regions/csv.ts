/** Minimal RFC 4180 reader for the small CBS reference CSVs (comma, optional quotes). */
export function parseCsv(text: string, file: string): Record<string, string>[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const src = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (quoted) {
      if (c === '"' && src[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && src[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
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
