/**
 * A test server that imitates the public v1 API from the fixture (paged lists, public statuses
 * only, `latest` as a redirect, comparable peers with their method in both languages, geometry
 * of wijken and buurten per gemeente), mounts the real open data plugin for the CSV and OData
 * routes, and serves the built dashboard. The dashboard relies only on the documented shapes,
 * so the same browser tests can run against the real server.
 */
import { existsSync } from 'node:fs';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import fastifyStatic from '@fastify/static';
import { paginate as paginatePage } from '../../src/api/http/paging.js';
import { opendataRoutes } from '../../src/api/opendata/index.js';
import type { ReleaseCatalog } from '../../src/api/releases/catalog.js';
import { badRequest, refuseUnserved } from '../../src/api/releases/http.js';
import {
  geoJson,
  latestPublished,
  publicRegion,
  publicReleases,
  releaseSource,
  type Fixture,
  type FixtureReview,
  type Level,
} from './fixture.js';

const LEVELS = new Set(['nederland', 'veiligheidsregio', 'gemeente', 'wijk', 'buurt']);
/** Levels whose boundaries are served per gemeente only (`within` required). */
const GEO_WITHIN_REQUIRED = new Set(['wijk', 'buurt']);
export const TEST_TOKEN = 'test-token-board';
/** The session cookie of the imitation, named as the broker's. */
export const TEST_SESSION_COOKIE = 'samenzicht_session';

/** The contract's page bounds: default and largest `limit` of each list. */
export const PAGE_BOUNDS = {
  releases: { defaultLimit: 100, maxLimit: 1000 },
  cells: { defaultLimit: 10_000, maxLimit: 10_000 },
  indicators: { defaultLimit: 1000, maxLimit: 1000 },
  regions: { defaultLimit: 5000, maxLimit: 5000 },
} as const;
export type ListName = keyof typeof PAGE_BOUNDS;

export interface FixtureServerOptions {
  webDir?: string;
  port?: number;
  /**
   * Smaller default page sizes, so that the tests exercise paging with a small fixture (a
   * client must follow `page.next`; it never asks for a larger `limit`).
   */
  defaultLimits?: Partial<Record<ListName, number>>;
}

export interface FixtureServer {
  app: FastifyInstance;
  url: string;
  close: () => Promise<void>;
}

export { freePort } from '../support/net.js';
import { freePort } from '../support/net.js';

class BadRequest extends Error {}

