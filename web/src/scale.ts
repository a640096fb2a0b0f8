/**
 * Class breaks and colours for choropleths. Five classes at the quintiles of the published
 * values, on a colour-blind-safe sequential palette (ColorBrewer YlGnBu, checked for
 * deuteranopia, protanopia and tritanopia).
 */
export const PALETTE = ['#ffffcc', '#a1dab4', '#41b6c4', '#2c7fb8', '#253494'] as const;

/** Upper bounds of classes 1..4 (class 5 is open-ended); deduplicated when values tie. */
export function quantileBreaks(values: readonly number[], classes = PALETTE.length): number[] {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return [];
  const breaks: number[] = [];
  for (let k = 1; k < classes; k++) {
    const pos = (sorted.length - 1) * (k / classes);
    const lo = Math.floor(pos);
    const hi = Math.ceil(pos);
    const v =
      (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (pos - lo);
    const rounded = Math.round(v * 100) / 100;
    if (breaks.length === 0 || rounded > (breaks[breaks.length - 1] as number))
      breaks.push(rounded);
  }
  // A break at or above the maximum would leave an empty top class.
  const max = sorted[sorted.length - 1] as number;
  return breaks.filter((b) => b < max);
}

/** Index of the class a value falls in: values up to and including a break belong below it. */
export function classOf(value: number, breaks: readonly number[]): number {
  let i = 0;
  while (i < breaks.length && value > (breaks[i] as number)) i++;
  return i;
}

/** Colour of class i of n; fewer classes are spread over the whole palette to keep contrast. */
export function classColour(i: number, n: number): string {
  const idx = n <= 1 ? PALETTE.length - 1 : Math.round((i * (PALETTE.length - 1)) / (n - 1));
  return PALETTE[idx] as string;
}

export function colourOf(value: number, breaks: readonly number[]): string {
  return classColour(classOf(value, breaks), breaks.length + 1);
}

/** Labels like "≤ 1,2", "1,2 – 3,4", "> 3,4" for the legend. */
export function breakLabels(breaks: readonly number[], fmt: (v: number) => string): string[] {
  if (breaks.length === 0) return ['—'];
  const out: string[] = [`≤ ${fmt(breaks[0] as number)}`];
  for (let i = 1; i < breaks.length; i++)
    out.push(`${fmt(breaks[i - 1] as number)} – ${fmt(breaks[i] as number)}`);
  out.push(`> ${fmt(breaks[breaks.length - 1] as number)}`);
  return out;
}

/** Class breaks of the published figures among cells (confidential and empty ones left out). */
export function publishedBreaks(
  cells: Iterable<{ status: string; value: number | null }>,
  classes = PALETTE.length,
): number[] {
  const values: number[] = [];
  for (const c of cells) if (c.status === 'published' && c.value !== null) values.push(c.value);
  return quantileBreaks(values, classes);
}
