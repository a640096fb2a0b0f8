/**
 * Login throttling: failed logins are counted in the state database per account and per client
 * address, in a window that starts at the first failure. When a count reaches its limit the key
 * is locked: every login for it is refused (429, with the seconds left) until the lock ends,
 * also with the right password. A successful login clears the account's count (not the
 * address's). The counts live in the state database so that several server processes and a
 * restart agree. Keys are sha256 of the lowercased email or the address: the table never holds
 * what someone typed into the email field.
 */
import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../store/index.js';

export interface ThrottleRule {
  /** Failures in one window that lock the key. */
  maxFailures: number;
  windowMinutes: number;
  lockMinutes: number;
}

export interface LoginThrottle {
  account: ThrottleRule;
  address: ThrottleRule;
}

export const DEFAULT_LOGIN_THROTTLE: LoginThrottle = {
  account: { maxFailures: 5, windowMinutes: 15, lockMinutes: 15 },
  address: { maxFailures: 20, windowMinutes: 15, lockMinutes: 15 },
};

export type ThrottleKind = keyof LoginThrottle;

export const throttleKey = (kind: ThrottleKind, value: string): string =>
  `${kind}:${createHash('sha256')
    .update(kind === 'account' ? value.trim().toLowerCase() : value)
    .digest('hex')}`;

const MINUTE = 60_000;

/** The lock on any of these keys that ends last, or null when none is locked at `now`. */
export async function activeLock(
  db: Kysely<Database>,
  keys: readonly { kind: ThrottleKind; key: string }[],
  now: Date,
): Promise<{ kind: ThrottleKind; until: Date } | null> {
  if (keys.length === 0) return null;
  const rows = await db
    .selectFrom('login_failures')
    .select(['key', 'locked_until'])
    .where(
      'key',
      'in',
      keys.map((k) => k.key),
    )
    .where('locked_until', '>', now.toISOString())
    .execute();
  let found: { kind: ThrottleKind; until: Date } | null = null;
  for (const r of rows) {
    const until = new Date(r.locked_until as string);
    const kind = keys.find((k) => k.key === r.key)?.kind ?? 'account';
    // An account lock names the account, which says more to a user than their address.
    if (
      !found ||
      until > found.until ||
      (until.getTime() === found.until.getTime() && kind === 'account')
    )
      found = { kind, until };
  }
  return found;
}

/**
 * Counts one login attempt for `key` before its password is checked (one atomic upsert, so
 * concurrent requests and processes each get their own number: of 100 parallel guesses only the
 * first `maxFailures` are checked). The count starts again at 1 when the window of the first
 * counted attempt has passed, or a lock has ended. Returns this attempt's number.
 */
export async function countAttempt(
  db: Kysely<Database>,
  key: string,
  rule: ThrottleRule,
  now: Date,
): Promise<number> {
  const at = now.toISOString();
  const windowStart = new Date(now.getTime() - rule.windowMinutes * MINUTE).toISOString();
  const fresh = sql<boolean>`(login_failures.first_at <= ${windowStart} OR (login_failures.locked_until IS NOT NULL AND login_failures.locked_until <= ${at}))`;
  const row = await db
    .insertInto('login_failures')
    .values({ key, failures: 1, first_at: at, locked_until: null })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({
        failures: sql<number>`CASE WHEN ${fresh} THEN 1 ELSE login_failures.failures + 1 END`,
        first_at: sql<string>`CASE WHEN ${fresh} THEN ${at} ELSE login_failures.first_at END`,
        locked_until: sql<
          string | null
        >`CASE WHEN ${fresh} THEN NULL ELSE login_failures.locked_until END`,
      }),
    )
    .returning('failures')
    .executeTakeFirstOrThrow();
  return Number(row.failures);
}

/**
 * Locks `key` for the rule's lock time from `now`, unless it is locked already. Returns when
 * the lock ends, and whether this call started it.
 */
export async function lockKey(
  db: Kysely<Database>,
  key: string,
  rule: ThrottleRule,
  now: Date,
): Promise<{ until: Date; started: boolean }> {
  const until = new Date(now.getTime() + rule.lockMinutes * MINUTE);
  const res = await db
    .updateTable('login_failures')
    .set({ locked_until: until.toISOString() })
    .where('key', '=', key)
    .where((eb) =>
      eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now.toISOString())]),
    )
    .executeTakeFirst();
  if (Number(res.numUpdatedRows) > 0) return { until, started: true };
  const row = await db
    .selectFrom('login_failures')
    .select('locked_until')
    .where('key', '=', key)
    .executeTakeFirst();
  return { until: row?.locked_until ? new Date(row.locked_until) : until, started: false };
}

/**
 * A successful login: the account starts again from zero; the address gives back the attempt it
 * counted (a successful login is no failure, also for the others behind one address).
 */
export async function settleSuccess(
  db: Kysely<Database>,
  keys: { account: string; address?: string | undefined },
): Promise<void> {
  await db.deleteFrom('login_failures').where('key', '=', keys.account).execute();
  if (keys.address)
    await db
      .updateTable('login_failures')
      .set({ failures: sql<number>`failures - 1` })
      .where('key', '=', keys.address)
      .where('failures', '>', 0)
      .execute();
}

/** Removes counts whose window and lock have both ended (the table stays small). */
export async function pruneFailures(
  db: Kysely<Database>,
  throttle: LoginThrottle,
  now: Date,
): Promise<void> {
  const longest = Math.max(throttle.account.windowMinutes, throttle.address.windowMinutes);
  const windowStart = new Date(now.getTime() - longest * MINUTE).toISOString();
  await db
    .deleteFrom('login_failures')
    .where('first_at', '<', windowStart)
    .where((eb) =>
      eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now.toISOString())]),
    )
    .execute();
}
