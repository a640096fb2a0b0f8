/**
 * How a governance route is declared: `r.post(path, schema, handler)` writes the method (by the
 * function) and the path once; the route table (access.ts) gives its summary and, through the
 * policy, its access, which the guard checks before the body is read.
 */
import type {
  FastifyInstance,
  FastifyPluginAsync,
  FastifyReply,
  FastifyRequest,
  onRequestHookHandler,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
  RouteGenericInterface,
  RouteHandlerMethod,
  RouteOptions,
} from 'fastify';
import type { ContributionView } from '../../contracts/index.js';
import type { Contribution, Governance, Principal } from '../../governance/index.js';
import { GovernanceError } from '../../governance/index.js';
import { endpointFor, type Endpoint } from './access.js';
import { CHANNEL_HEADER } from './channel.js';
import { errorResponses } from './schemas.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

export const SESSION_COOKIE = 'samenzicht_session';

/**
 * A change carried by the session cookie alone, as a form or script on another page could send
 * it. SameSite=Strict keeps the cookie from other sites, but not from a sibling subdomain or
 * another port of the same host; such a page cannot add a custom header without a CORS
 * preflight (which the broker never grants), and browsers say where a request came from in
 * Sec-Fetch-Site. The dashboard sends the channel header on every request.
 */
export function forgeable(req: FastifyRequest): boolean {
  if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return false;
  if (req.headers.authorization) return false; // a token is never sent by a browser on its own
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return true;
  return req.headers[CHANNEL_HEADER] === undefined;
}

export function bearer(req: FastifyRequest): string | null {
  const auth = req.headers.authorization;
  if (auth) {
    const m = /^Bearer\s+(\S+)$/i.exec(auth);
    return m?.[1] ?? null;
  }
  const cookie = req.headers.cookie;
  if (!cookie) return null;
  for (const part of cookie.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === SESSION_COOKIE) return decodeURIComponent(v.join('='));
  }
  return null;
}

/** The access guard of one route (onRequest): who the caller is, and whether they may. */
export const guard =
  (gov: Governance, e: Endpoint) => async (req: FastifyRequest, reply: FastifyReply) => {
    const token = bearer(req);
    req.principal = token ? await gov.authenticate(token) : null;
    if (e.access === 'public') return;
    if (!req.principal) {
      return reply.code(401).send({
        error: 'unauthenticated',
        message: token
          ? 'unknown, expired or revoked token'
          : 'log in, or send Authorization: Bearer <token>',
      });
    }
    if (forgeable(req)) {
      return reply.code(403).send({
        error: 'cross-site',
        message: `a change made with the session cookie must come from the dashboard itself: send ${CHANNEL_HEADER} from a same-origin page, or use an API token`,
      });
    }
    const access = e.access;
    if (access !== 'authenticated' && !req.principal.roles.some((r) => access.includes(r))) {
      return reply.code(403).send({
        error: 'role-forbidden',
        message: `${e.method} ${e.path} needs role ${access.join(' or ')}; ${req.principal.email} has ${req.principal.roles.join(', ') || 'no role'}`,
      });
    }
  };

type Handler<G extends RouteGenericInterface> = RouteHandlerMethod<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  G
>;
type Declare = <G extends RouteGenericInterface = RouteGenericInterface>(
  path: string,
  schema: Record<string, unknown>,
  handler: Handler<G>,
  /** `after`: an onRequest hook that runs after the access guard. */
  extra?: { after?: onRequestHookHandler },
) => void;

/** Declares routes on one (plugin's) Fastify instance. */
export interface Routes {
  get: Declare;
  post: Declare;
  put: Declare;
  delete: Declare;
}

export function routesOn(app: FastifyInstance, gov: Governance): Routes {
  const declare =
    (method: Endpoint['method']): Declare =>
    (path, schema, handler, extra) => {
      const e = endpointFor(method, path);
      const onRequest = guard(gov, e);
      app.route({
        method,
        url: path,
        onRequest: extra?.after ? [onRequest, extra.after] : onRequest,
        schema: {
          tags: ['governance'],
          summary: e.summary,
          description: `Access: ${e.access === 'public' || e.access === 'authenticated' ? e.access : e.access.join(', ')}`,
          ...schema,
          response: { ...errorResponses, ...((schema.response as object | undefined) ?? {}) },
        },
        handler,
      } as unknown as RouteOptions);
    };
  return {
    get: declare('GET'),
    post: declare('POST'),
    put: declare('PUT'),
    delete: declare('DELETE'),
  };
}

/** What each resource plugin gets from `governanceRoutes`. */
export interface GovernanceRouteDeps {
  gov: Governance;
  /** Routes on the plugin's own instance. */
  routes: (app: FastifyInstance) => Routes;
  /** The caller (after the guard); unauthenticated when there is none. */
  me: (req: FastifyRequest) => Principal;
  setSession: (reply: FastifyReply, req: FastifyRequest, token: string, expiresAt: string) => void;
  oidcLogin: () => Promise<import('../../governance/index.js').OidcLogin>;
  oidcRedirectUri: () => string;
  /** A contribution as the API shows it: no server path; its quarantine report as a URL. */
  contributionJson: (c: Contribution) => ContributionView;
  uploadSlot: onRequestHookHandler;
  maxUploadBytes: number;
  validate: import('../../governance/index.js').ValidateFn;
  runs: import('../../pipeline/run-service.js').RunService | null;
}

/** One route: declares its method, path, schema and handler on a resource's routes. */
export type RouteDeclaration = (r: Routes, deps: GovernanceRouteDeps) => void;

/** A resource's plugin: its routes, each declared by its own named function. */
export function resourceRoutes(
  ...routes: RouteDeclaration[]
): FastifyPluginAsync<GovernanceRouteDeps> {
  return async (app, deps) => {
    const r = deps.routes(app);
    for (const declare of routes) declare(r, deps);
  };
}

export const me = (req: FastifyRequest): Principal => {
  if (!req.principal) throw new GovernanceError('unauthenticated', 'not logged in');
  return req.principal;
};
