/** The bodies of refusals: every error, a refused contribution file, an upload offset conflict. */
import { z } from 'zod';

export const ErrorBody = z.object({ error: z.string(), message: z.string() });
export type ErrorBody = z.infer<typeof ErrorBody>;

/** A contribution file refused as a whole (413, 422): which check, and where in the file. */
export const Refusal = ErrorBody.extend({
  reason: z.string().optional().describe('machine-readable: which check refused the file'),
  field: z.string().optional().describe('the column (as delivered) the refusal is about'),
  row: z.int().optional().describe('the data row (from 1; the header is not a row)'),
  rows: z.int().optional().describe('rows the refusal counts (never their values)'),
  limit: z
    .object({
      name: z.string().optional(),
      value: z.union([z.int(), z.string()]).optional(),
    })
    .optional(),
});
export type Refusal = z.infer<typeof Refusal>;

/** 409 of a resumable upload whose offset is not where the upload stands. */
export const OffsetConflict = ErrorBody.extend({
  offset: z
    .int()
    .optional()
    .describe('the bytes received so far: resume here (absent for other conflicts)'),
});
export type OffsetConflict = z.infer<typeof OffsetConflict>;
