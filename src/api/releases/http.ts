/**
 * What the public release routes share: the release id in a path, resolving `latest` and
 * refusing what the public may not see, and CSV attachments.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { IMMUTABLE } from '../opendata/cache.js';
import type { ReleaseCatalog } from './catalog.js';

export const RELEASE_ID = '^(latest|[A-Za-z0-9][A-Za-z0-9_.-]{0,80})$';

export const releaseIdParams = {
  type: 'object',
  properties: { id: { type: 'string', pattern: RELEASE_ID } },
  required: ['id'],
} as const;

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
  const info = await catalog.info(id);
  if (!info) {
    await reply.code(404).send({ error: 'not-found', message: `no published release '${id}'` });
    return null;
  }
  if (info.status === 'withdrawn') {
    await reply.code(410).send({
      error: 'withdrawn',
      message: `release ${id} was withdrawn: ${info.withdrawnReason ?? 'no reason recorded'}`,
    });
    return null;
  }
  return id;
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
