/**
 * The governance API's JSON as the page reads it: views of the contracts (src/contracts), so a
 * field's type is the server's. Only the fields the page uses. Release and run states are the
 * contracts' (their words are keyed by them, state-words.ts); roles and statuses are read as text,
 * since the page shows any value the server sends (and tests build rows by hand).
 */
import type {
  Agreement,
  AgreementParty as ContractParty,
  ContributionView,
  Me as ContractMe,
  Organisation,
  Release,
  Run,
  RunState as ContractRunState,
  User,
} from '../../../../src/contracts/index.js';

type Text<T> = { [K in keyof T]: T[K] extends readonly unknown[] ? string[] : string };

export type Me = Pick<ContractMe, 'name' | 'email' | 'organisations'> &
  Partial<Pick<ContractMe, 'id' | 'via'>> & { roles: string[] };

export type OrganisationRow = Pick<Organisation, 'id' | 'name' | 'providerIds'> &
  Partial<Pick<Organisation, 'createdAt'>> &
  Text<Pick<Organisation, 'role'>>;

export type UserRow = Pick<User, 'id' | 'email' | 'name' | 'organisations'> & { roles: string[] };

export type AgreementParty = ContractParty;

export type AgreementRow = Pick<Agreement, 'id' | 'datasets' | 'validUntil'> &
  Partial<Pick<Agreement, 'title' | 'purpose' | 'parties'>> &
  Text<Pick<Agreement, 'status'>>;

export type ContributionRow = Pick<
  ContributionView,
  'id' | 'datasetId' | 'rows' | 'accepted' | 'quarantined'
> &
  Partial<Pick<ContributionView, 'organisationId' | 'version' | 'createdAt' | 'quarantineUrl'>>;

type ReleaseReview = Release['reviews'][number];

export type AirlockRelease = Pick<Release, 'id' | 'indicators' | 'providers'> &
  Partial<Pick<Release, 'digest'>> &
  Pick<Release, 'state'> & {
    reviews: (Pick<ReleaseReview, 'userId' | 'capacity' | 'reason' | 'createdAt'> & {
      decision: string;
    })[];
    approval: Omit<Release['approval'], 'providers'> & { providers: Record<string, string> };
  };

export type RunState = ContractRunState;

export type RunRow = Pick<Run, 'id' | 'startedAt' | 'attempts'> &
  Partial<
    Pick<
      Run,
      'startedBy' | 'finishedAt' | 'stage' | 'progress' | 'releaseId' | 'cellsHash' | 'error'
    >
  > & {
    state: RunState;
    indicators: (Pick<Run['indicators'][number], 'id'> & { theme?: string })[];
    inputs: Pick<Run['inputs'][number], 'contribution' | 'dataset'>[];
  };
