/**
 * What the governance page offers a user: which sections and actions their roles allow, and
 * which action applies to which row (an agreement to sign, a run to restart, a candidate to
 * publish). Pure (no React), so it is unit-tested in Node.
 *
 * The server decides: it checks every call against its one access table
 * (src/api/governance/access.ts, which the dashboard cannot import). `ACTIONS` is a copy of the
 * rows the page uses, and a unit test keeps it equal to the server's. The page only hides what a
 * role may not do; a 403 it still gets is shown as "no access", never as a crash.
 */
import type { AgreementRow, AirlockRelease, ContributionRow, Me, RunRow } from './types.js';

export const ROLES = ['provider', 'broker', 'board', 'consumer'] as const;
export type Role = (typeof ROLES)[number];

export interface ActionRoute {
  method: 'GET' | 'POST';
  /** Below /api/v1, in the server's `:param` form. */
  path: string;
  roles: readonly Role[];
}

export const ACTIONS = {
  organisationsRead: {
    method: 'GET',
    path: '/organisations',
    roles: ['provider', 'broker', 'board', 'consumer'],
  },
  organisationsCreate: { method: 'POST', path: '/organisations', roles: ['broker'] },
  usersRead: { method: 'GET', path: '/users', roles: ['broker', 'board'] },
  usersCreate: { method: 'POST', path: '/users', roles: ['broker'] },
  agreementsRead: { method: 'GET', path: '/agreements', roles: ['provider', 'broker', 'board'] },
  agreementsPropose: { method: 'POST', path: '/agreements/:id/propose', roles: ['broker'] },
  agreementsSign: { method: 'POST', path: '/agreements/:id/sign', roles: ['provider', 'broker'] },
  contributionsRead: {
    method: 'GET',
    path: '/contributions',
    roles: ['provider', 'broker', 'board'],
  },
  quarantineRead: {
    method: 'GET',
    path: '/contributions/:id/quarantine',
    roles: ['provider', 'broker'],
  },
  airlockRead: {
    method: 'GET',
    path: '/airlock/releases',
    roles: ['provider', 'broker', 'board'],
  },
  reportRead: {
    method: 'GET',
    path: '/airlock/releases/:id/report',
    roles: ['provider', 'broker', 'board'],
  },
  review: { method: 'POST', path: '/airlock/releases/:id/reviews', roles: ['provider', 'board'] },
  publish: { method: 'POST', path: '/airlock/releases/:id/publish', roles: ['broker'] },
  runsRead: { method: 'GET', path: '/runs', roles: ['broker', 'board'] },
  runRead: { method: 'GET', path: '/runs/:id', roles: ['broker', 'board'] },
  runsStart: { method: 'POST', path: '/runs', roles: ['broker'] },
  runsRestart: { method: 'POST', path: '/runs/:id/restart', roles: ['broker'] },
} as const satisfies Record<string, ActionRoute>;

export type Action = keyof typeof ACTIONS;
export type Capabilities = Record<Action, boolean>;

/** Whether any of the roles may take the action. Unknown roles (a newer server's) allow nothing. */
export function allowed(roles: readonly string[], action: Action): boolean {
  const allowedRoles: readonly string[] = ACTIONS[action].roles;
  return roles.some((r) => allowedRoles.includes(r));
}

export function capabilities(roles: readonly string[]): Capabilities {
  const out = {} as Capabilities;
  for (const a of Object.keys(ACTIONS) as Action[]) out[a] = allowed(roles, a);
  return out;
}

/** The sections of the page, in their order; a role sees those it may read. */
export type Section =
  'agreements' | 'contributions' | 'airlock' | 'runs' | 'organisations' | 'users';

const SECTION_READ: Record<Section, Action> = {
  agreements: 'agreementsRead',
  contributions: 'contributionsRead',
  airlock: 'airlockRead',
  runs: 'runsRead',
  organisations: 'organisationsRead',
  users: 'usersRead',
};

export function sections(caps: Capabilities): Section[] {
  return (Object.keys(SECTION_READ) as Section[]).filter((s) => caps[SECTION_READ[s]]);
}

/**
 * The organisations for which this user may sign the agreement now: it is proposed, they are a
 * member of a party that has not signed yet, and their role may sign.
 */
export function signableFor(a: AgreementRow, me: Pick<Me, 'roles' | 'organisations'>): string[] {
  if (a.status !== 'proposed' || !allowed(me.roles, 'agreementsSign')) return [];
  return (a.parties ?? [])
    .filter((p) => p.signedAt === null && me.organisations.includes(p.organisationId))
    .map((p) => p.organisationId);
}

