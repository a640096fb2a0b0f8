/** Parameters of a synthetic run and their validation. */
// The years are a contract (src/contracts/periods.ts); synth passes them on.
export { YEARS, FIRST_YEAR, LAST_YEAR } from '../contracts/index.js';
export const MIN_SCALE = 0.001;
export const MAX_SCALE = 1;

export class SynthParamError extends Error {
  override name = 'SynthParamError';
}

export function checkScale(scale: unknown): number {
  if (
    typeof scale !== 'number' ||
    !Number.isFinite(scale) ||
    scale < MIN_SCALE ||
    scale > MAX_SCALE
  ) {
    throw new SynthParamError(
      `scale must be a number from ${MIN_SCALE} to ${MAX_SCALE}, got ${String(scale)}`,
    );
  }
  return scale;
}

export function checkSeed(seed: unknown): number {
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed) || seed < 0) {
    throw new SynthParamError(`seed must be a whole number ≥ 0, got ${String(seed)}`);
  }
  return seed;
}

/** Residents of a gemeente at a scale: exact at 1.0, proportional (rounded) below. */
export function scaledPopulation(inhabitants: number, scale: number): number {
  return Math.round(inhabitants * scale);
}
