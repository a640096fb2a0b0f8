/**
 * Sessions and tokens: password and OpenID Connect login (throttled, see logins.ts), API
 * tokens, and the principal behind a token.
 */
import type { Trx, GovernanceContext } from './context.js';
import { nonEmpty } from './context.js';
import { GovernanceError, LoginLocked } from './errors.js';
import { capped, LIMITS } from './limits.js';
import {
  activeLock,
  countAttempt,
  lockKey,
  pruneFailures,
  settleSuccess,
  throttleKey,
  type ThrottleKind,
} from './logins.js';
import { getUser } from './organisations.js';
import { SYSTEM_ACTOR } from './policy.js';
import { checkPassword, newToken, secretsEqual, tokenHash } from './secrets.js';
import type { Principal, User } from './types.js';
import { API_TOKEN_DAYS, API_TOKEN_MAX_DAYS, type TokenInfo } from '../contracts/index.js';

const SESSION_HOURS = 12;
const DAY_MS = 86_400_000;
/**
 * API tokens expire after API_TOKEN_DAYS unless the creator asks for fewer or more, but never
 * more than API_TOKEN_MAX_DAYS (contracts: the token request's schema says so too).
 */
export { API_TOKEN_DAYS, API_TOKEN_MAX_DAYS, type TokenInfo };
/** `last_used_at` of a token is written at most this often (it costs a write per request). */
const TOKEN_USE_RESOLUTION_MS = 60_000;

/** A token's opaque id: the first 16 hex of its sha256 (listed and revoked by it). */
const tokenId = (hash: string) => hash.slice(0, 16);

/** Stores a new token by its sha256 (never the token itself), unrevoked and not yet used. */
async function insertToken(
  trx: Trx,
  t: {
    hash: string;
    userId: string;
    kind: 'session' | 'api';
    label: string;
    now: Date;
    expiresAt: string;
  },
): Promise<void> {
  await trx
    .insertInto('tokens')
    .values({
      token_hash: t.hash,
      id: tokenId(t.hash),
      user_id: t.userId,
      kind: t.kind,
      label: t.label,
      created_at: t.now.toISOString(),
      expires_at: t.expiresAt,
      revoked_at: null,
      last_used_at: null,
    })
    .execute();
}

/** `label`: how the user logged in (`session` for a password, `oidc`), the session's channel. */
export async function newSession(
  ctx: GovernanceContext,
  trx: Trx,
  userId: string,
  label: 'session' | 'oidc' = 'session',
): Promise<{ token: string; expiresAt: string }> {
  const token = newToken('szs');
  const now = ctx.now();
  const expiresAt = new Date(now.getTime() + SESSION_HOURS * 3_600_000).toISOString();
  await insertToken(trx, {
    hash: tokenHash(token),
    userId,
    kind: 'session',
    label,
    now,
    expiresAt,
  });
  return { token, expiresAt };
}

/**
 * Local account login (scrypt). Returns a session token; failures are logged without the
 * password. Throttled per account and per client `address` (when the caller knows it): each
 * attempt is counted before the password is checked, an attempt beyond the limit is refused
 * (`LoginLocked`, 429) without a check, and the failure that reaches the limit locks the
 * account (or address) for the lock time, during which the right password is refused too. A
 * login for an unknown account, or one without a password, costs one scrypt like a wrong
 * password (against a dummy hash), so the answer's timing does not tell which accounts exist.
 */
