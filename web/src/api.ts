/**
 * Typed access to the Samenzicht v1 public API, with a per-page-load cache of GET responses.
 *
 * The shapes here are the public surface and nothing more: a cell is `published`,
 * `confidential` or `not-applicable`; which rule withheld a figure is for reviewers only.
 * Every list is paged (`page.next`); `fetchAllPages` follows the pages, so a view that needs
 * more than one page (a buurt map, the release comparison) is never silently cut short.
 */
import { useEffect, useState } from 'react';
import type { FeatureCollection, Geometry } from 'geojson';
import type { Lang } from './texts.js';
import type {
  Cell,
  CellStatus,
  RegionLevel,
  Region,
  ReleaseInfo,
  Text,
} from '../../src/contracts/index.js';

// The region vocabulary and release states are the server's contracts (src/contracts).
export type { RegionLevel } from '../../src/contracts/index.js';
export type {
  CellStatus,
  Text,
  Region,
  Cell,
  PublicReview as Review,
  ReleaseInfo,
  ZoekgebiedSignal,
  Zoekgebied,
  ZoekgebiedenResponse,
} from '../../src/contracts/index.js';

/** One page of a list: `next` is the absolute URL of the next page, or null on the last. */
export interface PageInfo {
  offset: number;
  limit: number;
  total: number;
  next: string | null;
}

export interface Paged {
  page: PageInfo;
}

export interface Indicator {
  id: string;
  title: Text;
  description: Text;
  theme: string;
  kind: string;
  unit: string;
  /** Unit in both languages (newer servers); `unit` is the Dutch one. */
  units?: Text;
  /** Which area a unit is counted in, e.g. the suspect's home address. */
  regionBasis?: Text;
  sources: { dataset: string; provider: string }[];
  methodology: Text;
  levels: string[];
  years: number[];
  disclosure: unknown;
}

/** The disclosure rule profile of an indicator (public: the audit assumes the attacker knows it). */
export type RuleProfile = Record<string, unknown>;

export interface RuleSummary {
  rule: string;
  /** Figures this rule protects. */
  cells: number;
  passed: boolean;
  /** The rule's parameters, per group of indicators that share them. */
  parameters: { indicators: string[]; values: Record<string, unknown> }[];
}

export interface PublicManifest {
  id: string;
  format: string;
  createdAt: string;
  codeVersion: string;
  regionSet: {
    year: number;
    kind: 'cbs' | 'synthetic';
    attribution: string | null;
    /** `one-division`: every year on the division of `year` (newer releases). */
    basis?: string;
    /** Herindelingen that change the released areas since the first year (newer releases). */
    herindelingen?: {
      year: number;
      code: string;
      name: string;
      former: { code: string; name: string }[];
    }[];
  };
  years: number[];
  indicators: { id: string; levels: string[]; breakdowns: string[] }[];
  rules: Record<string, RuleProfile>;
  inputs: { dataset: string; provider: string }[];
  cells: { count: number; sha256: string; byStatus: Record<CellStatus, number> };
  disclosure: { passed: boolean; rules: RuleSummary[] };
  previousRelease: string | null;
  notes: { nl: string; en: string }[];
}

/** Responses of the public routes. */
export interface ReleasesResponse extends Paged {
  releases: ReleaseInfo[];
}
export interface ReleaseDetail {
  release: ReleaseInfo;
  manifest: PublicManifest;
}
export interface CellsResponse extends Paged {
  release: string;
  cells: Cell[];
}
export interface IndicatorsResponse extends Paged {
  indicators: Indicator[];
}
export interface RegionsResponse extends Paged {
  regionSet: PublicManifest['regionSet'];
  regions: Region[];
}
export interface Comparable {
  code: string;
  release: string;
  peers: string[];
  method: Text;
}

/** One of gemeente and veiligheidsregio: the scope whose wijken and buurten are tested. */
export type ZoekgebiedenQuery = (
  | { gemeente: string; veiligheidsregio?: undefined }
  | { veiligheidsregio: string; gemeente?: undefined }
) & { year?: number; level?: string; q?: number };

