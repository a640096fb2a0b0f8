/**
 * HTTP caching for release content: strong ETags and 304s. The content under a release id never
 * changes, but a release can be withdrawn, so shared caches keep it an hour at most; `latest`
 * views are revalidated on every use.
 */
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

export const IMMUTABLE = 'public, max-age=3600, immutable';
/** For views that move with the next release (e.g. "latest"): revalidated on every use. */
export const SHORT = 'no-cache';
/** For releases that are not published: never stored by shared caches. */
export const PRIVATE = 'private, no-cache';

export function strongEtag(body: string | Buffer): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"`;
}

/** RFC 9110 §13.1.2: If-None-Match uses the weak comparison, so a W/ prefix is ignored. */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header.trim() === '*') return true;
  return header
    .split(',')
    .map((t) => t.trim().replace(/^W\//, ''))
    .includes(etag);
}

/** Sets validators and caching; returns true (after sending 304) when the client copy is current. */
export function notModified(
  req: FastifyRequest,
  reply: FastifyReply,
  etag: string,
  cacheControl: string,
): boolean {
  reply.header('ETag', etag);
  reply.header('Cache-Control', cacheControl);
  if (matchesIfNoneMatch(req.headers['if-none-match'], etag)) {
    void reply.code(304).send();
    return true;
  }
  return false;
}

/** Sends a body with a strong ETag and caching, or a 304 when the client's copy is current. */
export function sendCached(
  req: FastifyRequest,
  reply: FastifyReply,
  body: string,
  type: string,
  cacheControl: string,
): FastifyReply {
  if (notModified(req, reply, strongEtag(body), cacheControl)) return reply;
  return reply.type(type).send(body);
}

/** `sendCached` of one media type: how a feed sends its XML documents and counts. */
export const cachedSender =
  (type: string) =>
  (req: FastifyRequest, reply: FastifyReply, body: string, cacheControl: string): FastifyReply =>
    sendCached(req, reply, body, type, cacheControl);

/** `sendCached` of a JSON payload in one media type. */
export function cachedJsonSender(type: string) {
  const send = cachedSender(type);
  return (req: FastifyRequest, reply: FastifyReply, payload: unknown, cacheControl: string) =>
    send(req, reply, JSON.stringify(payload), cacheControl);
}
