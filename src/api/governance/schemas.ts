/** JSON schemas of the governance API (validation and OpenAPI via @fastify/swagger). */
import { LIMITS } from '../../governance/limits.js';
import { CHANNELS } from '../../governance/channel.js';

const str = { type: 'string' } as const;
const nstr = { type: 'string', nullable: true } as const;
const strs = { type: 'array', items: str } as const;
const int = { type: 'integer' } as const;
const counts = { type: 'object', additionalProperties: { type: 'integer' } } as const;

export const errorSchema = {
  type: 'object',
  properties: { error: str, message: str },
  required: ['error', 'message'],
} as const;

/** A contribution file refused as a whole (413, 422): which check, and where in the file. */
export const refusalSchema = {
  type: 'object',
  properties: {
    error: str,
    reason: { ...str, description: 'machine-readable: which check refused the file' },
    message: str,
    field: { ...str, description: 'the column (as delivered) the refusal is about' },
    row: { ...int, description: 'the data row (from 1; the header is not a row)' },
    rows: { ...int, description: 'rows the refusal counts (never their values)' },
    limit: {
      type: 'object',
      properties: { name: str, value: { anyOf: [{ type: 'integer' }, { type: 'string' }] } },
    },
  },
  required: ['error', 'message'],
} as const;

export const userSchema = {
  type: 'object',
  properties: { id: str, email: str, name: str, organisations: strs, roles: strs },
  required: ['id', 'email', 'name', 'organisations', 'roles'],
} as const;

/** One of your tokens (GET /auth/tokens): never the secret, nor its hash. */
export const tokenSchema = {
  type: 'object',
  properties: {
    id: { ...str, description: 'opaque id: revoke with DELETE /auth/tokens/{id}' },
    kind: { type: 'string', enum: ['api', 'session'] },
    label: str,
    createdAt: str,
    expiresAt: nstr,
    lastUsedAt: { ...nstr, description: 'when it last authenticated a request (to the minute)' },
    current: { type: 'boolean', description: 'the token of this request' },
  },
  required: ['id', 'kind', 'label', 'createdAt', 'expiresAt', 'lastUsedAt', 'current'],
} as const;

/** A new API token (POST /auth/tokens): the secret is in this answer only. */
export const tokenCreatedSchema = {
  type: 'object',
  properties: {
    token: { ...str, description: 'the secret: shown once, stored only as its sha256' },
    id: str,
    label: str,
    expiresAt: str,
  },
  required: ['token', 'id', 'label', 'expiresAt'],
} as const;

export const sessionSchema = {
  type: 'object',
  properties: { token: str, expiresAt: str, user: userSchema },
  required: ['token', 'expiresAt', 'user'],
} as const;

export const organisationSchema = {
  type: 'object',
  properties: { id: str, name: str, role: str, providerIds: strs, createdAt: str },
  required: ['id', 'name', 'role', 'providerIds', 'createdAt'],
} as const;

export const agreementSchema = {
  type: 'object',
  properties: {
    id: str,
    title: str,
    purpose: str,
    legalBasis: str,
    status: {
      type: 'string',
      enum: ['draft', 'proposed', 'signed', 'active', 'expired', 'revoked'],
    },
    parties: {
      type: 'array',
      items: {
        type: 'object',
        properties: { organisationId: str, signedBy: nstr, signedAt: nstr },
      },
    },
    datasets: strs,
    contracts: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: str,
          provider: str,
          columns: {
            type: 'array',
            items: {
              type: 'object',
              properties: { name: str, type: str, identifier: nstr, regionLevel: nstr },
            },
          },
        },
      },
    },
    themes: strs,
    indicators: strs,
    validFrom: str,
    validUntil: str,
    retentionDays: int,
    createdAt: str,
    revokedAt: nstr,
    revokeReason: nstr,
    purgedAt: nstr,
  },
  required: ['id', 'status', 'parties', 'datasets', 'themes', 'validFrom', 'validUntil'],
} as const;

