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

/** `POST path` (with `:id`): an action of the user on one resource, answering it. */
export function idAction(
  path: string,
  one: Record<string, unknown>,
  act: (gov: Governance, userId: string, id: string) => Promise<unknown>,
): RouteDeclaration {
  return (r, { gov, me }) =>
    r.post<{ Params: IdParams }>(path, one, async (req) => act(gov, me(req).id, req.params.id));
}

/** `POST path` (with `:id`): an action on one resource with a reason in the body, answering it. */
export function reasonedAction(
  path: string,
  one: Record<string, unknown>,
  act: (gov: Governance, userId: string, id: string, reason: string) => Promise<unknown>,
): RouteDeclaration {
  return (r, { gov, me }) =>
    r.post<{ Params: IdParams; Body: ReasonBody }>(
      path,
      { ...one, body: reasonBody },
      async (req) => act(gov, me(req).id, req.params.id, req.body.reason),
    );
}
