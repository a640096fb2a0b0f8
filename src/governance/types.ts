/** Plain data the governance functions return (and the API serialises). */
import type { Channel } from './channel.js';

import type { AgreementDraft, PrincipalVia, User } from '../contracts/index.js';

// The shapes the governance API shows are contracts (src/contracts), declared there once.
export {
  ROLES,
  type Role,
  type Organisation,
  type User,
  type AgreementStatus,
  type AgreementParty,
  type Agreement,
  type Contribution,
  type ContributionView,
  type IndicatorRef,
  type Run,
  type RunProgress,
  type RunInput,
  type RunState,
  type ReleaseState,
  type Review,
  type Release,
  type ReviewInput,
} from '../contracts/index.js';

/** Who is calling: a user with the roles of the organisations they belong to. */
export interface Principal extends User {
  via: PrincipalVia;
  /** The channel of its requests: `api` for a token, `dashboard` or `oidc` for a session. */
  channel?: Channel;
  /** The id of the token of this request (`GET /auth/tokens` marks it as current). */
  tokenId?: string;
}

/** A draft as the domain takes it: the API's, with its dates also as `Date`s (CLI, demo). */
export type AgreementInput = Omit<AgreementDraft, 'validFrom' | 'validUntil'> & {
  validFrom: Date | string;
  validUntil: Date | string;
};

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
