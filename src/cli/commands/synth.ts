/** `samenzicht synth`: write the synthetic Netherlands (provider files and ground truth). */
import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { loadRegionSet } from '../../regions/index.js';
import { parseRegionsOption } from '../options.js';
import { MAX_SCALE, MIN_SCALE, synthesise } from '../../synth/index.js';

export function parseScale(raw: string): number {
  const scale = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(scale) || scale < MIN_SCALE || scale > MAX_SCALE) {
    throw new UsageError(
      `--scale must be a number from ${MIN_SCALE} to ${MAX_SCALE}, got '${raw}'`,
    );
  }
  return scale;
}

export function parseSeed(raw: string): number {
  const seed = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(seed)) {
    throw new UsageError(`--seed must be a whole number ≥ 0, got '${raw}'`);
  }
  return seed;
}

/** Creates `dir` when needed and proves it writable, or throws a one-line UsageError. */
export function ensureWritableDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    if (!statSync(dir).isDirectory()) throw new Error('not a directory');
    accessSync(dir, constants.W_OK);
  } catch (err) {
    const reason =
      err instanceof Error ? ((err as NodeJS.ErrnoException).code ?? err.message) : String(err);
    throw new UsageError(`--out ${dir} is not a writable directory (${reason})`);
  }
}

export function register(program: Command): void {
  program
    .command('synth')
    .description('generate synthetic provider registers with known truth (2019-2023)')
    .option('--scale <S>', `share of the Dutch population, ${MIN_SCALE} to ${MAX_SCALE}`, '0.01')
    .option('--seed <N>', 'random seed: the same seed and scale give byte-identical files', '1')
    .requiredOption('--out <DIR>', 'output directory (providers/ and ground-truth/)')
    .option(
      '--regions <DIR>',
      "CBS region files, or 'synthetic' (default: $SAMENZICHT_REGIONS, else the shipped CBS division)",
    )
    .action(async (opts: { scale: string; seed: string; out: string; regions?: string }) => {
      const scale = parseScale(opts.scale);
      const seed = parseSeed(opts.seed);
      const outDir = resolve(opts.out);
      const where = parseRegionsOption(opts.regions);
      ensureWritableDir(outDir);
      const regions = await loadRegionSet(where.dir, { seed });
      process.stdout.write(`regions: ${regions.source.description}\n`);
      const started = Date.now();
      const result = await synthesise({
        scale,
        seed,
        outDir,
        regions,
        onProgress: (stage, done, total) => process.stderr.write(`[${done}/${total}] ${stage}\n`),
      });
      const rows = result.files.reduce((s, f) => s + f.rows, 0);
      process.stdout.write(
        `synth: ${result.persons} persons, ${rows} rows in ${result.files.length} files, ${result.defects} planted defects, ` +
          `${((Date.now() - started) / 1000).toFixed(1)} s → ${outDir}\n`,
      );
    });
}
