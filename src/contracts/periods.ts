/** Periods: the reference years of the synthetic registers (and so of the demo's releases). */

export const YEARS = [2019, 2020, 2021, 2022, 2023] as const;
export const FIRST_YEAR = YEARS[0];
export const LAST_YEAR = YEARS[YEARS.length - 1]!;
