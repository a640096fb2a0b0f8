/**
 * Who may call which governance endpoint: ONE table. The routes enforce it, the authorisation
 * matrix test is generated from it, and docs/governance.md shows it (`accessMatrixMarkdown`).
 */
import { ROLES, type Role } from '../../governance/types.js';

/** `public`: no login needed; `authenticated`: any logged-in user; else one of these roles. */
export type Access = 'public' | 'authenticated' | readonly Role[];

export interface Endpoint {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path below /api/v1, in Fastify's `:param` form. */
  path: string;
  access: Access;
  summary: string;
}

export const ENDPOINTS: readonly Endpoint[] = [
  {
    method: 'POST',
    path: '/auth/login',
    access: 'public',
    summary: 'Log in with a local account (email, password)',
  },
  {
    method: 'GET',
    path: '/auth/oidc/login',
    access: 'public',
    summary: 'Start an OpenID Connect login',
  },
  {
    method: 'GET',
    path: '/auth/oidc/callback',
    access: 'public',
    summary: 'Finish an OpenID Connect login',
  },
  {
    method: 'POST',
    path: '/auth/logout',
    access: 'authenticated',
    summary: 'End the current session or revoke the token',
  },
  {
    method: 'GET',
    path: '/auth/me',
    access: 'authenticated',
    summary: 'The calling user, organisations and roles',
  },
  {
    method: 'POST',
    path: '/auth/tokens',
    access: 'authenticated',
    summary: 'Create an API token for yourself (expires after 1..365 days, default 90)',
  },
  {
    method: 'GET',
    path: '/auth/tokens',
    access: 'authenticated',
    summary: 'Your API tokens and sessions that still work (never the secrets)',
  },
  {
    method: 'DELETE',
    path: '/auth/tokens/:id',
    access: 'authenticated',
    summary: 'Revoke one of your tokens by its id',
  },
  {
    method: 'GET',
    path: '/organisations',
    access: ['provider', 'broker', 'board', 'consumer'],
    summary: 'List organisations and their roles',
  },
  {
    method: 'POST',
    path: '/organisations',
    access: ['broker'],
    summary: 'Register an organisation',
  },
  {
    method: 'GET',
    path: '/users',
    access: ['broker', 'board'],
    summary: 'List users and memberships',
  },
  {
    method: 'POST',
    path: '/users',
    access: ['broker'],
    summary: 'Create a user (local account and/or OIDC)',
  },
  {
    method: 'GET',
    path: '/agreements',
    access: ['provider', 'broker', 'board'],
    summary: 'List agreements with status',
  },
  {
    method: 'GET',
    path: '/agreements/:id',
    access: ['provider', 'broker', 'board'],
    summary: 'One agreement',
  },
  { method: 'POST', path: '/agreements', access: ['broker'], summary: 'Draft an agreement' },
  {
    method: 'POST',
    path: '/agreements/:id/propose',
    access: ['broker'],
    summary: 'Propose a draft for signature',
  },
  {
    method: 'POST',
    path: '/agreements/:id/sign',
    access: ['provider', 'broker'],
    summary: 'Sign for your organisation',
  },
  {
    method: 'POST',
    path: '/agreements/:id/revoke',
    access: ['provider', 'broker', 'board'],
    summary: 'Revoke an agreement (reason required)',
  },
  {
    method: 'PUT',
    path: '/contributions/:dataset',
    access: ['provider'],
    summary:
      'Upload a contribution (streamed, checksummed; resumable in chunks with upload-length and upload-offset)',
  },
  {
    method: 'GET',
    path: '/contributions/:dataset/uploads/:sha256',
    access: ['provider'],
    summary: 'How far your resumable upload of a file has come (offset, length)',
  },
  {
    method: 'GET',
    path: '/contributions',
    access: ['provider', 'broker', 'board'],
    summary: 'List contributions (providers see their own)',
  },
  {
    method: 'GET',
    path: '/contributions/:id/quarantine',
    access: ['provider', 'broker'],
    summary:
      'The per-row quarantine report of a contribution (CSV row;field;reason, no values): its delivering organisation and the broker',
  },
  {
    method: 'GET',
    path: '/airlock/releases',
    access: ['provider', 'broker', 'board'],
    summary: 'Candidate and past releases with approvals',
  },
  {
    method: 'GET',
    path: '/airlock/releases/:id',
    access: ['provider', 'broker', 'board'],
    summary: 'One release; reading a candidate is logged',
  },
  {
    method: 'GET',
    path: '/airlock/releases/:id/report',
    access: ['provider', 'broker', 'board'],
    summary:
      'The restricted report: full manifest and audit (a provider only for releases that use its data; each read is logged)',
  },
  {
    method: 'GET',
    path: '/airlock/releases/:id/report/cells',
    access: ['provider', 'broker', 'board'],
    summary:
      'Internal cells of the restricted report with status and rule, paged (same access; each read is logged)',
  },
  {
    method: 'POST',
    path: '/airlock/releases/:id/reviews',
    access: ['provider', 'board'],
    summary: 'Approve or reject a candidate',
  },
  {
    method: 'POST',
    path: '/airlock/releases/:id/publish',
    access: ['broker'],
    summary: 'Publish an approved candidate',
  },
  {
    method: 'POST',
    path: '/airlock/releases/:id/withdraw',
    access: ['broker', 'board'],
    summary: 'Withdraw a published release (reason required)',
  },
  {
    method: 'POST',
    path: '/runs',
    access: ['broker'],
    summary: 'Start a run on the stored contributions (202; follow it at /runs/:id)',
  },
  { method: 'GET', path: '/runs', access: ['broker', 'board'], summary: 'Runs, newest first' },
  {
    method: 'GET',
    path: '/runs/:id',
    access: ['broker', 'board'],
    summary: 'One run: state, stage, progress, inputs, candidate',
  },
  {
    method: 'POST',
    path: '/runs/:id/restart',
    access: ['broker'],
    summary: 'Restart an interrupted or failed run on the same inputs',
  },
  { method: 'GET', path: '/audit', access: ['broker', 'board'], summary: 'Read the audit trail' },
  {
    method: 'GET',
    path: '/audit/verify',
    access: ['broker', 'board'],
    summary: 'Verify the hash chain of the audit trail',
  },
];

export type Caller = Role | 'anonymous';
export const CALLERS: readonly Caller[] = [...ROLES, 'anonymous'];

export function allows(access: Access, caller: Caller): boolean {
  if (access === 'public') return true;
  if (caller === 'anonymous') return false;
  return access === 'authenticated' || access.includes(caller);
}

export function endpointFor(method: string, path: string): Endpoint {
  const e = ENDPOINTS.find((x) => x.method === method && x.path === path);
  if (!e) throw new Error(`governance route ${method} ${path} is missing from the access table`);
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
