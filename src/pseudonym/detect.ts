/**
 * The identifier-column detector: a last line of defence against a provider shipping a BSN or
 * KvK-nummer in a column it forgot to declare (a "contactpersoon_bsn", a renamed export).
 *
 * - BSN: at least half the non-empty values pass the 11-proef (8 or 9 digits). Random 9-digit
 *   numbers pass with probability 1/11, so ordinary numeric columns stay far below the threshold.
 * - KvK-nummer: it has no check digit, so value form alone cannot tell it from an 8-digit amount.
 *   A column is flagged when at least half its non-empty values are 8-digit numbers AND either its
 *   name hints at the Handelsregister, or some values keep a leading zero (which a number written
 *   as a number never has: it is an identifier stored as text).
 */
import { isValidBsn } from './identifiers.js';

export interface ColumnSample {
  name: string;
  values: readonly (string | null)[];
}

export interface IdentifierFinding {
  column: string;
  kind: 'bsn' | 'kvk';
  share: number;
  nonEmpty: number;
}

export const DETECTION_THRESHOLD = 0.5;
const KVK_NAME = /kvk|handelsregister|kamer_?van_?koophandel|chamber_?of_?commerce|coc_?number/i;
const EIGHT_DIGITS = /^\d{8}$/;
const DIGITS_LAYOUT = /^[\d\s.]+$/;

export function detectIdentifierColumn(sample: ColumnSample): IdentifierFinding | null {
  let nonEmpty = 0;
  let bsn = 0;
  let eight = 0;
  let leadingZero = 0;
  for (const raw of sample.values) {
    if (raw === null) continue;
    const v = raw.trim();
    if (v === '') continue;
    nonEmpty++;
    // Only digits with spaces or dots as layout: a dash makes a date (01-02-1980), not an id.
    if (!DIGITS_LAYOUT.test(v)) continue;
    if (isValidBsn(v)) bsn++;
    const compact = v.replace(/[\s.]/g, '');
    if (EIGHT_DIGITS.test(compact)) {
      eight++;
      if (compact.startsWith('0')) leadingZero++;
    }
  }
  if (nonEmpty === 0) return null;
  if (bsn / nonEmpty >= DETECTION_THRESHOLD) {
    return { column: sample.name, kind: 'bsn', share: bsn / nonEmpty, nonEmpty };
  }
  if (eight / nonEmpty >= DETECTION_THRESHOLD && (KVK_NAME.test(sample.name) || leadingZero > 0)) {
    return { column: sample.name, kind: 'kvk', share: eight / nonEmpty, nonEmpty };
  }
  return null;
}

export function detectIdentifierColumns(samples: readonly ColumnSample[]): IdentifierFinding[] {
  return samples.flatMap((s) => detectIdentifierColumn(s) ?? []);
}

export class UndeclaredIdentifierError extends Error {
  override name = 'UndeclaredIdentifierError';
  constructor(
    readonly file: string,
    readonly findings: IdentifierFinding[],
  ) {
    super(
      `${file}: refusing to write output: ` +
        findings
          .map(
            (f) =>
              `column '${f.column}' looks like a ${f.kind === 'bsn' ? 'BSN' : 'KvK-nummer'} column ` +
              `(${Math.round(f.share * 100)}% of ${f.nonEmpty} values); declare it with --id-columns or drop it with --drop-columns`,
          )
          .join('; '),
    );
  }
}
