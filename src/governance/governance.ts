/**
 * Governance of Samenzicht: organisations and their roles, agreements (convenanten) and their
 * lifecycle, contributions, purpose binding of runs, the airlock of candidate releases, and the
 * hash-chained audit trail. Returns plain data; knows nothing of HTTP.
 *
 * `Governance` is the facade: each method checks the policy (policy.ts) where it carries a role
 * rule and delegates to one module over a shared `GovernanceContext`:
 *
 *   organisations.ts        organisations and users
 *   sessions.ts             login, OIDC login, API tokens, authenticate (throttle: logins.ts)
 *   agreements.ts           agreements, signatures, revocation
 *   retention.ts            the retention purge of ended agreements' contributions
 *   purpose.ts              purpose binding
 *   contributions.ts        the record of a contribution, listing, quarantine reports
 *   contribution-uploads.ts receiving uploads (whole or in chunks), validation, refusals
 *   runs.ts                 runs, progress, failure, interruption, restart
 *   airlock.ts              candidates, releases, publication, withdrawal
 *   reviews.ts              approvals and rejections
 *   integrity.ts            release digests, the restricted report
 *   audit.ts                the audit trail
 */
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { ReleaseFileDigest } from '../release/integrity.js';
import type { Store } from '../store/index.js';
import * as agreements from './agreements.js';
import * as airlock from './airlock.js';
import { listAudit, verifyAuditTrail, type AuditAction } from './audit.js';
import * as uploads from './contribution-uploads.js';
import * as contributions from './contributions.js';
import { governanceContext, releaseDir, type GovernanceContext } from './context.js';
import * as integrity from './integrity.js';
import { DEFAULT_LOGIN_THROTTLE, type LoginThrottle } from './logins.js';
import * as organisations from './organisations.js';
import { authorize, SYSTEM_ACTOR } from './policy.js';
import { assertPurpose } from './purpose.js';
import { purgeExpired } from './retention.js';
import { review } from './reviews.js';
import * as runs from './runs.js';
import * as sessions from './sessions.js';
import type {
  Agreement,
  AgreementInput,
  AgreementStatus,
  Contribution,
  IndicatorRef,
  Organisation,
  Principal,
  Release,
  ReleaseState,
  ReviewInput,
  Run,
  RunProgress,
  User,
  ValidateFn,
} from './types.js';

export { BOARD_QUORUM } from './airlock.js';
export { API_TOKEN_DAYS, API_TOKEN_MAX_DAYS, type TokenInfo } from './sessions.js';

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

export class Governance {
  readonly now: () => Date;
  /** The folder that holds `<id>/` per release (see `GovernanceOptions.releasesDir`). */
  readonly releasesDir: string;
  readonly loginThrottle: LoginThrottle;
  /** What the modules work over: the store, the clock, the audit trail, the folders. */
  readonly context: GovernanceContext;

  constructor(
    readonly store: Store,
    opts: GovernanceOptions = {},
  ) {
    this.now = opts.now ?? (() => new Date());
    this.releasesDir = opts.releasesDir ?? join(store.dataDir, 'releases');
    this.loginThrottle = opts.loginThrottle ?? DEFAULT_LOGIN_THROTTLE;
    this.context = governanceContext(store, {
      now: this.now,
      releasesDir: this.releasesDir,
      loginThrottle: this.loginThrottle,
    });
  }

  /** The folder of one release, `<releasesDir>/<id>`. */
  releaseDir(id: string): string {
    return releaseDir(this.context, id);
  }

  /** Records an action that has no state change of its own (e.g. reading non-public output). */
  async logAudit(
    actor: string,
    action: AuditAction,
    subject: string,
    details: Record<string, unknown> = {},
  ) {
    return this.context.logAudit(actor, action, subject, details);
  }

  // ---------------------------------------------------------------- organisations and users

  /** Registers an organisation: the broker, or the system actor at `samenzicht init`. */
  async createOrganisation(
    actor: string,
    input: organisations.OrganisationInput,
  ): Promise<Organisation> {
    await authorize(this.context, actor, 'organisation.create');
    return organisations.createOrganisation(this.context, actor, input);
  }

  async listOrganisations(): Promise<Organisation[]> {
    return organisations.listOrganisations(this.context);
  }

  /** Creates a user: the broker, or the system actor at `samenzicht init`. */
  async createUser(actor: string, input: organisations.UserInput): Promise<User> {
    await authorize(this.context, actor, 'user.create');
    return organisations.createUser(this.context, actor, input);
  }

  async getUser(id: string): Promise<User> {
    return organisations.getUser(this.context, id);
  }

  async findUserByEmail(email: string): Promise<User | null> {
    return organisations.findUserByEmail(this.context, email);
  }

