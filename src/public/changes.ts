/**
 * The release comparison: what changed between two published releases, from their public cells
 * only. A consumer who read an earlier release sees which figures a new one revised, which it
 * publishes now, which it no longer publishes, and which cells are new or gone.
 *
 * It reads nothing but two lists of public cells (value, numerator and denominator where
 * published, and the public status), so it says no more than the two releases already say: a
 * figure that became confidential is reported as exactly that, with nothing about why.
 *
 * Cells are matched by their key (indicator, year, region, breakdown). Per key, one kind:
 *  - `changed`: published in both and a published figure differs (value, numerator or
 *    denominator), with `difference` = new value − old value;
 *  - `now-published`: confidential before, published now;
 *  - `now-confidential`: published before, confidential now;
 *  - `status-changed`: any other change of status, i.e. to or from not-applicable (a figure that
 *    cannot occur is not a confidential one);
 *  - `added`: the key is not in the earlier release (a new indicator, year, region or breakdown);
 *  - `removed`: the key is not in the later release;
 *  - otherwise the cell is unchanged: counted, not listed.
 * Swapping the two releases swaps `now-published` and `now-confidential`, `added` and `removed`,
 * and negates every difference.
 */
import { REGION_LEVELS, levelRank } from '../contracts/index.js';
import type { PublicCell, PublicStatus } from './surface.js';

export const CHANGE_KINDS = [
  'changed',
  'now-published',
  'now-confidential',
  'status-changed',
  'added',
  'removed',
] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

/** One side of a change: the cell as that release published it. */
export interface ChangeSide {
  status: PublicStatus;
  value: number | null;
  numerator: number | null;
  denominator: number | null;
}

/** One listed change. `from` is null for `added`, `to` for `removed`. */
export interface CellChange {
  kind: ChangeKind;
  indicator_id: string;
  year: number;
  region_level: PublicCell['region_level'];
  region_code: string;
  parent_code: string | null;
  breakdown: string;
  from: ChangeSide | null;
  to: ChangeSide | null;
  /** New value − old value for `changed` (null when either value is null); null otherwise. */
  difference: number | null;
}

/** Cells per kind, the unchanged ones, and `cells`: every key in either release. */
export type ChangeCounts = Record<ChangeKind | 'unchanged' | 'cells', number>;

export interface IndicatorChangeCounts extends ChangeCounts {
  indicator: string;
}

export interface ChangeSummary {
  total: ChangeCounts;
  /** One row per indicator in either release, by indicator id. */
  indicators: IndicatorChangeCounts[];
}

export interface ReleaseComparison {
  summary: ChangeSummary;
  /** Every change, ordered by indicator, year, region level (top down), region code, breakdown. */
  changes: CellChange[];
}

export function emptyCounts(): ChangeCounts {
  return {
    cells: 0,
    unchanged: 0,
    changed: 0,
    'now-published': 0,
    'now-confidential': 0,
    'status-changed': 0,
    added: 0,
    removed: 0,
  };
}

/** The key of a cell within a release. */
export function cellKey(
  c: Pick<PublicCell, 'indicator_id' | 'year' | 'region_code' | 'breakdown'>,
) {
  return `${c.indicator_id}\u0000${c.year}\u0000${c.region_code}\u0000${c.breakdown}`;
}

function index(cells: readonly PublicCell[], which: string): Map<string, PublicCell> {
  const out = new Map<string, PublicCell>();
  for (const c of cells) {
    const k = cellKey(c);
    if (out.has(k)) {
      throw new Error(
        `the ${which} release has two cells for ${c.indicator_id} ${c.year} ${c.region_code} '${c.breakdown}'`,
      );
    }
    out.set(k, c);
  }
  return out;
}

function side(c: PublicCell): ChangeSide {
  // Only a published cell has figures (toPublicCell already clears the others; again here so
  // that the comparison can never carry more than the public status).
  return c.status === 'published'
    ? { status: c.status, value: c.value, numerator: c.numerator, denominator: c.denominator }
    : { status: c.status, value: null, numerator: null, denominator: null };
}

