/**
 * HTTP limits of the server: request, header, connection and keep-alive timeouts (read from the
 * built server; a client that sends its headers too slowly is cut off), and at most N uploads
 * received at once (one more answers 503 with retry-after).
 */
import { createHash } from 'node:crypto';
import { connect } from 'node:net';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildServer, HTTP_TIMEOUTS, type HttpTimeouts } from '../../src/api/server.js';
import { ReleaseCatalog } from '../../src/api/releases/catalog.js';
import { loadRegionSet } from '../../src/regions/index.js';
import { UPLOAD_RETRY_AFTER_SECONDS } from '../../src/api/governance/index.js';
import { setupDemoGovernance } from '../support/demo-governance.js';
import { backends } from '../store/backends.js';
import { buildApp } from '../governance/helpers.js';
import { tempDir } from '../support/temp.js';

const dataDir = tempDir('samenzicht-limits-');
const apps: FastifyInstance[] = [];
afterAll(async () => {
  for (const a of apps) await a.close();
});

async function server(
  timeouts?: Partial<HttpTimeouts>,
  trustProxy?: string,
): Promise<FastifyInstance> {
  const app = await buildServer({
    regions: await loadRegionSet(null),
    indicators: [],
    catalog: new ReleaseCatalog(dataDir, async () => null),
    publicBaseUrl: 'http://localhost',
    webDir: null,
    ...(timeouts ? { timeouts } : {}),
    ...(trustProxy ? { trustProxy } : {}),
    // What the login throttle and the session cookie see of a request.
    plugins: [
      async (a) => a.get('/whoami-ip', async (req) => ({ ip: req.ip, protocol: req.protocol })),
    ],
  });
  apps.push(app);
  return app;
}

describe('HTTP timeouts', () => {
  it('are set on the server: request 120 s, headers 30 s, idle connection 10 min, keep-alive 72 s', async () => {
    const app = await server();
    await app.ready();
    expect(HTTP_TIMEOUTS).toEqual({
      request: 120_000,
      headers: 30_000,
      connection: 600_000,
      keepAlive: 72_000,
      checkInterval: 5_000,
    });
    expect(app.server.requestTimeout).toBe(120_000);
    expect(app.server.headersTimeout).toBe(30_000);
    expect(app.server.timeout).toBe(600_000);
    expect(app.server.keepAliveTimeout).toBe(72_000);
    expect(app.initialConfig).toMatchObject({
      requestTimeout: 120_000,
      connectionTimeout: 600_000,
      keepAliveTimeout: 72_000,
    });
  });

  it('cut off a client that sends its headers too slowly (408, then the connection closes)', async () => {
    const app = await server({ request: 600, headers: 300, checkInterval: 100 });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as { port: number };
    const started = Date.now();
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      let got = '';
      socket.on('data', (d) => (got += d.toString()));
      socket.on('close', () => resolve(got));
      socket.on('error', reject);
      // Headers that never end, as a slowloris client sends them.
      socket.write('GET /api/v1/health HTTP/1.1\r\nHost: localhost\r\n');
      const drip = setInterval(() => socket.writable && socket.write('X-Slow: 1\r\n'), 50);
      socket.on('close', () => clearInterval(drip));
    });
    const took = Date.now() - started;
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(took).toBeGreaterThanOrEqual(250);
    expect(took).toBeLessThan(5_000);
  });
});

describe('trustProxy', () => {
  it('without it the client is the TCP peer; with the proxy named, its forwarding headers count', async () => {
    const headers = { 'x-forwarded-for': '203.0.113.9', 'x-forwarded-proto': 'https' };
    const direct = await server();
    const seen = await direct.inject({ url: '/whoami-ip', headers, remoteAddress: '127.0.0.1' });
    expect(seen.json()).toEqual({ ip: '127.0.0.1', protocol: 'http' });
    const proxied = await server(undefined, '127.0.0.1');
    const behind = await proxied.inject({ url: '/whoami-ip', headers, remoteAddress: '127.0.0.1' });
    expect(behind.json()).toEqual({ ip: '203.0.113.9', protocol: 'https' });
    // A client that is not the proxy cannot choose its address.
    const other = await proxied.inject({
      url: '/whoami-ip',
      headers,
      remoteAddress: '198.51.100.1',
    });
    expect(other.json()).toEqual({ ip: '198.51.100.1', protocol: 'http' });
  });
});

describe('concurrent uploads', () => {
  const sqlite = backends()[0]!;
  afterAll(() => sqlite.cleanup());

  it('beyond the cap an upload answers 503 with retry-after; a finished upload frees its slot', async () => {
    const store = await sqlite.open();
    const demo = await setupDemoGovernance(store);
    const app = await buildApp({ store, governance: demo.governance, maxConcurrentUploads: 2 });
    apps.push(app);
    const put = (payload: string | PassThrough) =>
      app.inject({
        method: 'PUT',
        url: '/api/v1/contributions/kadaster_woningen',
        headers: {
          authorization: `Bearer ${demo.providers.kadaster!.token}`,
          'content-type': 'text/csv',
          'x-content-sha256': createHash('sha256').update('something else').digest('hex'),
        },
        payload,
      });
    // Two uploads whose bodies have not ended hold both slots.
    const slow = [new PassThrough(), new PassThrough()];
    const pending = slow.map((s) => put(s));
    await new Promise((r) => setTimeout(r, 200));
    const busy = await put('object_id;buurtcode;bouwjaar\n');
    expect(busy.statusCode).toBe(503);
    expect(busy.headers['retry-after']).toBe(String(UPLOAD_RETRY_AFTER_SECONDS));
    expect(busy.json()).toEqual({
      error: 'busy',
      message: `the broker is receiving 2 uploads at once; try again in ${UPLOAD_RETRY_AFTER_SECONDS} seconds`,
    });
    // An anonymous upload is refused by the access check and takes no slot.
    const anonymous = await app.inject({
      method: 'PUT',
      url: '/api/v1/contributions/kadaster_woningen',
      headers: { 'content-type': 'text/csv', 'x-content-sha256': '0'.repeat(64) },
      payload: 'x',
    });
    expect(anonymous.statusCode).toBe(401);
    for (const s of slow) s.end('object_id;buurtcode;bouwjaar\n');
    const done = await Promise.all(pending);
    expect(done.map((r) => r.statusCode)).toEqual([400, 400]); // checksum mismatch
    const next = await put('object_id;buurtcode;bouwjaar\n');
    expect(next.statusCode).toBe(400);
    expect(next.json<{ message: string }>().message).toMatch(/^checksum mismatch/);
  });
});
