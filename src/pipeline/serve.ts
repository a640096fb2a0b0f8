/**
 * Serves a data directory: the public API over its releases (states from governance), the open
 * data routes, the governance API and the dashboard.
 */
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { buildServer, type ExtraPlugin, type LogOptions, type RateLimits } from '../api/server.js';
import type { IndicatorMeta } from '../contracts/index.js';
import { ReleaseCatalog, type ReleaseStateLookup } from '../api/releases/catalog.js';
import { opendataRoutes, releaseSourceFromCatalog } from '../api/opendata/index.js';
import { governanceRoutes } from '../api/governance/index.js';
import { Governance, GovernanceError } from '../governance/index.js';
import { openStore } from '../store/index.js';
import type { RegionSet } from '../regions/index.js';
import { indicatorMetadata } from './indicator-meta.js';
import { RunService } from './run-service.js';
import { recoverInstance } from './recover.js';
import { CATALOGUE, type ResolvedIndicator } from '../indicators/index.js';
import { instanceRunContext } from './instance-run.js';
import {
  instanceCatalogue,
  isInstance,
  readInstanceConfig,
  refuseExposedFiles,
} from '../instance/index.js';
import { uploadValidator } from '../ingest/upload-validator.js';
import { uploadLimits, type UploadLimits } from '../ingest/limits.js';

export interface ServeOptions {
  dataDir: string;
  regions: RegionSet;
  port: number;
  /**
   * Address to listen on: loopback unless told otherwise, since an instance holds pseudonymised
   * microdata and belongs behind a TLS-terminating reverse proxy (docs/operations.md).
   */
  host?: string;
  databaseUrl?: string;
  /** Request and error logs as JSON lines (pino); `samenzicht serve` writes them to stdout. */
  logger?: boolean | LogOptions;
  /**
   * Serve HTTPS with this certificate and key (PEM files), e.g. when no reverse proxy
   * terminates TLS in front of the broker.
   */
  tls?: { certFile: string; keyFile: string };
  /** Absolute base of public URLs (default http(s)://localhost:<port>). */
  publicBaseUrl?: string;
  /**
   * The reverse proxy whose forwarding headers to believe (address or CIDR, several comma
   * separated): the client address of login throttling and the protocol come from them.
   */
  trustProxy?: string;
  /** What one contribution file may hold, over the instance's `uploadLimits` and UPLOAD_LIMITS. */
  uploadLimits?: Partial<UploadLimits>;
}

export interface RunningServer {
  app: FastifyInstance;
  url: string;
  /** Resolves when the server has closed (SIGINT/SIGTERM or `close`). */
  closed: Promise<void>;
  close(): Promise<void>;
}

/** Number of buurten per gemeente in the region set: public metadata for comparable gemeenten. */
function buurtenPerGemeente(regions: RegionSet): Map<string, number> {
  const wijkParent = new Map(regions.ofLevel('wijk').map((w) => [w.code, w.parentCode]));
  const out = new Map<string, number>();
  for (const b of regions.ofLevel('buurt')) {
    const g = b.parentCode ? wijkParent.get(b.parentCode) : undefined;
    if (g) out.set(g, (out.get(g) ?? 0) + 1);
  }
  return out;
}

export interface PublicServerOptions {
  dataDir: string;
  regions: RegionSet;
  /** Lifecycle state and approved digest of each release (governance in production). */
  stateOf: ReleaseStateLookup;
  publicBaseUrl: string;
  logger?: boolean | LogOptions;
  webDir?: string | null;
  rateLimits?: Partial<RateLimits>;
  /** The indicator catalogue's public metadata (default: the compiled catalogue). */
  indicators?: readonly IndicatorMeta[];
  /** Further capability plugins, e.g. the governance API. */
  plugins?: ExtraPlugin[];
  /** See `ServerOptions.trustProxy`. */
  trustProxy?: string;
  /** See `ServerOptions.https`. */
  https?: { key: Buffer | string; cert: Buffer | string };
}

/**
 * The server with every public route (v1 API, open data, dashboard) over the public surface of
 * the data directory's releases. `createApp` adds governance; tests of the public surface use
 * this directly.
 */
export async function buildPublicServer(opts: PublicServerOptions): Promise<FastifyInstance> {
  let log: FastifyInstance['log'] | null = null;
  const catalog = new ReleaseCatalog(opts.dataDir, opts.stateOf, {
    buurtenPerGemeente: buurtenPerGemeente(opts.regions),
    onIntegrityFailure: (f) => {
      const message = `release ${f.release} refused: ${f.reason}`;
      if (log) log.error({ release: f.release, reason: f.reason }, message);
      else console.error(`samenzicht: ${message}`);
    },
  });
  const indicators = opts.indicators ?? indicatorMetadata();
  const source = releaseSourceFromCatalog(catalog, indicators, opts.regions);
  const app = await buildServer({
    regions: opts.regions,
    indicators,
    catalog,
    publicBaseUrl: opts.publicBaseUrl,
    logger: opts.logger,
    ...(opts.webDir !== undefined ? { webDir: opts.webDir } : {}),
    ...(opts.rateLimits ? { rateLimits: opts.rateLimits } : {}),
    ...(opts.https ? { https: opts.https } : {}),
    ...(opts.trustProxy ? { trustProxy: opts.trustProxy } : {}),
    plugins: [
      (a) => a.register(opendataRoutes, { releases: source, publicBaseUrl: opts.publicBaseUrl }),
      ...(opts.plugins ?? []),
    ],
  });
  log = app.log;
  return app;
}