export async function login(
  ctx: GovernanceContext,
  email: string,
  password: string,
  opts: { address?: string; onDummyPassword?: () => void } = {},
): Promise<{ token: string; expiresAt: string; user: User }> {
  capped(email, 'email', LIMITS.email);
  capped(password, 'password', LIMITS.passwordMax);
  const account = email.trim().toLowerCase();
  const address = opts.address ? capped(opts.address, 'address', LIMITS.id) : undefined;
  const now = ctx.now();
  const keys: { kind: ThrottleKind; key: string }[] = [
    { kind: 'account', key: throttleKey('account', account) },
    ...(address ? [{ kind: 'address' as const, key: throttleKey('address', address) }] : []),
  ];
  const lock = await activeLock(ctx.db, keys, now);
  if (lock) throw lockedOut(ctx, lock.kind, lock.until, now);
  const numbers = await ctx.tx(async (trx) => {
    await pruneFailures(trx, ctx.loginThrottle, now);
    const out: number[] = [];
    for (const k of keys) out.push(await countAttempt(trx, k.key, ctx.loginThrottle[k.kind], now));
    return out;
  });
  const beyond = keys.findIndex((k, i) => numbers[i]! > ctx.loginThrottle[k.kind].maxFailures);
  if (beyond >= 0) {
    // Parallel guesses: this one came after the limit before a failure had locked the key.
    const k = keys[beyond]!;
    const until = await ctx.tx((trx) =>
      lockLogins(ctx, trx, k, numbers[beyond]!, now, account, address),
    );
    throw lockedOut(ctx, k.kind, until, now);
  }
  const row = await ctx.db
    .selectFrom('users')
    .select(['id', 'password_hash'])
    .where('email', '=', account)
    .executeTakeFirst();
  const ok = await checkPassword(password, row?.password_hash, opts.onDummyPassword);
  if (!row || !ok) {
    await ctx.tx(async (trx) => {
      await ctx.audit(trx, 'anonymous', 'login.failed', account, {
        method: 'password',
        ...(address ? { address } : {}),
      });
      for (const [i, k] of keys.entries())
        if (numbers[i]! >= ctx.loginThrottle[k.kind].maxFailures)
          await lockLogins(ctx, trx, k, numbers[i]!, now, account, address);
    });
    throw new GovernanceError('unauthenticated', 'unknown email or wrong password');
  }
  const session = await ctx.tx(async (trx) => {
    await settleSuccess(trx, { account: keys[0]!.key, address: keys[1]?.key });
    const s = await newSession(ctx, trx, row.id);
    await ctx.audit(trx, row.id, 'login', row.id, { method: 'password' });
    return s;
  });
  return { ...session, user: await getUser(ctx, row.id) };
}
/** Locks logins for an account or address (logged as `login.locked` when it starts); its end. */
export async function lockLogins(
  ctx: GovernanceContext,
  trx: Trx,
  k: { kind: ThrottleKind; key: string },
  failures: number,
  now: Date,
  account: string,
  address: string | undefined,
): Promise<Date> {
  const rule = ctx.loginThrottle[k.kind];
  const { until, started } = await lockKey(trx, k.key, rule, now);
  if (started)
    await ctx.audit(trx, SYSTEM_ACTOR, 'login.locked', k.kind === 'account' ? account : address!, {
      kind: k.kind,
      failures,
      minutes: rule.windowMinutes,
      until: until.toISOString(),
    });
  return until;
}

export function lockedOut(
  ctx: GovernanceContext,
  kind: ThrottleKind,
  until: Date,
  now: Date,
): LoginLocked {
  const seconds = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));
  const minutes = Math.ceil(seconds / 60);
  return new LoginLocked(
    seconds,
    kind === 'account'
      ? `too many failed logins for this account: try again in ${minutes} minute${minutes === 1 ? '' : 's'}`
      : `too many failed logins from your address: try again in ${minutes} minute${minutes === 1 ? '' : 's'}`,
  );
}

/**
 * Login through an OpenID Connect provider: the verified ID token claims name the user. Only
 * users the broker has provisioned may log in (by issuer+subject, or by email on first login).
 */
export async function loginOidc(
  ctx: GovernanceContext,
  claims: {
    iss: string;
    sub: string;
    email?: string;
  },
): Promise<{ token: string; expiresAt: string; user: User }> {
  const bySubject = await ctx.db
    .selectFrom('users')
    .select('id')
    .where('oidc_issuer', '=', claims.iss)
    .where('oidc_subject', '=', claims.sub)
    .executeTakeFirst();
  let userId = bySubject?.id;
  if (!userId && claims.email) {
    const byEmail = await ctx.db
      .selectFrom('users')
      .select(['id', 'oidc_subject'])
      .where('email', '=', claims.email.toLowerCase())
      .executeTakeFirst();
    if (byEmail && byEmail.oidc_subject === null) {
      userId = byEmail.id;
      await ctx.db
        .updateTable('users')
        .set({ oidc_issuer: claims.iss, oidc_subject: claims.sub })
        .where('id', '=', userId)
        .execute();
    }
  }
  if (!userId) {
    await ctx.logAudit('anonymous', 'login.failed', claims.sub, {
      method: 'oidc',
      issuer: claims.iss,
    });
    throw new GovernanceError(
      'unauthenticated',
      `no Samenzicht account for ${claims.email ?? claims.sub} at ${claims.iss}`,
    );
  }
  const id = userId;
  const session = await ctx.tx(async (trx) => {
    const s = await newSession(ctx, trx, id, 'oidc');
    await ctx.audit(trx, id, 'login', id, { method: 'oidc', issuer: claims.iss });
    return s;
  });
  return { ...session, user: await getUser(ctx, id) };
}