/** Decimals of a number as written (0 for integers; null when it is written with an exponent). */
function decimals(x: number): number | null {
  const s = String(x);
  if (/e/i.test(s)) return null;
  const dot = s.indexOf('.');
  return dot < 0 ? 0 : s.length - dot - 1;
}

/**
 * `to − from` at the precision the two figures are published with, so that 5.3 − 5.1 is 0.2 and
 * not 0.20000000000000018; symmetric, so swapping the releases negates it exactly.
 */
export function difference(from: number | null, to: number | null): number | null {
  if (from === null || to === null) return null;
  const d = to - from;
  const a = decimals(from);
  const b = decimals(to);
  const rounded = a === null || b === null ? d : Number(d.toFixed(Math.min(12, Math.max(a, b))));
  return rounded === 0 ? 0 : rounded;
}

function kindOf(from: PublicCell | undefined, to: PublicCell | undefined): ChangeKind | null {
  if (!from) return 'added';
  if (!to) return 'removed';
  if (from.status === 'published' && to.status === 'published') {
    return from.value === to.value &&
      from.numerator === to.numerator &&
      from.denominator === to.denominator
      ? null
      : 'changed';
  }
  if (from.status === to.status) return null;
  if (from.status === 'confidential' && to.status === 'published') return 'now-published';
  if (from.status === 'published' && to.status === 'confidential') return 'now-confidential';
  return 'status-changed';
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Region levels from the top down, for the order of the list (an unknown level sorts last). */
function levelOrder(level: string): number {
  const i = levelRank(level);
  return i < 0 ? REGION_LEVELS.length : i;
}

/** The order of the list: indicator, year, region level (top down), region code, breakdown. */
export function compareChanges(
  a: Pick<CellChange, 'indicator_id' | 'year' | 'region_level' | 'region_code' | 'breakdown'>,
  b: Pick<CellChange, 'indicator_id' | 'year' | 'region_level' | 'region_code' | 'breakdown'>,
): number {
  return (
    compareText(a.indicator_id, b.indicator_id) ||
    a.year - b.year ||
    levelOrder(a.region_level) - levelOrder(b.region_level) ||
    compareText(a.region_level, b.region_level) ||
    compareText(a.region_code, b.region_code) ||
    compareText(a.breakdown, b.breakdown)
  );
}

/**
 * What changed from release `from` to release `to`, given the public cells of each. Pure and
 * deterministic: the result does not depend on the order of either list.
 */
export function compareReleases(
  from: readonly PublicCell[],
  to: readonly PublicCell[],
): ReleaseComparison {
  const before = index(from, 'earlier');
  const after = index(to, 'later');
  const total = emptyCounts();
  const perIndicator = new Map<string, IndicatorChangeCounts>();
  const changes: CellChange[] = [];
  const keys = new Set([...before.keys(), ...after.keys()]);
  for (const k of keys) {
    const f = before.get(k);
    const t = after.get(k);
    const cell = (t ?? f) as PublicCell;
    let counts = perIndicator.get(cell.indicator_id);
    if (!counts) {
      counts = { indicator: cell.indicator_id, ...emptyCounts() };
      perIndicator.set(cell.indicator_id, counts);
    }
    const kind = kindOf(f, t);
    const counted = kind ?? 'unchanged';
    total.cells++;
    total[counted]++;
    counts.cells++;
    counts[counted]++;
    if (kind === null) continue;
    changes.push({
      kind,
      indicator_id: cell.indicator_id,
      year: cell.year,
      region_level: cell.region_level,
      region_code: cell.region_code,
      parent_code: cell.parent_code,
      breakdown: cell.breakdown,
      from: f ? side(f) : null,
      to: t ? side(t) : null,
      difference: kind === 'changed' ? difference(f!.value, t!.value) : null,
    });
  }
  changes.sort(compareChanges);
  return {
    summary: {
      total,
      indicators: [...perIndicator.values()].sort((a, b) => compareText(a.indicator, b.indicator)),
    },
    changes,
  };
}