/** A release's state as the public surface sees it: of each review only capacity, decision and time. */
export function publicReleaseState(
  r: {
    state: PublicState['status'];
    publishedAt: string | null;
    reviews: readonly Pick<PublicState['reviews'][number], 'capacity' | 'decision' | 'createdAt'>[];
    digest: string | null;
  },
  withdrawnReason: string | null,
): PublicState {
  return {
    status: r.state,
    publishedAt: r.publishedAt,
    withdrawnReason,
    reviews: r.reviews.map(({ capacity, decision, createdAt }) => ({
      capacity,
      decision,
      createdAt,
    })),
    digest: r.digest,
  };
}

type PublicState = NonNullable<Awaited<ReturnType<ReleaseStateLookup>>>;

/**
 * The run service of an instance (a data directory made by `samenzicht init`), or null for a
 * directory without one: then the server publishes what is there but runs nothing.
 */
async function instanceRuns(
  dataDir: string,
  governance: Governance,
  regions: RegionSet,
  catalogue: readonly ResolvedIndicator[],
  databaseUrl: string | undefined,
): Promise<RunService | null> {
  if (!isInstance(dataDir)) return null;
  await recoverInstance(dataDir);
  const { ctx, budget } = await instanceRunContext(dataDir, governance, { regions, catalogue });
  const service = new RunService(ctx, { budget, ...(databaseUrl ? { databaseUrl } : {}) });
  await service.recover();
  return service;
}

export async function createApp(
  opts: Omit<ServeOptions, 'port'> & {
    publicBaseUrl: string;
    /** The indicator catalogue (default: the instance's, else the shipped one). */
    catalogue?: readonly ResolvedIndicator[];
  },
): Promise<{ app: FastifyInstance; close: () => Promise<void>; runs: RunService | null }> {
  const store = await openStore({ dataDir: opts.dataDir, databaseUrl: opts.databaseUrl });
  const governance = new Governance(store);
  const config = isInstance(opts.dataDir) ? readInstanceConfig(opts.dataDir) : null;
  const catalogue =
    opts.catalogue ?? (config ? instanceCatalogue(opts.dataDir, config) : CATALOGUE);
  // The instance's limits (samenzicht.json), then the caller's.
  const limits = uploadLimits({ ...config?.uploadLimits, ...opts.uploadLimits });
  const runs = await instanceRuns(
    opts.dataDir,
    governance,
    opts.regions,
    catalogue,
    opts.databaseUrl,
  );
  // Deliveries are checked against the instance's pseudonymisation scheme (keyed by default).
  const scheme = runs?.ctx.scheme ?? 'keyed';
  // Retention: contributions of agreements that ended past their retention period are purged
  // (and the purge logged) whenever the broker's server starts, and daily while it runs.
  await governance.purgeExpired();
  const purgeTimer = setInterval(
    () => void governance.purgeExpired().catch(() => undefined),
    86_400_000,
  );
  purgeTimer.unref();
  const stateOf: ReleaseStateLookup = async (id) => {
    try {
      const r = await governance.getRelease(id);
      return publicReleaseState(r, r.withdrawReason);
    } catch (err) {
      if (err instanceof GovernanceError && err.code === 'not_found') return null;
      throw err;
    }
  };
  const app = await buildPublicServer({
    dataDir: opts.dataDir,
    regions: opts.regions,
    stateOf,
    publicBaseUrl: opts.publicBaseUrl,
    logger: opts.logger,
    ...(opts.tls ? { https: readTls(opts.tls) } : {}),
    indicators: indicatorMetadata(catalogue),
    ...(opts.trustProxy ? { trustProxy: opts.trustProxy } : {}),
    plugins: [
      (a) =>
        a.register(governanceRoutes, {
          prefix: '/api/v1',
          governance,
          // Behind a TLS-terminating proxy the request may arrive over http: the public URL says.
          secureCookies: opts.publicBaseUrl.startsWith('https://') || opts.tls !== undefined,
          ...(runs ? { runs } : {}),
          maxUploadBytes: limits.uploadBytes,
          validate: uploadValidator(opts.regions, scheme, 1, { limits }),
        }),
    ],
  });
  app.addHook('onClose', async () => {
    clearInterval(purgeTimer);
    // The run's process first: its run is marked interrupted while the state is still open.
    await runs?.close();
    await store.close();
  });
  return { app, close: () => app.close(), runs };
}

export const LOOPBACK = '127.0.0.1';

/** The certificate and key of `--tls-cert`/`--tls-key`, read once at start. */
function readTls(tls: { certFile: string; keyFile: string }): { cert: Buffer; key: Buffer } {
  const read = (file: string, what: string) => {
    try {
      return readFileSync(file);
    } catch (err) {
      throw new Error(
        `cannot read the TLS ${what} ${file}: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  };
  return { cert: read(tls.certFile, 'certificate'), key: read(tls.keyFile, 'key') };
}

/** The reverse proxy to trust when `ServeOptions.trustProxy` is not given. */
export const TRUST_PROXY_ENV = 'SAMENZICHT_TRUST_PROXY';

export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  // Before anything is opened: private files that others can read are a leak already.
  refuseExposedFiles(opts.dataDir);
  const trustProxy = opts.trustProxy ?? process.env[TRUST_PROXY_ENV];
  const scheme = opts.tls ? 'https' : 'http';
  const { app } = await createApp({
    ...opts,
    ...(trustProxy ? { trustProxy } : {}),
    publicBaseUrl: opts.publicBaseUrl ?? `${scheme}://localhost:${opts.port}`,
  });
  const host = opts.host ?? LOOPBACK;
  let resolveClosed!: () => void;
  const closed = new Promise<void>((r) => (resolveClosed = r));
  app.addHook('onClose', async () => resolveClosed());
  await app.listen({ port: opts.port, host });
  const stop = () => void app.close();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return {
    app,
    url: `${scheme}://localhost:${opts.port}`,
    closed,
    close: async () => {
      await app.close();
    },
  };
}
