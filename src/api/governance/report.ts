/**
 * Reading the restricted report of a release for the airlock routes: the internal rows of
 * `restricted/cells.csv` one page at a time, without reading the whole file per page. The first
 * read of a file scans it once (counting rows and noting the byte offset of every STEP-th row);
 * later pages seek to the nearest mark. The index is keyed on the file's identity, size and
 * modification time, so a changed file is scanned again.
 */
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { RELEASE_COLUMNS, releaseRowFromCsvLine, type ReleaseRow } from '../../release/index.js';

const STEP = 10_000;
const CHUNK = 1 << 20;
const MAX_INDEXES = 16;

interface RowIndex {
  total: number;
  /** marks[k]: byte offset of data row k × STEP. */
  marks: number[];
}

const indexes = new Map<string, RowIndex>();

async function rowIndex(file: string): Promise<RowIndex> {
  const st = await stat(file);
  const key = `${file}\0${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}`;
  const cached = indexes.get(key);
  if (cached) {
    indexes.delete(key);
    indexes.set(key, cached); // most recently used last
    return cached;
  }
  const fh = await open(file, 'r');
  const marks: number[] = [];
  let newlines = 0;
  let header = '';
  let lastByte = -1;
  let size = 0;
  try {
    const buf = Buffer.allocUnsafe(CHUNK);
    let pos = 0;
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, CHUNK, pos);
      if (bytesRead === 0) break;
      let from = 0;
      for (;;) {
        const nl = buf.indexOf(10, from);
        if (nl === -1 || nl >= bytesRead) break;
        if (newlines === 0) header += buf.toString('utf8', 0, nl);
        newlines++;
        // The row after this newline is data row (newlines - 1).
        if ((newlines - 1) % STEP === 0) marks.push(pos + nl + 1);
        from = nl + 1;
      }
      if (newlines === 0) header += buf.toString('utf8', 0, bytesRead);
      lastByte = buf[bytesRead - 1]!;
      pos += bytesRead;
    }
    size = pos;
  } finally {
    await fh.close();
  }
  if (header.endsWith('\r')) header = header.slice(0, -1);
  if (header !== RELEASE_COLUMNS.join(',')) {
    throw new Error(`${file} has an unexpected header`);
  }
  // Rows = lines after the header; a last line without a newline counts too.
  const total = size === 0 ? 0 : Math.max(0, newlines - 1 + (lastByte === 10 ? 0 : 1));
  const index = { total, marks };
  indexes.set(key, index);
  while (indexes.size > MAX_INDEXES) indexes.delete(indexes.keys().next().value!);
  return index;
}

/** Rows `offset` .. `offset + limit - 1` of a restricted cells.csv, and how many rows it has. */
export async function readRowsPage(
  file: string,
  offset: number,
  limit: number,
): Promise<{ total: number; rows: ReleaseRow[] }> {
  const index = await rowIndex(file);
  const rows: ReleaseRow[] = [];
  if (offset >= index.total || limit <= 0) return { total: index.total, rows };
  const k = Math.floor(offset / STEP);
  const start = index.marks[k];
  if (start === undefined) return { total: index.total, rows };
  let skip = offset - k * STEP;
  const stream = createReadStream(file, { start, encoding: 'utf8' });
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  try {
    for await (const line of lines) {
      if (line === '') continue;
      if (skip > 0) {
        skip--;
        continue;
      }
      rows.push(releaseRowFromCsvLine(line));
      if (rows.length >= limit) break;
    }
  } finally {
    lines.close();
    stream.destroy();
  }
  return { total: index.total, rows };
}
