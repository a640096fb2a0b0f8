/** Plain data the governance functions return (and the API serialises). */
import type { Channel } from './channel.js';

export const ROLES = ['provider', 'broker', 'board', 'consumer'] as const;
export type Role = (typeof ROLES)[number];

export interface Organisation {
  id: string;
  name: string;
  role: Role;
  providerIds: string[];
  createdAt: string;
}

export interface User {
  id: string;
  email: string;
  name: string;
  organisations: string[];
  roles: Role[];
}

/** Who is calling: a user with the roles of the organisations they belong to. */
export interface Principal extends User {
  via: 'api-token' | 'session' | 'internal';
  /** The channel of its requests: `api` for a token, `dashboard` or `oidc` for a session. */
  channel?: Channel;
  /** The id of the token of this request (`GET /auth/tokens` marks it as current). */
  tokenId?: string;
}

export type AgreementStatus = 'draft' | 'proposed' | 'signed' | 'active' | 'expired' | 'revoked';

export interface Agreement {
  id: string;
  title: string;
  purpose: string;
  legalBasis: string;
  status: AgreementStatus;
  parties: { organisationId: string; signedBy: string | null; signedAt: string | null }[];
  datasets: string[];
  /** The contracts of the datasets: columns, types, identifier and region columns. */
  contracts: {
    id: string;
    provider: string;
    columns: {
      name: string;
      type: string;
      identifier: string | null;
      regionLevel: string | null;
    }[];
  }[];
  themes: string[];
  indicators: string[];
  validFrom: string;
  validUntil: string;
  retentionDays: number;
  createdAt: string;
  revokedAt: string | null;
  revokeReason: string | null;
  purgedAt: string | null;
}

export interface AgreementInput {
  id?: string;
  title: string;
  purpose: string;
  legalBasis: string;
  parties: string[];
  datasets: string[];
  themes: string[];
  indicators?: string[];
  validFrom: Date | string;
  validUntil: Date | string;
  retentionDays: number;
}

export interface ValidationCounts {
  accepted: number;
  quarantined: number;
  reasons: Record<string, number>;
  /** The years the accepted rows cover (the contract's period column); null for a register. */
  period?: number[] | null;
}

export interface ValidateOptions {
  /**
   * Where to write the per-row quarantine report when any row is quarantined: CSV `row;field;reason`
   * (source row numbers from 1, broker field names, reason texts; never a value). Nothing is
   * written when every row is accepted.
   */
  quarantineFile?: string;
  /** How refusals name the file (e.g. "the upload of brp_personen"), instead of its path. */
  label?: string;
}

/** Row validation against the dataset contract (ingest's job), injected so governance stays small. */
export type ValidateFn = (
  file: string,
  datasetId: string,
  opts?: ValidateOptions,
) => Promise<ValidationCounts>;

export interface Contribution {
  id: string;
  agreementId: string;
  datasetId: string;
  organisationId: string;
  uploadedBy: string;
  sha256: string;
  bytes: number;
  rows: number;
  accepted: number;
  quarantined: number;
  reasons: Record<string, number>;
  storagePath: string;
  createdAt: string;
  purgedAt: string | null;
  /** The years it covers; null for a register, which a later delivery replaces whole. */
  period: number[] | null;
  /** Its place among this organisation's deliveries of the dataset (1, 2, …). */
  version: number;
  /** Where its per-row quarantine report is kept (relative to the data dir), if any row was. */
  quarantinePath: string | null;
}

export interface IndicatorRef {
  id: string;
  theme: string;
  sources: string[];
}

export interface Run {
  id: string;
  startedBy: string;
  startedAt: string;
  indicators: IndicatorRef[];
  datasets: string[];
  agreements: string[];
  state: RunState;
  finishedAt: string | null;
  /** Where a running run is: linkage, indicators, disclosure, release. */
  stage: string | null;
  progress: RunProgress | null;
  /** The contributions the run reads, fixed when it starts: a restart reads the same. */
  inputs: RunInput[];
  /** What the run publishes (indicators, detail, breakdowns), as it was asked. */
  scope: Record<string, unknown> | null;
  /** The hash of the candidate's public cells: the same inputs give the same hash. */
  cellsHash: string | null;
  releaseId: string | null;
  /** Why a failed run failed (one line, no paths). */
  error: string | null;
  /** 1, then one more for each restart. */
  attempts: number;
}

export interface RunProgress {
  done: number;
  total: number;
  what: string;
}

export interface RunInput {
  contribution: string;
  dataset: string;
  sha256: string;
  period: number[] | null;
}

/** A run is `running` until it ends as a candidate, is refused, fails, or is cut off by a crash. */
export type RunState = 'running' | 'interrupted' | 'failed' | 'candidate' | 'refused';

export type ReleaseState = 'candidate' | 'rejected' | 'published' | 'withdrawn';

export interface Review {
  userId: string;
  capacity: string;
  decision: 'approve' | 'reject';
  reason: string;
  createdAt: string;
  /** The release digest the reviewer signed (always for an approval; null for a rejection without one). */
  digest: string | null;
}

export interface Release {
  id: string;
  runId: string;
  state: ReleaseState;
  indicators: string[];
  datasets: string[];
  providers: string[];
  auditSummary: Record<string, unknown>;
  /**
   * sha256 over every file of `releases/<id>/` (public and restricted; `releaseDigest` in
   * src/release/integrity.ts), recorded when the candidate entered the airlock. Approvals sign it;
   * publication recomputes it. Null only for releases recorded before digests existed.
   */
  digest: string | null;
  startedBy: string;
  createdAt: string;
  publishedAt: string | null;
  publishedBy: string | null;
  withdrawnAt: string | null;
  withdrawnBy: string | null;
  withdrawReason: string | null;
  reviews: Review[];
  approval: {
    providers: Record<string, 'approved' | 'rejected' | 'pending'>;
    board: { approvals: number; required: number };
    ready: boolean;
  };
}
