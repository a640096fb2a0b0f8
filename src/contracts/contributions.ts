/** Contributions: a provider's delivery of one dataset under an agreement. */
import { z } from 'zod';
import { Id } from './fields.js';

/** A contribution as the broker keeps it (the API shows it as a `ContributionView`). */
export const Contribution = z.object({
  id: z.string(),
  agreementId: z.string(),
  datasetId: z.string(),
  organisationId: z.string(),
  uploadedBy: z.string(),
  sha256: z.string(),
  bytes: z.int(),
  rows: z.int(),
  accepted: z.int(),
  quarantined: z.int(),
  reasons: z.record(z.string(), z.int()).describe('quarantined rows per reason'),
  storagePath: z.string(),
  createdAt: z.string(),
  purgedAt: z.string().nullable(),
  /** The years it covers; null for a register, which a later delivery replaces whole. */
  period: z
    .array(z.int())
    .nullable()
    .describe('the years the accepted rows cover; null for a register'),
  /** Its place among this organisation's deliveries of the dataset (1, 2, …). */
  version: z
    .int()
    .describe("its place among the organisation's deliveries of the dataset (1, 2, …)"),
  /** Where its per-row quarantine report is kept (relative to the data dir), if any row was. */
  quarantinePath: z.string().nullable(),
});
export type Contribution = z.infer<typeof Contribution>;

/** A contribution as the API shows it: no server path; its quarantine report as a URL. */
export const ContributionView = Contribution.omit({
  storagePath: true,
  quarantinePath: true,
}).extend({
  quarantineUrl: z
    .string()
    .nullable()
    .describe(
      'where the per-row quarantine report (CSV row;field;reason, no values) is read, below the broker; null when no row was quarantined',
    ),
});
export type ContributionView = z.infer<typeof ContributionView>;

/** How far a resumable upload has come. */
export const UploadProgress = z.object({
  offset: z.int().describe('bytes received so far: the next chunk starts here'),
  length: z.int().describe('the total length declared when the upload began'),
});
export type UploadProgress = z.infer<typeof UploadProgress>;

/** `PUT /contributions/{dataset}`. */
export const DatasetParams = z.object({ dataset: Id });
export type DatasetParams = z.infer<typeof DatasetParams>;

/** `GET /contributions/{dataset}/uploads/{sha256}`. */
export const PartialUploadParams = z.object({ dataset: Id, sha256: z.string().max(64) });
export type PartialUploadParams = z.infer<typeof PartialUploadParams>;

/** The headers of an upload: whole (the hash) or resumable (also length and offset). */
export const UploadHeaders = z.object({
  'x-content-sha256': z.string().regex(/^[0-9a-fA-F]{64}$/),
  'upload-length': z
    .string()
    .regex(/^[0-9]{1,16}$/)
    .optional(),
  'upload-offset': z
    .string()
    .regex(/^[0-9]{1,16}$/)
    .optional(),
});
export type UploadHeaders = z.infer<typeof UploadHeaders> & { 'content-length'?: string };
