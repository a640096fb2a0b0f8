/** Parameters of a synthetic run and their validation. */
export const YEARS = [2019, 2020, 2021, 2022, 2023] as const;
export const FIRST_YEAR = YEARS[0];
export const LAST_YEAR = YEARS[YEARS.length - 1]!;
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
