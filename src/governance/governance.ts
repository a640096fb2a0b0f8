/**
 * Governance of Samenzicht: organisations and their roles, agreements (convenanten) and their
 * lifecycle, contributions, purpose binding of runs, the airlock of candidate releases, and the
 * hash-chained audit trail. Returns plain data; knows nothing of HTTP.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, rename, rm } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import type { Readable } from 'node:stream';
import type { Transaction } from 'kysely';
import { datasetContract, DATASETS } from '../ingest/contracts.js';
import { RESTRICTED_DIR } from '../release/format.js';
import {
  digestOfFiles,
  firstDifference,
  releaseFileDigestsAsync,
  type ReleaseFileDigest,
} from '../release/integrity.js';
import type { Database, Store } from '../store/index.js';
import { appendAudit, listAudit, verifyAuditTrail, type AuditAction } from './audit.js';
import { GovernanceError, LoginLocked, PurposeBindingError } from './errors.js';
import {
  capped,
  cappedList,
  cappedOptional,
  checkAgreementLengths,
  checkPasswordLength,
  checkReviewLengths,
  LIMITS,
} from './limits.js';
import {
  activeLock,
  countAttempt,
  DEFAULT_LOGIN_THROTTLE,
  lockKey,
  pruneFailures,
  settleSuccess,
  throttleKey,
  type LoginThrottle,
  type ThrottleKind,
} from './logins.js';
import { checkPassword, hashPassword, newToken, secretsEqual, tokenHash } from './secrets.js';
import {
  appendUploadChunk,
  PARTIAL_UPLOAD_HOURS,
  partialUploadPath,
  PRIVATE_FILE,
  privateDir,
  readPartialUpload,
  receiveUpload,
  removePartialUpload,
  removeStalePartialUploads,
  withPartialUpload,
  type ReceivedFile,
} from './upload.js';
import { sha256File } from '../ingest/sha256.js';
import {
  ROLES,
  type Agreement,
  type AgreementInput,
  type AgreementStatus,
  type Contribution,
  type IndicatorRef,
  type Organisation,
  type Principal,
  type Release,
  type ReleaseState,
  type Review,
  type Role,
  type Run,
  type RunInput,
  type RunProgress,
  type RunState,
  type User,
  type ValidateFn,
  type ValidationCounts,
} from './types.js';

/** Board approvals a candidate needs, not counting the person who started the run. */
export const BOARD_QUORUM = 2;
const SESSION_HOURS = 12;
const DAY_MS = 86_400_000;
/** API tokens expire after this many days unless the creator asks for fewer or more … */
export const API_TOKEN_DAYS = 90;
/** … but never more than this. */
export const API_TOKEN_MAX_DAYS = 365;
/** `last_used_at` of a token is written at most this often (it costs a write per request). */
const TOKEN_USE_RESOLUTION_MS = 60_000;

export interface GovernanceOptions {
  /** The clock; tests move it to cross validity and retention boundaries. */
  now?: () => Date;
  /**
   * Where the release folders live (`<releasesDir>/<id>/`): their digest is checked when a
   * candidate enters the airlock and again at publication, and the restricted report is read
   * from there. Default: `<store.dataDir>/releases`, where `writeRelease` puts them.
   */
  releasesDir?: string;
  /** Failed logins that lock an account or a client address (default 5 and 20 in 15 minutes). */
  loginThrottle?: LoginThrottle;
}

/** One of your tokens as `listTokens` shows it: never the secret, nor its hash. */
export interface TokenInfo {
  id: string;
  kind: 'api' | 'session';
  label: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
}

type AgreementRow = Database['agreements'];
type ReleaseRow = Database['releases'];

const parseList = (s: string): string[] => JSON.parse(s) as string[];
const toIso = (d: Date | string, field: string): string => {
  const date = typeof d === 'string' ? new Date(d) : d;
  if (Number.isNaN(date.getTime()))
    throw new GovernanceError('invalid', `${field}: not a valid date`);
  return date.toISOString();
};
/** Release ids name folders: the same pattern as `isReleaseId` in src/release/store.ts. */
const RELEASE_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,80}$/;
const short = (digest: string) => digest.slice(0, 12);
/** A token's opaque id: the first 16 hex of its sha256 (listed and revoked by it). */
const tokenId = (hash: string) => hash.slice(0, 16);
/** A sha256 in hex (either case), returned in lowercase; anything else is refused. */
const hexDigest = (d: unknown, field: string): string => {
  if (typeof d !== 'string' || !/^[0-9a-fA-F]{64}$/.test(d))
    throw new GovernanceError('invalid', `${field} must be a sha256: 64 hexadecimal characters`);
  return d.toLowerCase();
};
/** Trimmed and not empty; at most `max` characters (LIMITS.reason unless told) before trimming. */
const nonEmpty = (s: string | undefined, field: string, max: number = LIMITS.reason): string => {
  const t = capped(s ?? '', field, max).trim();
  if (t === '') throw new GovernanceError('invalid', `${field} must not be empty`);
  return t;
};

export class Governance {
  readonly now: () => Date;
  /** The folder that holds `<id>/` per release (see `GovernanceOptions.releasesDir`). */
  readonly releasesDir: string;
  readonly loginThrottle: LoginThrottle;

  constructor(
    readonly store: Store,
    opts: GovernanceOptions = {},
  ) {
    this.now = opts.now ?? (() => new Date());
    this.releasesDir = opts.releasesDir ?? join(store.dataDir, 'releases');
    this.loginThrottle = opts.loginThrottle ?? DEFAULT_LOGIN_THROTTLE;
  }

  /** The folder of one release, `<releasesDir>/<id>`. */
  releaseDir(id: string): string {
    if (!RELEASE_ID.test(id)) throw new GovernanceError('invalid', `'${id}' is not a release id`);
    return join(this.releasesDir, id);
  }

  private get db() {
    return this.store.db;
  }

  private tx<T>(fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(fn);
  }

  private audit(
    trx: Transaction<Database>,
    actor: string,
    action: AuditAction,
    subject: string,
    details: Record<string, unknown> = {},
  ) {
    return appendAudit(trx, this.store.dialect, {
      at: this.now(),
      actor,
      action,
      subject,
      details,
    });
  }

  /** Records an action that has no state change of its own (e.g. reading non-public output). */
  async logAudit(
    actor: string,
    action: AuditAction,
    subject: string,
    details: Record<string, unknown> = {},
  ) {
    return this.tx((trx) => this.audit(trx, actor, action, subject, details));
  }

  // ---------------------------------------------------------------- organisations and users

  async createOrganisation(
    actor: string,
    input: { id: string; name: string; role: Role; providerIds?: string[] },
  ): Promise<Organisation> {
    capped(input.id, 'organisation id', LIMITS.id);
    cappedList(input.providerIds, 'providerIds', LIMITS.listItems);
    if (!/^[a-z0-9][a-z0-9-]*$/.test(input.id)) {
      throw new GovernanceError(
        'invalid',
        `organisation id '${input.id}': use lowercase letters, digits and -`,
      );
    }
    if (!ROLES.includes(input.role)) {
      throw new GovernanceError(
        'invalid',
        `organisation role '${input.role}': expected one of ${ROLES.join(', ')}`,
      );
    }
    const providerIds = input.providerIds ?? [];
    if (input.role !== 'provider' && providerIds.length > 0) {
      throw new GovernanceError(
        'invalid',
        `organisation ${input.id}: only providers deliver datasets`,
      );
    }
    const known = new Set(DATASETS.map((d) => d.provider as string));
    for (const p of providerIds) {
      if (!known.has(p))
        throw new GovernanceError('invalid', `organisation ${input.id}: unknown provider '${p}'`);
    }
    const row = {
      id: input.id,
      name: nonEmpty(input.name, 'organisation name', LIMITS.name),
      role: input.role,
      provider_ids: JSON.stringify(providerIds),
      created_at: this.now().toISOString(),
    };
    await this.tx(async (trx) => {
      const exists = await trx
        .selectFrom('organisations')
        .select('id')
        .where('id', '=', input.id)
        .executeTakeFirst();
      if (exists) throw new GovernanceError('conflict', `organisation ${input.id} already exists`);
      await trx.insertInto('organisations').values(row).execute();
      await this.audit(trx, actor, 'organisation.create', input.id, {
        role: input.role,
        providerIds,
      });
    });
    return { id: row.id, name: row.name, role: input.role, providerIds, createdAt: row.created_at };
  }

