/** `samenzicht demo` and `samenzicht serve`. */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { loadRegionSet } from '../../regions/index.js';
import {
  ExposedFilesError,
  InstanceError,
  instanceRegions,
  isInstance,
  readInstanceConfig,
} from '../../instance/index.js';
import {
  runDemo,
  checkDemoDir,
  DEMO_DEFAULTS,
  DEMO_STAGES,
  DEFAULT_SCOPE,
  DemoDirError,
  adminTokenFile,
  isDemoDir,
} from '../../demo/index.js';
import { AreaError, NATIONWIDE, parseAreaSpec, selectArea } from '../../synth/index.js';
import type { RunScope } from '../../pipeline/compute.js';
import { CATALOGUE } from '../../engine/index.js';
import { ConsoleProgress, runStage } from '../../pipeline/progress.js';
import { LOOPBACK, startServer, TRUST_PROXY_ENV } from '../../pipeline/serve.js';

/** pino levels `serve --log-level` takes. */
const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'];
import { UsageError } from '../errors.js';
import {
  assertPortFree,
  parsePort,
  parsePublicUrl,
  parseScale,
  parseSeed,
  writableDir,
  parseHost,
  parseRegionsOption,
} from '../options.js';

export const DEFAULT_DATA_DIR = 'data';
export const DEFAULT_PORT = 8080;
export const DEFAULT_AREA = DEMO_DEFAULTS.area;
export const DEFAULT_SCALE = DEMO_DEFAULTS.scale;
export const DEFAULT_SEED = DEMO_DEFAULTS.seed;

/** `--area` checked for its form (the codes are checked against the region set later). */
export function parseAreaOption(text: string): string {
  try {
    const spec = parseAreaSpec(text);
    return spec === NATIONWIDE ? NATIONWIDE : spec.join(',');
  } catch (err) {
    if (err instanceof AreaError) throw new UsageError(`--${err.message}`);
    throw err;
  }
}

/**
 * The area when `--area` is not given: the default area of the real division, the whole country
 * of the synthetic one (whose codes are GM9001…, VR01…).
 */
export function defaultAreaFor(regions: { source: { kind: string } }): string {
  return regions.source.kind === 'synthetic' ? NATIONWIDE : DEFAULT_AREA;
}

/** `--scale` (already parsed), or the default of the area: its full population, 1% for NL. */
export function scaleFor(area: string, scale: number | undefined): number {
  if (scale !== undefined) return scale;
  return area === NATIONWIDE ? DEMO_DEFAULTS.nationwideScale : DEMO_DEFAULTS.scale;
}

/** Resolves where the region set comes from; a missing directory is a usage error. */
export function regionsDirFromOption(option: string | undefined): string | null {
  return parseRegionsOption(option).dir;
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

/** `--indicators`, `--detail` and `--[no-]breakdowns` into the run's scope. */
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
        : o.detail === 'none'
          ? []
          : indicatorList(o.detail, '--detail');
  return { indicators, detail, breakdowns: o.breakdowns ?? DEFAULT_SCOPE.breakdowns };
}

interface DemoCliOptions {
  area?: string;
  breakdowns?: boolean;
  indicators?: string;
  detail?: string;
  scale?: string;
  seed: string;
  regions?: string;
  out: string;
  port: string;
  host?: string;
  serve: boolean;
}

const HOST_HELP =
  'address to listen on (default 127.0.0.1: this machine only; 0.0.0.0 for every interface, e.g. for a reverse proxy on another host)';

export function register(program: Command): void {
  registerDemo(program);
  registerServe(program);
}