export const contributionSchema = {
  type: 'object',
  properties: {
    id: str,
    agreementId: str,
    datasetId: str,
    organisationId: str,
    uploadedBy: str,
    sha256: str,
    bytes: int,
    rows: int,
    accepted: int,
    quarantined: int,
    reasons: { ...counts, description: 'quarantined rows per reason' },
    createdAt: str,
    purgedAt: nstr,
    period: {
      type: 'array',
      items: int,
      nullable: true,
      description: 'the years the accepted rows cover; null for a register',
    },
    version: {
      ...int,
      description: "its place among the organisation's deliveries of the dataset (1, 2, …)",
    },
    quarantineUrl: {
      ...nstr,
      description:
        'where the per-row quarantine report (CSV row;field;reason, no values) is read, below the broker; null when no row was quarantined',
    },
  },
  required: [
    'id',
    'datasetId',
    'sha256',
    'rows',
    'accepted',
    'quarantined',
    'reasons',
    'period',
    'version',
    'quarantineUrl',
  ],
} as const;

/** How far a resumable upload has come. */
export const uploadProgressSchema = {
  type: 'object',
  properties: {
    offset: { ...int, description: 'bytes received so far: the next chunk starts here' },
    length: { ...int, description: 'the total length declared when the upload began' },
  },
  required: ['offset', 'length'],
} as const;

/** 409 of a resumable upload whose offset is not where the upload stands. */
export const offsetConflictSchema = {
  type: 'object',
  properties: {
    error: str,
    message: str,
    offset: {
      ...int,
      description: 'the bytes received so far: resume here (absent for other conflicts)',
    },
  },
  required: ['error', 'message'],
} as const;

export const releaseSchema = {
  type: 'object',
  properties: {
    id: str,
    runId: str,
    state: { type: 'string', enum: ['candidate', 'rejected', 'published', 'withdrawn'] },
    indicators: strs,
    datasets: strs,
    providers: strs,
    auditSummary: { type: 'object', additionalProperties: true },
    digest: {
      type: 'string',
      nullable: true,
      description:
        'sha256 over every file of the release folder (public and restricted), recorded when the candidate entered the airlock; approvals sign it',
    },
    startedBy: str,
    createdAt: str,
    publishedAt: nstr,
    publishedBy: nstr,
    withdrawnAt: nstr,
    withdrawnBy: nstr,
    withdrawReason: nstr,
    reviews: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          userId: str,
          capacity: str,
          decision: str,
          reason: str,
          createdAt: str,
          digest: { ...nstr, description: 'the release digest this review signed' },
        },
      },
    },
    approval: {
      type: 'object',
      properties: {
        providers: { type: 'object', additionalProperties: str },
        board: { type: 'object', properties: { approvals: int, required: int } },
        ready: { type: 'boolean' },
      },
    },
  },
  required: ['id', 'state', 'indicators', 'providers', 'digest', 'reviews', 'approval'],
} as const;

const nnum = { type: 'number', nullable: true } as const;
const fileDigests = {
  type: 'array',
  nullable: true,
  items: {
    type: 'object',
    properties: { path: str, sha256: str, bytes: int },
    required: ['path', 'sha256'],
  },
} as const;

/** One internal row of restricted/cells.csv (reviewers only). */
export const releaseRowSchema = {
  type: 'object',
  properties: {
    indicator_id: str,
    year: int,
    region_level: str,
    region_code: str,
    parent_code: nstr,
    breakdown: str,
    value: nnum,
    numerator: nnum,
    denominator: nnum,
    status: {
      type: 'string',
      enum: ['published', 'suppressed-primary', 'suppressed-secondary', 'not-applicable'],
    },
    rule: nstr,
  },
  required: ['indicator_id', 'year', 'region_level', 'region_code', 'status'],
} as const;

