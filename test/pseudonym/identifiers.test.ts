import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  completeBsn,
  detectIdentifierColumn,
  isValidBsn,
  normaliseBsn,
  normaliseKvk,
  passesElfproef,
} from '../../src/pseudonym/index.js';

/** Arbitrary valid BSN: eight random digits completed by the 11-proef. */
const bsnArb = fc
  .stringMatching(/^\d{8}$/)
  .map((h) => completeBsn(h))
  .filter((b): b is string => b !== null);

describe('BSN 11-proef and normalisation', () => {
  it('accepts known valid BSNs and rejects their one-digit changes', () => {
    expect(passesElfproef('123456782')).toBe(true);
    expect(passesElfproef('111222333')).toBe(true);
    expect(passesElfproef('123456781')).toBe(false);
    expect(passesElfproef('12345678')).toBe(false);
  });

  it('normalises layout and a lost leading zero, with exact reasons otherwise', () => {
    expect(normaliseBsn(' 1234.56.782 ')).toEqual({ ok: true, value: '123456782' });
    expect(normaliseBsn('12345672')).toEqual({ ok: true, value: '012345672' });
    expect(normaliseBsn('')).toEqual({ ok: false, reason: 'missing' });
    expect(normaliseBsn(null)).toEqual({ ok: false, reason: 'missing' });
    expect(normaliseBsn('12a456782')).toEqual({ ok: false, reason: 'not a number' });
    expect(normaliseBsn('1234567')).toEqual({ ok: false, reason: 'has 7 digits, a BSN has 9' });
    expect(normaliseBsn('000000000')).toEqual({ ok: false, reason: 'is all zeros' });
    expect(normaliseBsn('123456781')).toEqual({ ok: false, reason: 'fails the 11-proef' });
  });

  it('completeBsn always yields a valid BSN (property)', () => {
    fc.assert(fc.property(bsnArb, (b) => isValidBsn(b) && b.length === 9));
  });

  it('KvK-nummer: eight digits', () => {
    expect(normaliseKvk('6924 1234')).toEqual({ ok: true, value: '69241234' });
    expect(normaliseKvk('6924123')).toEqual({
      ok: false,
      reason: 'has 7 digits, a KvK-nummer has 8',
    });
    expect(normaliseKvk('00000000')).toEqual({ ok: false, reason: 'is all zeros' });
  });
});

describe('identifier-column detector', () => {
  it('no false negatives: a column with at least half valid BSNs is flagged under any name (property)', () => {
    const junk = fc.oneof(
      fc.constant(''),
      fc.constant(null),
      fc.string({ maxLength: 12 }),
      fc.integer().map(String),
    );
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 30 }),
        fc.array(bsnArb, { minLength: 1, maxLength: 60 }),
        fc.array(junk, { maxLength: 60 }),
        fc.boolean(),
        (name, bsns, others, dropZero) => {
          const written = bsns.map((b) => (dropZero && b.startsWith('0') ? b.slice(1) : b));
          // at most as many junk non-empty values as BSNs: the BSN share stays >= 50%.
          const values = [...written, ...others.slice(0, bsns.length)];
          const f = detectIdentifierColumn({ name, values });
          return f !== null && f.kind === 'bsn' && f.column === name;
        },
      ),
      { numRuns: 300 },
    );
  });

  it('no refusal of ordinary numeric columns (property)', () => {
    const name = fc.constantFrom(
      'koopsom',
      'bedrag',
      'aantal_planten',
      'bouwjaar',
      'jaar',
      'inkomen',
      'x',
      'vermogen',
    );
    const numbers = fc.oneof(
      fc.array(fc.integer({ min: 0, max: 2_000_000_000 }).map(String), {
        minLength: 20,
        maxLength: 200,
      }),
      fc.array(
        fc.double({ min: 0, max: 1e9, noNaN: true }).map((d) => d.toFixed(2)),
        { minLength: 20, maxLength: 200 },
      ),
      fc.array(fc.integer({ min: 10_000_000, max: 999_999_999 }).map(String), {
        minLength: 20,
        maxLength: 200,
      }),
    );
    fc.assert(
      fc.property(
        name,
        numbers,
        (n, values) => detectIdentifierColumn({ name: n, values }) === null,
      ),
      { numRuns: 300 },
    );
  });

  it('flags KvK-nummers by name hint or kept leading zeros, not 8-digit amounts', () => {
    const kvk = ['69241234', '12345678', '55512345', '01234567'];
    expect(detectIdentifierColumn({ name: 'kvk_nr_koper', values: kvk })?.kind).toBe('kvk');
    expect(detectIdentifierColumn({ name: 'relatie', values: kvk })?.kind).toBe('kvk');
    expect(
      detectIdentifierColumn({ name: 'bedrag', values: ['69241234', '12345678', '55512345'] }),
    ).toBeNull();
  });

  it('does not take dates for identifiers (01-02-1980 has eight digits and a leading zero)', () => {
    expect(
      detectIdentifierColumn({
        name: 'geboortedatum',
        values: ['01-02-1980', '02-03-1981', '05-05-1975'],
      }),
    ).toBeNull();
    expect(
      detectIdentifierColumn({ name: 'peildatum', values: Array(20).fill('2019-01-01') }),
    ).toBeNull();
  });
});
