import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  describeEncoding,
  firstInvalidUtf8,
  incompleteTail,
  isStrayControl,
  sniffEncoding,
} from '../../src/ingest/encoding.js';

const HEADER = 'peiljaar;bsn_pseudonym;buurtcode;geboortedatum;geslacht;huishoudnummer\n';
const ROW = '2023;ZS1:keyed:k1v1:abc;BU90010101;01-02-1961;M;HH0000001001\n';
const text = HEADER + ROW.repeat(20);
const fatal = new TextDecoder('utf-8', { fatal: true });
const isValidUtf8 = (b: Uint8Array) => {
  try {
    fatal.decode(b);
    return true;
  } catch {
    return false;
  }
};

describe('sniffEncoding', () => {
  it('names each encoding of the same text', () => {
    const utf16le = Buffer.from(text, 'utf16le');
    const utf16be = Buffer.from(text, 'utf16le').swap16();
    const utf32le = Buffer.alloc(text.length * 4);
    for (let i = 0; i < text.length; i++) utf32le.writeUInt32LE(text.charCodeAt(i), i * 4);
    const utf32be = Buffer.from(utf32le).swap32();
    const cases: [string, Buffer, ReturnType<typeof sniffEncoding>][] = [
      ['empty', Buffer.alloc(0), { kind: 'empty' }],
      ['only a BOM', Buffer.from([0xef, 0xbb, 0xbf]), { kind: 'empty' }],
      ['UTF-8', Buffer.from(text), { kind: 'utf-8', bom: false }],
      ['UTF-8 with BOM', Buffer.from(`\ufeff${text}`), { kind: 'utf-8', bom: true }],
      ['UTF-8 with ë', Buffer.from(text.replace('HH', 'Zoë')), { kind: 'utf-8', bom: false }],
      [
        'UTF-16LE with BOM',
        Buffer.concat([Buffer.from([0xff, 0xfe]), utf16le]),
        { kind: 'encoding', encoding: 'UTF-16LE', bom: true, offset: 0 },
      ],
      [
        'UTF-16BE with BOM',
        Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be]),
        { kind: 'encoding', encoding: 'UTF-16BE', bom: true, offset: 0 },
      ],
      ['UTF-16LE', utf16le, { kind: 'encoding', encoding: 'UTF-16LE', bom: false, offset: 0 }],
      ['UTF-16BE', utf16be, { kind: 'encoding', encoding: 'UTF-16BE', bom: false, offset: 0 }],
      [
        'UTF-32LE with BOM',
        Buffer.concat([Buffer.from([0xff, 0xfe, 0, 0]), utf32le]),
        { kind: 'encoding', encoding: 'UTF-32LE', bom: true, offset: 0 },
      ],
      ['UTF-32LE', utf32le, { kind: 'encoding', encoding: 'UTF-32LE', bom: false, offset: 0 }],
      ['UTF-32BE', utf32be, { kind: 'encoding', encoding: 'UTF-32BE', bom: false, offset: 0 }],
      [
        'Latin-1',
        Buffer.from(text.replace('HH0000001001', 'Zoë'), 'latin1'),
        {
          kind: 'encoding',
          encoding: 'Latin-1',
          bom: false,
          offset: HEADER.length + ROW.indexOf('HH') + 2,
        },
      ],
      [
        'an Excel workbook',
        Buffer.from('PK\x03\x04\x14\x00\x06\x00', 'latin1'),
        { kind: 'binary', format: 'a ZIP archive (an Excel or OpenDocument workbook?)', offset: 0 },
      ],
      [
        'Parquet',
        Buffer.from('PAR1\x15\x04', 'latin1'),
        { kind: 'binary', format: 'a Parquet file', offset: 0 },
      ],
      [
        'gzip',
        Buffer.from([0x1f, 0x8b, 8, 0]),
        { kind: 'binary', format: 'a gzip-compressed file', offset: 0 },
      ],
      [
        'control bytes',
        Buffer.from(`ab${'\x01\x02'.repeat(10)}`, 'latin1'),
        { kind: 'binary', format: null, offset: 2 },
      ],
    ];
    for (const [name, bytes, expected] of cases)
      expect([name, sniffEncoding(bytes)]).toEqual([name, expected]);
  });

  it('a NUL byte or two in a value is text (the row is quarantined), not a binary file', () => {
    expect(sniffEncoding(Buffer.from(text.replace('HH', 'H\0H')))).toEqual({
      kind: 'utf-8',
      bom: false,
    });
  });

  it('a sequence cut off at the end of the head is the next chunk’s, unless the head is the file', () => {
    const cut = Buffer.from(`${text}ë`).subarray(0, -1);
    expect(sniffEncoding(cut, false)).toEqual({ kind: 'utf-8', bom: false });
    expect(sniffEncoding(cut, true)).toEqual({
      kind: 'encoding',
      encoding: 'Latin-1',
      bom: false,
      offset: cut.length - 1,
    });
  });

  it('says so by name', () => {
    expect(describeEncoding('UTF-16LE', true)).toBe(
      'the file is UTF-16, not UTF-8 (UTF-16LE with a byte-order mark); export it as UTF-8',
    );
    expect(describeEncoding('Latin-1', false)).toBe(
      'the file is not UTF-8 (it looks like Latin-1 or Windows-1252); export it as UTF-8',
    );
  });

  it('any UTF-8 text without control characters is UTF-8, with or without a BOM', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 300 }),
        fc.boolean(),
        (s, bom) => {
          const clean = [...s].map((ch) => (isStrayControl(ch.charCodeAt(0)) ? 'x' : ch)).join('');
          const bytes = Buffer.from(`${bom ? '\ufeff' : ''}${clean}`);
          expect(sniffEncoding(bytes, true)).toEqual({ kind: 'utf-8', bom });
        },
      ),
      { numRuns: 300, seed: 15 },
    );
  });
});

describe('firstInvalidUtf8 and incompleteTail', () => {
  it('agree with a strict UTF-8 decoder on any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        expect(firstInvalidUtf8(bytes) === -1).toBe(isValidUtf8(bytes));
      }),
      { numRuns: 2000, seed: 15 },
    );
  });

  it('the first invalid byte is where a strict decoder stops: the bytes before it are valid', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), (bytes) => {
        const bad = firstInvalidUtf8(bytes);
        if (bad >= 0) {
          expect(isValidUtf8(bytes.subarray(0, bad))).toBe(true);
          expect(isValidUtf8(bytes.subarray(0, bad + 4))).toBe(false);
        }
      }),
      { numRuns: 2000, seed: 16 },
    );
  });

  it('valid text cut anywhere is valid once its incomplete tail is held back', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 100 }), fc.nat(), (s, at) => {
        const bytes = Buffer.from(s);
        const cut = bytes.subarray(0, bytes.length === 0 ? 0 : at % (bytes.length + 1));
        const tail = incompleteTail(cut);
        expect(firstInvalidUtf8(cut.subarray(0, cut.length - tail))).toBe(-1);
        expect(firstInvalidUtf8(cut, true)).toBe(-1);
      }),
      { numRuns: 1000, seed: 17 },
    );
  });
});