export function zoekgebiedenUrl(
  release: string,
  query: ZoekgebiedenQuery,
  format: 'json' | 'csv' = 'json',
  lang?: Lang,
): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
  if (lang) params.set('lang', lang);
  const file = format === 'csv' ? 'zoekgebieden.csv' : 'zoekgebieden';
  return `/api/v1/releases/${encodeURIComponent(release)}/${file}?${params.toString()}`;
}

export type GeoProps = { code: string; name: string };
export type Geo = FeatureCollection<Geometry, GeoProps>;

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** The `error` code of a governance answer (`{error, message}`), when it has one. */
    readonly code?: string,
    /** Seconds to wait before asking again (`retry-after` of a 429 or 503), when given. */
    readonly retryAfter: number | null = null,
  ) {
    super(message);
  }
}

/** `retry-after` in whole seconds from now: delta-seconds or an HTTP date; null when absent. */
export function retryAfterSeconds(header: string | null, now = Date.now()): number | null {
  if (header === null || header.trim() === '') return null;
  const v = header.trim();
  if (/^\d+$/.test(v)) return Number(v);
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - now) / 1000));
}

/** The refusal of an answer that is not ok: the server's message and code, and retry-after. */
export async function httpError(res: Response): Promise<HttpError> {
  let message = `${res.status} ${res.statusText}`;
  let code: string | undefined;
  try {
    const body = (await res.json()) as {
      message?: string;
      error?: { message?: string } | string;
    };
    message =
      typeof body.error === 'object' && body.error?.message
        ? body.error.message
        : (body.message ?? message);
    if (typeof body.error === 'string') code = body.error;
  } catch {
    // not JSON: keep the status line
  }
  return new HttpError(
    res.status,
    message,
    code,
    retryAfterSeconds(res.headers.get('retry-after')),
  );
}

export async function getJson<T>(url: string, init?: RequestInit): Promise<T> {
  const res = await fetch(url, {
    ...init,
    headers: { accept: 'application/json', ...(init?.headers ?? {}) },
  });
  if (!res.ok) throw await httpError(res);
  return (await res.json()) as T;
}

/** The keys of a response that hold its list. */
export type ListKey<R> = {
  [K in keyof R]: R[K] extends readonly unknown[] ? K : never;
}[keyof R];

/**
 * Fetches every page of a paged list, following `page.next` until it is null, and returns the
 * first response with the list `key` holding all items (and `page` describing all of them).
 * Throws when the pages do not add up to `page.total`, so a view is complete or says it failed.
 */
export async function fetchAllPages<R extends Paged, K extends ListKey<R>>(
  url: string,
  key: K,
  init?: RequestInit,
): Promise<R> {
  const first = await getJson<R>(url, init);
  const items: unknown[] = [...(first[key] as unknown as unknown[])];
  const seen = new Set<string>();
  let next = first.page?.next ?? null;
  while (next !== null) {
    // `next` is absolute, built from the server's configured public URL; the dashboard asks its
    // own origin for the same path, so it keeps working when it is reached under another name.
    const here = (globalThis as { location?: { href: string } }).location?.href;
    const link = new URL(next, here);
    const target = here ? new URL(link.pathname + link.search, here).href : link.href;
    if (seen.has(target)) throw new Error(`paging repeats ${target}`);
    seen.add(target);
    const page = await getJson<R>(target, init);
    items.push(...(page[key] as unknown as unknown[]));
    next = page.page?.next ?? null;
  }
  const total = first.page?.total ?? items.length;
  if (items.length !== total) throw new Error(`${url}: received ${items.length} of ${total} items`);
  return {
    ...first,
    [key]: items,
    page: { offset: 0, limit: items.length, total, next: null },
  } as R;
}

const cache = new Map<string, Promise<unknown>>();

function cached<T>(key: string, load: () => Promise<T>): Promise<T> {
  let p = cache.get(key);
  if (!p) {
    p = load();
    p.catch(() => cache.delete(key));
    cache.set(key, p);
  }
  return p as Promise<T>;
}

