/** A cell's published figures from its series aggregates; amounts are in cents. */
import { countFigures, ratioFigures, type CellFigures } from '../contracts/index.js';
import type { ResolvedIndicator } from '../indicators/index.js';
import type { SeriesCell } from './read.js';

const euros = (cents: number | undefined): number | null =>
  cents !== undefined ? cents / 100 : null;

/** Value of a cell from its parts. The formulas are documented in docs/indicators.md. */
export function cellValue(
  def: ResolvedIndicator,
  numCell: SeriesCell | undefined,
  denCell: SeriesCell | undefined,
): CellFigures {
  const n = numCell?.n ?? 0;
  const top = numCell?.top ?? [];
  const largest = { largest: euros(top[0]), secondLargest: euros(top[1]) };
  switch (def.kind) {
    case 'count':
      return countFigures(n, numCell?.c ?? 0);
    case 'percentage':
    case 'rate_per_1000':
    case 'rate_per_10000':
      return ratioFigures(def.kind, n, denCell?.n ?? 0);
    case 'sum':
    case 'mean': {
      const s = (numCell?.s ?? 0) / 100;
      return {
        value: def.kind === 'sum' ? s : n > 0 ? s / n : null,
        numerator: s,
        denominator: def.kind === 'mean' ? n : null,
        contributors: numCell?.c ?? 0,
        ...largest,
      };
    }
    case 'median':
      return {
        value: numCell?.med !== null && numCell?.med !== undefined ? numCell.med / 100 : null,
        numerator: n,
        denominator: null,
        contributors: numCell?.c ?? 0,
        ...largest,
      };
  }
}