function registerDemo(program: Command): void {
  program
    .command('demo')
    .description(
      'run the whole flow on a synthetic part of the Netherlands, then serve the dashboard',
    )
    .option(
      '--area <AREA>',
      `what to generate and publish: a veiligheidsregio VRxx, gemeenten GMxxxx,GMxxxx,… or NL (default ${DEFAULT_AREA}; NL with --regions synthetic)`,
    )
    .option(
      '--scale <S>',
      "fraction of the area's inhabitants to generate, 0.001 to 1 (default 1; 0.01 with --area NL)",
    )
    .option('--seed <N>', 'seed of the synthetic data', String(DEFAULT_SEED))
    .option('--regions <DIR>', 'directory with CBS region files')
    .option('--out <DIR>', 'data directory', DEFAULT_DATA_DIR)
    .option('--port <P>', 'port of the dashboard and API', String(DEFAULT_PORT))
    .option('--host <ADDR>', HOST_HELP)
    .option('--indicators <IDS>', 'comma-separated indicators to publish (default: all)')
    .option(
      '--detail <IDS>',
      "indicators published per wijk and buurt: comma-separated, 'all' or 'none' (default: all)",
    )
    .option('--breakdowns', 'publish the breakdowns by sex and age group (the default)')
    .option('--no-breakdowns', 'publish totals only')
    .option('--no-serve', 'stop after publishing the release')
    .option(
      '--public-url <URL>',
      'absolute base of the URLs the API writes (default $SAMENZICHT_PUBLIC_URL or http://localhost:<port>)',
    )
    .action(demoAction);
}

async function demoAction(o: DemoCliOptions & { publicUrl?: string }): Promise<void> {
  const areaOption = o.area === undefined ? undefined : parseAreaOption(o.area);
  const scaleOption = o.scale === undefined ? undefined : parseScale(o.scale);
  const scope = scopeFromOptions(o);
  const seed = parseSeed(o.seed);
  const port = parsePort(o.port);
  const publicBaseUrl = parsePublicUrl(o.publicUrl, port);
  const dataDir = writableDir(o.out);
  try {
    checkDemoDir(dataDir);
  } catch (err) {
    if (err instanceof DemoDirError) throw new UsageError(err.message);
    throw err;
  }
  const regionsDir = regionsDirFromOption(o.regions);
  const host = parseHost(o.host);
  if (o.serve) await assertPortFree(port, host);
  const progress = new ConsoleProgress(DEMO_STAGES);
  const regions = await runStage(
    progress,
    'Region set',
    () => loadRegionSet(regionsDir),
    (r) => r.source.description,
  );
  const area = areaOption ?? defaultAreaFor(regions);
  const scale = scaleFor(area, scaleOption);
  try {
    selectArea(regions, area);
  } catch (err) {
    if (err instanceof AreaError) throw new UsageError(`--${err.message}`);
    throw err;
  }
  const result = await runDemo({
    scale,
    seed,
    dataDir,
    regions,
    area,
    progress,
    scope,
    databaseUrl: process.env.DATABASE_URL,
  });
  process.stdout.write(`${result.releaseId}\n`);
  process.stderr.write(`      release files: ${result.releaseDir}\n`);
  process.stderr.write(
    `      the broker's administrator token: ${adminTokenFile(dataDir)} (e.g. samenzicht runs list --broker URL --token-file …)\n`,
  );
  if (!o.serve) return;
  const server = await runStage(progress, 'Dashboard and API', () =>
    startServer({
      dataDir,
      // The area's regions only: the dashboard lists and maps what the release covers.
      regions: result.area.regions,
      port,
      host,
      publicBaseUrl,
      databaseUrl: process.env.DATABASE_URL,
    }),
  );
  process.stderr.write(`\nSamenzicht is running on ${server.url} (Ctrl+C stops it)\n`);
  await server.closed;
}

interface ServeCliOptions {
  data: string;
  database?: string;
  demo?: boolean;
  regions?: string;
  port: string;
  host?: string;
  publicUrl?: string;
  tlsCert?: string;
  tlsKey?: string;
  logLevel: string;
}

function registerServe(program: Command): void {
  program
    .command('serve')
    .description(
      'serve an instance (made by `samenzicht init`) or a demo data directory: API, runs and dashboard',
    )
    .option('--data <DIR>', 'data directory', DEFAULT_DATA_DIR)
    .option('--database <URL>', 'PostgreSQL of the state (default $DATABASE_URL)')
    .option('--demo', 'serve a directory made by `samenzicht demo` (its demo users and agreement)')
    .option('--regions <DIR>', 'directory with CBS region files (an instance uses its own)')
    .option('--port <P>', 'port', String(DEFAULT_PORT))
    .option('--host <ADDR>', HOST_HELP)
    .option(
      '--public-url <URL>',
      'absolute base of the URLs the API writes (default $SAMENZICHT_PUBLIC_URL or http(s)://localhost:<port>)',
    )
    .option('--tls-cert <FILE>', 'serve HTTPS with this certificate (PEM; with --tls-key)')
    .option('--tls-key <FILE>', 'the private key of --tls-cert (PEM)')
    .option(
      '--log-level <LEVEL>',
      'request and error logs on stdout, one JSON line each: info, warn, error or silent',
      'info',
    )
    .action(serveAction);
}

