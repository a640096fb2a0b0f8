/**
 * Request rate limits per client and route: a flood of one route by one client is refused with
 * 429 and `retry-after`, and costs no other route or client anything. The client is the
 * connection's address (the proxy's forwarded one only when `trustProxy` names the proxy), not
 * the token: a token is only checked after the limit, so keying on it would let random tokens
 * open fresh buckets.
 *
 * Login has its own, stricter per-account and per-address throttle with lockout
 * (governance/logins.ts); the limit here caps how fast anyone can even ask.
 */
import type { FastifyRequest } from 'fastify';
import type { RateLimitPluginOptions } from '@fastify/rate-limit';

/** Requests per minute per client address and route. */
export interface RateLimits {
  /** GET and HEAD: the public API, open data, downloads, the dashboard's files. */
  read: number;
  /** Every other method: governance actions. */
  write: number;
  /** Chunks of a resumable upload (`PUT …/contributions/:dataset`), 8 MiB each by default. */
  upload: number;
  /** `POST …/auth/login`. */
  login: number;
}

/**
 * Enough for a dashboard session (a page asks a few dozen routes once) and for an analist's
 * script paging through a release at 10 requests a second; far below what one client can fire
 * (the old limit of 60,000 a minute per address was never reached by a flood of one machine).
 * An upload of the 4 GiB maximum in 8 MiB chunks takes 512 of its requests.
 */
export const RATE_LIMITS: RateLimits = { read: 600, write: 120, upload: 600, login: 20 };

/** The route a request matched (its pattern, so `/releases/:id` is one route), or its path. */
function routeOf(req: FastifyRequest): string {
  return req.routeOptions.url ?? req.url.split('?')[0] ?? '';
}

export function limitFor(req: FastifyRequest, limits: RateLimits): number {
  const route = routeOf(req);
  if (req.method === 'GET' || req.method === 'HEAD') return limits.read;
  if (req.method === 'PUT' && route.endsWith('/contributions/:dataset')) return limits.upload;
  if (req.method === 'POST' && route.endsWith('/auth/login')) return limits.login;
  return limits.write;
}

/** Options for `@fastify/rate-limit`: one bucket per client address, method and route. */
export function rateLimitOptions(limits: RateLimits): RateLimitPluginOptions {
  return {
    timeWindow: 60_000,
    max: (req) => limitFor(req, limits),
    keyGenerator: (req) =>
      `${req.ip}|${req.method === 'HEAD' ? 'GET' : req.method} ${routeOf(req)}`,
    errorResponseBuilder: (_req, ctx) => ({
      statusCode: 429,
      error: 'rate-limited',
      message: `too many requests to this route: at most ${ctx.max} a minute; try again in ${ctx.after}`,
    }),
  };
}
