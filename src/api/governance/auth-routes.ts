/** Login (password and OpenID Connect), logout, the caller, and their API tokens. */
import type { FastifyPluginAsync } from 'fastify';
import { API_TOKEN_DAYS, API_TOKEN_MAX_DAYS, LIMITS } from '../../governance/index.js';
import { bearer, SESSION_COOKIE, type GovernanceRouteDeps } from './routing.js';
import {
  errorResponses,
  idParams,
  tokenCreatedSchema,
  tokenSchema,
  sessionSchema,
  userSchema,
} from './schemas.js';

export const authRoutes: FastifyPluginAsync<GovernanceRouteDeps> = async (app, deps) => {
  const { gov, me, setSession, oidcLogin, oidcRedirectUri } = deps;
  const r = deps.routes(app);
  r.post<{ Body: { email: string; password: string } }>(
    '/auth/login',
    {
      body: {
        type: 'object',
        properties: {
          email: { type: 'string', minLength: 3, maxLength: LIMITS.email },
          password: { type: 'string', minLength: 1, maxLength: LIMITS.passwordMax },
        },
        required: ['email', 'password'],
        additionalProperties: false,
      },
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

  r.get(
    '/auth/oidc/login',
    {
      response: { 302: { type: 'null', description: 'Redirect to the provider' } },
    },
    async (_req, reply) => {
      const url = await (await oidcLogin()).start();
      return reply.redirect(url.href, 302);
    },
  );

  r.get<{ Querystring: Record<string, string> }>(
    '/auth/oidc/callback',
    {
      querystring: {
        type: 'object',
        properties: {
          code: { type: 'string', maxLength: LIMITS.url },
          state: { type: 'string', maxLength: LIMITS.url },
        },
        additionalProperties: true,
      },
      response: { 200: sessionSchema },
    },
    async (req, reply) => {
      const login = await oidcLogin();
      const current = new URL(oidcRedirectUri());
      current.search = new URL(req.url, 'http://callback').search;
      const s = await login.callback(current);
      setSession(reply, req, s.token, s.expiresAt);
      return s;
    },
  );

  r.post('/auth/logout', { response: { 204: { type: 'null' } } }, async (req, reply) => {
    const token = bearer(req);
    if (token) await gov.logout(token);
    reply.header('set-cookie', `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`);
    return reply.code(204).send();
  });

  r.get(
    '/auth/me',
    {
      response: {
        200: { ...userSchema, properties: { ...userSchema.properties, via: { type: 'string' } } },
      },
    },
    async (req) => me(req),
  );

  r.post<{ Body: { label: string; expiresInDays?: number } }>(
    '/auth/tokens',
    {
      body: {
        type: 'object',
        properties: {
          label: { type: 'string', minLength: 1, maxLength: LIMITS.label },
          expiresInDays: {
            type: 'integer',
            minimum: 1,
            maximum: API_TOKEN_MAX_DAYS,
            default: API_TOKEN_DAYS,
            description: `days until the token expires (1..${API_TOKEN_MAX_DAYS}, default ${API_TOKEN_DAYS})`,
          },
        },
        required: ['label'],
        additionalProperties: false,
      },
      response: { 201: tokenCreatedSchema },
    },
    async (req, reply) =>
      reply.code(201).send(
        await gov.createApiToken(me(req).id, req.body.label, {
          ...(req.body.expiresInDays !== undefined
            ? { expiresInDays: req.body.expiresInDays }
            : {}),
        }),
      ),
  );

  r.get(
    '/auth/tokens',
    {
      response: {
        200: { type: 'object', properties: { tokens: { type: 'array', items: tokenSchema } } },
      },
    },
    async (req, reply) => {
      const p = me(req);
      reply.header('cache-control', 'no-store');
      const tokens = await gov.listTokens(p.id);
      return { tokens: tokens.map((t) => ({ ...t, current: t.id === p.tokenId })) };
    },
  );

  r.delete<{ Params: { id: string } }>(
    '/auth/tokens/:id',
    {
      params: idParams,
      response: { 204: { type: 'null' } },
    },
    async (req, reply) => {
      await gov.revokeToken(me(req).id, req.params.id);
      return reply.code(204).send();
    },
  );
};
