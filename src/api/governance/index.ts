/**
 * Governance API (Fastify plugin; register with `{ prefix: '/api/v1' }`): login, organisations,
 * agreements, contribution uploads, runs, the airlock and the audit trail, one plugin per
 * resource. Every route is in the route table (`access.ts`), whose access comes from the policy
 * table the domain enforces (src/governance/policy.ts), and is checked against it before its
 * body is read (`routing.ts`).
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import {
  Governance,
  ContributionRefused,
  GovernanceError,
  LoginLocked,
  OidcLogin,
  type OidcLoginOptions,
  type ValidateFn,
  type Contribution,
  UploadOffsetConflict,
  withChannel,
} from '../../governance/index.js';
import type { ContributionView } from '../../contracts/index.js';
import { UPLOAD_LIMITS } from '../../ingest/limits.js';
import type { Store } from '../../store/index.js';
import { requestChannel } from './channel.js';
import { replyWithError, type UnhandledError } from '../http/errors.js';
import { agreementRoutes } from './agreement-routes.js';
import { airlockRoutes } from './airlock-routes.js';
import { auditRoutes } from './audit-routes.js';
import { authRoutes } from './auth-routes.js';
import { contributionRoutes } from './contribution-routes.js';
import { organisationRoutes } from './organisation-routes.js';
import { me, routesOn, SESSION_COOKIE, type GovernanceRouteDeps } from './routing.js';
import { runRoutes } from './runs.js';
import type { RunService } from '../../pipeline/run-service.js';

export {
  ENDPOINTS,
  ROUTES,
  CALLERS,
  allows,
  accessMatrixMarkdown,
  type Endpoint,
  type Route,
  type Access,
  type Caller,
} from './access.js';
export { SESSION_COOKIE } from './routing.js';

export interface GovernanceRoutesOptions {
  /** The state store; needed only when no `governance` instance is passed. */
  store?: Store;
  /** Shares the clock and instance with the pipeline; built from `store` when absent. */
  governance?: Governance;
  /** Row validation against the dataset contract (ingest). */
  validate: ValidateFn;
  /** Upload size limit in bytes (default UPLOAD_LIMITS.uploadBytes, 4 GiB). */
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

const STATUS: Record<GovernanceError['code'], number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  purpose: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  unprocessable: 422,
  integrity: 409,
  locked: 429,
};

/** The OIDC login, discovered at its first use (and again after a failed discovery). */
function lazyOidcLogin(
  gov: Governance,
  cfg: OidcLoginOptions | undefined,
): () => Promise<OidcLogin> {
  let oidc: Promise<OidcLogin> | null = null;
  return () => {
    if (!cfg) throw new GovernanceError('not_found', 'OIDC login is not configured on this broker');
    oidc ??= OidcLogin.discover(gov, cfg).catch((err: unknown) => {
      oidc = null; // retry discovery next time
      throw err;
    });
    return oidc;
  };
}

/** A contribution as the API shows it: no server path; its quarantine report as a URL. */
const contributionView =
  (prefix: string) =>
  (c: Contribution): ContributionView => {
    const { storagePath: _stored, quarantinePath, ...rest } = c;
    return {
      ...rest,
      quarantineUrl:
        quarantinePath && !c.purgedAt
          ? `${prefix}/contributions/${encodeURIComponent(c.id)}/quarantine`
          : null,
    };
  };

/** Governance errors as their status and `{error, message}` (and what a refusal adds). */
function replyWithGovernanceError(err: UnhandledError, req: FastifyRequest, reply: FastifyReply) {
  if (err instanceof UploadOffsetConflict) {
    reply.header('upload-offset', String(err.offset));
    return reply.code(409).send({ error: err.code, message: err.message, offset: err.offset });
  }
  if (err instanceof LoginLocked) reply.header('retry-after', String(err.retryAfterSeconds));
  if (err instanceof ContributionRefused) {
    // `error` as for every refusal; `reason` says which check refused the file, and where.
    return reply
      .code(err.status)
      .send({ error: err.code, reason: err.reason, message: err.message, ...err.detail });
  }
  if (err instanceof GovernanceError) {
    return reply.code(STATUS[err.code]).send({ error: err.code, message: err.message });
  }
  return replyWithError(req, reply, err);
}

/** At most `maxUploads` uploads are received at once; one more is told to come back. */
function uploadSlots(maxUploads: number) {
  let uploading = 0;
  return async (_req: FastifyRequest, reply: FastifyReply) => {
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
}

/** Sets the session cookie; `Secure` over https, or always when `secureCookies` says so. */
const sessionCookie =
  (secureCookies: boolean | undefined) =>
  (reply: FastifyReply, req: FastifyRequest, token: string, expiresAt: string) => {
    const secure = req.protocol === 'https' || secureCookies ? '; Secure' : '';
    reply.header(
      'set-cookie',
      `${SESSION_COOKIE}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Strict; Expires=${new Date(expiresAt).toUTCString()}${secure}`,
    );
  };

export const governanceRoutes: FastifyPluginAsync<GovernanceRoutesOptions> = async (app, opts) => {
  if (!opts.governance && !opts.store)
    throw new Error('governanceRoutes: pass `governance` or `store`');
  const gov = opts.governance ?? new Governance(opts.store as Store);

  app.decorateRequest('principal', null);
  // After the guard (onRequest) and the body: the handler and all it starts record the channel.
  app.addHook('preHandler', (req, _reply, done) => withChannel(requestChannel(req), done));
  // Partial uploads left without a byte for 24 h are removed at start (and on each upload).
  await gov.removeStaleUploads();
  // Contributions arrive as raw bytes; hand the stream to the handler untouched.
  for (const type of ['application/octet-stream', 'text/csv']) {
    app.addContentTypeParser(type, (_req, payload, done) => done(null, payload));
  }
  app.setErrorHandler(replyWithGovernanceError);

  const deps: GovernanceRouteDeps = {
    gov,
    routes: (child) => routesOn(child, gov),
    me,
    setSession: sessionCookie(opts.secureCookies),
    oidcLogin: lazyOidcLogin(gov, opts.oidc),
    oidcRedirectUri: () => opts.oidc!.redirectUri,
    contributionJson: contributionView(app.prefix),
    uploadSlot: uploadSlots(opts.maxConcurrentUploads ?? 4),
    maxUploadBytes: opts.maxUploadBytes ?? UPLOAD_LIMITS.uploadBytes,
    validate: opts.validate,
    runs: opts.runs ?? null,
  };
  // One plugin per resource; each inherits the hooks, parsers and error handler above.
  for (const plugin of [
    authRoutes,
    organisationRoutes,
    agreementRoutes,
    contributionRoutes,
    airlockRoutes,
    auditRoutes,
    runRoutes,
  ])
    await app.register(plugin, deps);
};
