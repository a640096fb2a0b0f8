/**
 * What every governance module works over: the state database, the clock, the audit trail and
 * the data directory (`GovernanceContext`), the one state-transition helper, and the small
 * checks the modules share. The `Governance` facade builds one context; each module is plain
 * functions of it.
 */
import { join } from 'node:path';
import type { Kysely, Transaction } from 'kysely';
import type { Database, Dialect, Store } from '../store/index.js';
import { releaseMayMove, type ReleaseState } from '../contracts/index.js';
import { appendAudit, type AuditAction } from './audit.js';
import { GovernanceError } from './errors.js';
import { capped, LIMITS } from './limits.js';
import type { LoginThrottle } from './logins.js';

export type Trx = Transaction<Database>;

export interface GovernanceContext {
  readonly store: Store;
  readonly db: Kysely<Database>;
  readonly dialect: Dialect;
  readonly now: () => Date;
  /** The instance's data directory (contributions live below it). */
  readonly dataDir: string;
  /** The folder that holds `<id>/` per release. */
  readonly releasesDir: string;
  readonly loginThrottle: LoginThrottle;
  tx<T>(fn: (trx: Trx) => Promise<T>): Promise<T>;
  /** Appends to the audit trail inside `trx`. */
  audit(
    trx: Trx,
    actor: string,
    action: AuditAction,
    subject: string,
    details?: Record<string, unknown>,
  ): ReturnType<typeof appendAudit>;
  /** Records an action in a transaction of its own. */
  logAudit(
    actor: string,
    action: AuditAction,
    subject: string,
    details?: Record<string, unknown>,
  ): ReturnType<typeof appendAudit>;
}

export function governanceContext(
  store: Store,
  opts: { now: () => Date; releasesDir: string; loginThrottle: LoginThrottle },
): GovernanceContext {
  const tx = <T>(fn: (trx: Trx) => Promise<T>): Promise<T> => store.db.transaction().execute(fn);
  const audit: GovernanceContext['audit'] = (trx, actor, action, subject, details = {}) =>
    appendAudit(trx, store.dialect, { at: opts.now(), actor, action, subject, details });
  return {
    store,
    db: store.db,
    dialect: store.dialect,
    now: opts.now,
    dataDir: store.dataDir,
    releasesDir: opts.releasesDir,
    loginThrottle: opts.loginThrottle,
    tx,
    audit,
    logAudit: (actor, action, subject, details = {}) =>
      tx((trx) => audit(trx, actor, action, subject, details)),
  };
}

/** The tables with a `state` column that move through a lifecycle, and what they are called. */
const NOUN = { agreements: 'agreement', releases: 'release', runs: 'run' } as const;
export type StatefulTable = keyof typeof NOUN;

/**
 * Moves one row from state `from` to `to` (setting `set` too) with a conditional UPDATE, so
 * that two concurrent transitions cannot both succeed. When no row changed it says why: the row
 * does not exist (not_found), or it is in another state (conflict, worded by `explain` from the
 * state it is in). With `quiet`, a row in another state is no error: it returns false.
 */
export async function transition<T extends StatefulTable>(
  trx: Trx,
  table: T,
  id: string,
  from: Database[T]['state'],
  to: Database[T]['state'],
  set: Record<string, unknown> = {},
  opts: { explain?: (state: string) => string; quiet?: boolean } = {},
): Promise<boolean> {
  // A release moves only as RELEASE_STATE_RULES allows: a wrong move is a bug, not a conflict.
  if (table === 'releases' && !releaseMayMove(from as ReleaseState, to as ReleaseState)) {
    throw new Error(`a release cannot move from ${from} to ${to} (RELEASE_STATE_RULES)`);
  }
  const res = await trx
    .updateTable(table as 'runs')
    .set({ ...set, state: to } as never)
    .where('id', '=', id)
    .where('state', '=', from as never)
    .executeTakeFirst();
  if (Number(res.numUpdatedRows) === 1) return true;
  const row = await trx
    .selectFrom(table as 'runs')
    .select('state')
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw new GovernanceError('not_found', `${NOUN[table]} ${id} does not exist`);
  if (opts.quiet) return false;
  throw new GovernanceError(
    'conflict',
    opts.explain?.(row.state) ?? `${NOUN[table]} ${id} is ${row.state}, not ${from}`,
  );
}

export const DAY_MS = 86_400_000;

export const parseList = (s: string): string[] => JSON.parse(s) as string[];

export const toIso = (d: Date | string, field: string): string => {
  const date = typeof d === 'string' ? new Date(d) : d;
  if (Number.isNaN(date.getTime()))
    throw new GovernanceError('invalid', `${field}: not a valid date`);
  return date.toISOString();
};

/** Release ids name folders: the same pattern as `isReleaseId` in src/release/store.ts. */
export const RELEASE_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,80}$/;

export const short = (digest: string) => digest.slice(0, 12);

/** A sha256 in hex (either case), returned in lowercase; anything else is refused. */
export const hexDigest = (d: unknown, field: string): string => {
  if (typeof d !== 'string' || !/^[0-9a-fA-F]{64}$/.test(d))
    throw new GovernanceError('invalid', `${field} must be a sha256: 64 hexadecimal characters`);
  return d.toLowerCase();
};

/** Trimmed and not empty; at most `max` characters (LIMITS.reason unless told) before trimming. */
export const nonEmpty = (
  s: string | undefined,
  field: string,
  max: number = LIMITS.reason,
): string => {
  const t = capped(s ?? '', field, max).trim();
  if (t === '') throw new GovernanceError('invalid', `${field} must not be empty`);
  return t;
};

/** The folder of one release, `<releasesDir>/<id>`. */
export function releaseDir(ctx: GovernanceContext, id: string): string {
  if (!RELEASE_ID.test(id)) throw new GovernanceError('invalid', `'${id}' is not a release id`);
  return join(ctx.releasesDir, id);
}

/** A path stored relative to the data directory, made absolute. */
export const absolute = (ctx: GovernanceContext, storagePath: string): string =>
  join(ctx.dataDir, storagePath);
