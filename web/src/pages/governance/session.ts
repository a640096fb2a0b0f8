/**
 * The signed-in session of the governance page, shared by its sections, and the calls they make
 * with it: every request carries the user's token (the login also sets the session cookie; a
 * pasted API token has none), a 401 ends the session on the page.
 */
import { createContext, useCallback, useContext, useEffect, useState } from 'react';
import { getJson, HttpError } from '../../api.js';
import type { Capabilities } from './access.js';
import type { Me } from './types.js';

export interface GovSession {
  token: string;
  me: Me;
  caps: Capabilities;
  /** Bumped when something changed that other sections show (a new organisation, a candidate). */
  version: number;
  changed: () => void;
  /** The token stopped working (401): back to the login form. */
  lost: () => void;
}

export const SessionContext = createContext<GovSession | null>(null);

export function useSession(): GovSession {
  const s = useContext(SessionContext);
  if (!s) throw new Error('governance section outside a session');
  return s;
}

export const authHeaders = (token: string): Record<string, string> => ({
  authorization: `Bearer ${token}`,
});

/** POST with a JSON body (`{}` when there is none: the server refuses an empty JSON body). */
export function postJson<T>(url: string, token: string, body: unknown = {}): Promise<T> {
  return getJson<T>(url, {
    method: 'POST',
    headers: { ...authHeaders(token), 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
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
  const { token, version, lost } = useSession();
  const [state, setState] = useState<{ rows: T[] | null; problem: unknown }>({
    rows: null,
    problem: null,
  });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (!url) return;
    let live = true;
    getJson<unknown>(url, { headers: authHeaders(token) }).then(
      (body) => {
        if (live) setState({ rows: listOf<T>(body), problem: null });
      },
      (e: unknown) => {
        if (!live) return;
        if (e instanceof HttpError && e.status === 401) lost();
        setState({ rows: null, problem: e });
      },
    );
    return () => {
      live = false;
    };
  }, [url, token, version, tick, lost]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { ...state, reload };
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

/**
 * Downloads a file the server gives only to the signed-in user (a plain link would lack a pasted
 * token), under the server's file name when it sends one.
 */
export async function downloadWithToken(
  url: string,
  token: string,
  fallbackName: string,
): Promise<void> {
  const res = await fetch(url, { headers: authHeaders(token) });
  if (!res.ok) {
    let message = `${res.status} ${res.statusText}`;
    let code: string | undefined;
    try {
      const body = (await res.json()) as { error?: unknown; message?: unknown };
      if (typeof body.message === 'string') message = body.message;
      if (typeof body.error === 'string') code = body.error;
    } catch {
      // not JSON: keep the status line
    }
    throw new HttpError(res.status, message, code);
  }
  const disposition = res.headers.get('content-disposition') ?? '';
  const name = /filename="([^"]+)"/.exec(disposition)?.[1] ?? fallbackName;
  saveBlob(await res.blob(), name);
}
