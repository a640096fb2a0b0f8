/**
 * The governance API's route table: each route's method and path, written once, with the
 * policy action it performs (src/governance/policy.ts) and its summary. Who may call a route is
 * never written here: it is the policy's `who` for the route's action, so the route guards, the
 * authorisation matrix test and docs/governance.md (`accessMatrixMarkdown`) follow the one
 * policy table the domain enforces.
 */
import { POLICY, ROLES, type Access, type Action } from '../../governance/index.js';

export type { Access } from '../../governance/index.js';

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path below /api/v1, in Fastify's `:param` form. */
  path: string;
  /** What the route does, in the policy table. */
  action: Action;
  summary: string;
}

/** A route with its access, as the policy gives it for the route's action. */
export interface Endpoint extends Route {
  access: Access;
}

export const ROUTES: readonly Route[] = [
  {
    method: 'POST',
    path: '/auth/login',
    action: 'auth.login',
    summary: 'Log in with a local account (email, password)',
  },
  {
    method: 'GET',
    path: '/auth/oidc/login',
    action: 'auth.oidc',
    summary: 'Start an OpenID Connect login',
  },
  {
    method: 'GET',
    path: '/auth/oidc/callback',
    action: 'auth.oidc',
    summary: 'Finish an OpenID Connect login',
  },
  {
    method: 'POST',
    path: '/auth/logout',
    action: 'auth.logout',
    summary: 'End the current session or revoke the token',
  },
  {
    method: 'GET',
    path: '/auth/me',
    action: 'auth.me',
    summary: 'The calling user, organisations and roles',
  },
  {
    method: 'POST',
    path: '/auth/tokens',
    action: 'token.create',
    summary: 'Create an API token for yourself (expires after 1..365 days, default 90)',
  },
  {
    method: 'GET',
    path: '/auth/tokens',
    action: 'token.list',
    summary: 'Your API tokens and sessions that still work (never the secrets)',
  },
  {
    method: 'DELETE',
    path: '/auth/tokens/:id',
    action: 'token.revoke',
    summary: 'Revoke one of your tokens by its id',
  },
  {
    method: 'GET',
    path: '/organisations',
    action: 'organisation.list',
    summary: 'List organisations and their roles',
  },
  {
    method: 'POST',
    path: '/organisations',
    action: 'organisation.create',
    summary: 'Register an organisation',
  },
  {
    method: 'GET',
    path: '/users',
    action: 'user.list',
    summary: 'List users and memberships',
  },
  {
    method: 'POST',
    path: '/users',
    action: 'user.create',
    summary: 'Create a user (local account and/or OIDC)',
  },
  {
    method: 'GET',
    path: '/agreements',
    action: 'agreement.read',
    summary: 'List agreements with status',
  },
  {
    method: 'GET',
    path: '/agreements/:id',
    action: 'agreement.read',
    summary: 'One agreement',
  },
  {
    method: 'POST',
    path: '/agreements',
    action: 'agreement.create',
    summary: 'Draft an agreement',
  },
  {
    method: 'POST',
    path: '/agreements/:id/propose',
    action: 'agreement.propose',
    summary: 'Propose a draft for signature',
  },
  {
    method: 'POST',
    path: '/agreements/:id/sign',
    action: 'agreement.sign',
    summary: 'Sign for your organisation',
  },
  {
    method: 'POST',
    path: '/agreements/:id/revoke',
    action: 'agreement.revoke',
    summary: 'Revoke an agreement (reason required)',
  },
  {
    method: 'PUT',
    path: '/contributions/:dataset',
    action: 'contribution.upload',
    summary:
      'Upload a contribution (streamed, checksummed; resumable in chunks with upload-length and upload-offset)',
  },
  {
    method: 'GET',
    path: '/contributions/:dataset/uploads/:sha256',
    action: 'contribution.upload',
    summary: 'How far your resumable upload of a file has come (offset, length)',
  },
  {
    method: 'GET',
    path: '/contributions',
    action: 'contribution.list',
    summary: 'List contributions (providers see their own)',
  },
  {
    method: 'GET',
    path: '/contributions/:id/quarantine',
    action: 'contribution.quarantine',
    summary:
      'The per-row quarantine report of a contribution (CSV row;field;reason, no values): its delivering organisation and the broker',
  },
  {
    method: 'GET',
    path: '/airlock/releases',
    action: 'release.read',
    summary: 'Candidate and past releases with approvals',
  },
  {
    method: 'GET',
    path: '/airlock/releases/:id',
    action: 'release.read',
    summary: 'One release; reading a candidate is logged',
  },
  {
    method: 'GET',
    path: '/airlock/releases/:id/report',
    action: 'release.report',
    summary:
      'The restricted report: full manifest and audit (a provider only for releases that use its data; each read is logged)',
  },
  {
    method: 'GET',
    path: '/airlock/releases/:id/report/cells',
    action: 'release.report',
    summary:
      'Internal cells of the restricted report with status and rule, paged (same access; each read is logged)',
  },
  {
    method: 'POST',
    path: '/airlock/releases/:id/reviews',
    action: 'release.review',
    summary: 'Approve or reject a candidate',
  },
  {
    method: 'POST',
    path: '/airlock/releases/:id/publish',
    action: 'release.publish',
    summary: 'Publish an approved candidate',
  },
  {
    method: 'POST',
    path: '/airlock/releases/:id/withdraw',
    action: 'release.withdraw',
    summary: 'Withdraw a published release (reason required)',
  },
  {
    method: 'POST',
    path: '/runs',
    action: 'run.start',
    summary: 'Start a run on the stored contributions (202; follow it at /runs/:id)',
  },
  { method: 'GET', path: '/runs', action: 'run.read', summary: 'Runs, newest first' },
  {
    method: 'GET',
    path: '/runs/:id',
    action: 'run.read',
    summary: 'One run: state, stage, progress, inputs, candidate',
  },
  {
    method: 'POST',
    path: '/runs/:id/restart',
    action: 'run.restart',
    summary: 'Restart an interrupted or failed run on the same inputs',
  },
  { method: 'GET', path: '/audit', action: 'audit.read', summary: 'Read the audit trail' },
  {
    method: 'GET',
    path: '/audit/verify',
    action: 'audit.read',
    summary: 'Verify the hash chain of the audit trail',
  },
];

/** The access table: every route with the access the policy gives its action. */
export const ENDPOINTS: readonly Endpoint[] = ROUTES.map((r) => ({
  ...r,
  access: POLICY[r.action].who,
}));

export type Caller = (typeof ROLES)[number] | 'anonymous';
export const CALLERS: readonly Caller[] = [...ROLES, 'anonymous'];

export function allows(access: Access, caller: Caller): boolean {
  if (access === 'public') return true;
  if (caller === 'anonymous') return false;
  return access === 'authenticated' || access.includes(caller);
}

export function endpointFor(method: string, path: string): Endpoint {
  const e = ENDPOINTS.find((x) => x.method === method && x.path === path);
  if (!e) throw new Error(`governance route ${method} ${path} is missing from the route table`);
  return e;
}

/** The access table as Markdown, as shown in docs/governance.md. */
export function accessMatrixMarkdown(): string {
  const head = `| endpoint (below /api/v1) | ${CALLERS.join(' | ')} |`;
  const rule = `|---|${CALLERS.map(() => ':-:').join('|')}|`;
  const rows = ENDPOINTS.map(
    (e) =>
      `| \`${e.method} ${e.path}\` | ${CALLERS.map((c) => (allows(e.access, c) ? '✓' : '—')).join(' | ')} |`,
  );
  return [head, rule, ...rows].join('\n');
}
