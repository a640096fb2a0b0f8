/**
 * Serves a data directory: the public API over its releases (states from governance), the open
 * data routes, the governance API and the dashboard.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../api/server.js';
import { ReleaseCatalog, type ReleaseStateLookup } from '../api/releases/catalog.js';
import { opendataRoutes, type ReleaseSource } from '../api/opendata/index.js';
import { governanceRoutes } from '../api/governance/index.js';
import { Governance, GovernanceError } from '../governance/index.js';
import { openStore } from '../store/index.js';
import type { RegionSet } from '../regions/index.js';
import { RELEASE_FILES, releasesDir } from '../release/index.js';
import { indicatorMetadata } from './indicator-meta.js';
import { dataLayout } from './layout.js';
import { ingestValidator } from './ingest.js';

export interface ServeOptions {
  dataDir: string;
  regions: RegionSet;
  port: number;
  host?: string;
  databaseUrl?: string;
  logger?: boolean;
}

export interface RunningServer {
  app: FastifyInstance;
  url: string;
  /** Resolves when the server has closed (SIGINT/SIGTERM or `close`). */
  closed: Promise<void>;
  close(): Promise<void>;
}

type ComparableFile = Record<string, { peers: string[]; method: string }>;

export async function createApp(
  opts: Omit<ServeOptions, 'port'>,
): Promise<{ app: FastifyInstance; close: () => Promise<void> }> {
  const layout = dataLayout(opts.dataDir);
  const store = await openStore({ dataDir: opts.dataDir, databaseUrl: opts.databaseUrl });
  const governance = new Governance(store);
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
      return {
        status: r.state,
        publishedAt: r.publishedAt,
        withdrawnReason: r.withdrawReason,
        reviews: r.reviews.map(({ capacity, decision, reason, createdAt }) => ({
          capacity,
          decision,
          reason,
          createdAt,
        })),
      };
    } catch (err) {
      if (err instanceof GovernanceError && err.code === 'not_found') return null;
      throw err;
    }
  };
  const catalog = new ReleaseCatalog(opts.dataDir, stateOf);
  const indicators = indicatorMetadata();
  const comparable: ComparableFile = existsSync(layout.comparable)
    ? (JSON.parse(readFileSync(layout.comparable, 'utf8')) as ComparableFile)
    : {};

  const source: ReleaseSource = {
    list: () => catalog.list(),
    cells: async (id) => catalog.cells(id).rows,
    parquetPath: (id) => {
      const p = join(releasesDir(opts.dataDir), id, RELEASE_FILES.cellsParquet);
      return existsSync(p) ? p : null;
    },
    indicators: () =>
      indicators.map((i) => ({ id: i.id, title: i.title, unit: i.unit, kind: i.kind })),
    regionName: (code) => opts.regions.get(code)?.name,
    latestPublishedId: () => catalog.latestPublishedId(),
  };

  const app = await buildServer({
    regions: opts.regions,
    indicators,
    catalog,
    comparable: async (code) => comparable[code] ?? null,
    logger: opts.logger,
    plugins: [
      (a) => a.register(opendataRoutes, { releases: source }),
      (a) =>
        a.register(governanceRoutes, {
          prefix: '/api/v1',
          governance,
          validate: ingestValidator(opts.regions),
        }),
    ],
  });
  app.addHook('onClose', async () => {
    clearInterval(purgeTimer);
    await store.close();
  });
  return { app, close: () => app.close() };
}

export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  const { app } = await createApp(opts);
  const host = opts.host ?? '0.0.0.0';
  let resolveClosed!: () => void;
  const closed = new Promise<void>((r) => (resolveClosed = r));
  app.addHook('onClose', async () => resolveClosed());
  await app.listen({ port: opts.port, host });
  const stop = () => void app.close();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return {
    app,
    url: `http://localhost:${opts.port}`,
    closed,
    close: async () => {
      await app.close();
    },
  };
}
