/** The region vocabulary: the levels, their order and the code of Nederland. */

/** Region levels from the top down; each level's parent is the one before it. */
export const REGION_LEVELS = [
  'nederland',
  'veiligheidsregio',
  'gemeente',
  'wijk',
  'buurt',
] as const;

export type RegionLevel = (typeof REGION_LEVELS)[number];

/** The code of Nederland, the root of every region set (CBS: NL01). */
export const NATIONAL_CODE = 'NL01';

/** A level's depth: 0 for Nederland, 4 for a buurt (−1 for a string that is no level). */
export function levelRank(level: string): number {
  return (REGION_LEVELS as readonly string[]).indexOf(level);
}
