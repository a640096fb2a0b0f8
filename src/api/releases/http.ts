/**
 * What the public release routes share: the release id in a path, resolving `latest` and
 * refusing what the public may not see, and CSV attachments.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { IMMUTABLE } from '../opendata/cache.js';
import { closedObject } from '../http/schema.js';
import type { ReleaseCatalog } from './catalog.js';

/** A release id as a path or query parameter (a pattern without anchors). */
export const RELEASE_ID_NAME = '[A-Za-z0-9][A-Za-z0-9_.-]{0,80}';
/** A release id in a path: the id itself, or `latest`. */
export const RELEASE_ID = `^(latest|${RELEASE_ID_NAME})$`;

export const releaseIdParams = {
  type: 'object',
  properties: { id: { type: 'string', pattern: RELEASE_ID } },
  required: ['id'],
} as const;

/** What a route of one release declares; the rest of its schema is the same for all of them. */
export interface ReleaseRouteSchema {
  summary: string;
  description?: string;
  /** Query parameters; any other is refused (400). */
  querystring?: Record<string, unknown>;
  response?: Record<number, unknown>;
}

/** The schema of a `/releases/:id/…` route (key order as in the OpenAPI document). */
export function releaseRouteSchema(s: ReleaseRouteSchema) {
  return {
    summary: s.summary,
    ...(s.description === undefined ? {} : { description: s.description }),
    tags: ['releases'],
    params: releaseIdParams,
    ...(s.querystring === undefined ? {} : { querystring: closedObject(s.querystring) }),
    ...(s.response === undefined ? {} : { response: s.response }),
  };
}

/** A 400 in the public error shape. */
export const badRequest = (reply: FastifyReply, message: string) =>
  reply.code(400).send({ error: 'bad-request', message });

/**
 * Refuses a release the public may not see: unknown or unpublished (404), withdrawn (410). `what`
 * names it in the messages (a query parameter prefix for the earlier release of a comparison).
 * True when the reply was sent.
 */
export async function refuseUnserved(
  catalog: ReleaseCatalog,
  reply: FastifyReply,
  id: string,
  messages: { notFound: string; withdrawn: (reason: string) => string },
): Promise<boolean> {
  const info = await catalog.info(id);
  if (!info) {
    await reply.code(404).send({ error: 'not-found', message: messages.notFound });
    return true;
  }
  if (info.status === 'withdrawn') {
    await reply.code(410).send({
      error: 'withdrawn',
      message: messages.withdrawn(info.withdrawnReason ?? 'no reason recorded'),
    });
    return true;
  }
  return false;
}

/**
 * Sends `latest` URLs to the concrete release (307, not cached), and refuses what the public may
 * not see. Returns the id to serve, or null when the reply was sent.
 */
export async function resolvePublicRelease(
  catalog: ReleaseCatalog,
  req: FastifyRequest,
  reply: FastifyReply,
  id: string,
): Promise<string | null> {
  if (id === 'latest') {
    const latest = await catalog.latestPublishedId();
    if (!latest) {
      await reply.code(404).send({ error: 'not-found', message: 'no published release yet' });
      return null;
    }
    const [path, query] = req.url.split('?', 2) as [string, string?];
    const target = path.replace(/\/latest(?=\/|$)/, `/${encodeURIComponent(latest)}`);
    await reply
      .code(307)
      .header('cache-control', 'no-cache')
      .header('location', query ? `${target}?${query}` : target)
      .send();
    return null;
  }
  const refused = await refuseUnserved(catalog, reply, id, {
    notFound: `no published release '${id}'`,
    withdrawn: (reason) => `release ${id} was withdrawn: ${reason}`,
  });
  return refused ? null : id;
}

/**
 * A CSV download of a release's content (immutable under its id), named after its parts; a
 * part that is undefined is left out, and anything but a safe file name character becomes `_`.
 */
export function sendCsvAttachment(
  reply: FastifyReply,
  nameParts: readonly (string | number | undefined)[],
  body: string,
): FastifyReply {
  const name = nameParts
    .filter((x) => x !== undefined)
    .join('-')
    .replace(/[^A-Za-z0-9_.-]/g, '_');
  return reply
    .header('cache-control', IMMUTABLE)
    .type('text/csv; charset=utf-8; header=present')
    .header('content-disposition', `attachment; filename="${name}.csv"`)
    .send(body);
}