/**
 * An API token for scripts; shown once, stored as its sha256. It expires after
 * `expiresInDays` (1..365, default 90); its `id` lists and revokes it.
 */
export async function createApiToken(
  ctx: GovernanceContext,
  userId: string,
  label: string,
  opts: { expiresInDays?: number } = {},
): Promise<{ token: string; id: string; label: string; expiresAt: string }> {
  const days = opts.expiresInDays ?? API_TOKEN_DAYS;
  if (!Number.isInteger(days) || days < 1 || days > API_TOKEN_MAX_DAYS)
    throw new GovernanceError(
      'invalid',
      `expiresInDays must be a whole number of days from 1 to ${API_TOKEN_MAX_DAYS}`,
    );
  const name = nonEmpty(label, 'token label', LIMITS.label);
  await getUser(ctx, userId);
  const token = newToken('sza');
  const hash = tokenHash(token);
  const now = ctx.now();
  const expiresAt = new Date(now.getTime() + days * DAY_MS).toISOString();
  await ctx.tx(async (trx) => {
    await insertToken(trx, { hash, userId, kind: 'api', label: name, now, expiresAt });
    await ctx.audit(trx, userId, 'token.create', userId, {
      id: tokenId(hash),
      label: name,
      expiresAt,
    });
  });
  return { token, id: tokenId(hash), label: name, expiresAt };
}

/** Your tokens that still work (API tokens and sessions), newest first; never a secret. */
export async function listTokens(ctx: GovernanceContext, userId: string): Promise<TokenInfo[]> {
  const rows = await ctx.db
    .selectFrom('tokens')
    .select(['id', 'kind', 'label', 'created_at', 'expires_at', 'last_used_at'])
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where((eb) =>
      eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', ctx.now().toISOString())]),
    )
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind === 'session' ? 'session' : 'api',
    label: r.label,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    lastUsedAt: r.last_used_at,
  }));
}

/** Revokes one of your own tokens by its id; another user's, or a spent one, is not found. */
export async function revokeToken(
  ctx: GovernanceContext,
  userId: string,
  id: string,
): Promise<void> {
  capped(id, 'token id', LIMITS.id);
  const at = ctx.now().toISOString();
  await ctx.tx(async (trx) => {
    const row = await trx
      .selectFrom('tokens')
      .select(['id', 'kind', 'label'])
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', at)]))
      .executeTakeFirst();
    if (!row) throw new GovernanceError('not_found', `you have no valid token with id ${id}`);
    await trx.updateTable('tokens').set({ revoked_at: at }).where('id', '=', id).execute();
    await ctx.audit(trx, userId, 'token.revoke', userId, {
      id,
      kind: row.kind,
      label: row.label,
    });
  });
}

/** The principal behind a bearer or session token, or null when unknown, expired or revoked. */
export async function authenticate(
  ctx: GovernanceContext,
  token: string,
): Promise<Principal | null> {
  if (token.length > 200) return null;
  const hash = tokenHash(token);
  const row = await ctx.db
    .selectFrom('tokens')
    .selectAll()
    .where('token_hash', '=', hash)
    .executeTakeFirst();
  // The lookup is by sha256 (its timing says nothing about the token); compare anyway.
  if (!row || !secretsEqual(row.token_hash, hash) || row.revoked_at !== null) return null;
  const now = ctx.now();
  if (row.expires_at !== null && new Date(row.expires_at) <= now) return null;
  if (
    row.last_used_at === null ||
    now.getTime() - new Date(row.last_used_at).getTime() >= TOKEN_USE_RESOLUTION_MS
  ) {
    await ctx.db
      .updateTable('tokens')
      .set({ last_used_at: now.toISOString() })
      .where('token_hash', '=', hash)
      .execute();
  }
  const user = await getUser(ctx, row.user_id);
  return {
    ...user,
    via: row.kind === 'api' ? 'api-token' : 'session',
    channel: row.kind === 'api' ? 'api' : row.label === 'oidc' ? 'oidc' : 'dashboard',
    tokenId: row.id,
  };
}

export async function logout(ctx: GovernanceContext, token: string): Promise<void> {
  await ctx.db
    .updateTable('tokens')
    .set({ revoked_at: ctx.now().toISOString() })
    .where('token_hash', '=', tokenHash(token))
    .execute();
}
