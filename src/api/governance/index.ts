/**
 * Governance API (Fastify plugin; register with `{ prefix: '/api/v1' }`): login, organisations,
 * agreements, contribution uploads, the airlock and the audit trail. Every route is in the ONE
 * access table (`access.ts`) and is checked against it before its body is read.
 */
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type {
  FastifyPluginAsync,
  FastifyReply,
  FastifyRequest,
  RouteShorthandOptions,
} from 'fastify';
import {
  API_TOKEN_DAYS,
  API_TOKEN_MAX_DAYS,
  Governance,
  GovernanceError,
  LIMITS,
  LoginLocked,
  OidcLogin,
  type AgreementInput,
  type OidcLoginOptions,
  type Principal,
  type Role,
  type ValidateFn,
  type Contribution,
  UploadOffsetConflict,
} from '../../governance/index.js';
import { RELEASE_FILES } from '../../release/format.js';
import type { Store } from '../../store/index.js';
import { endpointFor, type Endpoint } from './access.js';
import { readRowsPage } from './report.js';
import { registerRunRoutes } from './runs.js';
import type { RunService } from '../../pipeline/run-service.js';
import {
  agreementSchema,
  auditEntrySchema,
  contributionSchema,
  offsetConflictSchema,
  uploadProgressSchema,
  errorResponses,
  idParams,
  organisationSchema,
  reasonBody,
  tokenCreatedSchema,
  tokenSchema,
  releaseSchema,
  reportCellsSchema,
  reportSchema,
  sessionSchema,
  userSchema,
  verificationSchema,
} from './schemas.js';

export {
  ENDPOINTS,
  CALLERS,
  allows,
  accessMatrixMarkdown,
  type Endpoint,
  type Access,
  type Caller,
} from './access.js';

export interface GovernanceRoutesOptions {
  /** The state store; needed only when no `governance` instance is passed. */
  store?: Store;
  /** Shares the clock and instance with the pipeline; built from `store` when absent. */
  governance?: Governance;
  /** Row validation against the dataset contract (ingest). */
  validate: ValidateFn;
  /** Upload size limit in bytes (default 4 GiB). */
  maxUploadBytes?: number;
  /** OpenID Connect login; without it the /auth/oidc routes answer 404. */
  oidc?: OidcLoginOptions;
  /** Runs on the stored contributions; without it the /runs routes answer 404. */
  runs?: RunService;
  /**
   * Uploads (`PUT /contributions/:dataset`) received at the same time; one more answers 503
   * with `retry-after` (default 4).
   */
  maxConcurrentUploads?: number;
  /**
   * Mark the session cookie `Secure` on every response, also when the request reached this
   * process over plain HTTP (a TLS-terminating proxy without trusted forwarding headers). It
   * is always set when the request itself came over https.
   */
  secureCookies?: boolean;
}

/** Seconds a client waits before it tries an upload again when every upload slot is taken. */
export const UPLOAD_RETRY_AFTER_SECONDS = 5;

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

export const SESSION_COOKIE = 'samenzicht_session';
/** A list of ids in a request body: at most 100, each at most 100 characters. */
const idList = {
  type: 'array',
  items: { type: 'string', maxLength: LIMITS.id },
  maxItems: LIMITS.listItems,
} as const;
const STATUS: Record<GovernanceError['code'], number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  purpose: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  integrity: 409,
  locked: 429,
};

