/** Runs: one computation of indicators over stored contributions, ending as a candidate release. */
import { z } from 'zod';

/** A run is `running` until it ends as a candidate, is refused, fails, or is cut off by a crash. */
export const RUN_STATES = ['running', 'interrupted', 'failed', 'candidate', 'refused'] as const;
export const RunState = z.enum(RUN_STATES);
export type RunState = z.infer<typeof RunState>;

export const IndicatorRef = z.object({
  id: z.string(),
  theme: z.string(),
  sources: z.array(z.string()),
});
export type IndicatorRef = z.infer<typeof IndicatorRef>;

export const RunProgress = z.object({ done: z.int(), total: z.int(), what: z.string() });
export type RunProgress = z.infer<typeof RunProgress>;

export const RunInput = z.object({
  contribution: z.string(),
  dataset: z.string(),
  sha256: z.string(),
  period: z.array(z.int()).nullable(),
});
export type RunInput = z.infer<typeof RunInput>;

export const Run = z.object({
  id: z.string(),
  state: RunState,
  startedBy: z.string(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  /** Where a running run is: linkage, linkage-report, indicators, disclosure, release. */
  stage: z
    .string()
    .nullable()
    .describe('linkage, linkage-report, indicators, disclosure or release while running'),
  progress: RunProgress.nullable(),
  indicators: z.array(IndicatorRef),
  datasets: z.array(z.string()),
  agreements: z.array(z.string()),
  /** The contributions the run reads, fixed when it starts: a restart reads the same. */
  inputs: z.array(RunInput),
  /** What the run publishes (indicators, detail, breakdowns), as it was asked. */
  scope: z.record(z.string(), z.unknown()).nullable(),
  /** The hash of the candidate's public cells: the same inputs give the same hash. */
  cellsHash: z
    .string()
    .nullable()
    .describe('hash of the candidate’s public cells; equal inputs give an equal hash'),
  releaseId: z.string().nullable(),
  /** Why a failed run failed (one line, no paths). */
  error: z.string().nullable(),
  /** 1, then one more for each restart. */
  attempts: z.int(),
});
export type Run = z.infer<typeof Run>;

const IndicatorIds = z.array(z.string().min(1).max(100)).max(500);

/** A run's notes for its release: at most this many, each text at most this long. */
export const RUN_NOTES = { maxItems: 20, maxChars: 2000 } as const;

/** `POST /runs`: what to compute and publish; every field has a default. */
export const RunRequestBody = z.strictObject({
  indicators: IndicatorIds.optional(),
  detail: z.union([z.enum(['all']), IndicatorIds]).optional(),
  breakdowns: z.boolean().optional(),
  years: z.array(z.int().min(1900).max(2100)).min(1).max(50).optional(),
  regions: z
    .array(z.string().regex(/^[A-Z]{2}[0-9]{2,8}$/))
    .max(100_000)
    .optional()
    .describe('publish only these regions (a regional instance); default all'),
  notes: z
    .array(
      z.strictObject({
        nl: z.string().min(1).max(RUN_NOTES.maxChars),
        en: z.string().min(1).max(RUN_NOTES.maxChars),
      }),
    )
    .max(RUN_NOTES.maxItems)
    .optional()
    .describe('notes on the run for the release, in both languages'),
});
export type RunRequestBody = z.infer<typeof RunRequestBody>;
