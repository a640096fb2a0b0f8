/**
 * Structured request logs (pino, one JSON line per request and per error). A line holds the
 * request id, method, route, path, status, duration, client address and the id of the
 * authenticated user: never a query string, body, token, cookie or email address. The request id
 * is random (a client cannot choose it), is sent back in `x-request-id`, and is the error id of
 * a 500.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyRequest, FastifyServerOptions } from 'fastify';

export interface LogOptions {
  /** pino level (default `info`). */
  level?: string;
  /** Where the JSON lines go (default stdout). */
  stream?: NodeJS.WritableStream;
}

export const REQUEST_ID_HEADER = 'x-request-id';

/** 16 hex characters: unique enough to find a line, too short to mistake for a token. */
export const newRequestId = (): string => randomBytes(8).toString('hex');

const pathOf = (url: string) => url.split('?')[0] ?? url;

/** Fastify's logger options for `logger: true | LogOptions`, or false. */
export function loggerOptions(
  logger: boolean | LogOptions | undefined,
): FastifyServerOptions['logger'] {
  if (!logger) return false;
  const o = logger === true ? {} : logger;
  return {
    level: o.level ?? 'info',
    ...(o.stream ? { stream: o.stream } : {}),
    serializers: {
      req: (req: { method: string; url: string; ip?: string }) => ({
        method: req.method,
        path: pathOf(req.url),
      }),
      res: (res: { statusCode: number }) => ({ status: res.statusCode }),
    },
    // In case a caller logs more than these serializers keep.
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'headers.authorization',
        'headers.cookie',
        '*.password',
        '*.token',
      ],
      censor: '[redacted]',
    },
  };
}

/**
 * Replaces Fastify's two lines per request by one, written when the answer has gone out, and
 * sends the request id back. Register on the root instance.
 */
export function requestLogging(app: FastifyInstance): void {
  app.addHook('onSend', async (req, reply) => {
    reply.header(REQUEST_ID_HEADER, req.id);
  });
  app.addHook('onResponse', async (req: FastifyRequest, reply) => {
    const principal = (req as FastifyRequest & { principal?: { id: string } | null }).principal;
    req.log.info(
      {
        method: req.method,
        route: req.routeOptions.url ?? null,
        path: pathOf(req.url),
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
        address: req.ip,
        ...(principal ? { user: principal.id } : {}),
      },
      'request',
    );
  });
}