export const reportSchema = {
  type: 'object',
  description:
    'Streamed as it is stored: the restricted manifest and audit.json are embedded unchanged',
  properties: {
    release: {
      type: 'object',
      properties: { id: str, state: str, digest: nstr, providers: strs },
    },
    files: { ...fileDigests, description: 'the files the digest covers, as recorded at candidacy' },
    cells: {
      type: 'object',
      properties: { href: str, count: int },
      description: 'the internal cells, paged at href',
    },
    manifest: {
      type: 'object',
      additionalProperties: true,
      description: 'restricted/manifest.json: the full manifest with exact input counts',
    },
    audit: {
      type: 'object',
      additionalProperties: true,
      description: 'restricted/audit.json: the full audit with intervals',
    },
  },
  required: ['release', 'manifest', 'audit'],
} as const;

export const reportCellsSchema = {
  type: 'object',
  properties: {
    releaseId: str,
    digest: nstr,
    total: int,
    offset: int,
    limit: int,
    rows: { type: 'array', items: releaseRowSchema },
  },
  required: ['releaseId', 'total', 'offset', 'limit', 'rows'],
} as const;

export const auditEntrySchema = {
  type: 'object',
  properties: {
    seq: int,
    at: str,
    actor: str,
    channel: {
      type: 'string',
      nullable: true,
      enum: [...CHANNELS, null],
      description:
        'how the action came in: api, cli, dashboard, oidc, host (on the broker itself) or system; null before channels were recorded',
    },
    action: str,
    subject: str,
    details: { type: 'object', additionalProperties: true },
    prevHash: str,
    hash: str,
  },
  required: ['seq', 'at', 'actor', 'channel', 'action', 'subject', 'details', 'prevHash', 'hash'],
} as const;

export const verificationSchema = {
  type: 'object',
  properties: {
    ok: { type: 'boolean' },
    entries: int,
    head: str,
    firstBroken: int,
    reason: str,
  },
  required: ['ok', 'entries'],
} as const;

/** Ids in paths: at most 100 characters (LIMITS.id). */
export const idParams = {
  type: 'object',
  properties: { id: { type: 'string', maxLength: LIMITS.id } },
  required: ['id'],
} as const;
/** A reason (revocation, withdrawal): at most 2,000 characters (LIMITS.reason). */
export const reasonBody = {
  type: 'object',
  properties: { reason: { type: 'string', minLength: 1, maxLength: LIMITS.reason } },
  required: ['reason'],
  additionalProperties: false,
} as const;

export const errorResponses = {
  400: errorSchema,
  401: errorSchema,
  403: errorSchema,
  404: errorSchema,
  409: errorSchema,
};

export const runSchema = {
  type: 'object',
  properties: {
    id: str,
    state: { type: 'string', enum: ['running', 'interrupted', 'failed', 'candidate', 'refused'] },
    startedBy: str,
    startedAt: str,
    finishedAt: nstr,
    stage: { ...nstr, description: 'linkage, indicators, disclosure or release while running' },
    progress: {
      type: 'object',
      nullable: true,
      properties: { done: int, total: int, what: str },
    },
    indicators: {
      type: 'array',
      items: { type: 'object', properties: { id: str, theme: str, sources: strs } },
    },
    datasets: strs,
    agreements: strs,
    inputs: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          contribution: str,
          dataset: str,
          sha256: str,
          period: { type: 'array', nullable: true, items: int },
        },
      },
    },
    scope: { type: 'object', nullable: true, additionalProperties: true },
    cellsHash: {
      ...nstr,
      description: 'hash of the candidate’s public cells; equal inputs give an equal hash',
    },
    releaseId: nstr,
    error: nstr,
    attempts: int,
  },
  required: [
    'id',
    'state',
    'startedBy',
    'startedAt',
    'indicators',
    'datasets',
    'inputs',
    'attempts',
  ],
} as const;
