/**
 * Table types of the state database. Timestamps are ISO-8601 strings and structured values are
 * JSON text, so SQLite and PostgreSQL share one code path and one canonical form for the audit
 * hash.
 */
import type { ReleaseState, RunState } from '../contracts/index.js';

export interface OrganisationTable {
  id: string;
  name: string;
  /** provider | broker | board | consumer: the role every member of the organisation holds. */
  role: string;
  /** For provider organisations: the provider ids (from the dataset contracts) it delivers for. */
  provider_ids: string;
  created_at: string;
}

export interface UserTable {
  id: string;
  email: string;
  name: string;
  /** scrypt$N$r$p$salt$hash (base64), or null for users who only log in through OIDC. */
  password_hash: string | null;
  oidc_issuer: string | null;
  oidc_subject: string | null;
  created_at: string;
}

export interface MembershipTable {
  user_id: string;
  organisation_id: string;
  created_at: string;
}

export interface TokenTable {
  /** sha256 (hex) of the secret token; the token itself is never stored. */
  token_hash: string;
  /** Opaque id by which the owner lists and revokes it: the first 16 hex of `token_hash`. */
  id: string;
  user_id: string;
  kind: string; // 'api' | 'session'
  label: string;
  created_at: string;
  /** Every token expires: sessions after 12 h, API tokens after 1..365 days (default 90). */
  expires_at: string | null;
  revoked_at: string | null;
  /** When the token last authenticated a request (updated at most once a minute). */
  last_used_at: string | null;
}

/** Failed logins per account or client address, for throttling and lockout. */
export interface LoginFailureTable {
  /** `account:<sha256 of the lowercased email>` or `address:<sha256 of the client address>`. */
  key: string;
  /** Failures since `first_at`, in the current window. */
  failures: number;
  first_at: string;
  /** Logins for this key are refused until then. */
  locked_until: string | null;
}

export interface AgreementTable {
  id: string;
  title: string;
  purpose: string;
  legal_basis: string;
  /** draft | proposed | signed | revoked; active/expired follow from validity and the clock. */
  state: string;
  datasets: string; // JSON string[]
  themes: string; // JSON string[]
  indicators: string; // JSON string[]; empty = every indicator of the allowed themes
  valid_from: string;
  valid_until: string;
  retention_days: number;
  created_by: string;
  created_at: string;
  proposed_at: string | null;
  signed_at: string | null;
  revoked_at: string | null;
  revoke_reason: string | null;
  purged_at: string | null;
}

export interface AgreementPartyTable {
  agreement_id: string;
  organisation_id: string;
  signed_by: string | null;
  signed_at: string | null;
}

export interface ContributionTable {
  id: string;
  agreement_id: string;
  dataset_id: string;
  organisation_id: string;
  uploaded_by: string;
  sha256: string;
  bytes: number;
  rows: number;
  accepted: number;
  quarantined: number;
  reasons: string; // JSON Record<string, number>
  storage_path: string;
  created_at: string;
  purged_at: string | null;
  /** JSON number[]: the years the accepted rows cover; null for a register without a period. */
  period: string | null;
  /** 1 for the first delivery of this dataset by this organisation, then 2, 3, … */
  version: number;
  /** The per-row quarantine report (CSV: row, field, reason; no values), relative to the data dir. */
  quarantine_path: string | null;
}

export interface RunTable {
  id: string;
  started_by: string;
  started_at: string;
  indicators: string; // JSON {id, theme, sources}[]
  datasets: string; // JSON string[]
  agreements: string; // JSON string[]
  state: RunState;
  finished_at: string | null;
  /** The stage a running run is in (linkage, indicators, disclosure, release). */
  stage: string | null;
  progress: string | null; // JSON {done, total, what}
  /** JSON {contribution, dataset, sha256, period}[]: the contributions the run reads. */
  inputs: string | null;
  scope: string | null; // JSON of the run's scope (indicators, detail, breakdowns)
  /** The sha256 of the candidate's public cells.csv (`publicCellsFile`): the same inputs give the same hash. */
  cells_hash: string | null;
  release_id: string | null;
  error: string | null;
  attempts: number;
}

export interface ReleaseTable {
  id: string;
  run_id: string;
  state: ReleaseState;
  indicators: string; // JSON string[]
  datasets: string; // JSON string[]
  providers: string; // JSON organisation ids whose data the release uses
  audit_summary: string; // JSON
  started_by: string;
  created_at: string;
  published_at: string | null;
  published_by: string | null;
  withdrawn_at: string | null;
  withdrawn_by: string | null;
  withdraw_reason: string | null;
  /**
   * sha256 over every file of `releases/<id>/` (src/release/integrity.ts), recorded when the
   * candidate enters the airlock; every approval signs it. Null only for releases created before
   * migration 0002. Never changes once set (a trigger refuses it).
   */
  digest: string | null;
  /** JSON {path, sha256, bytes}[] of the files the digest covers, when they were on disk at candidacy. */
  digest_files: string | null;
}

export interface ReviewTable {
  release_id: string;
  user_id: string;
  /** 'board' or the provider organisation id the reviewer speaks for. */
  capacity: string;
  decision: string; // approve | reject
  reason: string;
  created_at: string;
  /** The release digest this review signs (required for an approval since migration 0002). */
  digest: string | null;
}

export interface AuditTable {
  seq: number;
  at: string;
  actor: string;
  /** api | cli | dashboard | oidc | host | system; null on entries from before migration 0005. */
  channel: string | null;
  action: string;
  subject: string;
  details: string; // canonical JSON
  prev_hash: string;
  hash: string;
}

export interface OidcStateTable {
  state: string;
  code_verifier: string;
  nonce: string;
  created_at: string;
}

export interface Database {
  organisations: OrganisationTable;
  users: UserTable;
  memberships: MembershipTable;
  tokens: TokenTable;
  agreements: AgreementTable;
  agreement_parties: AgreementPartyTable;
  contributions: ContributionTable;
  runs: RunTable;
  releases: ReleaseTable;
  reviews: ReviewTable;
  audit_log: AuditTable;
  oidc_states: OidcStateTable;
  login_failures: LoginFailureTable;
}
