/**
 * The signed-in session of the governance page, shared by its sections, and the calls they make
 * with it. The session is the broker's HttpOnly, SameSite=Strict cookie and nothing else: the
 * page never keeps or sends a token (no Authorization header, nothing in sessionStorage or
 * localStorage). Every request goes to the page's own origin with `credentials: 'same-origin'`,
 * so the browser adds the cookie, and names the dashboard as its channel for the audit trail. A
 * 401 ends the session on the page (back to the login form); a 429 is shown with its wait.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { HttpError, httpError } from '../../api.js';
import type { Capabilities } from './access.js';
import type { Me } from './types.js';

export interface GovSession {
  me: Me;
  caps: Capabilities;
  /** Bumped when something changed that other sections show (a new organisation, a candidate). */
  version: number;
  changed: () => void;
  /** The session stopped working (401): back to the login form. */
  lost: () => void;
}

export const SessionContext = createContext<GovSession | null>(null);

export function useSession(): GovSession {
  const s = useContext(SessionContext);
  if (!s) throw new Error('governance section outside a session');
  return s;
}

/** The header by which the broker records the dashboard as the channel of an action. */
export const CHANNEL_HEADERS: Readonly<Record<string, string>> = {
  'x-samenzicht-channel': 'dashboard',
};

/**
 * One governance request: same origin, the session cookie, never a token. Answers the response
 * when it is ok; throws an HttpError (with retry-after) when not.
 */
export async function govFetch(url: string, init: RequestInit = {}): Promise<Response> {
  const res = await fetch(url, {
    ...init,
    credentials: 'same-origin',
    headers: { accept: 'application/json', ...CHANNEL_HEADERS, ...(init.headers ?? {}) },
  });
  if (!res.ok) throw await httpError(res);
  return res;
}

/** GET of a governance JSON answer. */
export async function govGet<T>(url: string): Promise<T> {
  return (await (await govFetch(url)).json()) as T;
}

/**
 * POST with a JSON body (`{}` when there is none: the server refuses an empty JSON body); the
 * answer's JSON, or undefined for 204 No Content.
 */
export async function govPost<T>(url: string, body: unknown = {}): Promise<T> {
  const res = await govFetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return (res.status === 204 ? undefined : await res.json()) as T;
}

/** Offers a blob as a file download. */
export function saveBlob(blob: Blob, filename: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

/** Downloads a file the server gives only to the signed-in user, under the server's file name. */
export async function govDownload(url: string, fallbackName: string): Promise<void> {
  const res = await govFetch(url, { headers: { accept: '*/*' } });
  const disposition = res.headers.get('content-disposition') ?? '';
  const name = /filename="([^"]+)"/.exec(disposition)?.[1] ?? fallbackName;
  saveBlob(await res.blob(), name);
}

export interface GovApi {
  get: <T>(url: string) => Promise<T>;
  post: <T>(url: string, body?: unknown) => Promise<T>;
  download: (url: string, fallbackName: string) => Promise<void>;
}

/** The governance calls of a section: a 401 (session expired or revoked) ends the session. */
export function useGovApi(): GovApi {
  const { lost } = useSession();
  return useMemo(() => {
    const watch = async <T>(p: Promise<T>): Promise<T> => {
      try {
        return await p;
      } catch (e) {
        if (e instanceof HttpError && e.status === 401) lost();
        throw e;
      }
    };
    return {
      get: <T>(url: string) => watch(govGet<T>(url)),
      post: <T>(url: string, body?: unknown) => watch(govPost<T>(url, body)),
      download: (url: string, fallbackName: string) => watch(govDownload(url, fallbackName)),
    };
  }, [lost]);
}

/** Governance endpoints answer either a bare list or `{ <name>: [...] }`. */
export function listOf<T>(body: unknown): T[] {
  if (Array.isArray(body)) return body as T[];
  if (body && typeof body === 'object') {
    for (const v of Object.values(body)) if (Array.isArray(v)) return v as T[];
  }
  return [];
}

export interface ListState<T> {
  /** Null until the first answer, and after a refusal. */
  rows: T[] | null;
  problem: unknown;
  reload: () => void;
}

/** A list of the governance API, read again whenever the session says something changed. */
export function useList<T>(url: string | null): ListState<T> {
  const { version } = useSession();
  const api = useGovApi();
  const [state, setState] = useState<{ rows: T[] | null; problem: unknown }>({
    rows: null,
    problem: null,
  });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (!url) return;
    let live = true;
    api.get<unknown>(url).then(
      (body) => {
        if (live) setState({ rows: listOf<T>(body), problem: null });
      },
      (e: unknown) => {
        if (live) setState({ rows: null, problem: e });
      },
    );
    return () => {
      live = false;
    };
  }, [url, version, tick, api]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { ...state, reload };
}
