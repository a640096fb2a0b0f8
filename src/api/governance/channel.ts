/**
 * The channel of a governance request, for the audit trail: how its caller authenticated, or for
 * a login (no caller yet) what the client says it is. A client can only choose among the
 * channels that a token or a password login can come through; `host` and `system` are never
 * taken from a request.
 */
import type { FastifyRequest } from 'fastify';
import type { Channel } from '../../governance/index.js';

/** The header by which a client names itself, e.g. `x-samenzicht-channel: cli`. */
export const CHANNEL_HEADER = 'x-samenzicht-channel';

const DECLARABLE: readonly Channel[] = ['api', 'cli', 'dashboard'];

export function requestChannel(req: FastifyRequest): Channel {
  const raw = req.headers[CHANNEL_HEADER];
  const declared = DECLARABLE.find((c) => c === raw);
  const principal = req.principal;
  if (principal?.channel) {
    // A token is used by scripts and by the CLI alike; a session is the dashboard's or OIDC's.
    return principal.channel === 'api' && declared === 'cli' ? 'cli' : principal.channel;
  }
  if (req.routeOptions.url?.endsWith('/auth/oidc/callback')) return 'oidc';
  return declared ?? 'api';
}
