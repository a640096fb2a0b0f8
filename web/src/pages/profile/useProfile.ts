/** The figures of a gemeente's profile: its own, the nation's and its comparison group's. */
import { useMemo } from 'react';
import {
  cellsUrl,
  useAllPagesOf,
  useCells,
  useIndicators,
  useJson,
  useRegions,
  type CellsResponse,
  type Comparable,
} from '../../api.js';
import { NATIONAL_CODE } from '../../../../src/contracts/regions.js';
import { parseChosen, profileRows, type ProfileRow } from '../../compare.js';
import { compareThemes } from '../../i18n.js';

export function useProfile(code: string, params: URLSearchParams) {
  const regions = useRegions({ level: 'gemeente' });
  const indicators = useIndicators();
  const own = useCells('latest', { region: code });
  const national = useCells('latest', { region: NATIONAL_CODE });
  const chosen = parseChosen(params.get('vergelijk'), code);
  const comparable = useJson<Comparable>(`/api/v1/regions/${encodeURIComponent(code)}/comparable`);
  const auto = comparable.data?.peers ?? [];
  const group = chosen.length > 0 ? chosen : auto;

  const years = useMemo(
    () => [...new Set((own.data?.cells ?? []).map((c) => c.year))].sort((a, b) => a - b),
    [own.data],
  );
  const yearParam = Number(params.get('year'));
  const year = years.includes(yearParam) ? yearParam : years[years.length - 1];
  // The automatic group is computed on one release: read its figures from that release; a chosen
  // group from the release of the gemeente's own figures.
  const release =
    chosen.length === 0 && comparable.data ? comparable.data.release : own.data?.release;
  const groupKey = group.join(',');
  const groupUrls = useMemo(
    () =>
      release === undefined || year === undefined || (chosen.length === 0 && comparable.loading)
        ? null
        : groupKey
            .split(',')
            .filter(Boolean)
            .map((p) => cellsUrl(release, { region: p, year })),
    [release, year, groupKey, chosen.length, comparable.loading],
  );
  const groupCells = useAllPagesOf<CellsResponse, 'cells'>(groupUrls, 'cells');

  const names = useMemo(
    () => new Map((regions.data?.regions ?? []).map((r) => [r.code, r.name])),
    [regions.data],
  );
  const rows = useMemo(
    () =>
      indicators.data && own.data && year !== undefined
        ? profileRows(
            indicators.data.indicators,
            own.data.cells,
            national.data?.cells ?? [],
            (groupCells.data ?? []).flatMap((r) => r.cells),
            group.length,
            year,
          )
        : [],
    // `group.length` follows groupKey.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [indicators.data, own.data, national.data, groupCells.data, groupKey, year],
  );
  const themes = useMemo(() => {
    const m = new Map<string, ProfileRow[]>();
    for (const r of rows) m.set(r.indicator.theme, [...(m.get(r.indicator.theme) ?? []), r]);
    return [...m.entries()].sort(([a], [b]) => compareThemes(a, b));
  }, [rows]);
  const groupReady = !groupCells.loading && (chosen.length > 0 || !comparable.loading);

  return {
    regions,
    indicators,
    own,
    comparable,
    chosen,
    auto,
    group,
    years,
    year,
    groupCells,
    groupReady,
    names,
    themes,
  };
}
