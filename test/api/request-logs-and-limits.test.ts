/**
 * Request logs and error ids: one JSON line per request without query strings, bodies, tokens,
 * cookies or emails; a 500 tells the client only an error id, under which its stack is logged.
 * And the rate limit: a flood of one route by one client is refused, other routes and clients
 * are not affected.
 */
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildServer, RATE_LIMITS, type RateLimits } from '../../src/api/server.js';
import { ReleaseCatalog } from '../../src/api/releases/catalog.js';
import { governanceRoutes } from '../../src/api/governance/index.js';
import { loadRegionSet, type RegionSet } from '../../src/regions/index.js';
import { setupDemoGovernance, type DemoGovernance } from '../support/demo-governance.js';
import { backends } from '../store/backends.js';
import type { Store } from '../../src/store/index.js';
import { smallValidator } from '../governance/helpers.js';
import { tempDir } from '../support/temp.js';

const dataDir = tempDir('samenzicht-logging-');
const sqlite = backends()[0]!;
const apps: FastifyInstance[] = [];
let regions: RegionSet;
let store: Store;
let demo: DemoGovernance;

beforeAll(async () => {
  regions = await loadRegionSet(null);
  store = await sqlite.open();
  demo = await setupDemoGovernance(store);
});
afterAll(async () => {
  for (const a of apps) await a.close();
  await sqlite.cleanup();
});

/** A server with the governance routes and one route that fails, logging into `lines`. */
async function server(opts: { rateLimits?: Partial<RateLimits> } = {}) {
  const lines: Record<string, unknown>[] = [];
  const stream = new PassThrough();
  let buffered = '';
  stream.on('data', (c: Buffer) => {
    buffered += c.toString();
    let i;
    while ((i = buffered.indexOf('\n')) >= 0) {
      lines.push(JSON.parse(buffered.slice(0, i)) as Record<string, unknown>);
      buffered = buffered.slice(i + 1);
    }
  });
  const app = await buildServer({
    regions,
    indicators: [],
    catalog: new ReleaseCatalog(dataDir, async () => null),
    publicBaseUrl: 'http://localhost',
    webDir: null,
    logger: { stream },
    ...(opts.rateLimits ? { rateLimits: opts.rateLimits } : {}),
    plugins: [
      (a) =>
        a.register(governanceRoutes, {
          prefix: '/api/v1',
          governance: demo.governance,
          validate: smallValidator,
        }),
      async (a) =>
        a.get('/api/v1/broken', async () => {
          throw new Error(`cannot open ${dataDir}/state.sqlite: disk I/O error`);
        }),
    ],
  });
  apps.push(app);
  await app.ready();
  return { app, lines, raw: () => lines.map((l) => JSON.stringify(l)).join('\n') };
}

describe('request logs', () => {
  it('one line per request: id, method, route, path, status, duration, user; nothing secret', async () => {
    const { app, lines, raw } = await server();
    const login = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login?email=leak@example.nl',
      payload: { email: 'nobody@example.nl', password: 'hunter2-secret' },
    });
    expect(login.statusCode).toBe(401);
    const me = await app.inject({
      method: 'GET',
      url: '/api/v1/auth/me',
      headers: { authorization: `Bearer ${demo.broker.token}` },
    });
    expect(me.statusCode).toBe(200);
    const requests = lines.filter((l) => l.msg === 'request');
    expect(requests).toHaveLength(2);
    expect(requests[0]).toMatchObject({
      method: 'POST',
      route: '/api/v1/auth/login',
      path: '/api/v1/auth/login',
      status: 401,
      reqId: login.headers['x-request-id'],
    });
    expect(requests[1]).toMatchObject({
      method: 'GET',
      route: '/api/v1/auth/me',
      status: 200,
      user: demo.broker.id,
      reqId: me.headers['x-request-id'],
    });
    expect(typeof requests[1]!.ms).toBe('number');
    for (const secret of [
      'hunter2-secret',
      'nobody@example.nl',
      'leak@example.nl',
      demo.broker.token,
      demo.broker.email,
    ])
      expect(raw()).not.toContain(secret);
  });

  it('a 500 gives the client an error id and no detail; the log has the error under that id', async () => {
    const { app, lines } = await server();
    const r = await app.inject({ method: 'GET', url: '/api/v1/broken' });
    expect(r.statusCode).toBe(500);
    const body = r.json<{ error: string; message: string; errorId: string }>();
    expect(body.error).toBe('internal');
    expect(body.errorId).toMatch(/^[0-9a-f]{16}$/);
    expect(r.headers['x-request-id']).toBe(body.errorId);
    expect(r.body).not.toContain(dataDir);
    expect(r.body).not.toContain('disk I/O');
    const logged = lines.find((l) => l.errorId === body.errorId);
    expect(logged).toMatchObject({ level: 50, msg: 'request failed' });
    expect(JSON.stringify(logged)).toContain('disk I/O error');
  });

  it('the request id is the server’s, not one a client sends', async () => {
    const { app } = await server();
    const r = await app.inject({
      method: 'GET',
      url: '/api/v1/health',
      headers: { 'x-request-id': 'chosen-by-client' },
    });
    expect(r.headers['x-request-id']).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe('rate limits per client and route', () => {
  it('the defaults bite well below a flood', () => {
    expect(RATE_LIMITS).toEqual({ read: 600, write: 120, upload: 600, login: 20 });
  });

  it('past the limit a route answers 429 with retry-after; other routes and clients still answer', async () => {
    const { app } = await server({ rateLimits: { read: 5, login: 3 } });
    const health = (ip = '10.0.0.1') =>
      app.inject({ method: 'GET', url: '/api/v1/health', remoteAddress: ip });
    for (let i = 0; i < 5; i++) expect((await health()).statusCode).toBe(200);
    const limited = await health();
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.json()).toMatchObject({ error: 'rate-limited' });
    expect(limited.json<{ message: string }>().message).toContain('at most 5 a minute');
    // Another route of the same client, and the same route of another client.
    expect(
      (await app.inject({ method: 'GET', url: '/api/v1/openapi.json', remoteAddress: '10.0.0.1' }))
        .statusCode,
    ).toBe(200);
    expect((await health('10.0.0.2')).statusCode).toBe(200);

    const login = () =>
      app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        remoteAddress: '10.0.0.3',
        payload: { email: 'x@example.nl', password: 'wrong' },
      });
    for (let i = 0; i < 3; i++) expect((await login()).statusCode).toBe(401);
    expect((await login()).statusCode).toBe(429);
  });
});