export function canPropose(a: AgreementRow, caps: Capabilities): boolean {
  return a.status === 'draft' && caps.agreementsPropose;
}

/** Only an interrupted or failed run can be restarted (on the same inputs). */
export function canRestart(run: Pick<RunRow, 'state'>, caps: Capabilities): boolean {
  return (run.state === 'interrupted' || run.state === 'failed') && caps.runsRestart;
}

/** A candidate whose providers and board quorum approved; only the broker publishes. */
export function canPublish(
  r: Pick<AirlockRelease, 'state' | 'approval'>,
  caps: Capabilities,
): boolean {
  return r.state === 'candidate' && r.approval?.ready === true && caps.publish;
}

/** A reviewer reviews a candidate; the broker publishes it but does not review. */
export function canReview(r: Pick<AirlockRelease, 'state'>, caps: Capabilities): boolean {
  return r.state === 'candidate' && caps.review;
}

/** A quarantine report exists and the user may read it (its provider or the broker). */
export function quarantineLink(c: Pick<ContributionRow, 'quarantineUrl'>, caps: Capabilities) {
  return c.quarantineUrl && caps.quarantineRead ? c.quarantineUrl : null;
}

/** How often a running run is asked for its progress. */
export const POLL_MS = 1000;

/** A run is followed (polled) while it is running. */
export function isRunning(run: Pick<RunRow, 'state'> | null | undefined): boolean {
  return run?.state === 'running';
}

/**
 * The run to follow: the one the user just started or restarted while it runs, else the newest
 * running run in the list (the server runs one at a time).
 */
export function runToFollow(
  runs: readonly Pick<RunRow, 'id' | 'state'>[],
  chosen: string | null,
): string | null {
  if (chosen) {
    const c = runs.find((r) => r.id === chosen);
    if (!c || isRunning(c)) return chosen;
  }
  return runs.find(isRunning)?.id ?? null;
}

/**
 * What a progress report is working on, when it is an identifier (an indicator or dataset id)
 * that reads the same in both languages; a phrase of the server (English) is left out, so that
 * a Dutch page stays Dutch.
 */
export function progressSubject(what: string | null | undefined): string | null {
  return what && /^[a-z][a-z0-9_-]*$/.test(what) ? what : null;
}

/** Progress as a whole percentage, 0..100; null without a total. */
export function progressPercent(p: { done: number; total: number } | null | undefined) {
  if (!p || !(p.total > 0)) return null;
  return Math.max(0, Math.min(100, Math.floor((100 * p.done) / p.total)));
}

/** How the page words a refusal of the server, by its status. */
export type ProblemKind =
  | 'invalid'
  | 'unauthenticated'
  | 'forbidden'
  | 'notFound'
  | 'conflict'
  | 'tooLarge'
  | 'tooMany'
  | 'other';

export function problemKind(status: number | undefined): ProblemKind {
  switch (status) {
    case 400:
      return 'invalid';
    case 401:
      return 'unauthenticated';
    case 403:
      return 'forbidden';
    case 404:
      return 'notFound';
    case 409:
      return 'conflict';
    case 413:
      return 'tooLarge';
    case 429:
      return 'tooMany';
    default:
      return 'other';
  }
}

/** The body of POST /organisations from the form: provider ids only for a provider. */
export function organisationBody(form: {
  id: string;
  name: string;
  role: string;
  providerIds: readonly string[];
}): { id: string; name: string; role: string; providerIds?: string[] } {
  const body = { id: form.id.trim(), name: form.name.trim(), role: form.role };
  return form.role === 'provider' && form.providerIds.length > 0
    ? { ...body, providerIds: [...form.providerIds] }
    : body;
}

/** The body of POST /users from the form: no password field when none was given. */
export function userBody(form: {
  email: string;
  name: string;
  password: string;
  organisations: readonly string[];
}): { email: string; name: string; password?: string; organisations: string[] } {
  const body = {
    email: form.email.trim(),
    name: form.name.trim(),
    organisations: [...form.organisations],
  };
  return form.password ? { ...body, password: form.password } : body;
}

/** A wait of `seconds` in words: seconds below two minutes, else whole minutes (rounded up). */
export function waitWords(seconds: number): {
  key: 'govWaitSecond' | 'govWaitSeconds' | 'govWaitMinutes';
  n: number;
} {
  const s = Math.max(1, Math.ceil(seconds));
  if (s < 120) return { key: s === 1 ? 'govWaitSecond' : 'govWaitSeconds', n: s };
  return { key: 'govWaitMinutes', n: Math.ceil(s / 60) };
}
