/** `samenzicht demo` and `samenzicht serve`. */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { loadRegionSet, resolveRegionsDir, RegionsDirError } from '../../regions/index.js';
import {
  runDemo,
  DEMO_STAGES,
  DEFAULT_SCOPE,
  DemoDirError,
  prepareDemoDir,
} from '../../pipeline/demo.js';
import type { RunScope } from '../../pipeline/compute.js';
import { CATALOGUE } from '../../engine/index.js';
import { ConsoleProgress, runStage } from '../../pipeline/progress.js';
import { startServer } from '../../pipeline/serve.js';
import { UsageError } from '../errors.js';
import {
  assertPortFree,
  parsePort,
  parsePublicUrl,
  parseScale,
  parseSeed,
  writableDir,
} from '../options.js';

export const DEFAULT_DATA_DIR = 'data';
export const DEFAULT_PORT = 8080;
export const DEFAULT_SCALE = 0.01;
export const DEFAULT_SEED = 2023;

/** Resolves where the region set comes from; a missing directory is a usage error. */
export function regionsDirFromOption(option: string | undefined): string | null {
  try {
    return resolveRegionsDir({ option, env: process.env, cwd: process.cwd() }).dir;
  } catch (err) {
    if (err instanceof RegionsDirError) throw new UsageError(err.message);
    throw err;
  }
}

function indicatorList(text: string, option: string): string[] {
  const ids = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = ids.filter((id) => !CATALOGUE.some((d) => d.id === id));
  if (unknown.length > 0) {
    throw new UsageError(
      `${option}: unknown indicator(s) ${unknown.join(', ')}; see \`samenzicht indicators list\``,
    );
  }
  return ids;
}

/** `--indicators` and `--detail` into the run's scope. */
export function scopeFromOptions(o: {
  indicators?: string;
  detail?: string;
  breakdowns?: boolean;
}): RunScope {
  const indicators =
    o.indicators && o.indicators !== 'all'
      ? indicatorList(o.indicators, '--indicators')
      : undefined;
  const detail =
    o.detail === undefined
      ? DEFAULT_SCOPE.detail
      : o.detail === 'all'
        ? 'all'
        : indicatorList(o.detail, '--detail');
  return { indicators, detail, breakdowns: o.breakdowns ?? DEFAULT_SCOPE.breakdowns };
}

interface DemoCliOptions {
  breakdowns?: boolean;
  indicators?: string;
  detail?: string;
  scale: string;
  seed: string;
  regions?: string;
  out: string;
  port: string;
  serve: boolean;
}

export function register(program: Command): void {
  program
    .command('demo')
    .description('run the whole flow on a synthetic Netherlands, then serve the dashboard')
    .option(
      '--scale <S>',
      'fraction of the Dutch population to generate (0.001 to 1)',
      String(DEFAULT_SCALE),
    )
    .option('--seed <N>', 'seed of the synthetic data', String(DEFAULT_SEED))
    .option('--regions <DIR>', 'directory with CBS region files')
    .option('--out <DIR>', 'data directory', DEFAULT_DATA_DIR)
    .option('--port <P>', 'port of the dashboard and API', String(DEFAULT_PORT))
    .option('--indicators <IDS>', 'comma-separated indicators to publish (default: all)')
    .option(
      '--detail <IDS>',
      "indicators also published per wijk and buurt, or 'all' (default: none)",
    )
    .option('--breakdowns', 'also publish breakdowns by sex and age group')
    .option('--no-serve', 'stop after publishing the release')
    .option(
      '--public-url <URL>',
      'absolute base of the URLs the API writes (default $SAMENZICHT_PUBLIC_URL or http://localhost:<port>)',
    )
    .action(async (o: DemoCliOptions & { publicUrl?: string }) => {
      const scale = parseScale(o.scale);
      const scope = scopeFromOptions(o);
      const seed = parseSeed(o.seed);
      const port = parsePort(o.port);
      const publicBaseUrl = parsePublicUrl(o.publicUrl, port);
      const dataDir = writableDir(o.out);
      try {
        prepareDemoDir(dataDir);
      } catch (err) {
        if (err instanceof DemoDirError) throw new UsageError(err.message);
        throw err;
      }
      const regionsDir = regionsDirFromOption(o.regions);
      if (o.serve) await assertPortFree(port);
      const progress = new ConsoleProgress(DEMO_STAGES);
      const regions = await runStage(
        progress,
        'Region set',
        () => loadRegionSet(regionsDir),
        (r) => r.source.description,
      );
      const result = await runDemo({
        scale,
        seed,
        dataDir,
        regions,
        progress,
        scope,
        databaseUrl: process.env.DATABASE_URL,
      });
      process.stdout.write(`${result.releaseId}\n`);
      process.stderr.write(`      release files: ${result.releaseDir}\n`);
      if (!o.serve) return;
      const server = await runStage(progress, 'Dashboard and API', () =>
        startServer({
          dataDir,
          regions,
          port,
          publicBaseUrl,
          databaseUrl: process.env.DATABASE_URL,
        }),
      );
      process.stderr.write(`\nSamenzicht is running on ${server.url} (Ctrl+C stops it)\n`);
      await server.closed;
    });

  program
    .command('serve')
    .description('serve the API and dashboard for an existing data directory')
    .option('--data <DIR>', 'data directory', DEFAULT_DATA_DIR)
    .option('--regions <DIR>', 'directory with CBS region files')
    .option('--port <P>', 'port', String(DEFAULT_PORT))
    .option(
      '--public-url <URL>',
      'absolute base of the URLs the API writes (default $SAMENZICHT_PUBLIC_URL or http://localhost:<port>)',
    )
    .action(async (o: { data: string; regions?: string; port: string; publicUrl?: string }) => {
      const port = parsePort(o.port);
      const publicBaseUrl = parsePublicUrl(o.publicUrl, port);
      const dataDir = resolve(o.data);
      if (!existsSync(dataDir))
        throw new UsageError(`--data ${o.data} does not exist; run \`samenzicht demo\` first`);
      const regions = await loadRegionSet(regionsDirFromOption(o.regions));
      await assertPortFree(port);
      process.stderr.write(`region set: ${regions.source.description}\n`);
      const server = await startServer({
        dataDir,
        regions,
        port,
        publicBaseUrl,
        databaseUrl: process.env.DATABASE_URL,
      });
      process.stderr.write(`Samenzicht is running on ${server.url} (Ctrl+C stops it)\n`);
      await server.closed;
    });
}
