/**
 * The answer to an error no route handled itself, shared by every plugin's error handler: a 4xx
 * keeps its message (it is about the request); anything else is `500 internal error` with the
 * request's id, which is the id under which the error and its stack are logged. A client quotes
 * the id; the operator finds the log line. No message, path or value of the failure reaches the
 * client.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';

export type UnhandledError = Error & {
  validation?: unknown;
  statusCode?: number;
  /** Set by errors that carry their own machine-readable code (e.g. rate limiting). */
  error?: string;
};

export function replyWithError(req: FastifyRequest, reply: FastifyReply, err: UnhandledError) {
  if (err.validation) return reply.code(400).send({ error: 'bad-request', message: err.message });
  const status =
    err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
  if (status < 500) {
    const code = typeof err.error === 'string' && /^[a-z-]+$/.test(err.error) ? err.error : 'error';
    return reply.code(status).send({ error: code, message: err.message });
  }
  req.log.error({ err, errorId: req.id }, 'request failed');
  return reply.code(500).send({
    error: 'internal',
    message: `internal error; quote error id ${req.id} to the broker's operator`,
    errorId: req.id,
  });
}
