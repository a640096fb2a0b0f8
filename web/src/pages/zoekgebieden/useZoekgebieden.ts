/** The view of the zoekgebieden page, read from the URL, and what it asks the API for. */
import { useEffect, useMemo, useRef } from 'react';
import {
  useIndicators,
  useJson,
  useRegions,
  zoekgebiedenUrl,
  type Geo,
  type ReleaseDetail,
  type ZoekgebiedenResponse,
} from '../../api.js';
import type { Shapes } from '../../components/Choropleth.js';
import { rewind } from '../../geo.js';
import { gemeenteParam, href, veiligheidsregioParam, type Params } from '../../router.js';
import { STRICTNESS, type AreaChoice, type Level } from './words.js';

/** The scope, year, level and strictness in the URL; each is left out when not valid. */
function useViewParams(params: URLSearchParams) {
  const gemeente = gemeenteParam(params);
  // A gemeente, or else a veiligheidsregio: all its gemeenten' wijken and buurten in one test.
  const regio = gemeente ? null : veiligheidsregioParam(params);
  const level: Level = params.get('level') === 'wijk' ? 'wijk' : 'buurt';
  const yearText = params.get('year') ?? '';
  const year = /^\d{4}$/.test(yearText) ? Number(yearText) : undefined;
  const qParam = Number(params.get('q'));
  const q = STRICTNESS.some(([v]) => v === qParam) ? qParam : undefined;
  const view = (changes: Params): string =>
    href('/zoekgebieden', {
      gemeente: gemeente ?? undefined,
      veiligheidsregio: regio ?? undefined,
      year,
      level,
      q,
      gebied: params.get('gebied'),
      ...changes,
    });
  return { gemeente, regio, scopeCode: gemeente ?? regio, level, year, q, view };
}

/** Choosing an area (on the map or in the list) moves the focus to what it shows. */
function useFocusOnChoice(chosenCode: string | null) {
  const detailHeading = useRef<HTMLHeadingElement>(null);
  const firstChoice = useRef(true);
  useEffect(() => {
    if (firstChoice.current) {
      firstChoice.current = false;
      return;
    }
    if (chosenCode) detailHeading.current?.focus();
  }, [chosenCode]);
  return detailHeading;
}

export function useZoekgebieden(params: URLSearchParams) {
  const gemeenten = useRegions({ level: 'gemeente' });
  const regios = useRegions({ level: 'veiligheidsregio' });
  const indicators = useIndicators();
  const release = useJson<ReleaseDetail>('/api/v1/releases/latest');
  const v = useViewParams(params);
  const { gemeente, regio, scopeCode, level, year, q } = v;
  const scopeQuery = gemeente ? { gemeente } : regio ? { veiligheidsregio: regio } : null;
  const data = useJson<ZoekgebiedenResponse>(
    scopeQuery ? zoekgebiedenUrl('latest', { ...scopeQuery, year, level, q }) : null,
  );
  const geo = useJson<Geo>(
    scopeCode ? `/api/v1/regions/geo?level=${level}&within=${encodeURIComponent(scopeCode)}` : null,
  );
  const shapes = useMemo<Shapes | null>(() => (geo.data ? rewind(geo.data) : null), [geo.data]);
  const byCode = useMemo(
    () => new Map((data.data?.areas ?? []).map((a) => [a.code, a])),
    [data.data],
  );
  const indicatorMap = useMemo(
    () => new Map((indicators.data?.indicators ?? []).map((i) => [i.id, i])),
    [indicators.data],
  );
  const areas = data.data?.areas ?? [];
  const selected = byCode.get(params.get('gebied') ?? '') ?? areas[0];
  const choice: AreaChoice = { selected, hrefOf: (code) => v.view({ gebied: code }) };
  const detailHeading = useFocusOnChoice(params.get('gebied'));
  const years = [...(release.data?.manifest.years ?? [])].sort((a, b) => a - b);
  const scopeName =
    data.data?.scope.name ??
    [...(gemeenten.data?.regions ?? []), ...(regios.data?.regions ?? [])].find(
      (r) => r.code === scopeCode,
    )?.name ??
    '';
  return {
    ...v,
    gemeenten: gemeenten.data?.regions ?? [],
    regios: regios.data?.regions ?? [],
    data,
    shapes,
    byCode,
    indicatorMap,
    areas,
    selected,
    choice,
    detailHeading,
    years,
    shownYear: data.data?.year ?? year ?? years[years.length - 1],
    scopeName,
  };
}
