/**
 * The full authorisation matrix: every governance endpoint × every role (and anonymous), generated
 * from the route table (src/api/governance/access.ts), whose access is the policy's
 * (src/governance/policy.ts) for each route's action, and that docs/governance.md shows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import Fastify, { type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import {
  accessMatrixMarkdown,
  allows,
  CALLERS,
  ENDPOINTS,
  governanceRoutes,
  ROUTES,
  type Caller,
} from '../../src/api/governance/index.js';
import { ACTIONS, POLICY } from '../../src/governance/index.js';
import { setupDemoGovernance, type DemoGovernance } from '../support/demo-governance.js';
import { backends } from '../store/backends.js';
import { smallValidator, writeTestRelease } from './helpers.js';

const sqlite = backends()[0]!;
let app: FastifyInstance;
let demo: DemoGovernance;
const routes: string[] = [];

beforeAll(async () => {
  const store = await sqlite.open();
  demo = await setupDemoGovernance(store);
  app = Fastify();
  app.addHook('onRoute', (r) => {
    const methods = Array.isArray(r.method) ? r.method : [r.method];
    for (const m of methods) if (m !== 'HEAD') routes.push(`${m} ${r.url}`);
  });
  await app.register(swagger, {
    openapi: { openapi: '3.0.3', info: { title: 'test', version: '0' } },
  });
  await app.register(governanceRoutes, {
    store,
    governance: demo.governance,
    validate: smallValidator,
    prefix: '/api/v1',
  });
  await app.ready();
});
afterAll(async () => {
  await app.close();
  await sqlite.cleanup();
});

/** A fresh API token per request, since `POST /auth/logout` revokes the token it is called with. */
async function tokenOf(caller: Caller): Promise<string | null> {
  const user = {
    provider: demo.providers.kadaster,
    broker: demo.broker,
    board: demo.board[0],
    consumer: demo.consumer,
    anonymous: undefined,
  }[caller];
  return user ? (await demo.governance.createApiToken(user.id, 'matrix')).token : null;
}