export function cachedJson<T>(url: string): Promise<T> {
  return cached(`json ${url}`, () => getJson<T>(url));
}

/** All pages of a list, cached per page load. */
export function cachedAllPages<R extends Paged, K extends ListKey<R>>(
  url: string,
  key: K,
): Promise<R> {
  return cached(`all ${String(key)} ${url}`, () => fetchAllPages<R, K>(url, key));
}

export interface Loaded<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
}

/** Runs a cached load for a key; a null key loads nothing. */
function useLoad<T>(key: string | null, load: (key: string) => Promise<T>): Loaded<T> {
  const [state, setState] = useState<{ key: string | null; data?: T; error?: Error }>({
    key: null,
  });
  useEffect(() => {
    if (key === null) return;
    let live = true;
    load(key).then(
      (data) => live && setState({ key, data }),
      (error: Error) => live && setState({ key, error }),
    );
    return () => {
      live = false;
    };
    // `load` is a pure function of `key`.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  const current = state.key === key;
  return {
    data: current ? state.data : undefined,
    error: current ? state.error : undefined,
    loading: key !== null && (!current || (state.data === undefined && state.error === undefined)),
  };
}

/** Loads JSON (cached) for a URL that is not a list; a null URL loads nothing. */
export function useJson<T>(url: string | null): Loaded<T> {
  return useLoad(url, (u) => cachedJson<T>(u));
}

/** Loads every page of a list (cached); a null URL loads nothing. */
export function useAllPages<R extends Paged, K extends ListKey<R>>(
  url: string | null,
  key: K,
): Loaded<R> {
  return useLoad(url, (u) => cachedAllPages<R, K>(u, key));
}

/** Loads every page of several lists together; a null list loads nothing. */
export function useAllPagesOf<R extends Paged, K extends ListKey<R>>(
  urls: readonly string[] | null,
  key: K,
): Loaded<R[]> {
  return useLoad(urls === null ? null : JSON.stringify(urls), (k) =>
    Promise.all((JSON.parse(k) as string[]).map((u) => cachedAllPages<R, K>(u, key))),
  );
}

export type CellQuery = Partial<
  Record<'indicator' | 'year' | 'level' | 'region' | 'parent', string | number>
>;

export function cellsUrl(release: string, q: CellQuery): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== '') params.set(k, String(v));
  return `/api/v1/releases/${encodeURIComponent(release)}/cells?${params.toString()}`;
}

export function regionsUrl(q: { level?: RegionLevel; parent?: string } = {}): string {
  const params = new URLSearchParams();
  if (q.level) params.set('level', q.level);
  if (q.parent) params.set('parent', q.parent);
  const qs = params.toString();
  return `/api/v1/regions${qs ? `?${qs}` : ''}`;
}

export const INDICATORS_URL = '/api/v1/indicators';
export const RELEASES_URL = '/api/v1/releases';

/** Every cell of a query, over as many pages as it takes. */
export function useCells(release: string | null, q: CellQuery | null): Loaded<CellsResponse> {
  return useAllPages<CellsResponse, 'cells'>(
    release === null || q === null ? null : cellsUrl(release, q),
    'cells',
  );
}

export function useIndicators(): Loaded<IndicatorsResponse> {
  return useAllPages<IndicatorsResponse, 'indicators'>(INDICATORS_URL, 'indicators');
}

export function useRegions(q: { level?: RegionLevel; parent?: string }): Loaded<RegionsResponse> {
  return useAllPages<RegionsResponse, 'regions'>(regionsUrl(q), 'regions');
}

export function useReleases(): Loaded<ReleasesResponse> {
  return useAllPages<ReleasesResponse, 'releases'>(RELEASES_URL, 'releases');
}

export const isConfidential = (s: CellStatus): boolean => s === 'confidential';

export function unitOf(i: Pick<Indicator, 'unit' | 'units'>, lang: Lang): string {
  return i.units?.[lang] ?? i.unit;
}
