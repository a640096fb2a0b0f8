/**
 * Synthetic Netherlands: a seeded population with five years of provider registers, written as
 * each provider would deliver them, with injected defects and ground truth. See
 * docs/synthetic-data.md for the model, the planted structure and the defects.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { DATASETS, PROVIDERS } from '../ingest/contracts.js';
import type { RegionSet } from '../regions/index.js';
import { macros, modelSteps, type ModelStep } from './model.js';
import { loadRegionInputs } from './inputs.js';
import { writeDeliveries, writeManifests, type SynthFile } from './deliveries.js';
import { writeDefects, writePopulation } from './ground-truth.js';
import { countRows } from './sql.js';
import { YEARS, checkScale, checkSeed } from './params.js';

export { CASH_INTENSIVE_SBI } from './model.js';
export {
  AreaError,
  NATIONWIDE,
  describeArea,
  parseAreaSpec,
  selectArea,
  type Area,
  type AreaSpec,
} from './area.js';
export { DEFECT_KINDS, type DefectKind } from './output.js';
export type { SynthFile } from './deliveries.js';
export {
  YEARS,
  MIN_SCALE,
  MAX_SCALE,
  SynthParamError,
  checkScale,
  checkSeed,
  scaledPopulation,
} from './params.js';

export interface SynthResult {
  outDir: string;
  seed: number;
  scale: number;
  files: SynthFile[];
  /** Distinct persons in the population (residents in any year). */
  persons: number;
  years: number[];
  /** Rows listed in ground-truth/defects.csv. */
  defects: number;
  groundTruth: { defects: string; population: string; buurtConversion: string };
}

/**
 * Beside the ground truth: former buurt code → buurt of the region set, for the herindelingen of
 * the area (docs/synthetic-data.md, "Herindelingen"). The ground truth reads it; ingest derives
 * the same table from the region set (src/regions/herindelingen.ts).
 */
export const BUURT_CONVERSION_FILE = 'herindeling-buurten.csv';

export interface SynthOptions {
  scale: number;
  seed: number;
  outDir: string;
  regions: RegionSet;
  onProgress?: (stage: string, done: number, total: number) => void;
}

/** DuckDB in memory, spilling to a work folder inside `outDir` that `close` removes. */
async function openWorkspace(outDir: string) {
  const work = await mkdtemp(join(outDir, '.synth-work-'));
  const instance = await DuckDBInstance.create(':memory:', {
    // DuckDB's limit covers its buffer pool, not writer buffers or the allocator's slack: at
    // scale 1.0, 6 GB gave a peak RSS of 9.4 GiB, over the 8 GiB budget.
    memory_limit: '4GB',
    temp_directory: join(work, 'spill'),
    preserve_insertion_order: 'true',
  });
  const conn = await instance.connect();
  return {
    work,
    conn,
    async close() {
      conn.closeSync();
      instance.closeSync();
      await rm(work, { recursive: true, force: true });
    },
  };
}

/** Runs the model's steps on the loaded region inputs; returns the number of persons. */
async function runModel(
  conn: DuckDBConnection,
  seed: number,
  steps: readonly ModelStep[],
  done: (stage: string) => void,
): Promise<number> {
  await conn.run(macros(seed));
  for (const step of steps) {
    await conn.run(step.sql);
    done(step.stage);
  }
  const persons = await countRows(conn, 'persons');
  // Planted unknown codes must really be unknown.
  const clash = await conn.runAndReadAll(
    `SELECT buurt_code FROM buurt WHERE buurt_code LIKE 'BU____9999' LIMIT 1`,
  );
  if (clash.currentRowCount > 0) {
    throw new Error(
      `region set holds buurt ${String(clash.getRowsJS()[0]?.[0])}, which the generator reserves as an unknown code`,
    );
  }
  // Free what the writers no longer need (py and inc feed the BRP and income views).
  await conn.run('DROP TABLE tx; DROP TABLE crime_py; DROP TABLE reg; DROP TABLE hh_money;');
  return persons;
}

/** Generates the synthetic Netherlands into `outDir`: providers/<provider>/ and ground-truth/. */
export async function synthesise(opts: SynthOptions): Promise<SynthResult> {
  const scale = checkScale(opts.scale);
  const seed = checkSeed(opts.seed);
  const { outDir, regions } = opts;
  const steps = modelSteps();
  const total = 1 + steps.length + DATASETS.length + 1;
  let done = 0;
  const progress = (stage: string) => opts.onProgress?.(stage, ++done, total);

  await mkdir(join(outDir, 'ground-truth'), { recursive: true });
  for (const p of PROVIDERS) await mkdir(join(outDir, 'providers', p), { recursive: true });
  const { conn, work, close } = await openWorkspace(outDir);
  try {
    const conversionPath = join(outDir, 'ground-truth', BUURT_CONVERSION_FILE);
    await loadRegionInputs(conn, regions, scale, { work, conversionPath });
    progress('region set');
    const persons = await runModel(conn, seed, steps, progress);
    const files = await writeDeliveries(conn, outDir, seed, progress);
    await conn.run('DROP VIEW py; DROP VIEW inc;');
    const defects = await writeDefects(conn, outDir);
    const population = await writePopulation(conn, outDir);
    await writeManifests(outDir, files, `samenzicht synth (seed ${seed}, scale ${scale})`);
    progress('ground truth');
    return {
      outDir,
      seed,
      scale,
      files,
      persons,
      years: [...YEARS],
      defects: defects.count,
      groundTruth: { defects: defects.path, population, buurtConversion: conversionPath },
    };
  } finally {
    await close();
  }
}
