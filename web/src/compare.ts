/**
 * What the profile compares, and with whom. Pure (no React), so it is unit-tested in Node.
 *
 * Only figures per unit are compared: shares, rates, means and medians. A count or a sum depends
 * mostly on the size of the gemeente (Amsterdam has more of everything than Vlieland), so
 * setting it beside other gemeenten would read size as a signal.
 */
import { isPerUnitKind, isRatioKind } from '../../src/contracts/indicators.js';
import type { Cell, Indicator } from './api.js';
import { peerMean, readAgainstPeers, type Reading } from './reading.js';

/** An unknown kind is not compared: a comparison must be meaningful, not merely possible. */
export const isCompared = isPerUnitKind;

/** The most gemeenten an analyst may choose to compare with. */
export const MAX_CHOSEN = 10;

/** The chosen gemeenten of `vergelijk=GM0363,GM0518`: valid codes, no repeats, not the own. */
export function parseChosen(param: string | null, own: string): string[] {
  const out: string[] = [];
  for (const raw of (param ?? '').split(',')) {
    const code = raw.trim().toUpperCase();
    if (/^GM\d{4}$/.test(code) && code !== own && !out.includes(code)) out.push(code);
  }
  return out.slice(0, MAX_CHOSEN);
}

export interface ProfileRow {
  indicator: Indicator;
  compared: boolean;
  current: Cell | undefined;
  national: Cell | undefined;
  /** Mean of the group's published values, when compared. */
  groupValue: number | null;
  /** How many of the group had a published figure, and the group's size. */
  groupPublished: number;
  groupSize: number;
  reading: Reading | null;
  trend: { year: number; value: number }[];
}

const totals = (cells: readonly Cell[]): Cell[] => cells.filter((c) => c.breakdown === '');

/**
 * One row per indicator for a gemeente's year: its figure, the group's and the country's, the
 * reading against the group (compared kinds only), and its own trend.
 */
export function profileRows(
  indicators: readonly Indicator[],
  own: readonly Cell[],
  national: readonly Cell[],
  group: readonly Cell[],
  groupSize: number,
  year: number,
): ProfileRow[] {
  const mine = totals(own);
  const nl = totals(national);
  const peers = totals(group).filter((c) => c.year === year);
  return indicators.map((indicator) => {
    const series = mine
      .filter((c) => c.indicator_id === indicator.id)
      .sort((a, b) => a.year - b.year);
    const current = series.find((c) => c.year === year);
    const compared = isCompared(indicator.kind);
    const peerNow = compared ? peers.filter((c) => c.indicator_id === indicator.id) : [];
    const published = peerNow.filter((c) => c.status === 'published' && c.value !== null);
    return {
      indicator,
      compared,
      current,
      national: compared
        ? nl.find((c) => c.indicator_id === indicator.id && c.year === year)
        : undefined,
      groupValue: compared ? peerMean(published) : null,
      groupPublished: published.length,
      groupSize,
      reading:
        compared && current
          ? readAgainstPeers(current, published, { poisson: isRatioKind(indicator.kind) })
          : null,
      trend: series
        .filter((c) => c.value !== null && c.status === 'published')
        .map((c) => ({ year: c.year, value: c.value as number })),
    };
  });
}