  async listUsers(): Promise<User[]> {
    return organisations.listUsers(this.context);
  }

  // ---------------------------------------------------------------- authentication

  /** Local account login (scrypt), throttled per account and address: see sessions.ts. */
  async login(
    email: string,
    password: string,
    opts: { address?: string } = {},
  ): Promise<{ token: string; expiresAt: string; user: User }> {
    return sessions.login(this.context, email, password, {
      ...opts,
      ...(this.onDummyPassword ? { onDummyPassword: this.onDummyPassword } : {}),
    });
  }

  /** Told each time a login is checked against the dummy hash (tests assert the path). */
  onDummyPassword: (() => void) | undefined = undefined;

  /** Login through an OpenID Connect provider: only users the broker provisioned. */
  async loginOidc(claims: {
    iss: string;
    sub: string;
    email?: string;
  }): Promise<{ token: string; expiresAt: string; user: User }> {
    return sessions.loginOidc(this.context, claims);
  }

  /** An API token for scripts; shown once, stored as its sha256 (1..365 days, default 90). */
  async createApiToken(
    userId: string,
    label: string,
    opts: { expiresInDays?: number } = {},
  ): Promise<{ token: string; id: string; label: string; expiresAt: string }> {
    return sessions.createApiToken(this.context, userId, label, opts);
  }

  /** Your tokens that still work (API tokens and sessions), newest first; never a secret. */
  async listTokens(userId: string): Promise<sessions.TokenInfo[]> {
    return sessions.listTokens(this.context, userId);
  }

  /** Revokes one of your own tokens by its id; another user's, or a spent one, is not found. */
  async revokeToken(userId: string, id: string): Promise<void> {
    return sessions.revokeToken(this.context, userId, id);
  }

  /** The principal behind a bearer or session token, or null when unknown, expired or revoked. */
  async authenticate(token: string): Promise<Principal | null> {
    return sessions.authenticate(this.context, token);
  }

  async logout(token: string): Promise<void> {
    return sessions.logout(this.context, token);
  }

  // ---------------------------------------------------------------- agreements

  static agreementStatus(
    row: Pick<agreements.AgreementRow, 'state' | 'valid_from' | 'valid_until'>,
    at: Date,
  ): AgreementStatus {
    return agreements.agreementStatus(row, at);
  }

  async getAgreement(id: string, at: Date = this.now()): Promise<Agreement> {
    return agreements.getAgreement(this.context, id, at);
  }

  async listAgreements(at: Date = this.now()): Promise<Agreement[]> {
    return agreements.listAgreements(this.context, at);
  }

  /** A draft agreement. Every dataset's provider must be among the parties. */
  async createAgreement(actor: string, input: AgreementInput): Promise<Agreement> {
    return agreements.createAgreement(this.context, actor, input);
  }

  /** Draft → proposed: the text is frozen and the parties may sign. */
  async proposeAgreement(actor: string, id: string): Promise<Agreement> {
    return agreements.proposeAgreement(this.context, actor, id);
  }

  /** A member signs for their organisation; the last signature makes the agreement signed. */
  async signAgreement(actor: string, id: string, organisationId?: string): Promise<Agreement> {
    return agreements.signAgreement(this.context, actor, id, organisationId);
  }

  /** Revocation stops new runs at once; contributions go after the retention period. */
  async revokeAgreement(actor: string, id: string, reason: string): Promise<Agreement> {
    return agreements.revokeAgreement(this.context, actor, id, reason);
  }

  /** Removes the contributions of agreements ended longer ago than their retention; logged. */
  async purgeExpired(
    actor = SYSTEM_ACTOR,
  ): Promise<{ agreementId: string; contributions: number }[]> {
    return purgeExpired(this.context, actor);
  }

  // ---------------------------------------------------------------- purpose binding

  /** The agreements that allow these indicators at `at`; PurposeBindingError when none does. */
  async assertPurpose(indicators: IndicatorRef[], at: Date = this.now()): Promise<string[]> {
    return assertPurpose(this.context, indicators, at);
  }

  // ---------------------------------------------------------------- contributions

  /** Records a delivered contribution (already stored and validated). */
  async recordContribution(
    actor: string,
    input: contributions.ContributionRecord,
  ): Promise<Contribution> {
    return contributions.recordContribution(this.context, actor, input);
  }

  /** Receives a contribution stream in one request (see contribution-uploads.ts). */
  async uploadContribution(
    actor: string,
    datasetId: string,
    body: Readable,
    opts: { sha256: string; maxBytes: number; validate: ValidateFn },
  ): Promise<Contribution> {
    return uploads.uploadContribution(this.context, actor, datasetId, body, opts);
  }

