import { CATALOGUE } from '../engine/index.js';
import { describeIndicator, type ResolvedIndicator } from '../indicators/index.js';
import { DEFAULT_PROFILES } from '../disclosure/index.js';
import type { IndicatorMeta } from '../contracts/index.js';

/** The public description of every indicator of a catalogue (API and release manifests). */
export function indicatorMetadata(
  catalogue: readonly ResolvedIndicator[] = CATALOGUE,
): IndicatorMeta[] {
  return catalogue.map((d) => ({
    ...describeIndicator(d),
    levels: [...d.levels],
    years: [...d.years],
    breakdowns: [...d.breakdowns],
    // The dashboard shows the Dutch unit by default; `units` carries both languages.
    unit: d.unit.nl,
    units: d.unit,
    disclosure: { profile: d.disclosure, ...DEFAULT_PROFILES[d.disclosure] },
  }));
}