  async listOrganisations(): Promise<Organisation[]> {
    const rows = await this.db.selectFrom('organisations').selectAll().orderBy('id').execute();
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      role: r.role as Role,
      providerIds: parseList(r.provider_ids),
      createdAt: r.created_at,
    }));
  }

  async createUser(
    actor: string,
    input: {
      email: string;
      name: string;
      password?: string;
      organisations: string[];
      oidc?: { issuer: string; subject: string };
    },
  ): Promise<User> {
    const email = nonEmpty(input.email, 'email', LIMITS.email).toLowerCase();
    if (!/^[^@\s]+@[^@\s]+$/.test(email))
      throw new GovernanceError('invalid', `email '${email}' is not an address`);
    cappedList(input.organisations, 'organisations', LIMITS.listItems);
    cappedOptional(input.oidc?.issuer, 'oidcIssuer', LIMITS.url);
    cappedOptional(input.oidc?.subject, 'oidcSubject', LIMITS.oidcSubject);
    let passwordHash: string | null = null;
    if (input.password !== undefined) {
      checkPasswordLength(input.password);
      try {
        passwordHash = await hashPassword(input.password);
      } catch (err) {
        throw new GovernanceError('invalid', (err as Error).message);
      }
    }
    const id = randomUUID();
    const at = this.now().toISOString();
    await this.tx(async (trx) => {
      if (
        await trx.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst()
      ) {
        throw new GovernanceError('conflict', `a user with email ${email} already exists`);
      }
      for (const org of input.organisations) {
        if (
          !(await trx
            .selectFrom('organisations')
            .select('id')
            .where('id', '=', org)
            .executeTakeFirst())
        ) {
          throw new GovernanceError('not_found', `organisation ${org} does not exist`);
        }
      }
      await trx
        .insertInto('users')
        .values({
          id,
          email,
          name: nonEmpty(input.name, 'name', LIMITS.name),
          password_hash: passwordHash,
          oidc_issuer: input.oidc?.issuer ?? null,
          oidc_subject: input.oidc?.subject ?? null,
          created_at: at,
        })
        .execute();
      for (const org of input.organisations) {
        await trx
          .insertInto('memberships')
          .values({ user_id: id, organisation_id: org, created_at: at })
          .execute();
      }
      await this.audit(trx, actor, 'user.create', id, { organisations: input.organisations });
    });
    return this.getUser(id);
  }

  async getUser(id: string): Promise<User> {
    const u = await this.db
      .selectFrom('users')
      .select(['id', 'email', 'name'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!u) throw new GovernanceError('not_found', `user ${id} does not exist`);
    const orgs = await this.db
      .selectFrom('memberships')
      .innerJoin('organisations', 'organisations.id', 'memberships.organisation_id')
      .select(['organisations.id', 'organisations.role'])
      .where('memberships.user_id', '=', id)
      .orderBy('organisations.id')
      .execute();
    const roles = ROLES.filter((r) => orgs.some((o) => o.role === r));
    return { id: u.id, email: u.email, name: u.name, organisations: orgs.map((o) => o.id), roles };
  }

  async findUserByEmail(email: string): Promise<User | null> {
    const u = await this.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', email.toLowerCase())
      .executeTakeFirst();
    return u ? this.getUser(u.id) : null;
  }

  async listUsers(): Promise<User[]> {
    const ids = await this.db.selectFrom('users').select('id').orderBy('email').execute();
    return Promise.all(ids.map((u) => this.getUser(u.id)));
  }

  private async requireRole(userId: string, roles: Role[], doing: string): Promise<User> {
    const user = await this.getUser(userId);
    if (!user.roles.some((r) => roles.includes(r))) {
      throw new GovernanceError(
        'forbidden',
        `${user.email} may not ${doing}: needs role ${roles.join(' or ')}`,
      );
    }
    return user;
  }

  // ---------------------------------------------------------------- authentication

  private async newSession(
    trx: Transaction<Database>,
    userId: string,
  ): Promise<{ token: string; expiresAt: string }> {
    const token = newToken('szs');
    const now = this.now();
    const expiresAt = new Date(now.getTime() + SESSION_HOURS * 3_600_000).toISOString();
    const hash = tokenHash(token);
    await trx
      .insertInto('tokens')
      .values({
        token_hash: hash,
        id: tokenId(hash),
        user_id: userId,
        kind: 'session',
        label: 'session',
        created_at: now.toISOString(),
        expires_at: expiresAt,
        revoked_at: null,
        last_used_at: null,
      })
      .execute();
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
  async login(
    email: string,
    password: string,
    opts: { address?: string } = {},
  ): Promise<{ token: string; expiresAt: string; user: User }> {
    capped(email, 'email', LIMITS.email);
    capped(password, 'password', LIMITS.passwordMax);
    const account = email.trim().toLowerCase();
    const address = opts.address ? capped(opts.address, 'address', LIMITS.id) : undefined;
    const now = this.now();
    const keys: { kind: ThrottleKind; key: string }[] = [
      { kind: 'account', key: throttleKey('account', account) },
      ...(address ? [{ kind: 'address' as const, key: throttleKey('address', address) }] : []),
    ];
    const lock = await activeLock(this.db, keys, now);
    if (lock) throw this.lockedOut(lock.kind, lock.until, now);
    const numbers = await this.tx(async (trx) => {
      await pruneFailures(trx, this.loginThrottle, now);
      const out: number[] = [];
      for (const k of keys)
        out.push(await countAttempt(trx, k.key, this.loginThrottle[k.kind], now));
      return out;
    });
    const beyond = keys.findIndex((k, i) => numbers[i]! > this.loginThrottle[k.kind].maxFailures);
    if (beyond >= 0) {
      // Parallel guesses: this one came after the limit before a failure had locked the key.
      const k = keys[beyond]!;
      const until = await this.tx((trx) =>
        this.lockLogins(trx, k, numbers[beyond]!, now, account, address),
      );
      throw this.lockedOut(k.kind, until, now);
    }
    const row = await this.db
      .selectFrom('users')
      .select(['id', 'password_hash'])
      .where('email', '=', account)
      .executeTakeFirst();
    const ok = await checkPassword(password, row?.password_hash, this.onDummyPassword);
    if (!row || !ok) {
      await this.tx(async (trx) => {
        await this.audit(trx, 'anonymous', 'login.failed', account, {
          method: 'password',
          ...(address ? { address } : {}),
        });
        for (const [i, k] of keys.entries())
          if (numbers[i]! >= this.loginThrottle[k.kind].maxFailures)
            await this.lockLogins(trx, k, numbers[i]!, now, account, address);
      });
      throw new GovernanceError('unauthenticated', 'unknown email or wrong password');
    }
    const session = await this.tx(async (trx) => {
      await settleSuccess(trx, { account: keys[0]!.key, address: keys[1]?.key });
      const s = await this.newSession(trx, row.id);
      await this.audit(trx, row.id, 'login', row.id, { method: 'password' });
      return s;
    });
    return { ...session, user: await this.getUser(row.id) };
  }

  /** Told each time a login is checked against the dummy hash (tests assert the path). */
  onDummyPassword: (() => void) | undefined = undefined;

  /** Locks logins for an account or address (logged as `login.locked` when it starts); its end. */
  private async lockLogins(
    trx: Transaction<Database>,
    k: { kind: ThrottleKind; key: string },
    failures: number,
    now: Date,
    account: string,
    address: string | undefined,
  ): Promise<Date> {
    const rule = this.loginThrottle[k.kind];
    const { until, started } = await lockKey(trx, k.key, rule, now);
    if (started)
      await this.audit(trx, 'system', 'login.locked', k.kind === 'account' ? account : address!, {
        kind: k.kind,
        failures,
        minutes: rule.windowMinutes,
        until: until.toISOString(),
      });
    return until;
  }

  private lockedOut(kind: ThrottleKind, until: Date, now: Date): LoginLocked {
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
  async loginOidc(claims: {
    iss: string;
    sub: string;
    email?: string;
  }): Promise<{ token: string; expiresAt: string; user: User }> {
    const bySubject = await this.db
      .selectFrom('users')
      .select('id')
      .where('oidc_issuer', '=', claims.iss)
      .where('oidc_subject', '=', claims.sub)
      .executeTakeFirst();
    let userId = bySubject?.id;
    if (!userId && claims.email) {
      const byEmail = await this.db
        .selectFrom('users')
        .select(['id', 'oidc_subject'])
        .where('email', '=', claims.email.toLowerCase())
        .executeTakeFirst();
      if (byEmail && byEmail.oidc_subject === null) {
        userId = byEmail.id;
        await this.db
          .updateTable('users')
          .set({ oidc_issuer: claims.iss, oidc_subject: claims.sub })
          .where('id', '=', userId)
          .execute();
      }
    }
    if (!userId) {
      await this.logAudit('anonymous', 'login.failed', claims.sub, {
        method: 'oidc',
        issuer: claims.iss,
      });
      throw new GovernanceError(
        'unauthenticated',
        `no Samenzicht account for ${claims.email ?? claims.sub} at ${claims.iss}`,
      );
    }
    const id = userId;
    const session = await this.tx(async (trx) => {
      const s = await this.newSession(trx, id);
      await this.audit(trx, id, 'login', id, { method: 'oidc', issuer: claims.iss });
      return s;
    });
    return { ...session, user: await this.getUser(id) };
  }

  /**
   * An API token for scripts; shown once, stored as its sha256. It expires after
   * `expiresInDays` (1..365, default 90); its `id` lists and revokes it.
   */
  async createApiToken(
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
    await this.getUser(userId);
    const token = newToken('sza');
    const hash = tokenHash(token);
    const now = this.now();
    const expiresAt = new Date(now.getTime() + days * DAY_MS).toISOString();
    await this.tx(async (trx) => {
      await trx
        .insertInto('tokens')
        .values({
          token_hash: hash,
          id: tokenId(hash),
          user_id: userId,
          kind: 'api',
          label: name,
          created_at: now.toISOString(),
          expires_at: expiresAt,
          revoked_at: null,
          last_used_at: null,
        })
        .execute();
      await this.audit(trx, userId, 'token.create', userId, {
        id: tokenId(hash),
        label: name,
        expiresAt,
      });
    });
    return { token, id: tokenId(hash), label: name, expiresAt };
  }

  /** Your tokens that still work (API tokens and sessions), newest first; never a secret. */
  async listTokens(userId: string): Promise<TokenInfo[]> {
    const rows = await this.db
      .selectFrom('tokens')
      .select(['id', 'kind', 'label', 'created_at', 'expires_at', 'last_used_at'])
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .where((eb) =>
        eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', this.now().toISOString())]),
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
  async revokeToken(userId: string, id: string): Promise<void> {
    capped(id, 'token id', LIMITS.id);
    const at = this.now().toISOString();
    await this.tx(async (trx) => {
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
      await this.audit(trx, userId, 'token.revoke', userId, {
        id,
        kind: row.kind,
        label: row.label,
      });
    });
  }

  /** The principal behind a bearer or session token, or null when unknown, expired or revoked. */
  async authenticate(token: string): Promise<Principal | null> {
    if (token.length > 200) return null;
    const hash = tokenHash(token);
    const row = await this.db
      .selectFrom('tokens')
      .selectAll()
      .where('token_hash', '=', hash)
      .executeTakeFirst();
    // The lookup is by sha256 (its timing says nothing about the token); compare anyway.
    if (!row || !secretsEqual(row.token_hash, hash) || row.revoked_at !== null) return null;
    const now = this.now();
    if (row.expires_at !== null && new Date(row.expires_at) <= now) return null;
    if (
      row.last_used_at === null ||
      now.getTime() - new Date(row.last_used_at).getTime() >= TOKEN_USE_RESOLUTION_MS
    ) {
      await this.db
        .updateTable('tokens')
        .set({ last_used_at: now.toISOString() })
        .where('token_hash', '=', hash)
        .execute();
    }
    const user = await this.getUser(row.user_id);
    return { ...user, via: row.kind === 'api' ? 'api-token' : 'session', tokenId: row.id };
  }

  async logout(token: string): Promise<void> {
    await this.db
      .updateTable('tokens')
      .set({ revoked_at: this.now().toISOString() })
      .where('token_hash', '=', tokenHash(token))
      .execute();
  }

  // ---------------------------------------------------------------- agreements

  static agreementStatus(
    row: Pick<AgreementRow, 'state' | 'valid_from' | 'valid_until'>,
    at: Date,
  ): AgreementStatus {
    if (row.state !== 'signed') return row.state as AgreementStatus;
    const t = at.getTime();
    if (t < new Date(row.valid_from).getTime()) return 'signed';
    if (t >= new Date(row.valid_until).getTime()) return 'expired';
    return 'active';
  }

  private async agreementView(row: AgreementRow, at: Date): Promise<Agreement> {
    const parties = await this.db
      .selectFrom('agreement_parties')
      .selectAll()
      .where('agreement_id', '=', row.id)
      .orderBy('organisation_id')
      .execute();
    const datasets = parseList(row.datasets);
    return {
      id: row.id,
      title: row.title,
      purpose: row.purpose,
      legalBasis: row.legal_basis,
      status: Governance.agreementStatus(row, at),
      parties: parties.map((p) => ({
        organisationId: p.organisation_id,
        signedBy: p.signed_by,
        signedAt: p.signed_at,
      })),
      datasets,
      contracts: datasets.map((id) => {
        const c = datasetContract(id);
        return {
          id,
          provider: c.provider,
          columns: c.columns.map((k) => ({
            name: k.name,
            type: k.type,
            identifier: k.identifier ?? null,
            regionLevel: k.regionLevel ?? null,
          })),
        };
      }),
      themes: parseList(row.themes),
      indicators: parseList(row.indicators),
      validFrom: row.valid_from,
      validUntil: row.valid_until,
      retentionDays: Number(row.retention_days),
      createdAt: row.created_at,
      revokedAt: row.revoked_at,
      revokeReason: row.revoke_reason,
      purgedAt: row.purged_at,
    };
  }

  private async agreementRow(id: string): Promise<AgreementRow> {
    const row = await this.db
      .selectFrom('agreements')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw new GovernanceError('not_found', `agreement ${id} does not exist`);
    return row;
  }

  async getAgreement(id: string, at: Date = this.now()): Promise<Agreement> {
    return this.agreementView(await this.agreementRow(id), at);
  }

  async listAgreements(at: Date = this.now()): Promise<Agreement[]> {
    const rows = await this.db.selectFrom('agreements').selectAll().orderBy('id').execute();
    return Promise.all(rows.map((r) => this.agreementView(r, at)));
  }

  /** A draft agreement. Every dataset's provider must be among the parties. */
  async createAgreement(actor: string, input: AgreementInput): Promise<Agreement> {
    checkAgreementLengths(input);
    await this.requireRole(actor, ['broker'], 'draft agreements');
    const id = input.id ?? `agr-${randomUUID().slice(0, 8)}`;
    const validFrom = toIso(input.validFrom, 'validFrom');
    const validUntil = toIso(input.validUntil, 'validUntil');
    if (validUntil <= validFrom)
      throw new GovernanceError('invalid', `agreement ${id}: validUntil must be after validFrom`);
    if (!Number.isInteger(input.retentionDays) || input.retentionDays < 0) {
      throw new GovernanceError(
        'invalid',
        `agreement ${id}: retentionDays must be a whole number ≥ 0`,
      );
    }
    if (input.datasets.length === 0)
      throw new GovernanceError('invalid', `agreement ${id}: no datasets`);
    if (input.themes.length === 0)
      throw new GovernanceError('invalid', `agreement ${id}: no allowed themes`);
    const parties = [...new Set(input.parties)];
    const orgs = await this.listOrganisations();
    const partyOrgs = parties.map((p) => {
      const o = orgs.find((x) => x.id === p);
      if (!o)
        throw new GovernanceError(
          'not_found',
          `agreement ${id}: party ${p} is not an organisation`,
        );
      return o;
    });
    for (const ds of input.datasets) {
      let provider: string;
      try {
        provider = datasetContract(ds).provider;
      } catch (err) {
        throw new GovernanceError('invalid', `agreement ${id}: ${(err as Error).message}`);
      }
      if (!partyOrgs.some((o) => o.providerIds.includes(provider))) {
        throw new GovernanceError(
          'invalid',
          `agreement ${id}: dataset ${ds} comes from provider '${provider}', which is not a party`,
        );
      }
    }
    await this.tx(async (trx) => {
      if (await trx.selectFrom('agreements').select('id').where('id', '=', id).executeTakeFirst()) {
        throw new GovernanceError('conflict', `agreement ${id} already exists`);
      }
      await trx
        .insertInto('agreements')
        .values({
          id,
          title: nonEmpty(input.title, 'title'),
          purpose: nonEmpty(input.purpose, 'purpose'),
          legal_basis: nonEmpty(input.legalBasis, 'legalBasis'),
          state: 'draft',
          datasets: JSON.stringify([...new Set(input.datasets)]),
          themes: JSON.stringify([...new Set(input.themes)]),
          indicators: JSON.stringify([...new Set(input.indicators ?? [])]),
          valid_from: validFrom,
          valid_until: validUntil,
          retention_days: input.retentionDays,
          created_by: actor,
          created_at: this.now().toISOString(),
          proposed_at: null,
          signed_at: null,
          revoked_at: null,
          revoke_reason: null,
          purged_at: null,
        })
        .execute();
      for (const p of parties) {
        await trx
          .insertInto('agreement_parties')
          .values({ agreement_id: id, organisation_id: p, signed_by: null, signed_at: null })
          .execute();
      }
      await this.audit(trx, actor, 'agreement.create', id, {
        parties,
        datasets: input.datasets,
        themes: input.themes,
      });
    });
    return this.getAgreement(id);
  }

  /** Draft → proposed: the text is frozen and the parties may sign. */
  async proposeAgreement(actor: string, id: string): Promise<Agreement> {
    await this.requireRole(actor, ['broker'], 'propose agreements');
    await this.tx(async (trx) => {
      const res = await trx
        .updateTable('agreements')
        .set({ state: 'proposed', proposed_at: this.now().toISOString() })
        .where('id', '=', id)
        .where('state', '=', 'draft')
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) {
        const row = await trx
          .selectFrom('agreements')
          .select('state')
          .where('id', '=', id)
          .executeTakeFirst();
        if (!row) throw new GovernanceError('not_found', `agreement ${id} does not exist`);
        throw new GovernanceError(
          'conflict',
          `agreement ${id} is ${row.state}; only a draft can be proposed`,
        );
      }
      await this.audit(trx, actor, 'agreement.propose', id);
    });
    return this.getAgreement(id);
  }

  /**
   * A member signs for their organisation. When the last party signs, the agreement is signed and
   * becomes active during its validity.
   */
  async signAgreement(actor: string, id: string, organisationId?: string): Promise<Agreement> {
    const user = await this.getUser(actor);
    await this.tx(async (trx) => {
      const row = await trx
        .selectFrom('agreements')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      if (!row) throw new GovernanceError('not_found', `agreement ${id} does not exist`);
      if (row.state !== 'proposed') {
        throw new GovernanceError(
          'conflict',
          `agreement ${id} is ${row.state}; only a proposed agreement can be signed`,
        );
      }
      const parties = await trx
        .selectFrom('agreement_parties')
        .selectAll()
        .where('agreement_id', '=', id)
        .execute();
      const mine = parties.filter(
        (p) => user.organisations.includes(p.organisation_id) && p.signed_at === null,
      );
      let party = mine[0];
      if (organisationId !== undefined) {
        party = parties.find((p) => p.organisation_id === organisationId);
        if (!party || !user.organisations.includes(organisationId)) {
          throw new GovernanceError(
            'forbidden',
            `${user.email} cannot sign agreement ${id} for ${organisationId}`,
          );
        }
        if (party.signed_at !== null)
          throw new GovernanceError('conflict', `${organisationId} already signed agreement ${id}`);
      } else if (mine.length === 0) {
        const signedAlready = parties.some((p) => user.organisations.includes(p.organisation_id));
        throw signedAlready
          ? new GovernanceError(
              'conflict',
              `${user.email}'s organisation already signed agreement ${id}`,
            )
          : new GovernanceError(
              'forbidden',
              `${user.email} is not a member of a party to agreement ${id}`,
            );
      } else if (mine.length > 1) {
        throw new GovernanceError(
          'invalid',
          `${user.email} belongs to several parties of ${id}: say which organisation signs`,
        );
      }
      if (!party)
        throw new GovernanceError('forbidden', `${user.email} cannot sign agreement ${id}`);
      const at = this.now().toISOString();
      await trx
        .updateTable('agreement_parties')
        .set({ signed_by: actor, signed_at: at })
        .where('agreement_id', '=', id)
        .where('organisation_id', '=', party.organisation_id)
        .execute();
      const remaining = parties.filter(
        (p) => p.signed_at === null && p.organisation_id !== party.organisation_id,
      );
      if (remaining.length === 0) {
        await trx
          .updateTable('agreements')
          .set({ state: 'signed', signed_at: at })
          .where('id', '=', id)
          .execute();
      }
      await this.audit(trx, actor, 'signature', id, {
        organisation: party.organisation_id,
        complete: remaining.length === 0,
      });
    });
    return this.getAgreement(id);
  }

  /** Revocation stops new runs at once; contributions go after the retention period. */
  async revokeAgreement(actor: string, id: string, reason: string): Promise<Agreement> {
    const user = await this.getUser(actor);
    const why = nonEmpty(reason, 'reason');
    await this.tx(async (trx) => {
      const row = await trx
        .selectFrom('agreements')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      if (!row) throw new GovernanceError('not_found', `agreement ${id} does not exist`);
      const parties = await trx
        .selectFrom('agreement_parties')
        .select('organisation_id')
        .where('agreement_id', '=', id)
        .execute();
      const isParty = parties.some((p) => user.organisations.includes(p.organisation_id));
      if (!isParty && !user.roles.includes('board') && !user.roles.includes('broker')) {
        throw new GovernanceError(
          'forbidden',
          `${user.email} may not revoke agreement ${id}: not a party, broker or board member`,
        );
      }
      if (row.state === 'revoked')
        throw new GovernanceError('conflict', `agreement ${id} is already revoked`);
      await trx
        .updateTable('agreements')
        .set({ state: 'revoked', revoked_at: this.now().toISOString(), revoke_reason: why })
        .where('id', '=', id)
        .execute();
      await this.audit(trx, actor, 'agreement.revoke', id, { reason: why });
    });
    return this.getAgreement(id);
  }

  /**
   * Removes the stored contributions of agreements that ended (expired or revoked) more than
   * their retention period ago; every purge is logged. Returns what was purged.
   */
  async purgeExpired(actor = 'system'): Promise<{ agreementId: string; contributions: number }[]> {
    const now = this.now();
    const rows = await this.db
      .selectFrom('agreements')
      .selectAll()
      .where('purged_at', 'is', null)
      .execute();
    const purged: { agreementId: string; contributions: number }[] = [];
    for (const row of rows) {
      const status = Governance.agreementStatus(row, now);
      if (status !== 'expired' && status !== 'revoked') continue;
      const ended = new Date(
        status === 'revoked' ? (row.revoked_at ?? row.valid_until) : row.valid_until,
      );
      if (now.getTime() < ended.getTime() + Number(row.retention_days) * DAY_MS) continue;
      const contributions = await this.db
        .selectFrom('contributions')
        .selectAll()
        .where('agreement_id', '=', row.id)
        .where('purged_at', 'is', null)
        .execute();
      for (const c of contributions) {
        await rm(this.absolute(c.storage_path), { force: true });
        if (c.quarantine_path) await rm(this.absolute(c.quarantine_path), { force: true });
      }
      await this.tx(async (trx) => {
        const at = now.toISOString();
        await trx
          .updateTable('contributions')
          .set({ purged_at: at })
          .where('agreement_id', '=', row.id)
          .where('purged_at', 'is', null)
          .execute();
        await trx
          .updateTable('agreements')
          .set({ purged_at: at })
          .where('id', '=', row.id)
          .execute();
        await this.audit(trx, actor, 'purge', row.id, {
          status,
          retentionDays: Number(row.retention_days),
          contributions: contributions.map((c) => ({
            id: c.id,
            dataset: c.dataset_id,
            sha256: c.sha256,
          })),
        });
      });
      purged.push({ agreementId: row.id, contributions: contributions.length });
    }
    return purged;
  }

  // ---------------------------------------------------------------- purpose binding

  /**
   * Checks that every source dataset of every indicator is covered, at `at`, by an active
   * agreement that allows the indicator's theme (and lists the indicator, when the agreement
   * names indicators). Returns the agreements that cover the run.
   */
  async assertPurpose(indicators: IndicatorRef[], at: Date = this.now()): Promise<string[]> {
    const rows = await this.db.selectFrom('agreements').selectAll().orderBy('id').execute();
    const active = rows.filter((r) => Governance.agreementStatus(r, at) === 'active');
    const used = new Set<string>();
    for (const ind of indicators) {
      if (ind.sources.length === 0)
        throw new GovernanceError('invalid', `indicator ${ind.id} has no source datasets`);
      for (const ds of ind.sources) {
        const covering = active.filter((a) => parseList(a.datasets).includes(ds));
        const refuse = (missing: string, detail: string) =>
          new PurposeBindingError(
            ind.id,
            ds,
            missing,
            `purpose binding: indicator '${ind.id}' (theme '${ind.theme}') may not use dataset '${ds}': ${detail} (missing permission: ${missing})`,
          );
        if (covering.length === 0) {
          const ended = rows.filter(
            (a) => a.state !== 'draft' && parseList(a.datasets).includes(ds),
          );
          const why = ended.length
            ? `its agreement ${ended.map((a) => `${a.id} is ${Governance.agreementStatus(a, at)}`).join(', ')}`
            : 'no agreement covers it';
          throw refuse(`an active agreement covering dataset '${ds}'`, why);
        }
        const withTheme = covering.filter((a) => parseList(a.themes).includes(ind.theme));
        if (withTheme.length === 0) {
          throw refuse(
            `theme '${ind.theme}'`,
            `agreement ${covering.map((a) => a.id).join(', ')} does not allow theme '${ind.theme}'`,
          );
        }
        const allowing = withTheme.filter((a) => {
          const list = parseList(a.indicators);
          return list.length === 0 || list.includes(ind.id);
        });
        if (allowing.length === 0) {
          throw refuse(
            `indicator '${ind.id}'`,
            `agreement ${withTheme.map((a) => a.id).join(', ')} lists its indicators and '${ind.id}' is not among them`,
          );
        }
        for (const a of allowing) used.add(a.id);
      }
    }
    return [...used].sort();
  }

  // ---------------------------------------------------------------- contributions

  private absolute(storagePath: string): string {
    return join(this.store.dataDir, storagePath);
  }

  private async coveringAgreement(
    datasetId: string,
    organisationId: string,
  ): Promise<AgreementRow> {
    const now = this.now();
    const rows = await this.db
      .selectFrom('agreements')
      .innerJoin('agreement_parties', 'agreement_parties.agreement_id', 'agreements.id')
      .selectAll('agreements')
      .where('agreements.state', '=', 'signed')
      .where('agreement_parties.organisation_id', '=', organisationId)
      .orderBy('agreements.id')
      .execute();
    const row = rows.find(
      (r) =>
        Governance.agreementStatus(r, now) === 'active' &&
        parseList(r.datasets).includes(datasetId),
    );
    if (!row) {
      throw new GovernanceError(
        'forbidden',
        `no active agreement covers dataset ${datasetId} from ${organisationId}`,
      );
    }
    return row;
  }

  /** The provider organisation of `actor` that delivers `datasetId`. */
  private async deliveringOrganisation(actor: string, datasetId: string): Promise<string> {
    let provider: string;
    try {
      provider = datasetContract(datasetId).provider;
    } catch (err) {
      throw new GovernanceError('invalid', (err as Error).message);
    }
    const user = await this.getUser(actor);
    const orgs = (await this.listOrganisations()).filter(
      (o) =>
        o.role === 'provider' &&
        o.providerIds.includes(provider) &&
        user.organisations.includes(o.id),
    );
    const org = orgs[0];
    if (!org) {
      throw new GovernanceError(
        'forbidden',
        `${user.email} does not belong to provider '${provider}' that delivers ${datasetId}`,
      );
    }
    return org.id;
  }

  /**
   * Records a delivered contribution (already stored under the data directory and validated):
   * every upload through the API ends here.
   */
  async recordContribution(
    actor: string,
    input: {
      datasetId: string;
      sha256: string;
      bytes: number;
      storagePath: string;
      accepted: number;
      quarantined: number;
      reasons?: Record<string, number>;
      period?: number[] | null;
      quarantinePath?: string | null;
    },
  ): Promise<Contribution> {
    const organisationId = await this.deliveringOrganisation(actor, input.datasetId);
    const agreement = await this.coveringAgreement(input.datasetId, organisationId);
    for (const [k, v] of Object.entries({
      bytes: input.bytes,
      accepted: input.accepted,
      quarantined: input.quarantined,
    })) {
      if (!Number.isInteger(v) || v < 0)
        throw new GovernanceError('invalid', `contribution ${k} must be a whole number ≥ 0`);
    }
    if (!/^[0-9a-f]{64}$/.test(input.sha256))
      throw new GovernanceError('invalid', 'contribution sha256 must be 64 hex characters');
    const relativeTo = (p: string) => (p.startsWith('/') ? relative(this.store.dataDir, p) : p);
    const storagePath = relativeTo(input.storagePath);
    const period = input.period ? [...new Set(input.period)].sort((a, b) => a - b) : null;
    if (period?.some((y) => !Number.isInteger(y) || y < 1900 || y > 2100))
      throw new GovernanceError('invalid', 'a contribution period lists years from 1900 to 2100');
    const row = {
      id: randomUUID(),
      agreement_id: agreement.id,
      dataset_id: input.datasetId,
      organisation_id: organisationId,
      uploaded_by: actor,
      sha256: input.sha256,
      bytes: input.bytes,
      rows: input.accepted + input.quarantined,
      accepted: input.accepted,
      quarantined: input.quarantined,
      reasons: JSON.stringify(input.reasons ?? {}),
      storage_path: storagePath,
      created_at: this.now().toISOString(),
      purged_at: null,
      period: period ? JSON.stringify(period) : null,
      version: 1,
      quarantine_path: input.quarantinePath ? relativeTo(input.quarantinePath) : null,
    };
    await this.tx(async (trx) => {
      const previous = await trx
        .selectFrom('contributions')
        .select((eb) => eb.fn.max('version').as('v'))
        .where('dataset_id', '=', input.datasetId)
        .where('organisation_id', '=', organisationId)
        .executeTakeFirst();
      row.version = Number(previous?.v ?? 0) + 1;
      await trx.insertInto('contributions').values(row).execute();
      await this.audit(trx, actor, 'upload', row.id, {
        dataset: input.datasetId,
        organisation: organisationId,
        agreement: agreement.id,
        sha256: input.sha256,
        bytes: input.bytes,
        rows: row.rows,
        accepted: input.accepted,
        quarantined: input.quarantined,
        reasons: input.reasons ?? {},
        period,
        version: row.version,
      });
    });
    return this.contributionView(row);
  }

  /** Where uploads arrive before they are validated: `<dataDir>/contributions/.incoming`. */
  private get incomingDir(): string {
    return join(this.store.dataDir, 'contributions', '.incoming');
  }

  /**
   * Receives a contribution stream in one request: permission first (before a byte is read),
   * then the file into `<dataDir>/contributions/.incoming`, checksum, row validation, and an
   * atomic rename to `<dataDir>/contributions/<dataset>/<sha256>.<ext>` (with its quarantine
   * report as `<sha256>.quarantine.csv` when a row was quarantined). Failure at any step leaves
   * no file and no record. For resumable delivery in chunks see `uploadContributionChunk`.
   */
  async uploadContribution(
    actor: string,
    datasetId: string,
    body: Readable,
    opts: { sha256: string; maxBytes: number; validate: ValidateFn },
  ): Promise<Contribution> {
    const organisationId = await this.deliveringOrganisation(actor, datasetId);
    await this.coveringAgreement(datasetId, organisationId);
    const received = await receiveUpload(body, {
      incomingDir: this.incomingDir,
      maxBytes: opts.maxBytes,
      expectedSha256: opts.sha256,
    });
    try {
      return await this.storeUpload(actor, datasetId, received, opts.validate);
    } finally {
      await rm(received.tempPath, { force: true });
    }
  }

  /**
   * Receives one chunk of a resumable upload (in the style of tus): the file of `length` bytes
   * and checksum `sha256` is kept at `.incoming/<actor>-<sha256>.part` while incomplete; a chunk
   * is appended when `offset` equals the bytes received so far (else UploadOffsetConflict, 409,
   * with the right offset), and a chunk that breaks off keeps what arrived. With the last byte
   * the checksum is checked (a mismatch discards the file), the rows validated and the
   * contribution recorded as `uploadContribution` does. Returns the offset reached and, once
   * complete, the contribution.
   */
  async uploadContributionChunk(
    actor: string,
    datasetId: string,
    body: Readable,
    opts: {
      sha256: string;
      /** Total bytes of the file (`upload-length`). */
      length: number;
      /** Where this chunk begins (`upload-offset`). */
      offset: number;
      /** The chunk's declared content-length, if any. */
      declared?: number;
      maxBytes: number;
      validate: ValidateFn;
    },
  ): Promise<{ offset: number; length: number; contribution: Contribution | null }> {
    const sha256 = hexDigest(opts.sha256, 'x-content-sha256');
    const { length, offset } = opts;
    if (!Number.isSafeInteger(length) || length < 1)
      throw new GovernanceError('invalid', 'upload-length must be a whole number of bytes ≥ 1');
    if (!Number.isSafeInteger(offset) || offset < 0 || offset > length)
      throw new GovernanceError(
        'invalid',
        `upload-offset must be a whole number from 0 to upload-length (${length})`,
      );
    if (length > opts.maxBytes)
      throw new GovernanceError(
        'too_large',
        `upload of ${length} bytes exceeds the limit of ${opts.maxBytes} bytes`,
      );
    const organisationId = await this.deliveringOrganisation(actor, datasetId);
    await this.coveringAgreement(datasetId, organisationId);
    await this.removeStaleUploads();
    await this.refuseDuplicate(datasetId, sha256);
    const part = partialUploadPath(this.incomingDir, actor, sha256);
    return withPartialUpload(part, length, async () => {
      const partial = await appendUploadChunk(body, {
        part,
        dataset: datasetId,
        offset,
        length,
        ...(opts.declared !== undefined ? { declared: opts.declared } : {}),
      });
      if (partial.offset < length) return { offset: partial.offset, length, contribution: null };
      const got = await sha256File(part);
      if (got !== sha256) {
        await removePartialUpload(part);
        throw new GovernanceError(
          'invalid',
          `checksum mismatch: the request says sha256 ${sha256}, the ${length} bytes received hash to ${got}; the partial upload was discarded, deliver the file again`,
        );
      }
      try {
        const contribution = await this.storeUpload(
          actor,
          datasetId,
          { tempPath: part, sha256, bytes: length },
          opts.validate,
        );
        await removePartialUpload(part);
        return { offset: length, length, contribution };
      } catch (err) {
        // A refusal (bad file, duplicate, no agreement) ends the upload; an internal failure
        // keeps the complete file, so a request at offset `length` retries the validation.
        if (err instanceof GovernanceError) await removePartialUpload(part);
        throw err;
      }
    });
  }

  /** How far a partial upload of `actor` has come (`{offset, length}`); not_found when none. */
  async partialUpload(
    actor: string,
    datasetId: string,
    sha256: string,
  ): Promise<{ offset: number; length: number }> {
    const sha = hexDigest(sha256, 'sha256');
    const organisationId = await this.deliveringOrganisation(actor, datasetId);
    await this.coveringAgreement(datasetId, organisationId);
    await this.removeStaleUploads();
    const p = await readPartialUpload(partialUploadPath(this.incomingDir, actor, sha));
    if (!p || p.dataset !== datasetId)
      throw new GovernanceError(
        'not_found',
        `no partial upload of ${datasetId} with sha256 ${short(sha)} by you (none begun, completed, or removed after ${PARTIAL_UPLOAD_HOURS} h without a byte)`,
      );
    return { offset: p.offset, length: p.length };
  }

  /** Removes partial uploads in which no byte arrived for 24 h; returns how many. */
  async removeStaleUploads(): Promise<number> {
    return removeStalePartialUploads(this.incomingDir, this.now(), PARTIAL_UPLOAD_HOURS * 3600_000);
  }

  /**
   * The quarantine report of a contribution (`row;field;reason`, no values), for the users of
   * the delivering organisation and the broker: its contribution and the file to stream.
   */
  async openQuarantine(
    actor: string,
    id: string,
  ): Promise<{ contribution: Contribution; path: string }> {
    const row = await this.db
      .selectFrom('contributions')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw new GovernanceError('not_found', `contribution ${id} does not exist`);
    const user = await this.getUser(actor);
    if (!user.roles.includes('broker') && !user.organisations.includes(row.organisation_id))
      throw new GovernanceError(
        'forbidden',
        `${user.email} does not belong to ${row.organisation_id}, which delivered contribution ${id}: only its users and the broker read its quarantine report`,
      );
    if (row.purged_at)
      throw new GovernanceError('not_found', `contribution ${id} was purged on ${row.purged_at}`);
    if (!row.quarantine_path)
      throw new GovernanceError(
        'not_found',
        `contribution ${id} has no quarantine report (${Number(row.quarantined)} rows quarantined)`,
      );
    return { contribution: this.contributionView(row), path: this.absolute(row.quarantine_path) };
  }

  private async refuseDuplicate(datasetId: string, sha256: string): Promise<void> {
    const dup = await this.db
      .selectFrom('contributions')
      .select('id')
      .where('dataset_id', '=', datasetId)
      .where('sha256', '=', sha256)
      .where('purged_at', 'is', null)
      .executeTakeFirst();
    if (dup)
      throw new GovernanceError(
        'conflict',
        `this file was already delivered as contribution ${dup.id}`,
      );
  }

  /**
   * A received, checksummed file to its place: row validation (the quarantine report next to
   * it), atomic renames to `contributions/<dataset>/<sha256>.<ext>` and
   * `<sha256>.quarantine.csv`, and the record. Refusals name the upload, never a server path.
   */
  private async storeUpload(
    actor: string,
    datasetId: string,
    received: ReceivedFile,
    validate: ValidateFn,
  ): Promise<Contribution> {
    const ext = datasetContract(datasetId).format === 'parquet' ? 'parquet' : 'csv';
    const storagePath = join('contributions', datasetId, `${received.sha256}.${ext}`);
    const quarantineStored = join('contributions', datasetId, `${received.sha256}.quarantine.csv`);
    const finalPath = this.absolute(storagePath);
    const quarantineTemp = `${received.tempPath}.quarantine.csv`;
    await this.refuseDuplicate(datasetId, received.sha256);
    try {
      let counts: ValidationCounts;
      try {
        counts = await validate(received.tempPath, datasetId, {
          quarantineFile: quarantineTemp,
          label: `the upload of ${datasetId} (sha256 ${short(received.sha256)})`,
        });
      } catch (err) {
        if (!(err instanceof GovernanceError)) throw err;
        const scrubbed = err.message
          .replaceAll(received.tempPath, `the upload of ${datasetId}`)
          .replaceAll(this.store.dataDir, '…');
        throw new GovernanceError(err.code, scrubbed);
      }
      const hasQuarantine = counts.quarantined > 0 && existsSync(quarantineTemp);
      // Only the broker's own user reads contributions (0600 in 0700 folders), whatever the umask.
      await privateDir(dirname(finalPath), 2);
      if (hasQuarantine) {
        await chmod(quarantineTemp, PRIVATE_FILE);
        await rename(quarantineTemp, this.absolute(quarantineStored));
      }
      await chmod(received.tempPath, PRIVATE_FILE);
      await rename(received.tempPath, finalPath);
      try {
        return await this.recordContribution(actor, {
          datasetId,
          sha256: received.sha256,
          bytes: received.bytes,
          storagePath,
          accepted: counts.accepted,
          quarantined: counts.quarantined,
          reasons: counts.reasons,
          period: counts.period ?? null,
          quarantinePath: hasQuarantine ? quarantineStored : null,
        });
      } catch (err) {
        await rm(finalPath, { force: true });
        if (hasQuarantine) await rm(this.absolute(quarantineStored), { force: true });
        throw err;
      }
    } finally {
      await rm(quarantineTemp, { force: true });
    }
  }

  private contributionView(r: Database['contributions']): Contribution {
    return {
      id: r.id,
      agreementId: r.agreement_id,
      datasetId: r.dataset_id,
      organisationId: r.organisation_id,
      uploadedBy: r.uploaded_by,
      sha256: r.sha256,
      bytes: Number(r.bytes),
      rows: Number(r.rows),
      accepted: Number(r.accepted),
      quarantined: Number(r.quarantined),
      reasons: JSON.parse(r.reasons) as Record<string, number>,
      storagePath: r.storage_path,
      createdAt: r.created_at,
      purgedAt: r.purged_at,
      period: r.period ? (JSON.parse(r.period) as number[]) : null,
      version: Number(r.version),
      quarantinePath: r.quarantine_path,
    };
  }

  /** Contributions, optionally only those of some organisations (providers see their own). */
  async listContributions(opts: { organisations?: string[] } = {}): Promise<Contribution[]> {
    let q = this.db.selectFrom('contributions').selectAll().orderBy('created_at').orderBy('id');
    if (opts.organisations) {
      if (opts.organisations.length === 0) return [];
      q = q.where('organisation_id', 'in', opts.organisations);
    }
    return (await q.execute()).map((r) => this.contributionView(r));
  }

  // ---------------------------------------------------------------- runs and the airlock

  private async refuseRun(
    actor: string,
    subject: string,
    err: PurposeBindingError,
    runId: string | null,
  ) {
    await this.tx(async (trx) => {
      if (runId) {
        await trx
          .updateTable('runs')
          .set({ state: 'refused', finished_at: this.now().toISOString() })
          .where('id', '=', runId)
          .execute();
      }
      await this.audit(trx, actor, 'run.refused', subject, {
        indicator: err.indicatorId,
        dataset: err.datasetId,
        missing: err.missing,
      });
    });
  }

  /**
   * Starts a run after purpose binding; a refused run is logged and throws PurposeBindingError.
   * `inputs` are the contributions it reads and `scope` what it was asked to publish: both are
   * fixed here, so that a restart after a crash computes from the same data.
   */
  async startRun(
    actor: string,
    input: {
      id?: string;
      indicators: IndicatorRef[];
      inputs?: RunInput[];
      scope?: Record<string, unknown>;
    },
  ): Promise<Run> {
    await this.requireRole(actor, ['broker'], 'start runs');
    if (input.indicators.length === 0)
      throw new GovernanceError('invalid', 'a run needs at least one indicator');
    const id = input.id ?? `run-${randomUUID()}`;
    let agreements: string[];
    try {
      agreements = await this.assertPurpose(input.indicators, this.now());
    } catch (err) {
      if (err instanceof PurposeBindingError) await this.refuseRun(actor, id, err, null);
      throw err;
    }
    const datasets = [...new Set(input.indicators.flatMap((i) => i.sources))].sort();
    const indicators = input.indicators.map((i) => ({
      id: i.id,
      theme: i.theme,
      sources: [...i.sources],
    }));
    const startedAt = this.now().toISOString();
    await this.tx(async (trx) => {
      await trx
        .insertInto('runs')
        .values({
          id,
          started_by: actor,
          started_at: startedAt,
          indicators: JSON.stringify(indicators),
          datasets: JSON.stringify(datasets),
          agreements: JSON.stringify(agreements),
          state: 'running',
          finished_at: null,
          stage: null,
          progress: null,
          inputs: JSON.stringify(input.inputs ?? []),
          scope: input.scope ? JSON.stringify(input.scope) : null,
          cells_hash: null,
          release_id: null,
          error: null,
          attempts: 1,
        })
        .execute();
      await this.audit(trx, actor, 'run', id, {
        indicators: indicators.map((i) => i.id),
        datasets,
        agreements,
        inputs: (input.inputs ?? []).map((i) => ({
          contribution: i.contribution,
          sha256: i.sha256,
        })),
      });
    });
    return this.getRun(id);
  }

  private runView(r: Database['runs']): Run {
    return {
      id: r.id,
      startedBy: r.started_by,
      startedAt: r.started_at,
      indicators: JSON.parse(r.indicators) as IndicatorRef[],
      datasets: parseList(r.datasets),
      agreements: parseList(r.agreements),
      state: r.state as RunState,
      finishedAt: r.finished_at,
      stage: r.stage,
      progress: r.progress ? (JSON.parse(r.progress) as RunProgress) : null,
      inputs: r.inputs ? (JSON.parse(r.inputs) as RunInput[]) : [],
      scope: r.scope ? (JSON.parse(r.scope) as Record<string, unknown>) : null,
      cellsHash: r.cells_hash,
      releaseId: r.release_id,
      error: r.error,
      attempts: Number(r.attempts),
    };
  }

  async getRun(id: string): Promise<Run> {
    const r = await this.db.selectFrom('runs').selectAll().where('id', '=', id).executeTakeFirst();
    if (!r) throw new GovernanceError('not_found', `run ${id} does not exist`);
    return this.runView(r);
  }

  /** Runs, newest first. */
  async listRuns(): Promise<Run[]> {
    const rows = await this.db
      .selectFrom('runs')
      .selectAll()
      .orderBy('started_at', 'desc')
      .orderBy('id')
      .execute();
    return rows.map((r) => this.runView(r));
  }

  /** Where a running run is; progress is not audited (it is not a decision). */
  async reportRunProgress(id: string, stage: string, progress: RunProgress | null): Promise<void> {
    await this.db
      .updateTable('runs')
      .set({ stage, progress: progress ? JSON.stringify(progress) : null })
      .where('id', '=', id)
      .where('state', '=', 'running')
      .execute();
  }

  /** A run that stopped on an error: it can be restarted once the cause is mended. */
  async failRun(actor: string, id: string, error: string): Promise<Run> {
    const line = error.split('\n')[0]!.slice(0, 500);
    await this.tx(async (trx) => {
      const changed = await trx
        .updateTable('runs')
        .set({ state: 'failed', error: line, finished_at: this.now().toISOString() })
        .where('id', '=', id)
        .where('state', '=', 'running')
        .executeTakeFirst();
      if (Number(changed.numUpdatedRows) === 0) return;
      await this.audit(trx, actor, 'run.failed', id, { error: line });
    });
    return this.getRun(id);
  }

  /**
   * At start-up no run can be running: one still marked so was cut off by a crash or a stop. It
   * is marked `interrupted` (and logged), and can be restarted with `restartRun`.
   */
  async interruptRuns(): Promise<string[]> {
    const stuck = await this.db
      .selectFrom('runs')
      .select(['id', 'stage'])
      .where('state', '=', 'running')
      .execute();
    for (const r of stuck) {
      await this.tx(async (trx) => {
        await trx
          .updateTable('runs')
          .set({ state: 'interrupted', finished_at: this.now().toISOString() })
          .where('id', '=', r.id)
          .where('state', '=', 'running')
          .execute();
        await this.audit(trx, 'system', 'run.interrupted', r.id, { stage: r.stage });
      });
    }
    return stuck.map((r) => r.id);
  }

  /** An interrupted or failed run starts again, on the same inputs, as the same run. */
  async restartRun(actor: string, id: string): Promise<Run> {
    await this.requireRole(actor, ['broker'], 'restart runs');
    const run = await this.getRun(id);
    if (run.state !== 'interrupted' && run.state !== 'failed')
      throw new GovernanceError(
        'conflict',
        `run ${id} is ${run.state}; only an interrupted or failed run can be restarted`,
      );
    await this.tx(async (trx) => {
      const changed = await trx
        .updateTable('runs')
        .set({
          state: 'running',
          started_by: actor,
          stage: null,
          progress: null,
          error: null,
          finished_at: null,
          attempts: run.attempts + 1,
        })
        .where('id', '=', id)
        .where('state', '=', run.state)
        .executeTakeFirst();
      if (Number(changed.numUpdatedRows) === 0)
        throw new GovernanceError('conflict', `run ${id} changed while restarting; try again`);
      await this.audit(trx, actor, 'run.restarted', id, {
        attempt: run.attempts + 1,
        after: run.state,
      });
    });
    return this.getRun(id);
  }

  /**
   * The run's output enters the airlock. Purpose binding is checked again now: an agreement that
   * expired or was revoked during the run refuses the candidate.
   *
   * `digest` is `releaseDigest(releases/<id>/)` (src/release/integrity.ts) of the files the run
   * wrote; every approval signs it and publication recomputes it. When the folder is already on
   * disk (the pipeline writes it first) its digest must equal `digest`, and the list of its files
   * is recorded too, so that a later mismatch names the file; a folder that comes later is
   * checked at publication only.
   */
  async createCandidate(
    actor: string,
    input: {
      runId: string;
      releaseId?: string;
      digest: string;
      auditSummary: Record<string, unknown>;
      /** hashPublicCells of the candidate, recorded on the run. */
      cellsHash?: string;
    },
  ): Promise<Release> {
    const digest = hexDigest(input.digest, 'digest');
    if (input.releaseId !== undefined && !RELEASE_ID.test(input.releaseId)) {
      throw new GovernanceError(
        'invalid',
        `release id '${input.releaseId}': use letters, digits, '.', '_' and '-' (at most 81), starting with a letter or digit`,
      );
    }
    const run = await this.getRun(input.runId);
    if (run.startedBy !== actor) {
      throw new GovernanceError(
        'forbidden',
        `run ${run.id} was started by another user; only its runner submits its candidate`,
      );
    }
    if (run.state !== 'running')
      throw new GovernanceError('conflict', `run ${run.id} is ${run.state}, not running`);
    try {
      await this.assertPurpose(run.indicators, this.now());
    } catch (err) {
      if (err instanceof PurposeBindingError) await this.refuseRun(actor, run.id, err, run.id);
      throw err;
    }
    const providerIds = new Set(run.datasets.map((d) => datasetContract(d).provider as string));
    const providerOrgs = (await this.listOrganisations())
      .filter((o) => o.role === 'provider' && o.providerIds.some((p) => providerIds.has(p)))
      .map((o) => o.id);
    const id =
      input.releaseId ?? `rel-${this.now().toISOString().slice(0, 10)}-${randomUUID().slice(0, 8)}`;
    if (await this.db.selectFrom('releases').select('id').where('id', '=', id).executeTakeFirst()) {
      throw new GovernanceError('conflict', `release ${id} already exists`);
    }
    let files: ReleaseFileDigest[] | null = null;
    const dir = this.releaseDir(id);
    if (existsSync(dir)) {
      files = await releaseFileDigestsAsync(dir);
      const actual = digestOfFiles(files);
      if (actual !== digest) {
        const reason = `the files of releases/${id}/ have digest ${short(actual)}, not the submitted ${short(digest)}`;
        await this.logAudit(actor, 'integrity.refused', id, {
          stage: 'candidate',
          run: run.id,
          digest,
          actual,
          reason,
        });
        throw new GovernanceError('integrity', `candidate ${id} refused: ${reason}`);
      }
    }
    const at = this.now().toISOString();
    const verification = await verifyAuditTrail(this.db);
    await this.tx(async (trx) => {
      if (await trx.selectFrom('releases').select('id').where('id', '=', id).executeTakeFirst()) {
        throw new GovernanceError('conflict', `release ${id} already exists`);
      }
      await trx
        .insertInto('releases')
        .values({
          id,
          run_id: run.id,
          state: 'candidate',
          indicators: JSON.stringify(run.indicators.map((i) => i.id)),
          datasets: JSON.stringify(run.datasets),
          providers: JSON.stringify(providerOrgs),
          audit_summary: JSON.stringify(input.auditSummary),
          started_by: actor,
          created_at: at,
          published_at: null,
          published_by: null,
          withdrawn_at: null,
          withdrawn_by: null,
          withdraw_reason: null,
          digest,
          digest_files: files ? JSON.stringify(files) : null,
        })
        .execute();
      await trx
        .updateTable('runs')
        .set({
          state: 'candidate',
          finished_at: at,
          stage: null,
          progress: null,
          release_id: id,
          cells_hash: input.cellsHash ?? null,
        })
        .where('id', '=', run.id)
        .execute();
      await this.audit(trx, actor, 'candidate', id, {
        run: run.id,
        providers: providerOrgs,
        digest,
        files,
        auditTrailHead: verification.ok ? verification.head : null,
      });
    });
    return this.getRelease(id);
  }

  private async releaseRow(id: string): Promise<ReleaseRow> {
    const r = await this.db
      .selectFrom('releases')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (!r) throw new GovernanceError('not_found', `release ${id} does not exist`);
    return r;
  }

  private async releaseView(r: ReleaseRow): Promise<Release> {
    const reviews = await this.db
      .selectFrom('reviews')
      .selectAll()
      .where('release_id', '=', r.id)
      .orderBy('created_at')
      .orderBy('user_id')
      .execute();
    const rv: Review[] = reviews.map((x) => ({
      userId: x.user_id,
      capacity: x.capacity,
      decision: x.decision as Review['decision'],
      reason: x.reason,
      createdAt: x.created_at,
      digest: x.digest,
    }));
    const providers = parseList(r.providers);
    const providerStatus: Record<string, 'approved' | 'rejected' | 'pending'> = {};
    for (const p of providers) {
      const mine = rv.filter((x) => x.capacity === p);
      providerStatus[p] = mine.some((x) => x.decision === 'reject')
        ? 'rejected'
        : mine.some((x) => x.decision === 'approve')
          ? 'approved'
          : 'pending';
    }
    const boardApprovals = new Set(
      rv
        .filter(
          (x) => x.capacity === 'board' && x.decision === 'approve' && x.userId !== r.started_by,
        )
        .map((x) => x.userId),
    ).size;
    const ready =
      !rv.some((x) => x.decision === 'reject') &&
      Object.values(providerStatus).every((s) => s === 'approved') &&
      boardApprovals >= BOARD_QUORUM;
    return {
      id: r.id,
      runId: r.run_id,
      state: r.state as ReleaseState,
      indicators: parseList(r.indicators),
      datasets: parseList(r.datasets),
      providers,
      auditSummary: JSON.parse(r.audit_summary) as Record<string, unknown>,
      digest: r.digest,
      startedBy: r.started_by,
      createdAt: r.created_at,
      publishedAt: r.published_at,
      publishedBy: r.published_by,
      withdrawnAt: r.withdrawn_at,
      withdrawnBy: r.withdrawn_by,
      withdrawReason: r.withdraw_reason,
      reviews: rv,
      approval: {
        providers: providerStatus,
        board: { approvals: boardApprovals, required: BOARD_QUORUM },
        ready,
      },
    };
  }

  /**
   * One release. When `viewer` is given and the release is not public (candidate or rejected),
   * the access is logged.
   */
  async getRelease(id: string, viewer?: string): Promise<Release> {
    const view = await this.releaseView(await this.releaseRow(id));
    if (viewer !== undefined && (view.state === 'candidate' || view.state === 'rejected')) {
      await this.logAudit(viewer, 'access', id, { state: view.state });
    }
    return view;
  }

  async listReleases(opts: { states?: ReleaseState[] } = {}): Promise<Release[]> {
    let q = this.db.selectFrom('releases').selectAll().orderBy('created_at').orderBy('id');
    if (opts.states) q = q.where('state', 'in', opts.states);
    return Promise.all((await q.execute()).map((r) => this.releaseView(r)));
  }

  /**
   * Approve or reject a candidate, for a provider organisation whose data it uses or as a board
   * member. The runner may not review; nobody reviews twice; a rejection needs a reason and
   * stops the candidate.
   *
   * An approval signs the release's `digest` (the content the reviewer looked at): it must be
   * sent and equal the recorded one, else the reviewer approved other content (409). A rejection
   * may omit it; when given, it must match too.
   */
  async review(
    actor: string,
    releaseId: string,
    input: { decision: 'approve' | 'reject'; reason?: string; capacity?: string; digest?: string },
  ): Promise<Release> {
    checkReviewLengths(input);
    const user = await this.getUser(actor);
    const reason = (input.reason ?? '').trim();
    if (input.decision !== 'approve' && input.decision !== 'reject') {
      throw new GovernanceError(
        'invalid',
        `decision must be approve or reject, not '${String(input.decision)}'`,
      );
    }
    if (input.decision === 'reject' && reason === '')
      throw new GovernanceError('invalid', 'a rejection needs a reason');
    if (input.decision === 'approve' && (input.digest === undefined || input.digest === '')) {
      throw new GovernanceError(
        'invalid',
        `an approval signs the content it approves: send the digest of release ${releaseId} (its 'digest', as you checked it)`,
      );
    }
    const signed =
      input.digest === undefined || input.digest === '' ? null : hexDigest(input.digest, 'digest');
    await this.tx(async (trx) => {
      const r = await trx
        .selectFrom('releases')
        .selectAll()
        .where('id', '=', releaseId)
        .executeTakeFirst();
      if (!r) throw new GovernanceError('not_found', `release ${releaseId} does not exist`);
      if (r.state !== 'candidate')
        throw new GovernanceError(
          'conflict',
          `release ${releaseId} is ${r.state}; only candidates are reviewed`,
        );
      if (r.started_by === actor) {
        throw new GovernanceError(
          'forbidden',
          `${user.email} started the run of ${releaseId} and cannot review it`,
        );
      }
      const before = await trx
        .selectFrom('reviews')
        .select('decision')
        .where('release_id', '=', releaseId)
        .where('user_id', '=', actor)
        .executeTakeFirst();
      if (before)
        throw new GovernanceError(
          'conflict',
          `${user.email} already reviewed ${releaseId} (${before.decision})`,
        );
      const capacities = [
        ...parseList(r.providers).filter((p) => user.organisations.includes(p)),
        ...(user.roles.includes('board') ? ['board'] : []),
      ];
      let capacity = input.capacity;
      if (capacity !== undefined) {
        if (!capacities.includes(capacity)) {
          throw new GovernanceError(
            'forbidden',
            `${user.email} cannot review ${releaseId} as '${capacity}'`,
          );
        }
      } else if (capacities.length === 1) {
        capacity = capacities[0];
      } else if (capacities.length === 0) {
        throw new GovernanceError(
          'forbidden',
          `${user.email} is neither a board member nor a member of a provider whose data ${releaseId} uses`,
        );
      } else {
        throw new GovernanceError(
          'invalid',
          `${user.email} may review as ${capacities.join(' or ')}: say which capacity`,
        );
      }
      if (capacity === undefined) throw new GovernanceError('invalid', 'no review capacity');
      if (signed !== null && r.digest === null) {
        throw new GovernanceError(
          'conflict',
          `release ${releaseId} has no recorded digest (it entered the airlock before digests were recorded); it cannot be approved: submit the run again`,
        );
      }
      if (signed !== null && signed !== r.digest) {
        throw new GovernanceError(
          'conflict',
          `${user.email} approved other content: the review signs digest ${short(signed)}, but release ${releaseId} has digest ${short(r.digest ?? '')}; fetch the release and its report again`,
        );
      }
      await trx
        .insertInto('reviews')
        .values({
          release_id: releaseId,
          user_id: actor,
          capacity,
          decision: input.decision,
          reason,
          created_at: this.now().toISOString(),
          digest: signed,
        })
        .execute();
      if (input.decision === 'reject') {
        await trx
          .updateTable('releases')
          .set({ state: 'rejected' })
          .where('id', '=', releaseId)
          .execute();
      }
      await this.audit(
        trx,
        actor,
        input.decision === 'approve' ? 'approval' : 'rejection',
        releaseId,
        { capacity, reason, ...(signed !== null ? { digest: signed } : {}) },
      );
    });
    return this.getRelease(releaseId);
  }

  /**
   * Publishes an approved candidate. From here on the release is immutable.
   *
   * Integrity: every approval must have signed the recorded digest, and the files of
   * `releases/<id>/` must still have that digest (recomputed now, streaming); otherwise the
   * publication is refused (GovernanceError 'integrity', naming the first file that differs when
   * the file list was recorded) and the refusal is written to the audit trail.
   */
  async publish(actor: string, releaseId: string): Promise<Release> {
    await this.requireRole(actor, ['broker'], 'publish releases');
    const row = await this.releaseRow(releaseId);
    const view = await this.releaseView(row);
    if (view.state !== 'candidate') {
      throw new GovernanceError(
        'conflict',
        `release ${releaseId} is ${view.state}; only an approved candidate can be published`,
      );
    }
    if (!view.approval.ready) {
      const pending = Object.entries(view.approval.providers)
        .filter(([, s]) => s !== 'approved')
        .map(([p]) => p);
      throw new GovernanceError(
        'conflict',
        `release ${releaseId} is not approved: providers pending ${pending.join(', ') || 'none'}; board ${view.approval.board.approvals}/${BOARD_QUORUM}`,
      );
    }
    // The agreements must still hold at publication.
    const run = await this.getRun(view.runId);
    await this.assertPurpose(run.indicators, this.now());
    const digest = await this.assertIntegrity(actor, row, view);
    await this.tx(async (trx) => {
      const res = await trx
        .updateTable('releases')
        .set({ state: 'published', published_at: this.now().toISOString(), published_by: actor })
        .where('id', '=', releaseId)
        .where('state', '=', 'candidate')
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1)
        throw new GovernanceError('conflict', `release ${releaseId} changed meanwhile`);
      await this.audit(trx, actor, 'publication', releaseId, {
        indicators: view.indicators,
        digest,
        approvals: view.reviews.map((x) => ({ user: x.userId, capacity: x.capacity })),
      });
    });
    return this.getRelease(releaseId);
  }

  /**
   * The publication's integrity check (see `publish`); returns the digest that is published.
   * A refusal is logged as `integrity.refused` before it is thrown.
   */
  private async assertIntegrity(actor: string, row: ReleaseRow, view: Release): Promise<string> {
    const id = row.id;
    const refuse = async (reason: string, details: Record<string, unknown> = {}) => {
      await this.logAudit(actor, 'integrity.refused', id, {
        stage: 'publication',
        digest: row.digest,
        reason,
        ...details,
      });
      return new GovernanceError('integrity', `release ${id} cannot be published: ${reason}`);
    };
    const recorded = row.digest;
    if (recorded === null) {
      throw await refuse(
        'no digest was recorded when it entered the airlock, so nothing ties its files to the approvals',
      );
    }
    const unsigned = view.reviews.filter((x) => x.decision === 'approve' && x.digest !== recorded);
    if (unsigned.length > 0) {
      const list = unsigned
        .map((x) => `${x.userId} (${x.capacity}) signed ${x.digest ? short(x.digest) : 'nothing'}`)
        .join(', ');
      throw await refuse(
        `approvals signed another digest than the recorded ${short(recorded)}: ${list}`,
        { approvals: unsigned.map((x) => ({ user: x.userId, digest: x.digest })) },
      );
    }
    const check = await this.checkFiles(row);
    if (!check.ok) {
      throw await refuse(`its files are not the approved content: ${check.reason}`, {
        actual: check.actual,
        ...(check.file ? { file: check.file } : {}),
      });
    }
    return recorded;
  }

  /** Recomputes the digest of `releases/<id>/` and compares it with the recorded one. */
  private async checkFiles(
    row: ReleaseRow,
  ): Promise<
    | { ok: true; digest: string }
    | { ok: false; reason: string; actual: string | null; file: string | null }
  > {
    const id = row.id;
    const recorded = row.digest;
    if (recorded === null) {
      return { ok: false, reason: 'no digest was recorded', actual: null, file: null };
    }
    const dir = this.releaseDir(id);
    if (!existsSync(dir)) {
      return { ok: false, reason: `releases/${id}/ does not exist`, actual: null, file: null };
    }
    let files: ReleaseFileDigest[];
    try {
      files = await releaseFileDigestsAsync(dir);
    } catch (err) {
      return {
        ok: false,
        reason: `releases/${id}/ cannot be read: ${(err as Error).message}`,
        actual: null,
        file: null,
      };
    }
    const actual = digestOfFiles(files);
    if (actual === recorded) return { ok: true, digest: actual };
    const before = row.digest_files ? (JSON.parse(row.digest_files) as ReleaseFileDigest[]) : null;
    const file =
      before && digestOfFiles(before) === recorded ? firstDifference(before, files) : null;
    return {
      ok: false,
      reason: `releases/${id}/ has digest ${short(actual)}, the recorded (and approved) one is ${short(recorded)}${file ? ` (${file})` : ''}`,
      actual,
      file,
    };
  }

  /**
   * Checks, without changing anything, that the files of a release still have its recorded
   * digest (e.g. `samenzicht releases verify`). `reason` names the first file that differs when
   * the file list was recorded at candidacy.
   */
  async verifyReleaseFiles(
    releaseId: string,
  ): Promise<{ ok: true; digest: string } | { ok: false; reason: string }> {
    const check = await this.checkFiles(await this.releaseRow(releaseId));
    return check.ok ? check : { ok: false, reason: check.reason };
  }

  /**
   * Opens the restricted report of a release (the full manifest, the internal cells with their
   * rules, the audit with its intervals) for `actor`: the broker, the board, and members of a
   * provider organisation whose data this release uses; anyone else is refused (403). Each read
   * is logged as `report.read` (with `details`, e.g. which part). Returns the release and the
   * folder to read from.
   */
  async openReport(
    actor: string,
    releaseId: string,
    details: Record<string, unknown> = {},
  ): Promise<{ release: Release; dir: string; files: ReleaseFileDigest[] | null }> {
    const user = await this.getUser(actor);
    const row = await this.releaseRow(releaseId);
    const release = await this.releaseView(row);
    const mine = release.providers.filter((p) => user.organisations.includes(p));
    const allowed =
      user.roles.includes('broker') || user.roles.includes('board') || mine.length > 0;
    if (!allowed) {
      throw new GovernanceError(
        'forbidden',
        `${user.email} may not read the restricted report of ${releaseId}: only the broker, the board and members of a provider whose data it uses (${release.providers.join(', ') || 'none'})`,
      );
    }
    const dir = this.releaseDir(releaseId);
    if (!existsSync(join(dir, RESTRICTED_DIR))) {
      throw new GovernanceError(
        'not_found',
        `release ${releaseId} has no restricted report on this broker (no ${RESTRICTED_DIR}/ in its folder)`,
      );
    }
    await this.logAudit(actor, 'report.read', releaseId, { state: release.state, ...details });
    return {
      release,
      dir,
      files: row.digest_files ? (JSON.parse(row.digest_files) as ReleaseFileDigest[]) : null,
    };
  }

  /** Withdraws a published release; it stays listed, marked withdrawn with its reason. */
  async withdraw(actor: string, releaseId: string, reason: string): Promise<Release> {
    await this.requireRole(actor, ['broker', 'board'], 'withdraw releases');
    const why = nonEmpty(reason, 'reason');
    await this.tx(async (trx) => {
      const res = await trx
        .updateTable('releases')
        .set({
          state: 'withdrawn',
          withdrawn_at: this.now().toISOString(),
          withdrawn_by: actor,
          withdraw_reason: why,
        })
        .where('id', '=', releaseId)
        .where('state', '=', 'published')
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) {
        const r = await trx
          .selectFrom('releases')
          .select('state')
          .where('id', '=', releaseId)
          .executeTakeFirst();
        if (!r) throw new GovernanceError('not_found', `release ${releaseId} does not exist`);
        throw new GovernanceError(
          'conflict',
          `release ${releaseId} is ${r.state}; only a published release can be withdrawn`,
        );
      }
      await this.audit(trx, actor, 'withdrawal', releaseId, { reason: why });
    });
    return this.getRelease(releaseId);
  }

  // ---------------------------------------------------------------- audit

  listAudit(opts: { afterSeq?: number; limit?: number; action?: string } = {}) {
    return listAudit(this.db, opts);
  }

  verifyAuditTrail() {
    return verifyAuditTrail(this.db);
  }
}
