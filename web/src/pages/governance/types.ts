/**
 * The governance API's JSON as the page reads it (src/api/governance/schemas.ts): only the
 * fields the page uses, optional where an older server may lack them.
 */
export interface Me {
  id?: string;
  name: string;
  email: string;
  roles: string[];
  organisations: string[];
  /** How this request was authenticated: a login session or an API token. */
  via?: 'session' | 'api-token' | 'internal';
}

export interface OrganisationRow {
  id: string;
  name: string;
  role: string;
  providerIds: string[];
  createdAt?: string;
}

export interface UserRow {
  id: string;
  email: string;
  name: string;
  organisations: string[];
  roles: string[];
}

export interface AgreementParty {
  organisationId: string;
  signedBy: string | null;
  signedAt: string | null;
}

export interface AgreementRow {
  id: string;
  title?: string;
  purpose?: string;
  status: string;
  parties?: AgreementParty[];
  datasets: string[];
  validUntil: string;
}

export interface ContributionRow {
  id: string;
  datasetId: string;
  organisationId?: string;
  rows: number;
  accepted: number;
  quarantined: number;
  version?: number;
  createdAt?: string;
  /** Where the per-row quarantine report is read (below the broker); null when none. */
  quarantineUrl?: string | null;
}

export interface AirlockRelease {
  id: string;
  state: string;
  /** sha256 of the candidate's files: what an approval signs. */
  digest?: string | null;
  indicators: string[];
  providers: string[];
  reviews: {
    userId: string;
    capacity: string;
    decision: string;
    reason: string;
    createdAt: string;
  }[];
  approval: {
    providers: Record<string, string>;
    board: { approvals: number; required: number };
    ready: boolean;
  };
}

export type RunState = 'running' | 'interrupted' | 'failed' | 'candidate' | 'refused';

export interface RunRow {
  id: string;
  state: RunState | string;
  startedBy?: string;
  startedAt: string;
  finishedAt?: string | null;
  /** linkage, indicators, disclosure or release while running. */
  stage?: string | null;
  progress?: { done: number; total: number; what: string } | null;
  indicators: { id: string; theme?: string }[];
  inputs: { contribution: string; dataset: string }[];
  releaseId?: string | null;
  cellsHash?: string | null;
  error?: string | null;
  attempts: number;
}
