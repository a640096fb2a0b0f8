import type { Cell } from '../../api.js';

export interface Diff {
  year: number;
  changed: number;
  status: number;
  added: number;
  removed: number;
}

/**
 * Figures of one year compared between two releases, on public statuses only: a value that
 * changed (published in both), a figure whose status changed (published ↔ confidential), new
 * and dropped figures.
 */
export function diffCells(
  now: readonly Cell[],
  before: readonly Cell[],
  year?: number,
): Diff | null {
  const y = year ?? (now.length === 0 ? undefined : Math.max(...now.map((c) => c.year)));
  if (y === undefined) return null;
  const key = (c: Cell): string => `${c.indicator_id}|${c.region_code}|${c.breakdown}`;
  const prev = new Map(before.filter((c) => c.year === y).map((c) => [key(c), c]));
  const d: Diff = { year: y, changed: 0, status: 0, added: 0, removed: 0 };
  const seen = new Set<string>();
  for (const c of now) {
    if (c.year !== y) continue;
    const k = key(c);
    seen.add(k);
    const p = prev.get(k);
    if (!p) d.added++;
    else if (p.status !== c.status) d.status++;
    else if (p.value !== c.value) d.changed++;
  }
  for (const k of prev.keys()) if (!seen.has(k)) d.removed++;
  return d;
}
