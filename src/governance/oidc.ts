/**
 * Login through an OpenID Connect provider (authorization code flow with PKCE, state and nonce)
 * using `openid-client`. Pending logins live in the state database, so any broker instance can
 * finish a login another started.
 */
import * as client from 'openid-client';
import { GovernanceError } from './errors.js';
import type { Governance } from './governance.js';
import type { User } from './types.js';

export interface OidcLoginOptions {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Where the provider sends the browser back, e.g. https://broker/api/v1/auth/oidc/callback */
  redirectUri: string;
  scope?: string;
  /** Permit plain http issuers (local development and tests only). */
  allowInsecure?: boolean;
}

const PENDING_MINUTES = 10;

export class OidcLogin {
  private constructor(
    private readonly gov: Governance,
    private readonly config: client.Configuration,
    private readonly opts: OidcLoginOptions,
  ) {}

  /** Discovers the provider's metadata. */
  static async discover(gov: Governance, opts: OidcLoginOptions): Promise<OidcLogin> {
    const config = await client.discovery(
      new URL(opts.issuer),
      opts.clientId,
      opts.clientSecret,
      undefined,
      opts.allowInsecure ? { execute: [client.allowInsecureRequests] } : undefined,
    );
    return new OidcLogin(gov, config, opts);
  }

  /** The URL to send the browser to. */
  async start(): Promise<URL> {
    const codeVerifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    await this.gov.store.db
      .insertInto('oidc_states')
      .values({
        state,
        code_verifier: codeVerifier,
        nonce,
        created_at: this.gov.now().toISOString(),
      })
      .execute();
    return client.buildAuthorizationUrl(this.config, {
      redirect_uri: this.opts.redirectUri,
      scope: this.opts.scope ?? 'openid email profile',
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
  }

  /** Completes the login from the callback URL; returns a Samenzicht session. */
  async callback(currentUrl: URL): Promise<{ token: string; expiresAt: string; user: User }> {
    const state = currentUrl.searchParams.get('state');
    if (!state) throw new GovernanceError('invalid', 'OIDC callback without state');
    const db = this.gov.store.db;
    const pending = await db
      .selectFrom('oidc_states')
      .selectAll()
      .where('state', '=', state)
      .executeTakeFirst();
    // Single use: remove before redeeming the code.
    await db.deleteFrom('oidc_states').where('state', '=', state).execute();
    const cutoff = this.gov.now().getTime() - PENDING_MINUTES * 60_000;
    if (!pending || new Date(pending.created_at).getTime() < cutoff) {
      throw new GovernanceError('unauthenticated', 'unknown or expired OIDC login; start again');
    }
    let tokens;
    try {
      tokens = await client.authorizationCodeGrant(this.config, currentUrl, {
        pkceCodeVerifier: pending.code_verifier,
        expectedState: state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
    } catch (err) {
      throw new GovernanceError('unauthenticated', `OIDC login failed: ${(err as Error).message}`);
    }
    const claims = tokens.claims();
    if (!claims) throw new GovernanceError('unauthenticated', 'OIDC provider returned no ID token');
    const email = typeof claims.email === 'string' ? claims.email : undefined;
    return this.gov.loginOidc({ iss: claims.iss, sub: claims.sub, ...(email ? { email } : {}) });
  }
}
