/** Login (password and OpenID Connect), logout, the caller, and their API tokens. */
import {
  LoginInput,
  OidcCallbackQuery,
  TokenInput,
  requestJson,
  type IdParams,
} from '../../contracts/index.js';
import { bearer, resourceRoutes, SESSION_COOKIE, type RouteDeclaration } from './routing.js';
import {
  errorResponses,
  idParams,
  listOf,
  meSchema,
  sessionSchema,
  tokenCreatedSchema,
  tokenSchema,
} from './schemas.js';

const noContent = { type: 'null' } as const;

const login: RouteDeclaration = (r, { gov, setSession }) =>
  r.post<{ Body: LoginInput }>(
    '/auth/login',
    {
      body: requestJson(LoginInput),
      response: {
        200: sessionSchema,
        429: {
          ...errorResponses[400],
          description:
            'too many failed logins for the account or from the address: locked; retry after the seconds in the retry-after header',
        },
      },
    },
    async (req, reply) => {
      const s = await gov.login(req.body.email, req.body.password, { address: req.ip });
      setSession(reply, req, s.token, s.expiresAt);
      return s;
    },
  );

const oidcStart: RouteDeclaration = (r, { oidcLogin }) =>
  r.get(
    '/auth/oidc/login',
    { response: { 302: { ...noContent, description: 'Redirect to the provider' } } },
    async (_req, reply) => {
      const url = await (await oidcLogin()).start();
      return reply.redirect(url.href, 302);
    },
  );

const oidcCallback: RouteDeclaration = (r, { oidcLogin, oidcRedirectUri, setSession }) =>
  r.get<{ Querystring: Record<string, string> }>(
    '/auth/oidc/callback',
    { querystring: requestJson(OidcCallbackQuery), response: { 200: sessionSchema } },
    async (req, reply) => {
      const login = await oidcLogin();
      const current = new URL(oidcRedirectUri());
      current.search = new URL(req.url, 'http://callback').search;
      const s = await login.callback(current);
      setSession(reply, req, s.token, s.expiresAt);
      return s;
    },
  );

const logout: RouteDeclaration = (r, { gov }) =>
  r.post('/auth/logout', { response: { 204: noContent } }, async (req, reply) => {
    const token = bearer(req);
    if (token) await gov.logout(token);
    reply.header('set-cookie', `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`);
    return reply.code(204).send();
  });

const whoAmI: RouteDeclaration = (r, { me }) =>
  r.get('/auth/me', { response: { 200: meSchema } }, async (req) => me(req));

const createToken: RouteDeclaration = (r, { gov, me }) =>
  r.post<{ Body: TokenInput }>(
    '/auth/tokens',
    { body: requestJson(TokenInput), response: { 201: tokenCreatedSchema } },
    async (req, reply) => {
      const { label, expiresInDays } = req.body;
      const opts = expiresInDays !== undefined ? { expiresInDays } : {};
      return reply.code(201).send(await gov.createApiToken(me(req).id, label, opts));
    },
  );

const listTokens: RouteDeclaration = (r, { gov, me }) =>
  r.get(
    '/auth/tokens',
    { response: { 200: listOf('tokens', tokenSchema) } },
    async (req, reply) => {
      const p = me(req);
      reply.header('cache-control', 'no-store');
      const tokens = await gov.listTokens(p.id);
      return { tokens: tokens.map((t) => ({ ...t, current: t.id === p.tokenId })) };
    },
  );

const revokeToken: RouteDeclaration = (r, { gov, me }) =>
  r.delete<{ Params: IdParams }>(
    '/auth/tokens/:id',
    { params: idParams, response: { 204: noContent } },
    async (req, reply) => {
      await gov.revokeToken(me(req).id, req.params.id);
      return reply.code(204).send();
    },
  );

export const authRoutes = resourceRoutes(
  login,
  oidcStart,
  oidcCallback,
  logout,
  whoAmI,
  createToken,
  listTokens,
  revokeToken,
);
