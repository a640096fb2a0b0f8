/**
 * Direct identifiers: BSN (burgerservicenummer, with the 11-proef) and KvK-nummer.
 *
 * Normalisation is deliberately forgiving about layout (spaces, dots, dashes, a BSN that lost its
 * leading zero in a spreadsheet) and strict about content, so that the same person always hashes
 * to the same pseudonym whichever provider typed the number.
 */
export type IdentifierKind = 'bsn' | 'kvk';

export type Normalised = { ok: true; value: string } | { ok: false; reason: string };

const LAYOUT = /[\s.-]/g;

/** 11-proef on exactly nine digits: 9·d1 + 8·d2 + … + 2·d8 − 1·d9 ≡ 0 (mod 11). */
export function passesElfproef(nineDigits: string): boolean {
  if (!/^\d{9}$/.test(nineDigits)) return false;
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += (9 - i) * (nineDigits.charCodeAt(i) - 48);
  sum -= nineDigits.charCodeAt(8) - 48;
  return sum % 11 === 0;
}

/** A BSN as nine digits, or why not. Eight digits are read as a BSN that lost its leading zero. */
export function normaliseBsn(raw: string | null | undefined): Normalised {
  if (raw === null || raw === undefined || raw.trim() === '')
    return { ok: false, reason: 'missing' };
  let v = raw.replace(LAYOUT, '');
  if (!/^\d+$/.test(v)) return { ok: false, reason: 'not a number' };
  if (v.length === 8) v = `0${v}`;
  if (v.length !== 9) return { ok: false, reason: `has ${v.length} digits, a BSN has 9` };
  if (v === '000000000') return { ok: false, reason: 'is all zeros' };
  if (!passesElfproef(v)) return { ok: false, reason: 'fails the 11-proef' };
  return { ok: true, value: v };
}

export function isValidBsn(raw: string | null | undefined): boolean {
  return normaliseBsn(raw).ok;
}

/** A KvK-nummer as eight digits (it carries no check digit, so only the form is checked). */
export function normaliseKvk(raw: string | null | undefined): Normalised {
  if (raw === null || raw === undefined || raw.trim() === '')
    return { ok: false, reason: 'missing' };
  const v = raw.replace(LAYOUT, '');
  if (!/^\d+$/.test(v)) return { ok: false, reason: 'not a number' };
  if (v.length !== 8) return { ok: false, reason: `has ${v.length} digits, a KvK-nummer has 8` };
  if (v === '00000000') return { ok: false, reason: 'is all zeros' };
  return { ok: true, value: v };
}

export function isValidKvk(raw: string | null | undefined): boolean {
  return normaliseKvk(raw).ok;
}

export function normaliseIdentifier(
  kind: IdentifierKind,
  raw: string | null | undefined,
): Normalised {
  return kind === 'bsn' ? normaliseBsn(raw) : normaliseKvk(raw);
}

/** Complete eight leading digits to a valid BSN (the test-data helper; returns null when none exists). */
export function completeBsn(eightDigits: string): string | null {
  if (!/^\d{8}$/.test(eightDigits))
    throw new Error(`completeBsn needs 8 digits, got '${eightDigits}'`);
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += (9 - i) * (eightDigits.charCodeAt(i) - 48);
  const d9 = sum % 11; // sum − d9 ≡ 0 (mod 11)
  if (d9 > 9) return null;
  const bsn = `${eightDigits}${d9}`;
  return bsn === '000000000' ? null : bsn;
}
