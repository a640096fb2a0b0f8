/** Typed access to the Samenzicht v1 API, with a per-page-load cache of GET responses. */
import { useEffect, useState } from 'react';
import type { FeatureCollection, Geometry } from 'geojson';

export type RegionLevel = 'nederland' | 'veiligheidsregio' | 'gemeente' | 'wijk' | 'buurt';
export type CellStatus =
  'published' | 'suppressed-primary' | 'suppressed-secondary' | 'not-applicable';

export interface Indicator {
  id: string;
  title: { nl: string; en: string };
  description: { nl: string; en: string };
  theme: string;
  kind: string;
  unit: string;
  /** Unit in both languages (newer servers); `unit` is the Dutch one. */
  units?: { nl: string; en: string };
  /** Which area a unit is counted in, e.g. the suspect's home address. */
  regionBasis?: { nl: string; en: string };
  sources: { dataset: string; provider: string }[];
  methodology: { nl: string; en: string };
  levels: string[];
  years: number[];
  disclosure: unknown;
}

export interface Region {
  code: string;
  name: string;
  level: RegionLevel;
  parentCode: string | null;
  synthetic: boolean;
}

export interface Cell {
  indicator_id: string;
  year: number;
  region_level: RegionLevel;
  region_code: string;
  parent_code: string | null;
  breakdown: string;
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  status: CellStatus;
  rule: string | null;
}

export interface ReleaseInfo {
  id: string;
  status: string;
  createdAt: string;
  publishedAt: string | null;
  indicators?: string[];
  years?: number[];
}

export interface ReleaseDetail {
  release?: ReleaseInfo;
  manifest: Record<string, unknown> | null;
  audit: Record<string, unknown> | null;
}

export type GeoProps = { code: string; name: string };
export type Geo = FeatureCollection<Geometry, GeoProps>;

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const cache = new Map<string, Promise<unknown>>();

export async function getJson<T>(url: string, init?: RequestInit): Promise<T> {
  const res = await fetch(url, {
    ...init,
    headers: { accept: 'application/json', ...(init?.headers ?? {}) },
  });
  if (!res.ok) {
    let message = `${res.status} ${res.statusText}`;
    try {
      const body = (await res.json()) as {
        message?: string;
        error?: { message?: string } | string;
      };
      message =
        typeof body.error === 'object' && body.error?.message
          ? body.error.message
          : (body.message ?? message);
    } catch {
      // not JSON: keep the status line
    }
    throw new HttpError(res.status, message);
  }
  return (await res.json()) as T;
}

export function cachedJson<T>(url: string): Promise<T> {
  let p = cache.get(url);
  if (!p) {
    p = getJson<T>(url);
    p.catch(() => cache.delete(url));
    cache.set(url, p);
  }
  return p as Promise<T>;
}

export interface Loaded<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
}

/** Loads JSON (cached) for a URL; a null URL loads nothing. A list of URLs loads them together. */
export function useJson<T>(url: string | null): Loaded<T> {
  const [state, setState] = useState<{ url: string | null; data?: T; error?: Error }>({
    url: null,
  });
  useEffect(() => {
    if (url === null) return;
    let live = true;
    cachedJson<T>(url).then(
      (data) => live && setState({ url, data }),
      (error: Error) => live && setState({ url, error }),
    );
    return () => {
      live = false;
    };
  }, [url]);
  const current = state.url === url;
  return {
    data: current ? state.data : undefined,
    error: current ? state.error : undefined,
    loading: url !== null && (!current || (state.data === undefined && state.error === undefined)),
  };
}

export function useJsonAll<T>(urls: readonly string[] | null): Loaded<T[]> {
  const key = urls === null ? null : JSON.stringify(urls);
  const [state, setState] = useState<{ key: string | null; data?: T[]; error?: Error }>({
    key: null,
  });
  useEffect(() => {
    if (key === null) return;
    let live = true;
    Promise.all((JSON.parse(key) as string[]).map((u) => cachedJson<T>(u))).then(
      (data) => live && setState({ key, data }),
      (error: Error) => live && setState({ key, error }),
    );
    return () => {
      live = false;
    };
  }, [key]);
  const current = state.key === key;
  return {
    data: current ? state.data : undefined,
    error: current ? state.error : undefined,
    loading: key !== null && (!current || (state.data === undefined && state.error === undefined)),
  };
}

export function cellsUrl(
  release: string,
  q: Partial<Record<'indicator' | 'year' | 'level' | 'region' | 'parent', string | number>>,
): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== '') params.set(k, String(v));
  return `/api/v1/releases/${encodeURIComponent(release)}/cells?${params.toString()}`;
}

export const isSuppressed = (s: CellStatus): boolean =>
  s === 'suppressed-primary' || s === 'suppressed-secondary';

export function unitOf(i: Pick<Indicator, 'unit' | 'units'>, lang: 'nl' | 'en'): string {
  return i.units?.[lang] ?? i.unit;
}
