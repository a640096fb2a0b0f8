/**
 * A strict reference reader of RFC 4180 CSV for the tests of every CSV the system writes: it
 * throws on what the RFC forbids (a quote inside an unquoted field, text after a closing quote,
 * a bare CR, an unterminated quoted field), so a writer's mistake fails the test.
 */
import type { CsvDelimiter } from '../../src/release/index.js';

export /** RFC 4180 records of a whole text (CRLF or LF between records; quoted fields may hold both). */
function parseRfc4180(text: string, delimiter: CsvDelimiter = ','): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  let atFieldStart = true;
  while (i < text.length) {
    const ch = text[i]!;
    if (atFieldStart && ch === '"') {
      // A quoted field: up to the lone closing quote.
      i++;
      for (;;) {
        if (i >= text.length) throw new Error('unterminated quoted field');
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += text[i];
        i++;
      }
      const next = text[i];
      if (next !== undefined && next !== delimiter && next !== '\r' && next !== '\n')
        throw new Error(`text after a closing quote at ${i}`);
      atFieldStart = false;
      continue;
    }
    if (ch === '"') throw new Error(`a quote inside an unquoted field at ${i}`);
    if (ch === delimiter) {
      row.push(field);
      field = '';
      atFieldStart = true;
      i++;
    } else if (ch === '\r' || ch === '\n') {
      // An unquoted CR may only start a line end: RFC 4180 allows no bare CR in a field.
      if (ch === '\r' && text[i + 1] !== '\n') throw new Error(`a bare CR at ${i}`);
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      atFieldStart = true;
      i += ch === '\r' ? 2 : 1;
    } else {
      field += ch;
      atFieldStart = false;
      i++;
    }
  }
  if (!atFieldStart || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}
