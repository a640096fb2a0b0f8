/**
 * An instance's configuration, `samenzicht.json` at the root of its data directory: written by
 * `samenzicht init`, read by `serve` and by every run. It holds choices, never secrets: the
 * PostgreSQL URL comes from the environment (DATABASE_URL) or `--database`, tokens from files.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import { loadCatalogue, type ResolvedIndicator } from '../indicators/index.js';
import { loadRegionSet, resolveRegionsDir, type RegionSet } from '../regions/index.js';
import { selectArea } from '../synth/area.js';
import type { UploadLimits } from '../ingest/index.js';
import { runMemoryBudget } from './run-memory.js';

export const CONFIG_FILE = 'samenzicht.json';
export const INSTANCE_FORMAT = 'samenzicht-instance/1';
/** A run's memory budget unless `init --run-memory` says otherwise (src/instance/run-memory.ts). */
export const DEFAULT_RUN_MEMORY = '8GB';
/**
 * A national instance with every level and breakdown: a run audited against an earlier release
 * used 7.4 GB of JavaScript heap at scale 0.005 (npm run bench -- national).
 */
export const NATIONAL_RUN_MEMORY = '20GB';

const LIMIT = z.number().int().min(1);
/** Over the defaults of src/ingest/limits.ts: what one contribution file may hold here. */
const uploadLimitsSchema = z
  .strictObject({
    uploadBytes: LIMIT,
    rows: LIMIT,
    decompressedBytes: LIMIT,
    fieldBytes: LIMIT,
    columns: LIMIT,
    lineBytes: LIMIT,
  } satisfies Record<keyof UploadLimits, typeof LIMIT>)
  .partial();

export const instanceConfigSchema = z
  .object({
    format: z.literal(INSTANCE_FORMAT),
    createdAt: z.string(),
    /** The state database: SQLite in the data directory, or PostgreSQL (URL from the environment). */
    database: z.enum(['sqlite', 'postgres']),
    /**
     * The CBS division the instance publishes on: a region directory (`project` = the one shipped
     * with Samenzicht, `synthetic` = the generated test country) and its year.
     */
    regions: z.object({
      dir: z.string().min(1),
      year: z.number().int().min(1900).max(2100).optional(),
      /** The part of the division the instance covers: `VRxx` or `GMxxxx,GMxxxx` (default all). */
      area: z.string().min(1).optional(),
    }),
    /** How providers pseudonymise: two-stage keyed HMAC, or polymorphic (PEP, needs transcryptors). */
    scheme: z.enum(['keyed', 'pep']),
    /** The transcryptors the broker calls for PEP pseudonyms. */
    keyholder: z
      .object({ urls: z.array(z.string().url()).min(1), tokenFile: z.string().min(1) })
      .optional(),
    /** The instance's own indicator directories, added to the shipped catalogue. */
    catalogue: z.array(z.string().min(1)).default([]),
    /**
     * The memory budget of a run's process, split between its JavaScript heap and DuckDB (which
     * spills to the run's temp directory beyond its share): src/instance/run-memory.ts.
     */
    runMemoryLimit: z
      .string()
      .regex(/^\d+(\.\d+)?\s*[KMGT]i?B$/i)
      .default(DEFAULT_RUN_MEMORY),
    /** What one contribution file may hold, over the defaults (UPLOAD_LIMITS, src/ingest/limits.ts). */
    uploadLimits: uploadLimitsSchema.optional(),
  })
  .superRefine((c, ctx) => {
    try {
      runMemoryBudget(c.runMemoryLimit);
    } catch (err) {
      ctx.addIssue({ code: 'custom', path: ['runMemoryLimit'], message: (err as Error).message });
    }
    if (c.scheme === 'pep' && !c.keyholder)
      ctx.addIssue({
        code: 'custom',
        path: ['keyholder'],
        message: 'scheme pep needs the key holder (urls, tokenFile)',
      });
  });

export type InstanceConfig = z.infer<typeof instanceConfigSchema>;

export class InstanceError extends Error {
  override name = 'InstanceError';
}

export function configPath(dataDir: string): string {
  return join(dataDir, CONFIG_FILE);
}

export function isInstance(dataDir: string): boolean {
  return existsSync(configPath(dataDir));
}

export function readInstanceConfig(dataDir: string): InstanceConfig {
  const file = configPath(dataDir);
  if (!existsSync(file))
    throw new InstanceError(
      `${dataDir} is not a Samenzicht instance (no ${CONFIG_FILE}); create one with \`samenzicht init --data ${dataDir}\``,
    );
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new InstanceError(`${file}: not valid JSON (${(err as Error).message})`);
  }
  const parsed = instanceConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InstanceError(`${file}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return parsed.data;
}

export function writeInstanceConfig(dataDir: string, config: InstanceConfig): void {
  writeFileSync(configPath(dataDir), `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
}

/** A path in the config: absolute, or relative to the data directory. */
const inInstance = (dataDir: string, p: string) => (isAbsolute(p) ? p : resolve(dataDir, p));

/**
 * The instance's region set (its CBS division of the configured year) and, for a regional
 * instance, the regions it publishes: those it covers wholly (src/synth/area.ts).
 */
export async function instanceRegionScope(
  dataDir: string,
  config: InstanceConfig,
): Promise<{ regions: RegionSet; published: ReadonlySet<string> | null }> {
  const { dir, year } = config.regions;
  const resolved =
    dir === 'project'
      ? resolveRegionsDir({ env: {} }).dir
      : dir === 'synthetic'
        ? null
        : inInstance(dataDir, dir);
  const set = await loadRegionSet(resolved, year !== undefined ? { year } : {});
  if (!config.regions.area) return { regions: set, published: null };
  const area = selectArea(set, config.regions.area);
  return { regions: area.regions, published: area.nationwide ? null : area.published };
}

/** The instance's region set. */
export async function instanceRegions(dataDir: string, config: InstanceConfig): Promise<RegionSet> {
  return (await instanceRegionScope(dataDir, config)).regions;
}

/** The shipped catalogue plus the instance's own definition directories. */
export function instanceCatalogue(
  dataDir: string,
  config: InstanceConfig,
): readonly ResolvedIndicator[] {
  return loadCatalogue(config.catalogue.map((d) => inInstance(dataDir, d)));
}

export function instanceKeyholderTokenFile(dataDir: string, config: InstanceConfig): string | null {
  return config.keyholder ? inInstance(dataDir, config.keyholder.tokenFile) : null;
}