  /** Receives one chunk of a resumable upload (see contribution-uploads.ts). */
  async uploadContributionChunk(
    actor: string,
    datasetId: string,
    body: Readable,
    opts: uploads.ChunkOptions,
  ): Promise<{ offset: number; length: number; contribution: Contribution | null }> {
    return uploads.uploadContributionChunk(this.context, actor, datasetId, body, opts);
  }

  /** How far a partial upload of `actor` has come (`{offset, length}`); not_found when none. */
  async partialUpload(
    actor: string,
    datasetId: string,
    sha256: string,
  ): Promise<{ offset: number; length: number }> {
    return uploads.partialUpload(this.context, actor, datasetId, sha256);
  }

  /** Removes partial uploads in which no byte arrived for 24 h; returns how many. */
  async removeStaleUploads(): Promise<number> {
    return uploads.removeStaleUploads(this.context);
  }

  /** The quarantine report of a contribution, for its organisation and the broker. */
  async openQuarantine(
    actor: string,
    id: string,
  ): Promise<{ contribution: Contribution; path: string }> {
    return contributions.openQuarantine(this.context, actor, id);
  }

  /** Contributions, optionally only those of some organisations (providers see their own). */
  async listContributions(opts: { organisations?: string[] } = {}): Promise<Contribution[]> {
    return contributions.listContributions(this.context, opts);
  }

  // ---------------------------------------------------------------- runs

  /** Starts a run after purpose binding; a refused run is logged (PurposeBindingError). */
  async startRun(actor: string, input: runs.RunStart): Promise<Run> {
    return runs.startRun(this.context, actor, input);
  }

  async getRun(id: string): Promise<Run> {
    return runs.getRun(this.context, id);
  }

  /** Runs, newest first. */
  async listRuns(): Promise<Run[]> {
    return runs.listRuns(this.context);
  }

  /** Where a running run is; progress is not audited (it is not a decision). */
  async reportRunProgress(id: string, stage: string, progress: RunProgress | null): Promise<void> {
    return runs.reportRunProgress(this.context, id, stage, progress);
  }

  /** A run that stopped on an error: it can be restarted once the cause is mended. */
  async failRun(actor: string, id: string, error: string): Promise<Run> {
    return runs.failRun(this.context, actor, id, error);
  }

  /** At start-up: runs still marked running were cut off; they become `interrupted`. */
  async interruptRuns(): Promise<string[]> {
    return runs.interruptRuns(this.context);
  }

  /** An interrupted or failed run starts again, on the same inputs, as the same run. */
  async restartRun(actor: string, id: string): Promise<Run> {
    return runs.restartRun(this.context, actor, id);
  }

  // ---------------------------------------------------------------- the airlock

  /** The run's output enters the airlock (see airlock.ts: purpose and digest checked again). */
  async createCandidate(actor: string, input: airlock.CandidateInput): Promise<Release> {
    return airlock.createCandidate(this.context, actor, input);
  }

  /** One release; with `viewer`, reading a candidate or rejected release is logged. */
  async getRelease(id: string, viewer?: string): Promise<Release> {
    return airlock.getRelease(this.context, id, viewer);
  }

  async listReleases(opts: { states?: readonly ReleaseState[] } = {}): Promise<Release[]> {
    return airlock.listReleases(this.context, opts);
  }

  /** Approve or reject a candidate (see reviews.ts). */
  async review(actor: string, releaseId: string, input: ReviewInput): Promise<Release> {
    return review(this.context, actor, releaseId, input);
  }

  /** Publishes an approved, intact candidate. From here on the release is immutable. */
  async publish(actor: string, releaseId: string): Promise<Release> {
    return airlock.publish(this.context, actor, releaseId);
  }

  /** Checks, without changing anything, that a release's files still have its digest. */
  async verifyReleaseFiles(
    releaseId: string,
  ): Promise<{ ok: true; digest: string } | { ok: false; reason: string }> {
    return integrity.verifyReleaseFiles(this.context, releaseId);
  }

  /** Opens the restricted report of a release for `actor` (each read is logged). */
  async openReport(
    actor: string,
    releaseId: string,
    details: Record<string, unknown> = {},
  ): Promise<{ release: Release; dir: string; files: ReleaseFileDigest[] | null }> {
    return integrity.openReport(this.context, actor, releaseId, details);
  }

  /** Withdraws a published release; it stays listed, marked withdrawn with its reason. */
  async withdraw(actor: string, releaseId: string, reason: string): Promise<Release> {
    return airlock.withdraw(this.context, actor, releaseId, reason);
  }

  // ---------------------------------------------------------------- audit

  listAudit(opts: { afterSeq?: number; limit?: number; action?: string } = {}) {
    return listAudit(this.context.db, opts);
  }

  verifyAuditTrail() {
    return verifyAuditTrail(this.context.db);
  }
}
