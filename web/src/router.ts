/**
 * Hash routing: `#/path/segments?query`. No router package needed for a handful of pages. Every
 * view keeps its state (indicator, year, level, area, comparison) in the query, so that any view
 * can be linked, bookmarked and restored by a reload.
 */
import { useEffect, useState } from 'react';

export interface Route {
  segments: string[];
  params: URLSearchParams;
}

export type Params = Record<string, string | number | undefined | null>;

export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#/, '');
  const [path = '', query = ''] = raw.split('?', 2);
  return {
    segments: path
      .split('/')
      .filter((s) => s !== '')
      .map((s) => decodeURIComponent(s)),
    params: new URLSearchParams(query),
  };
}

export function href(path: string, params: Params = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  // Commas separate codes in a list (`vergelijk=GM0363,GM0518`): keep them readable.
  const qs = q.toString().replace(/%2C/gi, ',');
  return `#${path}${qs ? `?${qs}` : ''}`;
}

/**
 * Goes to a view. `replace` rewrites the current history entry instead of adding one: for
 * changes made while typing or ticking, where Back should leave the page rather than undo a tick.
 */
export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  if (to === window.location.hash) return;
  if (opts.replace) {
    window.history.replaceState(window.history.state, '', to);
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } else window.location.hash = to;
}

export function useRoute(): Route {
  const [hash, setHash] = useState(() => window.location.hash);
  useEffect(() => {
    const on = (): void => setHash(window.location.hash);
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return parseHash(hash);
}

/** A gemeente code from the URL, or null. */
/** A veiligheidsregio code (VRxx) from the query, or null. */
export function veiligheidsregioParam(params: URLSearchParams): string | null {
  const v = params.get('veiligheidsregio') ?? '';
  return /^VR\d{2}$/.test(v) ? v : null;
}

export function gemeenteParam(params: URLSearchParams, name = 'gemeente'): string | null {
  const v = params.get(name) ?? '';
  return /^GM\d{4}$/.test(v) ? v : null;
}
