/**
 * The default demo's targets (the share of published figures per indicator and level) and the
 * share table `npm run bench -- demo` prints.
 */
import { basename, dirname } from 'node:path';
import { REGION_LEVELS } from '../contracts/index.js';
import { readPublicCells } from '../release/index.js';

/**
 * What the default demo must show (checked by test/demo/demo-default.test.ts and printed by
 * `npm run bench -- demo`): the share of published figures among the figures that can occur
 * (published + confidential; not-applicable left out), of the totals (no breakdown), per
 * indicator and level.
 */
export const DEMO_TARGETS: readonly {
  indicator: string;
  level: 'gemeente' | 'buurt';
  min: number;
}[] = [
  { indicator: 'inwoners', level: 'gemeente', min: 0.9 },
  { indicator: 'drugsverdachten_per_1000', level: 'gemeente', min: 0.9 },
  { indicator: 'onverklaarbare_woningaankopen', level: 'gemeente', min: 0.9 },
  { indicator: 'problematische_schulden', level: 'gemeente', min: 0.9 },
  { indicator: 'inwoners', level: 'buurt', min: 0.9 },
  { indicator: 'problematische_schulden', level: 'buurt', min: 0.9 },
];

export interface ShareCount {
  published: number;
  confidential: number;
  notApplicable: number;
}

/** published / (published + confidential); null when no figure can occur. */
export const shareOf = (c: ShareCount): number | null =>
  c.published + c.confidential === 0 ? null : c.published / (c.published + c.confidential);

/**
 * Counts by status per `indicator|level` from a release's public cells.csv: of the totals, or
 * (`breakdowns: true`) of the breakdown cells only.
 */
export function publishedShares(
  releaseDir: string,
  opts: { breakdowns?: boolean } = {},
): Map<string, ShareCount> {
  const out = new Map<string, ShareCount>();
  const cells = readPublicCells(dirname(dirname(releaseDir)), basename(releaseDir));
  for (const cell of cells) {
    if ((cell.breakdown !== '') !== (opts.breakdowns ?? false)) continue;
    const key = `${cell.indicator_id}|${cell.region_level}`;
    const c = out.get(key) ?? { published: 0, confidential: 0, notApplicable: 0 };
    if (cell.status === 'published') c.published++;
    else if (cell.status === 'confidential') c.confidential++;
    else c.notApplicable++;
    out.set(key, c);
  }
  return out;
}

const LEVEL_COLUMNS = REGION_LEVELS;

/**
 * The share table as text: one row per indicator, one column per level (published % of the
 * totals, '–' where the level has no figure); targets marked with their minimum.
 */
export function formatShareTable(
  shares: Map<string, ShareCount>,
  indicators: readonly string[],
): string {
  const levels = LEVEL_COLUMNS.filter((l) => indicators.some((i) => shares.has(`${i}|${l}`)));
  const width = Math.max(...indicators.map((i) => i.length), 'indicator'.length);
  const cell = (i: string, l: string) => {
    const c = shares.get(`${i}|${l}`);
    const s = c ? shareOf(c) : null;
    const target = DEMO_TARGETS.find((t) => t.indicator === i && t.level === l);
    const text = s === null ? '–' : `${(100 * s).toFixed(1)}%`;
    return `${text}${target ? (s !== null && s >= target.min ? ' ✓' : ' ✗') : '  '}`.padStart(
      Math.max(l.length, 9),
    );
  };
  const head = ['indicator'.padEnd(width), ...levels.map((l) => l.padStart(Math.max(l.length, 9)))];
  const rows = indicators.map((i) => [i.padEnd(width), ...levels.map((l) => cell(i, l))]);
  return [head, ...rows].map((r) => r.join('  ')).join('\n');
}