describe('authorisation matrix', () => {
  it('every registered route is in the access table, and every table entry is a route', () => {
    const table = ENDPOINTS.map((e) => `${e.method} /api/v1${e.path}`).sort();
    expect([...routes].sort()).toEqual(table);
  });

  it('each route is written once and its access is the policy’s for its action', () => {
    const keys = ROUTES.map((r) => `${r.method} ${r.path}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const e of ENDPOINTS)
      expect(e.access, `${e.method} ${e.path}`).toEqual(POLICY[e.action].who);
    // Every action of the policy is reachable over the API.
    expect([...new Set(ROUTES.map((r) => r.action))].sort()).toEqual([...ACTIONS].sort());
  });

  it('every endpoint is documented in OpenAPI with its summary and access', () => {
    const doc = app.swagger() as {
      paths: Record<
        string,
        Record<string, { summary?: string; description?: string; tags?: string[] }>
      >;
    };
    for (const e of ENDPOINTS) {
      const path = `/api/v1${e.path.replace(/:(\w+)/g, '{$1}')}`;
      const op = doc.paths[path]?.[e.method.toLowerCase()];
      expect(op, `${e.method} ${path}`).toBeDefined();
      expect(op?.summary).toBe(e.summary);
      expect(op?.tags).toEqual(['governance']);
      expect(op?.description).toBe(
        `Access: ${typeof e.access === 'string' ? e.access : e.access.join(', ')}`,
      );
    }
  });

  it('docs/governance.md shows exactly the access table', () => {
    const doc = readFileSync(new URL('../../docs/governance.md', import.meta.url), 'utf8');
    const start = doc.indexOf('<!-- access-matrix:start -->');
    const end = doc.indexOf('<!-- access-matrix:end -->');
    expect(start).toBeGreaterThan(-1);
    expect(end).toBeGreaterThan(start);
    // Compare cell by cell, so re-aligning the Markdown table (prettier) does not matter.
    const cells = (md: string) =>
      md
        .split('\n')
        .filter((l) => l.trim().startsWith('|') && !/^\|[\s:|-]+\|$/.test(l.trim()))
        .map((l) =>
          l
            .trim()
            .slice(1, -1)
            .split('|')
            .map((c) => c.trim()),
        );
    const shown = cells(doc.slice(start, end));
    expect(shown).toEqual(cells(accessMatrixMarkdown()));
    expect(shown).toHaveLength(ENDPOINTS.length + 1);
  });

  const cases = ENDPOINTS.flatMap((e) =>
    CALLERS.map((c) => ({ e, c, allowed: allows(e.access, c) })),
  );
  it.each(
    cases.map(
      (x) => [`${x.e.method} ${x.e.path}`, x.c, x.allowed ? 'allowed' : 'refused', x] as const,
    ),
  )('%s as %s: %s', async (_name, caller, _verdict, { e, allowed }) => {
    const token = await tokenOf(caller);
    const url = `/api/v1${e.path.replace(':id', 'no-such-id').replace(':dataset', 'kadaster_woningen')}`;
    const res = await app.inject({
      method: e.method,
      url,
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
    const body = res.body ? (JSON.parse(res.body) as { error?: string }) : {};
    if (allowed) {
      // Allowed callers reach the handler: it answers, or refuses on the merits (bad body,
      // unknown id), never with an authentication or role refusal or a crash.
      expect(res.statusCode).not.toBe(401);
      expect(res.statusCode).toBeLessThan(500);
      expect(body.error).not.toBe('role-forbidden');
    } else if (caller === 'anonymous') {
      expect(res.statusCode).toBe(401);
      expect(body.error).toBe('unauthenticated');
    } else {
      expect(res.statusCode).toBe(403);
      expect(body.error).toBe('role-forbidden');
    }
  });

  // The restricted report: the table admits providers, the handler only those of THIS release.
  describe('the restricted report of one release', () => {
    const who = {
      anonymous: () => null,
      consumer: () => demo.consumer.token,
      'provider of another release': () => demo.providers.fiu!.token,
      'provider of this release': () => demo.providers.kadaster!.token,
      broker: () => demo.broker.token,
      board: () => demo.board[1]!.token,
    } as const;
    const expected: Record<keyof typeof who, [number, string | undefined]> = {
      anonymous: [401, 'unauthenticated'],
      consumer: [403, 'role-forbidden'],
      'provider of another release': [403, 'forbidden'],
      'provider of this release': [200, undefined],
      broker: [200, undefined],
      board: [200, undefined],
    };
    beforeAll(async () => {
      const gov = demo.governance;
      const run = await gov.startRun(demo.broker.id, {
        indicators: [
          { id: 'bouwjaar_voor_1945', theme: 'vastgoed', sources: ['kadaster_woningen'] },
        ],
      });
      const { digest } = writeTestRelease(gov.store.dataDir, 'rel-matrix');
      const rel = await gov.createCandidate(demo.broker.id, {
        runId: run.id,
        releaseId: 'rel-matrix',
        digest,
        auditSummary: {},
      });
      expect(rel.providers).toEqual(['kadaster']);
    });
    it.each(
      ['report', 'report/cells'].flatMap((part) =>
        (Object.keys(who) as (keyof typeof who)[]).map(
          (caller) => [`GET /airlock/releases/:id/${part}`, caller, part] as const,
        ),
      ),
    )('%s as %s', async (_name, caller, part) => {
      const token = who[caller]();
      const res = await app.inject({
        method: 'GET',
        url: `/api/v1/airlock/releases/rel-matrix/${part}`,
        headers: token ? { authorization: `Bearer ${token}` } : {},
      });
      const [status, error] = expected[caller];
      expect(res.statusCode).toBe(status);
      const body = JSON.parse(res.body) as { error?: string; release?: unknown; rows?: unknown };
      expect(body.error).toBe(error);
      if (status === 200) expect(part === 'report' ? body.release : body.rows).toBeDefined();
    });
  });

  it('the table gives each role what it needs and no more', () => {
    const of = (c: Caller) =>
      ENDPOINTS.filter((e) => allows(e.access, c)).map((e) => `${e.method} ${e.path}`);
    expect(of('consumer')).toEqual([
      'POST /auth/login',
      'GET /auth/oidc/login',
      'GET /auth/oidc/callback',
      'POST /auth/logout',
      'GET /auth/me',
      'POST /auth/tokens',
      'GET /auth/tokens',
      'DELETE /auth/tokens/:id',
      'GET /organisations',
    ]);
    expect(of('anonymous')).toEqual([
      'POST /auth/login',
      'GET /auth/oidc/login',
      'GET /auth/oidc/callback',
    ]);
    expect(of('provider')).toContain('PUT /contributions/:dataset');
    expect(of('broker')).not.toContain('PUT /contributions/:dataset');
    expect(of('broker')).not.toContain('POST /airlock/releases/:id/reviews');
    for (const c of ['provider', 'broker', 'board'] as const) {
      expect(of(c)).toContain('GET /airlock/releases/:id/report');
      expect(of(c)).toContain('GET /airlock/releases/:id/report/cells');
    }
  });
});
