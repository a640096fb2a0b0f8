/**
 * JSON schemas of the governance API (validation and OpenAPI via @fastify/swagger), each made
 * from its contract in src/contracts: a field is declared there once, for the domain's types,
 * this schema and the dashboard.
 */
import {
  Agreement,
  AuditEntry,
  AuditVerification,
  ContributionView,
  ErrorBody,
  IdParams,
  Me,
  OffsetConflict,
  Organisation,
  ReasonBody,
  Refusal,
  Release,
  ReleaseReport,
  ReleaseRow,
  ReportCells,
  Run,
  Session,
  Token,
  TokenCreated,
  UploadProgress,
  User,
  requestJson,
  responseJson,
} from '../../contracts/index.js';

export const errorSchema = responseJson(ErrorBody);
/** A contribution file refused as a whole (413, 422): which check, and where in the file. */
export const refusalSchema = responseJson(Refusal);
export const userSchema = responseJson(User);
/** The caller: a user, and how the request was authenticated. */
export const meSchema = responseJson(Me);
/** One of your tokens (GET /auth/tokens): never the secret, nor its hash. */
export const tokenSchema = responseJson(Token);
/** A new API token (POST /auth/tokens): the secret is in this answer only. */
export const tokenCreatedSchema = responseJson(TokenCreated);
export const sessionSchema = responseJson(Session);
export const organisationSchema = responseJson(Organisation);
export const agreementSchema = responseJson(Agreement);
export const contributionSchema = responseJson(ContributionView);
/** How far a resumable upload has come. */
export const uploadProgressSchema = responseJson(UploadProgress);
/** 409 of a resumable upload whose offset is not where the upload stands. */
export const offsetConflictSchema = responseJson(OffsetConflict);
export const releaseSchema = responseJson(Release);
/** One internal row of restricted/cells.csv (reviewers only). */
export const releaseRowSchema = responseJson(ReleaseRow);
export const reportSchema = responseJson(ReleaseReport);
export const reportCellsSchema = responseJson(ReportCells);
export const auditEntrySchema = responseJson(AuditEntry);
export const verificationSchema = responseJson(AuditVerification);
export const runSchema = responseJson(Run);

/** Ids in paths: at most 100 characters (LIMITS.id). */
export const idParams = requestJson(IdParams);
/** A reason (revocation, withdrawal): at most 2,000 characters (LIMITS.reason). */
export const reasonBody = requestJson(ReasonBody);

export const errorResponses = {
  400: errorSchema,
  401: errorSchema,
  403: errorSchema,
  404: errorSchema,
  409: errorSchema,
};

/** `{ <key>: [items] }`: a list answer. */
export function listOf(key: string, items: Record<string, unknown>) {
  return { type: 'object', properties: { [key]: { type: 'array', items } } } as const;
}
