/**
 * Length caps on every governance input. The request contracts (./organisations.ts,
 * ./agreements.ts, …) use these numbers as `maxLength`, and the governance functions check them
 * again (src/governance/limits.ts), so a direct caller (the CLI's local commands, the demo, a
 * script) cannot store more than the API accepts either.
 */
export const LIMITS = {
  /** RFC 5321: a forward path holds at most 254 characters. */
  email: 254,
  /** Names of people and organisations, agreement titles. */
  name: 200,
  /** Reasons (rejection, revocation, withdrawal), an agreement's purpose and legal basis. */
  reason: 2_000,
  /** Token labels. */
  label: 100,
  /** Ids of organisations, agreements, releases, datasets, themes, indicators, capacities. */
  id: 100,
  passwordMin: 8,
  passwordMax: 1_024,
  /** An OIDC issuer is a URL. */
  url: 2_048,
  /** OpenID Connect Core: `sub` is at most 255 ASCII characters. */
  oidcSubject: 255,
  /** Items of a list input (parties, datasets, themes, memberships, provider ids). */
  listItems: 100,
  /** An agreement may list every indicator of a large catalogue. */
  indicatorItems: 1_000,
} as const;
