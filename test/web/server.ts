/**
 * A test server that answers the public API shapes of the team brief from the fixture, mounts
 * the real open data plugin, and serves the built dashboard. The lead's server replaces it in
 * production; the dashboard only relies on the documented shapes.
 */
import { existsSync } from 'node:fs';
import Fastify, { type FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import { opendataRoutes, toCsv, type ReleaseRow } from '../../src/api/opendata/index.js';
import { geoJson, releaseSource, type Fixture, type Level } from './fixture.js';

const LEVELS = new Set(['nederland', 'veiligheidsregio', 'gemeente', 'wijk', 'buurt']);
export const TEST_TOKEN = 'test-token-board';

export interface FixtureServer {
  app: FastifyInstance;
  url: string;
  close: () => Promise<void>;
}

export async function startFixtureServer(
  f: Fixture,
  opts: { webDir?: string; port?: number } = {},
): Promise<FixtureServer> {
  const app = Fastify({ logger: false });
  const published = () => f.releases.filter((r) => r.status === 'published');
  const resolve = (id: string) =>
    id === 'latest' ? published().at(-1) : published().find((r) => r.id === id);
  const index = new Map<string, Map<string, ReleaseRow[]>>();
  // Index cells by release and indicator|year, like the real catalog, for benchmark realism.
  for (const [id, list] of f.cells) {
    const m = new Map<string, ReleaseRow[]>();
    for (const r of list) {
      const k = `${r.indicator_id}|${r.year}`;
      const l = m.get(k);
      if (l) l.push(r);
      else m.set(k, [r]);
    }
    index.set(id, m);
  }

  // The same content security policy as the real server: no inline or eval'd scripts.
  app.addHook('onSend', async (_req, reply) => {
    reply.header(
      'content-security-policy',
      "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'",
    );
  });
  app.get('/api/v1/health', async () => ({
    status: 'ok',
    version: 'test',
    latestRelease: published().at(-1)?.id ?? null,
  }));
  app.get('/api/v1/indicators', async () => ({ indicators: f.indicators }));
  app.get<{ Querystring: { level?: string; parent?: string } }>(
    '/api/v1/regions',
    async (req, reply) => {
      const { level, parent } = req.query;
      if (level !== undefined && !LEVELS.has(level))
        return reply.code(400).send({ error: 'bad-request', message: `unknown level ${level}` });
      return {
        regionSet: { year: 2023, source: 'test fixture' },
        regions: f.regions
          .filter(
            (r) =>
              (level === undefined || r.level === level) &&
              (parent === undefined || r.parentCode === parent),
          )
          .map(({ code, name, level: l, parentCode, synthetic }) => ({
            code,
            name,
            level: l,
            parentCode,
            synthetic,
          })),
      };
    },
  );
  app.get<{ Querystring: { level?: string; within?: string } }>(
    '/api/v1/regions/geo',
    async (req, reply) => {
      const { level, within } = req.query;
      if (!level || !LEVELS.has(level))
        return reply.code(400).send({ error: 'bad-request', message: 'level is required' });
      if (level === 'veiligheidsregio') {
        const features = f.regions
          .filter((r) => r.level === 'veiligheidsregio' && r.box)
          .map((r) => {
            const [w, s, e, n] = r.box as [number, number, number, number];
            return {
              type: 'Feature',
              properties: { code: r.code, name: r.name },
              geometry: {
                type: 'Polygon',
                coordinates: [
                  [
                    [w, s],
                    [e, s],
                    [e, n],
                    [w, n],
                    [w, s],
                  ],
                ],
              },
            };
          });
        return { type: 'FeatureCollection', features };
      }
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
    if (peers.length === 0)
      return reply
        .code(404)
        .send({ error: 'not-found', message: `no comparable gemeenten for ${req.params.code}` });
    return { code: req.params.code, peers, method: 'nearest in population (fixture)' };
  });
  app.get('/api/v1/releases', async () => ({ releases: published() }));
  app.get<{ Params: { id: string } }>('/api/v1/releases/:id', async (req, reply) => {
    const rel = resolve(req.params.id);
    if (!rel)
      return reply
        .code(404)
        .send({ error: 'not-found', message: `no published release '${req.params.id}'` });
    const list = f.cells.get(rel.id) ?? [];
    const byStatus: Record<string, number> = {};
    for (const r of list) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
    return {
      release: rel,
      manifest: {
        id: rel.id,
        createdAt: rel.createdAt,
        rules: { threshold: 10, rounding: 5 },
        approvals: [
          {
            organisation: 'Politie',
            capacity: 'provider',
            decision: 'approve',
            at: '2026-03-11T08:00:00Z',
          },
          {
            organisation: 'Programmaraad',
            capacity: 'board',
            decision: 'approve',
            at: '2026-03-11T15:00:00Z',
          },
        ],
      },
      audit: {
        cells: list.length,
        byStatus,
        intervalAudit: { checked: byStatus['suppressed-primary'] ?? 0, unsafe: 0 },
      },
    };
  });
  app.get<{ Params: { id: string }; Querystring: Record<string, string | undefined> }>(
    '/api/v1/releases/:id/cells',
    async (req, reply) => {
      const rel = resolve(req.params.id);
      if (!rel)
        return reply
          .code(404)
          .send({ error: 'not-found', message: `no published release '${req.params.id}'` });
      const { indicator, year, level, region, parent } = req.query;
      if (year !== undefined && !/^\d{4}$/.test(year))
        return reply.code(400).send({ error: 'bad-request', message: 'year must be a year' });
      if (level !== undefined && !LEVELS.has(level))
        return reply.code(400).send({ error: 'bad-request', message: `unknown level ${level}` });
      const base =
        indicator !== undefined && year !== undefined
          ? (index.get(rel.id)?.get(`${indicator}|${year}`) ?? [])
          : (f.cells.get(rel.id) ?? []);
      const cells = base.filter(
        (r) =>
          (indicator === undefined || r.indicator_id === indicator) &&
          (year === undefined || r.year === Number(year)) &&
          (level === undefined || r.region_level === level) &&
          (region === undefined || r.region_code === region) &&
          (parent === undefined || r.parent_code === parent),
      );
      void reply.header('cache-control', 'public, max-age=31536000, immutable');
      if (req.headers.accept?.includes('text/csv'))
        return reply.type('text/csv; charset=utf-8').send(toCsv(cells));
      return { release: rel.id, count: cells.length, cells };
    },
  );

  // Governance, as far as the dashboard uses it (shapes of src/api/governance/schemas.ts).
  const reviews: {
    userId: string;
    capacity: string;
    decision: string;
    reason: string;
    createdAt: string;
  }[] = [];
  const authed = (auth: string | undefined): boolean => auth === `Bearer ${TEST_TOKEN}`;
  app.post<{ Body: { email?: string; password?: string } }>(
    '/api/v1/auth/login',
    async (req, reply) => {
      if (req.body?.email === 'bestuur@example.nl' && req.body.password === 'geheim') {
        return {
          token: TEST_TOKEN,
          expiresAt: '2099-01-01T00:00:00Z',
          user: {
            id: 'u1',
            email: 'bestuur@example.nl',
            name: 'B. Estuur',
            organisations: ['board'],
            roles: ['board'],
          },
        };
      }
      return reply.code(401).send({ error: 'unauthorized', message: 'wrong email or password' });
    },
  );
  app.addHook('onRequest', async (req, reply) => {
    const path = req.url.split('?')[0] ?? '';
    if (
      /^\/api\/v1\/(auth\/me|agreements|contributions|airlock)/.test(path) &&
      !authed(req.headers.authorization)
    ) {
      return reply.code(401).send({ error: 'unauthorized', message: 'log in first' });
    }
  });
  app.get('/api/v1/auth/me', async () => ({
    id: 'u1',
    email: 'bestuur@example.nl',
    name: 'B. Estuur',
    organisations: ['board'],
    roles: ['board'],
  }));
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
    releases: f.releases.map((r) => ({
      id: r.id,
      state: r.status,
      indicators: r.indicators,
      providers: ['politie'],
      reviews: r.status === 'candidate' ? reviews : [],
      approval: {
        providers: { politie: r.status === 'candidate' ? 'pending' : 'approved' },
        board: { approvals: r.status === 'candidate' ? reviews.length : 2, required: 2 },
        ready: r.status !== 'candidate',
      },
    })),
  }));
  app.post<{
    Params: { id: string };
    Body: { decision: string; reason?: string; capacity?: string };
  }>('/api/v1/airlock/releases/:id/reviews', async (req, reply) => {
    if (req.body.decision !== 'approve' && req.body.decision !== 'reject')
      return reply.code(400).send({ error: 'bad-request', message: 'decision' });
    reviews.push({
      userId: 'u1',
      capacity: req.body.capacity ?? 'board',
      decision: req.body.decision,
      reason: req.body.reason ?? '',
      createdAt: new Date().toISOString(),
    });
    return { ok: true };
  });

  await app.register(opendataRoutes, { releases: releaseSource(f) });
  if (opts.webDir && existsSync(opts.webDir))
    await app.register(fastifyStatic, { root: opts.webDir, prefix: '/' });
  const url = await app.listen({ port: opts.port ?? 0, host: '127.0.0.1' });
  return { app, url, close: () => app.close() };
}
