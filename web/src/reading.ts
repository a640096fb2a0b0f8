/**
 * The plain-language reading of a gemeente's value against comparable gemeenten, with the
 * statistical basis. Where the published numerator and denominator exist, a Poisson test of the
 * observed count against the count expected at the peers' pooled rate; otherwise the position
 * within the peers' range. Pure, unit-tested.
 */

export interface Figure {
  value: number | null;
  numerator: number | null;
  denominator: number | null;
}

export type ReadingKey =
  | 'readingClearlyAbove'
  | 'readingAbove'
  | 'readingSimilar'
  | 'readingBelow'
  | 'readingClearlyBelow'
  | 'readingUnknown';

export type Basis =
  | { kind: 'poisson'; observed: number; expected: number; z: number }
  | { kind: 'range'; n: number; min: number; max: number }
  | { kind: 'none' };

export interface Reading {
  key: ReadingKey;
  basis: Basis;
}

/** z beyond which a difference is called "clear" (≈ p < 0.003) or present at all (p < 0.05). */
export const Z_CLEAR = 3;
export const Z_SIGNIFICANT = 1.96;

/**
 * `poisson: false` for figures whose numerator is not a count of units (a mean's sum of amounts, a
 * median's number of units): those are read against the peers' range only.
 */
export function readAgainstPeers(
  own: Figure,
  peers: readonly Figure[],
  opts: { poisson?: boolean } = {},
): Reading {
  if (own.value === null) return { key: 'readingUnknown', basis: { kind: 'none' } };
  const pooled = ((opts.poisson ?? true) ? peers : []).filter(
    (p) => p.numerator !== null && p.denominator !== null && (p.denominator as number) > 0,
  );
  if (
    own.numerator !== null &&
    own.denominator !== null &&
    own.denominator > 0 &&
    // One peer suffices (an analyst may compare with one gemeente): its counts give the rate.
    pooled.length >= 1
  ) {
    const num = pooled.reduce((s, p) => s + (p.numerator as number), 0);
    const den = pooled.reduce((s, p) => s + (p.denominator as number), 0);
    const expected = (num / den) * own.denominator;
    if (expected > 0) {
      const z = (own.numerator - expected) / Math.sqrt(expected);
      const key: ReadingKey =
        z >= Z_CLEAR
          ? 'readingClearlyAbove'
          : z >= Z_SIGNIFICANT
            ? 'readingAbove'
            : z <= -Z_CLEAR
              ? 'readingClearlyBelow'
              : z <= -Z_SIGNIFICANT
                ? 'readingBelow'
                : 'readingSimilar';
      return { key, basis: { kind: 'poisson', observed: own.numerator, expected, z } };
    }
  }
  const values = peers.map((p) => p.value).filter((v): v is number => v !== null);
  if (values.length < 2) return { key: 'readingUnknown', basis: { kind: 'none' } };
  const min = Math.min(...values);
  const max = Math.max(...values);
  const span = max - min;
  const key: ReadingKey =
    own.value > max + span * 0.25
      ? 'readingClearlyAbove'
      : own.value > max
        ? 'readingAbove'
        : own.value < min - span * 0.25
          ? 'readingClearlyBelow'
          : own.value < min
            ? 'readingBelow'
            : 'readingSimilar';
  return { key, basis: { kind: 'range', n: values.length, min, max } };
}

/** Mean of the peers' published values (for display), or null. */
export function peerMean(peers: readonly Figure[]): number | null {
  const values = peers.map((p) => p.value).filter((v): v is number => v !== null);
  return values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
}
