/**
 * Who may do what: ONE table, action → who. The domain enforces it (`authorize` before, or
 * `checkPolicy` after a finer rule, in every `Governance` method that acts), the API derives its route guards and its
 * access table from it (src/api/governance/access.ts), and docs/governance.md and the
 * authorisation-matrix test read it from there.
 *
 * `who` is `public` (no login), `authenticated` (any logged-in user) or the roles of which the
 * caller needs one. Some actions have a finer rule on top, which the domain applies (`rule`):
 * e.g. only a party signs an agreement, only a member of a provider whose data a release uses
 * reviews it for that provider.
 */
import { GovernanceError } from './errors.js';
import type { GovernanceContext } from './context.js';
import { getUser } from './organisations.js';
import type { Role, User } from './types.js';

export type Access = 'public' | 'authenticated' | readonly Role[];

export interface Rule {
  who: Access;
  /** What the action is, worded for a refusal: "<email> may not <doing>". */
  doing: string;
  /** The finer rule the domain applies on top of `who`, if any. */
  rule?: string;
  /**
   * The system actor (`SYSTEM_ACTOR`) may do this: start-up and `samenzicht init`, before any
   * user exists. A request never acts as the system: its actor is the id of the user behind
   * its token (a UUID), never the string `system`.
   */
  system?: true;
}

/**
 * The actor of what the broker itself does, not a user: `samenzicht init` registering the
 * broker organisation and its first administrator, start-up recovery (interrupted runs), the
 * retention purge. Only actions marked `system` in the policy accept it.
 */
export const SYSTEM_ACTOR = 'system';

const ALL: readonly Role[] = ['provider', 'broker', 'board', 'consumer'];
const PARTIES: readonly Role[] = ['provider', 'broker', 'board'];
const OVERSIGHT: readonly Role[] = ['broker', 'board'];

export const POLICY = {
  'auth.login': { who: 'public', doing: 'log in' },
  'auth.oidc': { who: 'public', doing: 'log in with OpenID Connect' },
  'auth.logout': { who: 'authenticated', doing: 'log out' },
  'auth.me': { who: 'authenticated', doing: 'read their own account' },
  'token.create': { who: 'authenticated', doing: 'create API tokens' },
  'token.list': { who: 'authenticated', doing: 'list their tokens' },
  'token.revoke': { who: 'authenticated', doing: 'revoke their tokens' },
  'organisation.list': { who: ALL, doing: 'list organisations' },
  'organisation.create': { who: ['broker'], doing: 'register organisations', system: true },
  'user.list': { who: OVERSIGHT, doing: 'list users' },
  'user.create': { who: ['broker'], doing: 'create users', system: true },
  'agreement.read': { who: PARTIES, doing: 'read agreements' },
  'agreement.create': { who: ['broker'], doing: 'draft agreements' },
  'agreement.propose': { who: ['broker'], doing: 'propose agreements' },
  'agreement.sign': {
    who: ['provider', 'broker'],
    doing: 'sign agreements',
    rule: 'a member of a party that has not signed yet',
  },
  'agreement.revoke': {
    who: PARTIES,
    doing: 'revoke agreements',
    rule: 'a member of a party, the broker or the board',
  },
  'contribution.upload': {
    who: ['provider'],
    doing: 'deliver contributions',
    rule: 'a member of the provider that delivers the dataset, under an active agreement',
  },
  'contribution.list': {
    who: PARTIES,
    doing: 'list contributions',
    rule: 'providers see their own',
  },
  'contribution.quarantine': {
    who: ['provider', 'broker'],
    doing: 'read quarantine reports',
    rule: 'the delivering organisation and the broker',
  },
  'release.read': { who: PARTIES, doing: 'read releases in the airlock' },
  'release.report': {
    who: PARTIES,
    doing: 'read restricted reports',
    rule: 'a provider only for releases that use its data',
  },
  'release.review': {
    who: ['provider', 'board'],
    doing: 'review candidates',
    rule: 'a provider whose data it uses, or the board; never the runner',
  },
  'release.publish': { who: ['broker'], doing: 'publish releases' },
  'release.withdraw': { who: OVERSIGHT, doing: 'withdraw releases' },
  'run.start': { who: ['broker'], doing: 'start runs' },
  'run.read': { who: OVERSIGHT, doing: 'read runs' },
  'run.restart': { who: ['broker'], doing: 'restart runs' },
  'audit.read': { who: OVERSIGHT, doing: 'read the audit trail' },
} as const satisfies Record<string, Rule>;

export type Action = keyof typeof POLICY;
export const ACTIONS = Object.keys(POLICY) as Action[];

export function accessOf(action: Action): Access {
  return POLICY[action].who;
}

/** Whether a user with these roles (none: anonymous) passes the action's `who`. */
export function permits(action: Action, roles: readonly Role[] | null): boolean {
  const who: Access = POLICY[action].who;
  if (who === 'public') return true;
  if (roles === null) return false;
  return who === 'authenticated' || roles.some((r) => who.includes(r));
}

/**
 * The domain's check: `actor` may do `action`. Returns the user (null for the system actor
 * where the action allows it); an unknown actor is not_found, a user without the role is
 * forbidden ("<email> may not <doing>: needs role …").
 */
export async function authorize(
  ctx: GovernanceContext,
  actor: string,
  action: Action,
): Promise<User | null> {
  const rule: Rule = POLICY[action];
  if (actor === SYSTEM_ACTOR && rule.system) return null;
  const user = await getUser(ctx, actor);
  checkPolicy(user, action);
  return user;
}

/**
 * The same check for a user already read. Actions with a finer rule (`rule`) apply it first,
 * for its more precise refusal, and then this: the roles of the policy hold in the domain too.
 */
export function checkPolicy(user: User, action: Action): void {
  const rule: Rule = POLICY[action];
  const who = rule.who;
  if (who !== 'public' && who !== 'authenticated' && !user.roles.some((r) => who.includes(r))) {
    throw new GovernanceError(
      'forbidden',
      `${user.email} may not ${rule.doing}: needs role ${who.join(' or ')}`,
    );
  }
}