function bearer(req: FastifyRequest): string | null {
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

export const governanceRoutes: FastifyPluginAsync<GovernanceRoutesOptions> = async (app, opts) => {
  if (!opts.governance && !opts.store)
    throw new Error('governanceRoutes: pass `governance` or `store`');
  const gov = opts.governance ?? new Governance(opts.store as Store);
  const maxUploadBytes = opts.maxUploadBytes ?? 4 * 1024 ** 3;
  let oidc: Promise<OidcLogin> | null = null;
  const oidcLogin = (): Promise<OidcLogin> => {
    if (!opts.oidc)
      throw new GovernanceError('not_found', 'OIDC login is not configured on this broker');
    const cfg = opts.oidc;
    oidc ??= OidcLogin.discover(gov, cfg).catch((err: unknown) => {
      oidc = null; // retry discovery next time
      throw err;
    });
    return oidc;
  };

  app.decorateRequest('principal', null);
  // Partial uploads left without a byte for 24 h are removed at start (and on each upload).
  await gov.removeStaleUploads();
  /** A contribution as the API shows it: no server path; its quarantine report as a URL. */
  const contributionJson = (c: Contribution) => {
    const { storagePath: _stored, quarantinePath, ...rest } = c;
    return {
      ...rest,
      quarantineUrl:
        quarantinePath && !c.purgedAt
          ? `${app.prefix}/contributions/${encodeURIComponent(c.id)}/quarantine`
          : null,
    };
  };
  // Contributions arrive as raw bytes; hand the stream to the handler untouched.
  for (const type of ['application/octet-stream', 'text/csv']) {
    app.addContentTypeParser(type, (_req, payload, done) => done(null, payload));
  }

  app.setErrorHandler((err: Error & { validation?: unknown; statusCode?: number }, req, reply) => {
    if (err instanceof UploadOffsetConflict) {
      reply.header('upload-offset', String(err.offset));
      return reply.code(409).send({ error: err.code, message: err.message, offset: err.offset });
    }
    if (err instanceof LoginLocked) reply.header('retry-after', String(err.retryAfterSeconds));
    if (err instanceof GovernanceError) {
      return reply.code(STATUS[err.code]).send({ error: err.code, message: err.message });
    }
    if (err.validation) return reply.code(400).send({ error: 'bad-request', message: err.message });
    const status =
      err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) req.log.error({ err }, 'governance request failed');
    return reply.code(status).send({
      error: status === 500 ? 'internal' : 'error',
      message: status === 500 ? 'internal error' : err.message,
    });
  });

  const guard = (e: Endpoint) => async (req: FastifyRequest, reply: FastifyReply) => {
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
    const access = e.access;
    if (access !== 'authenticated' && !req.principal.roles.some((r) => access.includes(r))) {
      return reply.code(403).send({
        error: 'role-forbidden',
        message: `${e.method} ${e.path} needs role ${access.join(' or ')}; ${req.principal.email} has ${req.principal.roles.join(', ') || 'no role'}`,
      });
    }
  };

  /** Route options with the guard and the documented schema for a table entry. */
  const route = (
    method: Endpoint['method'],
    path: string,
    schema: Record<string, unknown>,
  ): RouteShorthandOptions => {
    const e = endpointFor(method, path);
    return {
      onRequest: guard(e),
      schema: {
        tags: ['governance'],
        summary: e.summary,
        description: `Access: ${e.access === 'public' || e.access === 'authenticated' ? e.access : e.access.join(', ')}`,
        ...schema,
        response: { ...errorResponses, ...((schema.response as object | undefined) ?? {}) },
      },
    };
  };
  // At most `maxConcurrentUploads` uploads are received at once; one more is told to come back.
  const maxUploads = opts.maxConcurrentUploads ?? 4;
  let uploading = 0;
  const uploadSlot = async (_req: FastifyRequest, reply: FastifyReply) => {
    if (uploading >= maxUploads) {
      reply.header('retry-after', String(UPLOAD_RETRY_AFTER_SECONDS));
      return reply.code(503).send({
        error: 'busy',
        message: `the broker is receiving ${maxUploads} uploads at once; try again in ${UPLOAD_RETRY_AFTER_SECONDS} seconds`,
      });
    }
    uploading++;
    let held = true;
    const release = () => {
      if (held) uploading--;
      held = false;
    };
    // 'close' comes when the answer is sent and when the client goes away; 'finish' for inject.
    reply.raw.once('close', release);
    reply.raw.once('finish', release);
  };
  /** The slot hook after the access guard (an anonymous upload never takes a slot). */
  const withUploadSlot = (o: RouteShorthandOptions): RouteShorthandOptions => {
    const before = o.onRequest === undefined ? [] : [o.onRequest].flat();
    return { ...o, onRequest: [...before, uploadSlot] };
  };
  const me = (req: FastifyRequest): Principal => {
    if (!req.principal) throw new GovernanceError('unauthenticated', 'not logged in');
    return req.principal;
  };
  const setSession = (
    reply: FastifyReply,
    req: FastifyRequest,
    token: string,
    expiresAt: string,
  ) => {
    const secure = req.protocol === 'https' || opts.secureCookies ? '; Secure' : '';
    reply.header(
      'set-cookie',
      `${SESSION_COOKIE}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Strict; Expires=${new Date(expiresAt).toUTCString()}${secure}`,
    );
  };

  // ------------------------------------------------------------------ auth
  app.post<{ Body: { email: string; password: string } }>(
    '/auth/login',
    route('POST', '/auth/login', {
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
    }),
    async (req, reply) => {
      const s = await gov.login(req.body.email, req.body.password, { address: req.ip });
      setSession(reply, req, s.token, s.expiresAt);
      return s;
    },
  );

  app.get(
    '/auth/oidc/login',
    route('GET', '/auth/oidc/login', {
      response: { 302: { type: 'null', description: 'Redirect to the provider' } },
    }),
    async (_req, reply) => {
      const url = await (await oidcLogin()).start();
      return reply.redirect(url.href, 302);
    },
  );

  app.get<{ Querystring: Record<string, string> }>(
    '/auth/oidc/callback',
    route('GET', '/auth/oidc/callback', {
      querystring: {
        type: 'object',
        properties: {
          code: { type: 'string', maxLength: LIMITS.url },
          state: { type: 'string', maxLength: LIMITS.url },
        },
        additionalProperties: true,
      },
      response: { 200: sessionSchema },
    }),
    async (req, reply) => {
      const login = await oidcLogin();
      const current = new URL(opts.oidc!.redirectUri);
      current.search = new URL(req.url, 'http://callback').search;
      const s = await login.callback(current);
      setSession(reply, req, s.token, s.expiresAt);
      return s;
    },
  );

  app.post(
    '/auth/logout',
    route('POST', '/auth/logout', { response: { 204: { type: 'null' } } }),
    async (req, reply) => {
      const token = bearer(req);
      if (token) await gov.logout(token);
      reply.header(
        'set-cookie',
        `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`,
      );
      return reply.code(204).send();
    },
  );

  app.get(
    '/auth/me',
    route('GET', '/auth/me', {
      response: {
        200: { ...userSchema, properties: { ...userSchema.properties, via: { type: 'string' } } },
      },
    }),
    async (req) => me(req),
  );

  app.post<{ Body: { label: string; expiresInDays?: number } }>(
    '/auth/tokens',
    route('POST', '/auth/tokens', {
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
    }),
    async (req, reply) =>
      reply.code(201).send(
        await gov.createApiToken(me(req).id, req.body.label, {
          ...(req.body.expiresInDays !== undefined
            ? { expiresInDays: req.body.expiresInDays }
            : {}),
        }),
      ),
  );

  app.get(
    '/auth/tokens',
    route('GET', '/auth/tokens', {
      response: {
        200: { type: 'object', properties: { tokens: { type: 'array', items: tokenSchema } } },
      },
    }),
    async (req, reply) => {
      const p = me(req);
      reply.header('cache-control', 'no-store');
      const tokens = await gov.listTokens(p.id);
      return { tokens: tokens.map((t) => ({ ...t, current: t.id === p.tokenId })) };
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/auth/tokens/:id',
    route('DELETE', '/auth/tokens/:id', {
      params: idParams,
      response: { 204: { type: 'null' } },
    }),
    async (req, reply) => {
      await gov.revokeToken(me(req).id, req.params.id);
      return reply.code(204).send();
    },
  );

  // ------------------------------------------------------------------ organisations and users
  app.get(
    '/organisations',
    route('GET', '/organisations', {
      response: {
        200: {
          type: 'object',
          properties: { organisations: { type: 'array', items: organisationSchema } },
        },
      },
    }),
    async () => ({ organisations: await gov.listOrganisations() }),
  );

  app.post<{ Body: { id: string; name: string; role: Role; providerIds?: string[] } }>(
    '/organisations',
    route('POST', '/organisations', {
      body: {
        type: 'object',
        properties: {
          id: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]*$', maxLength: LIMITS.id },
          name: { type: 'string', minLength: 1, maxLength: LIMITS.name },
          role: { type: 'string', enum: ['provider', 'broker', 'board', 'consumer'] },
          providerIds: idList,
        },
        required: ['id', 'name', 'role'],
        additionalProperties: false,
      },
      response: { 201: organisationSchema },
    }),
    async (req, reply) => reply.code(201).send(await gov.createOrganisation(me(req).id, req.body)),
  );

  app.get(
    '/users',
    route('GET', '/users', {
      response: {
        200: { type: 'object', properties: { users: { type: 'array', items: userSchema } } },
      },
    }),
    async () => ({ users: await gov.listUsers() }),
  );

  app.post<{
    Body: {
      email: string;
      name: string;
      password?: string;
      organisations: string[];
      oidcIssuer?: string;
      oidcSubject?: string;
    };
  }>(
    '/users',
    route('POST', '/users', {
      body: {
        type: 'object',
        properties: {
          email: { type: 'string', minLength: 3, maxLength: LIMITS.email },
          name: { type: 'string', minLength: 1, maxLength: LIMITS.name },
          password: {
            type: 'string',
            minLength: LIMITS.passwordMin,
            maxLength: LIMITS.passwordMax,
          },
          organisations: { ...idList, minItems: 1 },
          oidcIssuer: { type: 'string', maxLength: LIMITS.url },
          oidcSubject: { type: 'string', maxLength: LIMITS.oidcSubject },
        },
        required: ['email', 'name', 'organisations'],
        additionalProperties: false,
      },
      response: { 201: userSchema },
    }),
    async (req, reply) => {
      const b = req.body;
      const user = await gov.createUser(me(req).id, {
        email: b.email,
        name: b.name,
        organisations: b.organisations,
        ...(b.password !== undefined ? { password: b.password } : {}),
        ...(b.oidcIssuer && b.oidcSubject
          ? { oidc: { issuer: b.oidcIssuer, subject: b.oidcSubject } }
          : {}),
      });
      return reply.code(201).send(user);
    },
  );

  // ------------------------------------------------------------------ agreements
  app.get(
    '/agreements',
    route('GET', '/agreements', {
      response: {
        200: {
          type: 'object',
          properties: { agreements: { type: 'array', items: agreementSchema } },
        },
      },
    }),
    async () => ({ agreements: await gov.listAgreements() }),
  );

  app.get<{ Params: { id: string } }>(
    '/agreements/:id',
    route('GET', '/agreements/:id', { params: idParams, response: { 200: agreementSchema } }),
    async (req) => gov.getAgreement(req.params.id),
  );

  app.post<{ Body: AgreementInput }>(
    '/agreements',
    route('POST', '/agreements', {
      body: {
        type: 'object',
        properties: {
          id: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]*$', maxLength: LIMITS.id },
          title: { type: 'string', minLength: 1, maxLength: LIMITS.name },
          purpose: { type: 'string', minLength: 1, maxLength: LIMITS.reason },
          legalBasis: { type: 'string', minLength: 1, maxLength: LIMITS.reason },
          parties: { ...idList, minItems: 1 },
          datasets: { ...idList, minItems: 1 },
          themes: { ...idList, minItems: 1 },
          indicators: { ...idList, maxItems: LIMITS.indicatorItems },
          validFrom: { type: 'string', format: 'date-time', maxLength: 40 },
          validUntil: { type: 'string', format: 'date-time', maxLength: 40 },
          retentionDays: { type: 'integer', minimum: 0 },
        },
        required: [
          'title',
          'purpose',
          'legalBasis',
          'parties',
          'datasets',
          'themes',
          'validFrom',
          'validUntil',
          'retentionDays',
        ],
        additionalProperties: false,
      },
      response: { 201: agreementSchema },
    }),
    async (req, reply) => reply.code(201).send(await gov.createAgreement(me(req).id, req.body)),
  );

  app.post<{ Params: { id: string } }>(
    '/agreements/:id/propose',
    route('POST', '/agreements/:id/propose', {
      params: idParams,
      response: { 200: agreementSchema },
    }),
    async (req) => gov.proposeAgreement(me(req).id, req.params.id),
  );

  app.post<{ Params: { id: string }; Body: { organisation?: string } | undefined }>(
    '/agreements/:id/sign',
    route('POST', '/agreements/:id/sign', {
      params: idParams,
      body: {
        type: 'object',
        properties: { organisation: { type: 'string', maxLength: LIMITS.id } },
        additionalProperties: false,
      },
      response: { 200: agreementSchema },
    }),
    async (req) => gov.signAgreement(me(req).id, req.params.id, req.body?.organisation),
  );

  app.post<{ Params: { id: string }; Body: { reason: string } }>(
    '/agreements/:id/revoke',
    route('POST', '/agreements/:id/revoke', {
      params: idParams,
      body: reasonBody,
      response: { 200: agreementSchema },
    }),
    async (req) => gov.revokeAgreement(me(req).id, req.params.id, req.body.reason),
  );

  // ------------------------------------------------------------------ contributions
  app.put<{
    Params: { dataset: string };
    Headers: {
      'x-content-sha256': string;
      'content-length'?: string;
      'upload-length'?: string;
      'upload-offset'?: string;
    };
  }>(
    '/contributions/:dataset',
    withUploadSlot(
      route('PUT', '/contributions/:dataset', {
        params: {
          type: 'object',
          properties: { dataset: { type: 'string', maxLength: LIMITS.id } },
          required: ['dataset'],
        },
        headers: {
          type: 'object',
          properties: {
            'x-content-sha256': { type: 'string', pattern: '^[0-9a-fA-F]{64}$' },
            'upload-length': { type: 'string', pattern: '^[0-9]{1,16}$' },
            'upload-offset': { type: 'string', pattern: '^[0-9]{1,16}$' },
          },
          required: ['x-content-sha256'],
        },
        consumes: ['application/octet-stream', 'text/csv'],
        response: {
          201: contributionSchema,
          202: uploadProgressSchema,
          409: offsetConflictSchema,
          413: errorResponses[400],
          503: {
            ...errorResponses[400],
            description: 'every upload slot is taken: retry after the seconds in retry-after',
          },
        },
      }),
    ),
    async (req, reply) => {
      const declared = Number(req.headers['content-length'] ?? NaN);
      const lengthHeader = req.headers['upload-length'];
      const offsetHeader = req.headers['upload-offset'];
      if ((lengthHeader === undefined) !== (offsetHeader === undefined)) {
        throw new GovernanceError(
          'invalid',
          'a resumable upload sends both upload-length and upload-offset (or neither, for the whole file in one request)',
        );
      }
      let body = req.body as Readable | undefined;
      if (body !== undefined && typeof (body as Readable).pipe !== 'function') body = undefined;
      if (lengthHeader !== undefined && offsetHeader !== undefined) {
        const r = await gov.uploadContributionChunk(
          me(req).id,
          req.params.dataset,
          body ?? Readable.from([]),
          {
            sha256: req.headers['x-content-sha256'],
            length: Number(lengthHeader),
            offset: Number(offsetHeader),
            ...(Number.isFinite(declared) ? { declared } : {}),
            maxBytes: maxUploadBytes,
            validate: opts.validate,
          },
        );
        reply.header('upload-offset', String(r.offset));
        reply.header('upload-length', String(r.length));
        if (!r.contribution) return reply.code(202).send({ offset: r.offset, length: r.length });
        return reply.code(201).send(contributionJson(r.contribution));
      }
      if (Number.isFinite(declared) && declared > maxUploadBytes) {
        throw new GovernanceError(
          'too_large',
          `upload of ${declared} bytes exceeds the limit of ${maxUploadBytes} bytes`,
        );
      }
      if (!body) {
        throw new GovernanceError(
          'invalid',
          'send the file as the request body (application/octet-stream or text/csv)',
        );
      }
      const c = await gov.uploadContribution(me(req).id, req.params.dataset, body, {
        sha256: req.headers['x-content-sha256'],
        maxBytes: maxUploadBytes,
        validate: opts.validate,
      });
      return reply.code(201).send(contributionJson(c));
    },
  );

  app.get<{ Params: { dataset: string; sha256: string } }>(
    '/contributions/:dataset/uploads/:sha256',
    route('GET', '/contributions/:dataset/uploads/:sha256', {
      params: {
        type: 'object',
        properties: {
          dataset: { type: 'string', maxLength: LIMITS.id },
          sha256: { type: 'string', maxLength: 64 },
        },
        required: ['dataset', 'sha256'],
      },
      response: { 200: uploadProgressSchema },
    }),
    async (req, reply) => {
      const p = await gov.partialUpload(me(req).id, req.params.dataset, req.params.sha256);
      reply.header('upload-offset', String(p.offset));
      reply.header('upload-length', String(p.length));
      reply.header('cache-control', 'no-store');
      return p;
    },
  );

  app.get(
    '/contributions',
    route('GET', '/contributions', {
      response: {
        200: {
          type: 'object',
          properties: { contributions: { type: 'array', items: contributionSchema } },
        },
      },
    }),
    async (req) => {
      const p = me(req);
      const seesAll = p.roles.includes('broker') || p.roles.includes('board');
      const list = await gov.listContributions(seesAll ? {} : { organisations: p.organisations });
      return { contributions: list.map(contributionJson) };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/contributions/:id/quarantine',
    route('GET', '/contributions/:id/quarantine', {
      params: idParams,
      produces: ['text/csv'],
      response: {
        200: {
          type: 'string',
          description:
            'CSV with header row;field;reason: the source row number (data rows from 1), the field and the reason of each quarantined row; never a value',
        },
      },
    }),
    async (req, reply) => {
      const { contribution, path } = await gov.openQuarantine(me(req).id, req.params.id);
      try {
        await stat(path);
      } catch {
        throw new GovernanceError(
          'not_found',
          `the quarantine report of contribution ${contribution.id} is missing on the broker`,
        );
      }
      reply.header('cache-control', 'no-store');
      reply.header(
        'content-disposition',
        `attachment; filename="${contribution.datasetId}-v${contribution.version}.quarantine.csv"`,
      );
      return reply.type('text/csv; charset=utf-8').send(createReadStream(path));
    },
  );

  // ------------------------------------------------------------------ airlock
  app.get<{ Querystring: { state?: 'candidate' | 'rejected' | 'published' | 'withdrawn' } }>(
    '/airlock/releases',
    route('GET', '/airlock/releases', {
      querystring: {
        type: 'object',
        properties: {
          state: { type: 'string', enum: ['candidate', 'rejected', 'published', 'withdrawn'] },
        },
        additionalProperties: false,
      },
      response: {
        200: { type: 'object', properties: { releases: { type: 'array', items: releaseSchema } } },
      },
    }),
    async (req) => ({
      releases: await gov.listReleases(req.query.state ? { states: [req.query.state] } : {}),
    }),
  );

  app.get<{ Params: { id: string } }>(
    '/airlock/releases/:id',
    route('GET', '/airlock/releases/:id', { params: idParams, response: { 200: releaseSchema } }),
    async (req) => gov.getRelease(req.params.id, me(req).id),
  );

  app.get<{ Params: { id: string } }>(
    '/airlock/releases/:id/report',
    route('GET', '/airlock/releases/:id/report', {
      params: idParams,
      response: { 200: reportSchema },
    }),
    async (req, reply) => {
      const { release, dir, files } = await gov.openReport(me(req).id, req.params.id, {
        part: 'report',
      });
      const manifestPath = join(dir, RELEASE_FILES.restrictedManifest);
      const auditPath = join(dir, RELEASE_FILES.audit);
      let manifest: { cells?: { count?: number } };
      let auditBytes: number;
      try {
        manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as typeof manifest;
        auditBytes = (await stat(auditPath)).size;
      } catch (err) {
        throw new GovernanceError(
          'not_found',
          `the restricted report of ${release.id} cannot be read: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'a file is missing' : (err as Error).message}`,
        );
      }
      if (auditBytes === 0)
        throw new GovernanceError('not_found', `the audit of ${release.id} is empty`);
      // The audit can be hundreds of MB: it is streamed into the envelope as stored, not parsed.
      const head = JSON.stringify({
        release: {
          id: release.id,
          state: release.state,
          digest: release.digest,
          providers: release.providers,
        },
        files,
        cells: {
          href: `/api/v1/airlock/releases/${encodeURIComponent(release.id)}/report/cells`,
          count: manifest.cells?.count ?? null,
        },
        manifest,
      });
      async function* body() {
        yield Buffer.from(`${head.slice(0, -1)},"audit":`);
        for await (const chunk of createReadStream(auditPath)) yield chunk as Buffer;
        yield Buffer.from('}');
      }
      if (release.digest) reply.header('x-release-digest', release.digest);
      reply.header('cache-control', 'no-store');
      return reply.type('application/json; charset=utf-8').send(Readable.from(body()));
    },
  );

  app.get<{ Params: { id: string }; Querystring: { offset?: number; limit?: number } }>(
    '/airlock/releases/:id/report/cells',
    route('GET', '/airlock/releases/:id/report/cells', {
      params: idParams,
      querystring: {
        type: 'object',
        properties: {
          offset: { type: 'integer', minimum: 0, default: 0 },
          limit: { type: 'integer', minimum: 1, maximum: 10000, default: 1000 },
        },
        additionalProperties: false,
      },
      response: { 200: reportCellsSchema },
    }),
    async (req, reply) => {
      const offset = req.query.offset ?? 0;
      const limit = req.query.limit ?? 1000;
      const { release, dir } = await gov.openReport(me(req).id, req.params.id, {
        part: 'cells',
        offset,
        limit,
      });
      let page: Awaited<ReturnType<typeof readRowsPage>>;
      try {
        page = await readRowsPage(join(dir, RELEASE_FILES.restrictedCells), offset, limit);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT')
          throw new GovernanceError('not_found', `release ${release.id} has no internal cells`);
        throw err;
      }
      reply.header('cache-control', 'no-store');
      return {
        releaseId: release.id,
        digest: release.digest,
        total: page.total,
        offset,
        limit,
        rows: page.rows,
      };
    },
  );

  app.post<{
    Params: { id: string };
    Body: {
      decision: 'approve' | 'reject';
      reason?: string;
      capacity?: string;
      digest?: string;
    };
  }>(
    '/airlock/releases/:id/reviews',
    route('POST', '/airlock/releases/:id/reviews', {
      params: idParams,
      body: {
        type: 'object',
        properties: {
          decision: { type: 'string', enum: ['approve', 'reject'] },
          reason: { type: 'string', maxLength: LIMITS.reason },
          capacity: {
            type: 'string',
            maxLength: LIMITS.id,
            description: "'board' or the provider organisation id you review for",
          },
          digest: {
            type: 'string',
            pattern: '^[0-9a-fA-F]{64}$',
            description:
              "The release's digest as you checked it (GET the release or its report): required to approve, and must equal the recorded one",
          },
        },
        required: ['decision'],
        additionalProperties: false,
      },
      response: { 201: releaseSchema },
    }),
    async (req, reply) =>
      reply.code(201).send(await gov.review(me(req).id, req.params.id, req.body)),
  );

  app.post<{ Params: { id: string } }>(
    '/airlock/releases/:id/publish',
    route('POST', '/airlock/releases/:id/publish', {
      params: idParams,
      response: { 200: releaseSchema },
    }),
    async (req) => gov.publish(me(req).id, req.params.id),
  );

  app.post<{ Params: { id: string }; Body: { reason: string } }>(
    '/airlock/releases/:id/withdraw',
    route('POST', '/airlock/releases/:id/withdraw', {
      params: idParams,
      body: reasonBody,
      response: { 200: releaseSchema },
    }),
    async (req) => gov.withdraw(me(req).id, req.params.id, req.body.reason),
  );

  // ------------------------------------------------------------------ audit
  app.get<{ Querystring: { after?: number; limit?: number; action?: string } }>(
    '/audit',
    route('GET', '/audit', {
      querystring: {
        type: 'object',
        properties: {
          after: { type: 'integer', minimum: 0 },
          limit: { type: 'integer', minimum: 1, maximum: 10000, default: 1000 },
          action: { type: 'string', maxLength: LIMITS.id },
        },
        additionalProperties: false,
      },
      response: {
        200: {
          type: 'object',
          properties: { entries: { type: 'array', items: auditEntrySchema } },
        },
      },
    }),
    async (req) => ({
      entries: await gov.listAudit({
        ...(req.query.after !== undefined ? { afterSeq: req.query.after } : {}),
        limit: req.query.limit ?? 1000,
        ...(req.query.action ? { action: req.query.action } : {}),
      }),
    }),
  );

  app.get(
    '/audit/verify',
    route('GET', '/audit/verify', { response: { 200: verificationSchema } }),
    async () => gov.verifyAuditTrail(),
  );

  registerRunRoutes(app, { gov, runs: opts.runs ?? null, route, me });
};
