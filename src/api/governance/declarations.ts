/**
 * Route declarations that several governance resources share: a list of one kind, and an action
 * on one resource that records a reason (revoking an agreement, withdrawing a release).
 */
import type { FastifyRequest } from 'fastify';
import type { IdParams, ReasonBody } from '../../contracts/index.js';
import type { Governance } from '../../governance/index.js';
import type { GovernanceRouteDeps, RouteDeclaration } from './routing.js';
import { listOf, reasonBody } from './schemas.js';

/** `GET path`: `{ [key]: items }`, each as `item`; `query` validates the querystring when given. */
export function listRoute<Q = unknown>(
  path: string,
  key: string,
  item: Record<string, unknown>,
  fetch: (
    deps: GovernanceRouteDeps,
    req: FastifyRequest<{ Querystring: Q }>,
  ) => Promise<readonly unknown[]>,
  query?: Record<string, unknown>,
): RouteDeclaration {
  return (r, deps) =>
    r.get<{ Querystring: Q }>(
      path,
      { ...(query ? { querystring: query } : {}), response: { 200: listOf(key, item) } },
      async (req) => ({ [key]: await fetch(deps, req) }),
    );
}

/** The names of the Governance methods that take these arguments (after the acting user). */
type MethodOf<Args extends unknown[]> = {
  [K in keyof Governance]: Governance[K] extends (userId: string, ...args: Args) => Promise<unknown>
    ? K
    : never;
}[keyof Governance];

/** `POST path` (with `:id`): Governance's `method` of the user on one resource, answering it. */
export function idAction(
  path: string,
  one: Record<string, unknown>,
  method: MethodOf<[id: string]>,
): RouteDeclaration {
  return (r, { gov, me }) =>
    r.post<{ Params: IdParams }>(path, one, async (req) => gov[method](me(req).id, req.params.id));
}

/** `POST path` (with `:id`): Governance's `method` on one resource with the body's reason. */
export function reasonedAction(
  path: string,
  one: Record<string, unknown>,
  method: MethodOf<[id: string, reason: string]>,
): RouteDeclaration {
  return (r, { gov, me }) =>
    r.post<{ Params: IdParams; Body: ReasonBody }>(
      path,
      { ...one, body: reasonBody },
      async (req) => gov[method](me(req).id, req.params.id, req.body.reason),
    );
}