export async function startFixtureServer(
  f: Fixture,
  opts: FixtureServerOptions = {},
): Promise<FixtureServer> {
  const port = opts.port ?? (await freePort());
  const base = `http://127.0.0.1:${port}`;
  const app = Fastify({ logger: false });
  const publicList = () => publicReleases(f);
  const findPublic = (id: string) => publicList().find((r) => r.id === id);

  /** One page of `items` and the absolute URL of the next one (same path and filters). */
  function paginate<T>(
    items: readonly T[],
    req: FastifyRequest,
    list: ListName,
  ): { items: T[]; page: { offset: number; limit: number; total: number; next: string | null } } {
    const bounds = PAGE_BOUNDS[list];
    const q = req.query as Record<string, string | undefined>;
    const int = (name: string): number | undefined => {
      const v = q[name];
      if (v === undefined) return undefined;
      if (!/^\d+$/.test(v)) throw new BadRequest(`querystring/${name} must be an integer`);
      return Number(v);
    };
    const offset = int('offset') ?? 0;
    const limit = int('limit') ?? opts.defaultLimits?.[list] ?? bounds.defaultLimit;
    if (limit < 1 || limit > bounds.maxLimit)
      throw new BadRequest(`querystring/limit must be 1 to ${bounds.maxLimit}`);
    // Checked above, so the real paging (which caps at the bound) pages with exactly this limit.
    return paginatePage(items, req, { offset, limit }, { ...bounds, defaultLimit: limit }, base);
  }

  app.setErrorHandler((err, _req, reply) => {
    if (err instanceof BadRequest) return badRequest(reply, err.message);
    return reply.send(err);
  });

  // The same content security policy as the real server: no inline or eval'd scripts.
  app.addHook('onSend', async (_req, reply) => {
    reply.header(
      'content-security-policy',
      "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'",
    );
  });
  // `latest` is a redirect to the concrete release, for every route below it (also CSV, Parquet).
  app.addHook('onRequest', async (req, reply) => {
    const [path = '', query] = req.url.split('?', 2);
    if (!/^\/api\/v1\/releases\/latest(\/|$)/.test(path)) return;
    const latest = latestPublished(f);
    if (!latest)
      return reply.code(404).send({ error: 'not-found', message: 'no published release yet' });
    const target = path.replace(/\/latest(?=\/|$)/, `/${encodeURIComponent(latest.id)}`);
    return reply
      .code(307)
      .header('cache-control', 'no-cache')
      .header('location', query ? `${target}?${query}` : target)
      .send();
  });
  /** The release a public route may serve, or null when the reply (404, 410) was sent. */
  // The real refusal, over the fixture's releases (it asks the catalog only for `info`).
  const catalog = {
    info: async (id: string) => findPublic(id) ?? null,
  } as unknown as ReleaseCatalog;
  const servable = async (id: string, reply: FastifyReply) => {
    const refused = await refuseUnserved(catalog, reply, id, {
      notFound: `no published release '${id}'`,
      withdrawn: (reason) => `release ${id} was withdrawn: ${reason}`,
    });
    return refused ? null : findPublic(id)!;
  };

  app.get('/api/v1/health', async () => ({
    status: 'ok',
    version: 'test',
    latestRelease: latestPublished(f)?.id ?? null,
  }));
  app.get('/api/v1/indicators', async (req) => {
    const { items, page } = paginate(f.indicators, req, 'indicators');
    return { indicators: items, page };
  });
  app.get<{ Querystring: { level?: string; parent?: string } }>(
    '/api/v1/regions',
    async (req, reply) => {
      const { level, parent } = req.query;
      if (level !== undefined && !LEVELS.has(level))
        return badRequest(reply, `unknown level ${level}`);
      const list = f.regions
        .filter(
          (r) =>
            (level === undefined || r.level === level) &&
            (parent === undefined || r.parentCode === parent),
        )
        .map(publicRegion);
      const { items, page } = paginate(list, req, 'regions');
      return {
        regionSet: { year: 2023, kind: 'synthetic', attribution: null },
        regions: items,
        page,
      };
    },
  );
  app.get<{ Querystring: { level?: string; within?: string } }>(
    '/api/v1/regions/geo',
    async (req, reply) => {
      const { level, within } = req.query;
      if (!level || !LEVELS.has(level)) return badRequest(reply, 'level is required');
      if (GEO_WITHIN_REQUIRED.has(level) && !within)
        return badRequest(
          reply,
          `querystring/within: boundaries of level ${level} are served per gemeente; add within=GMxxxx`,
        );
      if (within !== undefined && !/^GM\d{4}$/.test(within))
        return badRequest(reply, 'querystring/within must be a gemeente code');
      const geo = geoJson(f, level as Level, within);
      if (!geo)
        return reply
          .code(404)
          .send({ error: 'not-found', message: `no boundaries for level ${level}` });
      return geo;
    },
  );
  app.get<{ Params: { code: string } }>('/api/v1/regions/:code/comparable', async (req, reply) => {
    const peers = f.peers(req.params.code);
    const latest = latestPublished(f);
    if (peers.length === 0 || !latest)
      return reply
        .code(404)
        .send({ error: 'not-found', message: `no comparable gemeenten for ${req.params.code}` });
    return { code: req.params.code, release: latest.id, peers, method: f.comparableMethod };
  });
  app.get('/api/v1/releases', async (req) => {
    const { items, page } = paginate(publicList(), req, 'releases');
    return { releases: items, page };
  });
  app.get<{ Params: { id: string } }>('/api/v1/releases/:id', async (req, reply) => {
    const rel = await servable(req.params.id, reply);
    if (!rel) return reply;
    const manifest = f.manifests.get(rel.id);
    if (!manifest)
      return reply.code(404).send({ error: 'not-found', message: `no manifest for ${rel.id}` });
    return { release: rel, manifest };
  });
  app.get<{ Params: { id: string }; Querystring: Record<string, string | undefined> }>(
    '/api/v1/releases/:id/cells',
    async (req, reply) => {
      const rel = await servable(req.params.id, reply);
      if (!rel) return reply;
      const { indicator, year, level, region, parent } = req.query;
      if (year !== undefined && !/^\d{4}$/.test(year))
        return badRequest(reply, 'year must be a year');
      if (level !== undefined && !LEVELS.has(level))
        return badRequest(reply, `unknown level ${level}`);
      if (indicator !== undefined && !f.indicators.some((i) => i.id === indicator))
        return badRequest(reply, `querystring/indicator: unknown indicator '${indicator}'`);
      const cells = (f.cells.get(rel.id) ?? []).filter(
        (r) =>
          (indicator === undefined || r.indicator_id === indicator) &&
          (year === undefined || r.year === Number(year)) &&
          (level === undefined || r.region_level === level) &&
          (region === undefined || r.region_code === region) &&
          (parent === undefined || r.parent_code === parent),
      );
      const { items, page } = paginate(cells, req, 'cells');
      void reply.header('cache-control', 'public, max-age=31536000, immutable');
      return { release: rel.id, cells: items, page };
    },
  );

  // Governance, as far as the dashboard uses it.
  const reviews = new Map<string, FixtureReview[]>(
    f.releases.map((r) => [r.id, r.state === 'candidate' ? [] : r.reviews]),
  );
  // Cookie sessions as the broker's (src/api/governance): the login sets an HttpOnly,
  // SameSite=Strict cookie, and only that cookie authenticates the dashboard's requests.
  const authed = (cookie: string | undefined): boolean =>
    (cookie ?? '').split(';').some((c) => c.trim() === `${TEST_SESSION_COOKIE}=${TEST_TOKEN}`);
  const me = {
    id: 'u1',
    email: 'bestuur@example.nl',
    name: 'B. Estuur',
    organisations: ['board'],
    roles: ['board'],
  };
  app.post<{ Body: { email?: string; password?: string } }>(
    '/api/v1/auth/login',
    async (req, reply) => {
      if (req.body?.email === me.email && req.body.password === 'geheim') {
        void reply.header(
          'set-cookie',
          `${TEST_SESSION_COOKIE}=${TEST_TOKEN}; Path=/; HttpOnly; SameSite=Strict`,
        );
        return { token: TEST_TOKEN, expiresAt: '2099-01-01T00:00:00Z', user: me };
      }
      return reply.code(401).send({ error: 'unauthorized', message: 'wrong email or password' });
    },
  );
  app.addHook('onRequest', async (req, reply) => {
    const path = req.url.split('?')[0] ?? '';
    if (
      /^\/api\/v1\/(auth\/me|agreements|contributions|airlock|organisations|users|runs)/.test(
        path,
      ) &&
      !authed(req.headers.cookie)
    ) {
      return reply.code(401).send({ error: 'unauthorized', message: 'log in first' });
    }
  });
  app.get('/api/v1/auth/me', async () => me);
  app.post('/api/v1/auth/logout', async (_req, reply) =>
    reply
      .header('set-cookie', `${TEST_SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`)
      .code(204)
      .send(),
  );
  // The board reads organisations, users and runs (the page asks for what the role may read).
  app.get('/api/v1/organisations', async () => ({
    organisations: [
      { id: 'board', name: 'Bestuur', role: 'board', providerIds: [], createdAt: '2026-01-01' },
      {
        id: 'politie',
        name: 'Politie',
        role: 'provider',
        providerIds: ['politie'],
        createdAt: '2026-01-01',
      },
    ],
  }));
  app.get('/api/v1/users', async () => ({ users: [me] }));
  app.get('/api/v1/runs', async () => ({ runs: [] }));
  app.get('/api/v1/agreements', async () => ({
    agreements: [
      {
        id: 'ag-1',
        title: 'Zicht op Ondermijning 2026',
        purpose: 'Regionale indicatoren ondermijning',
        status: 'active',
        datasets: ['politie_verdachten', 'brp_personen'],
        validUntil: '2027-12-31T00:00:00Z',
      },
    ],
  }));
  app.get('/api/v1/contributions', async () => ({
    contributions: [
      {
        id: 'c-1',
        datasetId: 'politie_verdachten',
        organisationId: 'politie',
        rows: 1200,
        accepted: 1195,
        quarantined: 5,
        reasons: { 'bad-date': 5 },
      },
    ],
  }));
  app.get('/api/v1/airlock/releases', async () => ({
    releases: f.releases.map((r) => {
      const list = reviews.get(r.id) ?? [];
      const board = new Set(
        list.filter((v) => v.capacity === 'board' && v.decision === 'approve').map((v) => v.userId),
      ).size;
      const politie = list.some((v) => v.capacity === 'politie' && v.decision === 'approve');
      return {
        id: r.id,
        state: r.state,
        digest: r.digest,
        indicators: r.indicators,
        providers: ['politie'],
        reviews: list,
        approval: {
          providers: { politie: politie ? 'approved' : 'pending' },
          board: { approvals: board, required: 2 },
          ready: politie && board >= 2,
        },
      };
    }),
  }));
  app.post<{
    Params: { id: string };
    Body: { decision?: string; reason?: string; capacity?: string; digest?: string };
  }>('/api/v1/airlock/releases/:id/reviews', async (req, reply) => {
    const rel = f.releases.find((r) => r.id === req.params.id);
    if (!rel) return reply.code(404).send({ error: 'not-found', message: 'no such release' });
    const { decision, digest } = req.body ?? {};
    if (decision !== 'approve' && decision !== 'reject') return badRequest(reply, 'decision');
    if (decision === 'approve' && digest !== rel.digest)
      return reply.code(409).send({
        error: 'conflict',
        message: `an approval must name the release's digest (${rel.digest.slice(0, 12)}…)`,
      });
    reviews.get(rel.id)?.push({
      userId: me.id,
      capacity: req.body.capacity ?? 'board',
      decision,
      reason: req.body.reason ?? '',
      createdAt: new Date().toISOString(),
    });
    return { ok: true };
  });
  app.get<{ Params: { id: string } }>('/api/v1/airlock/releases/:id/report', async (req, reply) => {
    const rel = f.releases.find((r) => r.id === req.params.id);
    const manifest = rel && f.manifests.get(rel.id);
    if (!rel || !manifest)
      return reply.code(404).send({ error: 'not-found', message: 'no such release' });
    const rows = f.rows.get(rel.id) ?? [];
    return {
      release: rel.id,
      digest: rel.digest,
      manifest,
      audit: {
        passed: true,
        rules: manifest.disclosure.rules,
        cells: rows.filter((r) => r.status !== 'published').slice(0, 50),
      },
    };
  });

  await app.register(opendataRoutes, { releases: releaseSource(f), publicBaseUrl: base });
  if (opts.webDir && existsSync(opts.webDir))
    await app.register(fastifyStatic, { root: opts.webDir, prefix: '/' });
  await app.listen({ port, host: '127.0.0.1' });
  return { app, url: base, close: () => app.close() };
}
