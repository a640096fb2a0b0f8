/**
 * What a delivered text file is encoded in, from its first bytes: contributions are UTF-8 (a
 * byte-order mark is accepted); any other encoding, and a binary file sent as CSV, is refused
 * by name, so that the provider knows what to change in the export ("the file is UTF-16, not
 * UTF-8"), instead of a parser error.
 *
 * Pure functions on bytes; the CSV scan (csv-scan.ts) feeds them the head of the file and checks
 * the rest of it chunk by chunk with `firstInvalidUtf8`.
 */

/** How many leading bytes `sniffEncoding` wants to see (fewer when the file is shorter). */
export const SNIFF_BYTES = 64 * 1024;

export type OtherEncoding = 'UTF-16LE' | 'UTF-16BE' | 'UTF-32LE' | 'UTF-32BE' | 'Latin-1';

export type Sniffed =
  | { kind: 'empty' }
  | { kind: 'utf-8'; bom: boolean }
  | { kind: 'encoding'; encoding: OtherEncoding; bom: boolean; offset: number }
  | { kind: 'binary'; format: string | null; offset: number };

const UTF8_BOM = [0xef, 0xbb, 0xbf];

/** File formats that are sent as CSV by mistake, by their signature. */
const SIGNATURES: { bytes: number[]; format: string }[] = [
  { bytes: [0x50, 0x41, 0x52, 0x31], format: 'a Parquet file' },
  { bytes: [0x50, 0x4b, 0x03, 0x04], format: 'a ZIP archive (an Excel or OpenDocument workbook?)' },
  { bytes: [0xd0, 0xcf, 0x11, 0xe0], format: 'an old Excel workbook (.xls)' },
  { bytes: [0x1f, 0x8b], format: 'a gzip-compressed file' },
  { bytes: [0x28, 0xb5, 0x2f, 0xfd], format: 'a zstd-compressed file' },
  { bytes: [0x42, 0x5a, 0x68], format: 'a bzip2-compressed file' },
  { bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], format: 'an xz-compressed file' },
  { bytes: [0x25, 0x50, 0x44, 0x46], format: 'a PDF document' },
];

const startsWith = (b: Uint8Array, prefix: readonly number[]) =>
  b.length >= prefix.length && prefix.every((x, i) => b[i] === x);

/** A control byte that has no place in CSV text (tab, LF, CR and form feed do). */
export const isStrayControl = (b: number) =>
  b < 0x20 ? b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c : b === 0x7f;

/**
 * The length of the UTF-8 sequence that starts at `i`, or 0 when none valid does (a stray
 * continuation byte, an overlong form, a surrogate, beyond U+10FFFF); -1 when the bytes end
 * before the sequence does.
 */
function sequenceAt(b: Uint8Array, i: number): number {
  const c = b[i]!;
  if (c < 0x80) return 1;
  let n: number;
  let lo = 0x80;
  let hi = 0xbf;
  if (c >= 0xc2 && c <= 0xdf) n = 2;
  else if (c >= 0xe0 && c <= 0xef) {
    n = 3;
    if (c === 0xe0) lo = 0xa0;
    if (c === 0xed) hi = 0x9f;
  } else if (c >= 0xf0 && c <= 0xf4) {
    n = 4;
    if (c === 0xf0) lo = 0x90;
    if (c === 0xf4) hi = 0x8f;
  } else return 0;
  for (let k = 1; k < n; k++) {
    if (i + k >= b.length) return -1;
    const d = b[i + k]!;
    if (d < (k === 1 ? lo : 0x80) || d > (k === 1 ? hi : 0xbf)) return 0;
  }
  return n;
}

/**
 * The offset of the first byte that is not valid UTF-8, or -1. With `partialTail`, a sequence
 * cut off by the end of `bytes` is not an error (the next chunk completes it); use
 * `incompleteTail` to hold those bytes back.
 */
export function firstInvalidUtf8(bytes: Uint8Array, partialTail = false): number {
  for (let i = 0; i < bytes.length;) {
    if (bytes[i]! < 0x80) {
      i++;
      continue;
    }
    const n = sequenceAt(bytes, i);
    if (n === -1) return partialTail ? -1 : i;
    if (n === 0) return i;
    i += n;
  }
  return -1;
}

/** How many bytes at the end of `bytes` begin a UTF-8 sequence that they do not finish (0–3). */
export function incompleteTail(bytes: Uint8Array): number {
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const c = bytes[bytes.length - back]!;
    if (c < 0x80) return 0;
    if (c >= 0xc0) {
      const need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
      return need > back ? back : 0;
    }
  }
  return 0;
}

/** Share of the bytes at even and at odd offsets that are NUL, in the first `n` bytes. */
function nulShares(b: Uint8Array, n: number): { even: number; odd: number; all: number } {
  let even = 0;
  let odd = 0;
  for (let i = 0; i < n; i++) {
    if (b[i] !== 0) continue;
    if (i % 2 === 0) even++;
    else odd++;
  }
  const half = Math.max(1, Math.floor(n / 2));
  return { even: even / half, odd: odd / half, all: (even + odd) / Math.max(1, n) };
}

