/** Release states, and a release as the airlock shows it: its reviews and approval. */
import { z } from 'zod';
import { LIMITS } from './limits.js';
import { Sha256Hex } from './fields.js';

/** Every state a release can be in: a candidate waits in the airlock. */
export const RELEASE_STATES = ['candidate', 'rejected', 'published', 'withdrawn'] as const;
export const ReleaseState = z.enum(RELEASE_STATES);
export type ReleaseState = z.infer<typeof ReleaseState>;

/** What a release state means, for everything that branches on it. */
export interface ReleaseStateRule {
  /** Consumers see it: the catalogue lists it, the open-data API serves or marks it. */
  readonly public: boolean;
  /** Its row and files may no longer change (the store's triggers refuse an update). */
  readonly frozen: boolean;
  /** The states it is entered from; none: a run's output enters the airlock in it. */
  readonly from: readonly ReleaseState[];
}

/**
 * The one table of release states. Adding a state to RELEASE_STATES fails to compile until it
 * has a row here, and then at every `Record<ReleaseState, …>` that names its words or handling.
 */
export const RELEASE_STATE_RULES = {
  candidate: { public: false, frozen: false, from: [] },
  rejected: { public: false, frozen: false, from: ['candidate'] },
  published: { public: true, frozen: true, from: ['candidate'] },
  withdrawn: { public: true, frozen: true, from: ['published'] },
} as const satisfies { readonly [S in ReleaseState]: ReleaseStateRule };

type Rules = typeof RELEASE_STATE_RULES;

/** The states a consumer can see: a release that was once public. */
export type PublicReleaseState = {
  [S in ReleaseState]: Rules[S]['public'] extends true ? S : never;
}[ReleaseState];
export const PUBLIC_RELEASE_STATES: readonly PublicReleaseState[] =
  RELEASE_STATES.filter(isPublicReleaseState);

export function isPublicReleaseState(state: ReleaseState): state is PublicReleaseState {
  return RELEASE_STATE_RULES[state].public;
}

/** May a release move from `from` to `to`? */
export function releaseMayMove(from: ReleaseState, to: ReleaseState): boolean {
  return (RELEASE_STATE_RULES[to].from as readonly ReleaseState[]).includes(from);
}

export const REVIEW_DECISIONS = ['approve', 'reject'] as const;
export const ReviewDecision = z.enum(REVIEW_DECISIONS);
export type ReviewDecision = z.infer<typeof ReviewDecision>;

export const Review = z.object({
  userId: z.string(),
  capacity: z.string(),
  decision: ReviewDecision,
  reason: z.string(),
  createdAt: z.string(),
  /** The release digest the reviewer signed (always for an approval; null for a rejection without one). */
  digest: z.string().nullable().describe('the release digest this review signed'),
});
export type Review = z.infer<typeof Review>;

/** Where a provider's approval of a candidate stands. */
export const ProviderApproval = z.enum(['approved', 'rejected', 'pending']);
export type ProviderApproval = z.infer<typeof ProviderApproval>;

export const ReleaseApproval = z.object({
  providers: z.record(z.string(), ProviderApproval),
  board: z.object({ approvals: z.int(), required: z.int() }),
  ready: z.boolean(),
});
export type ReleaseApproval = z.infer<typeof ReleaseApproval>;

export const Release = z.object({
  id: z.string(),
  runId: z.string(),
  state: ReleaseState,
  indicators: z.array(z.string()),
  datasets: z.array(z.string()),
  providers: z.array(z.string()),
  auditSummary: z.record(z.string(), z.unknown()),
  /**
   * sha256 over every file of `releases/<id>/` (public and restricted; `releaseDigest` in
   * src/release/integrity.ts), recorded when the candidate entered the airlock. Approvals sign it;
   * publication recomputes it. Null only for releases recorded before digests existed.
   */
  digest: z
    .string()
    .nullable()
    .describe(
      'sha256 over every file of the release folder (public and restricted), recorded when the candidate entered the airlock; approvals sign it',
    ),
  startedBy: z.string(),
  createdAt: z.string(),
  publishedAt: z.string().nullable(),
  publishedBy: z.string().nullable(),
  withdrawnAt: z.string().nullable(),
  withdrawnBy: z.string().nullable(),
  withdrawReason: z.string().nullable(),
  reviews: z.array(Review),
  approval: ReleaseApproval,
});
export type Release = z.infer<typeof Release>;

/** `GET /airlock/releases?state=`. */
export const ReleaseListQuery = z.strictObject({ state: ReleaseState.optional() });
export type ReleaseListQuery = z.infer<typeof ReleaseListQuery>;

/** `POST /airlock/releases/{id}/reviews`. */
export const ReviewInput = z.strictObject({
  decision: ReviewDecision,
  reason: z.string().max(LIMITS.reason).optional(),
  capacity: z
    .string()
    .max(LIMITS.id)
    .optional()
    .describe("'board' or the provider organisation id you review for"),
  digest: Sha256Hex.optional().describe(
    "The release's digest as you checked it (GET the release or its report): required to approve, and must equal the recorded one",
  ),
});
export type ReviewInput = z.infer<typeof ReviewInput>;

/** The statuses of an internal (restricted) cell: which kind of suppression, if any. */
export const INTERNAL_CELL_STATUSES = [
  'published',
  'suppressed-primary',
  'suppressed-secondary',
  'not-applicable',
] as const;

/** One internal row of restricted/cells.csv (reviewers only). */
export const ReleaseRow = z.object({
  indicator_id: z.string(),
  year: z.int(),
  region_level: z.string(),
  region_code: z.string(),
  parent_code: z.string().nullable(),
  breakdown: z.string(),
  value: z.number().nullable(),
  numerator: z.number().nullable(),
  denominator: z.number().nullable(),
  status: z.enum(INTERNAL_CELL_STATUSES),
  rule: z.string().nullable(),
});
export type ReleaseRow = z.infer<typeof ReleaseRow>;

const FileDigest = z.object({ path: z.string(), sha256: z.string(), bytes: z.int().optional() });

/** `GET /airlock/releases/{id}/report`: streamed as stored. */
export const ReleaseReport = z
  .object({
    release: z.object({
      id: z.string(),
      state: ReleaseState,
      digest: z.string().nullable(),
      providers: z.array(z.string()),
    }),
    files: z
      .array(FileDigest)
      .nullable()
      .describe('the files the digest covers, as recorded at candidacy'),
    cells: z
      .object({ href: z.string(), count: z.int().nullable() })
      .describe('the internal cells, paged at href'),
    manifest: z
      .record(z.string(), z.unknown())
      .describe('restricted/manifest.json: the full manifest with exact input counts'),
    audit: z
      .record(z.string(), z.unknown())
      .describe('restricted/audit.json: the full audit with intervals'),
  })
  .describe(
    'Streamed as it is stored: the restricted manifest and audit.json are embedded unchanged',
  );
export type ReleaseReport = z.infer<typeof ReleaseReport>;

/** `GET /airlock/releases/{id}/report/cells`: one page of the internal rows. */
export const ReportCellsQuery = z.strictObject({
  offset: z.int().min(0).default(0),
  limit: z.int().min(1).max(10000).default(1000),
});
export type ReportCellsQuery = z.input<typeof ReportCellsQuery>;

export const ReportCells = z.object({
  releaseId: z.string(),
  digest: z.string().nullable(),
  total: z.int(),
  offset: z.int(),
  limit: z.int(),
  rows: z.array(ReleaseRow),
});
export type ReportCells = z.infer<typeof ReportCells>;
