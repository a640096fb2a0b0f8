/**
 * The measures of a release dataset: per indicator its value and (by kind) numerator and
 * denominator, grouped by theme and then by indicator.
 */
import { isRatioKind } from '../../contracts/index.js';
import { themeTitle } from '../../indicators/themes.js';
import {
  figureOf,
  figuresOf,
  type Figure,
  type Group,
  type Measure,
} from './dataset-vocabulary.js';
import type { IndicatorSummary, PublicCell } from './types.js';

/** Decimals actually used by a measure's published figures (at most 4). */
function decimalsOf(
  cells: readonly PublicCell[],
  indices: readonly number[],
  figure: Figure,
): number {
  let d = 0;
  for (const i of indices) {
    const v = figureOf(cells[i] as PublicCell, figure);
    if (v === null || Number.isInteger(v)) continue;
    const s = String(v);
    const dot = s.indexOf('.');
    if (dot >= 0 && !s.includes('e')) d = Math.max(d, s.length - dot - 1);
    if (d >= 4) return 4;
  }
  return d;
}

const FIGURE_TITLE: Record<Figure, string> = {
  value: '',
  numerator: 'teller',
  denominator: 'noemer',
};

export function measuresOf(
  cells: readonly PublicCell[],
  indicators: readonly IndicatorSummary[],
): { measures: Measure[]; groups: Group[]; byIndicator: Map<string, number[]> } {
  const cellsOf = new Map<string, number[]>();
  cells.forEach((c, i) => {
    let list = cellsOf.get(c.indicator_id);
    if (!list) cellsOf.set(c.indicator_id, (list = []));
    list.push(i);
  });
  const known = new Map(indicators.map((i) => [i.id, i]));
  // In catalogue order, then any indicator of an older catalogue by id.
  const ids = [
    ...indicators.map((i) => i.id).filter((id) => cellsOf.has(id)),
    ...[...cellsOf.keys()].filter((id) => !known.has(id)).sort(),
  ];
  const groups = new Map<string, Group>();
  const measures: Measure[] = [];
  const byIndicator = new Map<string, number[]>();
  const taken = new Set<string>();
  for (const id of ids) {
    const ind = known.get(id);
    const theme = ind?.theme ?? 'overig';
    if (!groups.has(theme)) {
      const t = themeTitle(theme);
      groups.set(theme, {
        id: theme,
        index: groups.size + 1,
        title: theme === 'overig' ? 'Overig' : t.nl,
        description: '',
        parentId: null,
      });
    }
    const title = ind?.title.nl ?? id;
    const groupId = `${theme}.${id}`;
    groups.set(groupId, {
      id: groupId,
      index: groups.size + 1,
      title,
      description: ind?.description?.nl ?? '',
      parentId: theme,
    });
    const indices = cellsOf.get(id) as number[];
    const mine: number[] = [];
    for (const figure of figuresOf(ind?.kind ?? '')) {
      const mid = figure === 'value' ? id : `${id}_${figure}`;
      if (taken.has(mid)) throw new Error(`measure ${mid} would be defined twice`);
      taken.add(mid);
      const decimals = decimalsOf(cells, indices, figure);
      const unit =
        figure === 'value'
          ? (ind?.unit ?? '')
          : figure === 'numerator' && ind?.kind === 'mean'
            ? 'euro'
            : 'aantal';
      mine.push(measures.length);
      measures.push({
        id: mid,
        index: measures.length + 1,
        indicator: id,
        figure,
        title: figure === 'value' ? title : `${title} (${FIGURE_TITLE[figure]})`,
        description:
          figure === 'value'
            ? (ind?.description?.nl ?? '')
            : figure === 'numerator'
              ? `Teller van ${title}.`
              : `Noemer van ${title}.`,
        unit,
        decimals,
        dataType: decimals === 0 && figure !== 'value' ? 'Long' : 'Double',
        presentationType:
          figure === 'value' && isRatioKind(ind?.kind ?? '') ? 'Relative' : 'Absolute',
        groupId,
      });
    }
    byIndicator.set(id, mine);
  }
  return { measures, groups: [...groups.values()], byIndicator };
}