/**
 * Sniffs the encoding of a CSV file from its first bytes (`head`, up to SNIFF_BYTES; `complete`
 * when that is the whole file, so a sequence cut off at the end is an error, not the next
 * chunk's).
 */
export function sniffEncoding(head: Uint8Array, complete = head.length < SNIFF_BYTES): Sniffed {
  if (head.length === 0) return { kind: 'empty' };
  // Byte-order marks; UTF-32LE's begins with UTF-16LE's, so it is tested first.
  if (startsWith(head, [0xff, 0xfe, 0x00, 0x00]))
    return { kind: 'encoding', encoding: 'UTF-32LE', bom: true, offset: 0 };
  if (startsWith(head, [0x00, 0x00, 0xfe, 0xff]))
    return { kind: 'encoding', encoding: 'UTF-32BE', bom: true, offset: 0 };
  if (startsWith(head, [0xff, 0xfe]))
    return { kind: 'encoding', encoding: 'UTF-16LE', bom: true, offset: 0 };
  if (startsWith(head, [0xfe, 0xff]))
    return { kind: 'encoding', encoding: 'UTF-16BE', bom: true, offset: 0 };
  const bom = startsWith(head, UTF8_BOM);
  const body = bom ? head.subarray(3) : head;
  if (body.length === 0) return { kind: 'empty' };
  for (const s of SIGNATURES)
    if (startsWith(body, s.bytes)) return { kind: 'binary', format: s.format, offset: 0 };
  // Text in UTF-16 or UTF-32 without a mark: its ASCII characters come with NUL bytes beside
  // them, at odd offsets (little-endian) or even ones (big-endian).
  const n = Math.min(body.length, 4096) & ~3;
  if (!bom && n >= 4) {
    const nul = nulShares(body, n);
    let q0 = 0;
    let q3 = 0;
    for (let i = 0; i + 3 < n; i += 4) {
      if (body[i] !== 0 && body[i + 1] === 0 && body[i + 2] === 0 && body[i + 3] === 0) q0++;
      if (body[i] === 0 && body[i + 1] === 0 && body[i + 2] === 0 && body[i + 3] !== 0) q3++;
    }
    if (q0 / (n / 4) > 0.5) return { kind: 'encoding', encoding: 'UTF-32LE', bom, offset: 0 };
    if (q3 / (n / 4) > 0.5) return { kind: 'encoding', encoding: 'UTF-32BE', bom, offset: 0 };
    if (nul.odd > 0.3 && nul.even < 0.05)
      return { kind: 'encoding', encoding: 'UTF-16LE', bom, offset: 0 };
    if (nul.even > 0.3 && nul.odd < 0.05)
      return { kind: 'encoding', encoding: 'UTF-16BE', bom, offset: 0 };
  }
  // Binary: more than a few stray control bytes (NUL among them) in the head. A single NUL in a
  // value is not a binary file: that row is quarantined.
  let controls = 0;
  let firstControl = -1;
  for (let i = 0; i < body.length; i++) {
    if (isStrayControl(body[i]!)) {
      controls++;
      if (firstControl < 0) firstControl = i;
    }
  }
  const offset0 = bom ? 3 : 0;
  if (controls > 8 && controls / body.length > 0.001)
    return { kind: 'binary', format: null, offset: offset0 + firstControl };
  const bad = firstInvalidUtf8(body, !complete);
  if (bad >= 0) {
    // Bytes ≥ 0x80 that are no UTF-8 in otherwise clean text: an 8-bit code page. Latin-1 and
    // Windows-1252 agree on the letters (é, ë, ö), which is what a Dutch file holds.
    return { kind: 'encoding', encoding: 'Latin-1', bom, offset: offset0 + bad };
  }
  return { kind: 'utf-8', bom };
}

/** The refusal's wording for an encoding that is not UTF-8 (`the file is UTF-16, not UTF-8 …`). */
export function describeEncoding(encoding: OtherEncoding, bom: boolean): string {
  switch (encoding) {
    case 'UTF-16LE':
    case 'UTF-16BE':
      return `the file is UTF-16, not UTF-8 (${encoding}${bom ? ' with a byte-order mark' : ''}); export it as UTF-8`;
    case 'UTF-32LE':
    case 'UTF-32BE':
      return `the file is UTF-32, not UTF-8 (${encoding}${bom ? ' with a byte-order mark' : ''}); export it as UTF-8`;
    case 'Latin-1':
      return 'the file is not UTF-8 (it looks like Latin-1 or Windows-1252); export it as UTF-8';
  }
}

/** The byte at `offset` as the refusal names it, e.g. `0xE9`. */
export const hexByte = (b: number) => `0x${b.toString(16).toUpperCase().padStart(2, '0')}`;
