/** The real catalogue's public metadata of one indicator, for fixtures that need a real one. */
import type { IndicatorMeta } from '../../src/contracts/index.js';
import { indicatorMetadata } from '../../src/pipeline/indicator-meta.js';

/** Indicator `id` of the shipped catalogue as the API describes it, over the fixture's own levels and years. */
export function catalogueMeta(
  id: string,
  over: Pick<IndicatorMeta, 'levels' | 'years'>,
): Omit<IndicatorMeta, 'breakdowns'> {
  const meta = indicatorMetadata().find((m) => m.id === id);
  if (!meta) throw new Error(`no indicator '${id}' in the catalogue`);
  const { breakdowns: _breakdowns, ...rest } = meta;
  return { ...rest, ...over };
}