/** `--tls-cert` and `--tls-key`, which go together. */
function tlsFromOptions(o: ServeCliOptions): { certFile: string; keyFile: string } | undefined {
  if (!o.tlsCert !== !o.tlsKey)
    throw new UsageError('--tls-cert and --tls-key go together: give both, or neither');
  return o.tlsCert && o.tlsKey
    ? { certFile: resolve(o.tlsCert), keyFile: resolve(o.tlsKey) }
    : undefined;
}

/** `--data`: an existing instance, or a demo directory when `--demo` says so. */
function servedDataDir(o: ServeCliOptions): string {
  const dataDir = resolve(o.data);
  if (!existsSync(dataDir))
    throw new UsageError(
      `--data ${o.data} does not exist; create an instance with \`samenzicht init --data ${o.data}\` (or run \`samenzicht demo\`)`,
    );
  if (isDemoDir(dataDir) && !o.demo)
    throw new UsageError(
      `--data ${o.data} was made by \`samenzicht demo\`: its users, agreement and data are the demo's, not a broker's; serve it with --demo, or create an instance with \`samenzicht init\``,
    );
  return dataDir;
}

/** An instance's own region set (its configuration must match the database given), or `--regions`. */
async function servedRegions(o: ServeCliOptions, dataDir: string, databaseUrl?: string) {
  if (!isInstance(dataDir)) return loadRegionSet(regionsDirFromOption(o.regions));
  let config;
  try {
    config = readInstanceConfig(dataDir);
  } catch (err) {
    if (err instanceof InstanceError) throw new UsageError(err.message);
    throw err;
  }
  if (config.database === 'postgres' && !databaseUrl)
    throw new UsageError(
      `this instance keeps its state in PostgreSQL: give --database URL or set DATABASE_URL`,
    );
  if (config.database === 'sqlite' && databaseUrl)
    throw new UsageError(
      `this instance keeps its state in SQLite (${o.data}/state.sqlite); unset DATABASE_URL`,
    );
  if (o.regions)
    throw new UsageError('--regions: an instance publishes on the region set of its configuration');
  return instanceRegions(dataDir, config);
}

async function serveAction(o: ServeCliOptions): Promise<void> {
  const port = parsePort(o.port);
  const host = parseHost(o.host);
  const tls = tlsFromOptions(o);
  if (!LOG_LEVELS.includes(o.logLevel))
    throw new UsageError(`--log-level '${o.logLevel}': use ${LOG_LEVELS.join(', ')}`);
  const publicBaseUrl = parsePublicUrl(o.publicUrl, port, tls !== undefined);
  const dataDir = servedDataDir(o);
  const databaseUrl = o.database ?? process.env.DATABASE_URL;
  const regions = await servedRegions(o, dataDir, databaseUrl);
  await assertPortFree(port, host);
  process.stderr.write(`region set: ${regions.source.description}\n`);
  if (!tls && host !== LOOPBACK && !process.env[TRUST_PROXY_ENV])
    process.stderr.write(
      `warning: serving plain HTTP on ${host}: put a TLS-terminating reverse proxy in front (docs/operations.md) or give --tls-cert and --tls-key\n`,
    );
  let server;
  try {
    server = await startServer({
      dataDir,
      regions,
      port,
      host,
      publicBaseUrl,
      ...(databaseUrl ? { databaseUrl } : {}),
      ...(tls ? { tls } : {}),
      logger: o.logLevel === 'silent' ? false : { level: o.logLevel },
    });
  } catch (err) {
    if (err instanceof ExposedFilesError) throw new UsageError(err.message);
    throw err;
  }
  process.stderr.write(`Samenzicht is running on ${server.url} (Ctrl+C stops it)\n`);
  await server.closed;
}
