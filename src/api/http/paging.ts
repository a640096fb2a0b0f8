/**
 * Paging of every public list: `offset` and `limit` in, `page` out. The next page's URL is built
 * from the configured public base URL and the request path, never from the Host header.
 */
import type { FastifyRequest } from 'fastify';

export interface Page {
  offset: number;
  limit: number;
  total: number;
  next: string | null;
}

export interface PageQuery {
  offset?: number;
  limit?: number;
}

export interface PageBounds {
  /** Items per page when the request names no limit. */
  defaultLimit: number;
  /** The largest page a request may ask for. */
  maxLimit: number;
}

/** Query-string properties (JSON schema) for `offset` and `limit`. */
export function pageQueryProperties(b: PageBounds) {
  return {
    offset: { type: 'integer', minimum: 0, maximum: 100_000_000, default: 0 },
    limit: { type: 'integer', minimum: 1, maximum: b.maxLimit, default: b.defaultLimit },
  } as const;
}

/** Response schema of `page`. */
export const pageSchema = {
  type: 'object',
  required: ['offset', 'limit', 'total', 'next'],
  properties: {
    offset: { type: 'integer' },
    limit: { type: 'integer' },
    total: { type: 'integer' },
    next: { type: ['string', 'null'] },
  },
} as const;

/** `base` without a trailing slash, e.g. `https://samenzicht.example.nl`. */
export function normaliseBaseUrl(base: string): string {
  const url = new URL(base);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`public base URL must be http(s), not ${url.protocol}`);
  }
  if (url.search || url.hash) throw new Error('public base URL must not carry a query or fragment');
  return url.toString().replace(/\/+$/, '');
}

/** One page of `items`, and the absolute URL of the next page (same path, same filters). */
export function paginate<T>(
  items: readonly T[],
  req: FastifyRequest,
  q: PageQuery,
  b: PageBounds,
  baseUrl: string,
): { items: T[]; page: Page } {
  const offset = q.offset ?? 0;
  const limit = Math.min(q.limit ?? b.defaultLimit, b.maxLimit);
  const slice = items.slice(offset, offset + limit);
  let next: string | null = null;
  if (offset + limit < items.length) {
    const [path, query = ''] = req.url.split('?', 2) as [string, string?];
    const params = new URLSearchParams(query);
    params.set('offset', String(offset + limit));
    params.set('limit', String(limit));
    next = `${baseUrl}${path}?${params.toString()}`;
  }
  return { items: slice, page: { offset, limit, total: items.length, next } };
}
