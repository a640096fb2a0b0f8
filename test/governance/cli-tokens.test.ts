/**
 * `samenzicht tokens create|list|revoke` against a real broker (createApp on a loopback port):
 * a token is created with its expiry, listed by id without its secret, and revoked by id; the
 * revoked token is then refused.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { main } from '../../src/cli/main.js';
import { createApp } from '../../src/pipeline/serve.js';
import { loadRegionSet } from '../../src/regions/index.js';
import { openStore } from '../../src/store/index.js';
import { setupDemoGovernance, type DemoGovernance } from '../support/demo-governance.js';

const dir = mkdtempSync(join(tmpdir(), 'samenzicht-cli-tokens-'));
const ENV = ['DATABASE_URL', 'SAMENZICHT_BROKER', 'SAMENZICHT_TOKEN'] as const;
const saved = Object.fromEntries(ENV.map((k) => [k, process.env[k]]));
let demo: DemoGovernance;
let app: FastifyInstance;
let url = '';

beforeAll(async () => {
  for (const k of ENV) delete process.env[k];
  const store = await openStore({ dataDir: dir });
  demo = await setupDemoGovernance(store);
  await store.close();
  ({ app } = await createApp({
    dataDir: dir,
    regions: await loadRegionSet(null),
    publicBaseUrl: 'http://127.0.0.1',
    logger: false,
  }));
  url = await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await app?.close();
  for (const k of ENV) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
  rmSync(dir, { recursive: true, force: true });
});

async function cli(args: string[], token: string) {
  const out: string[] = [];
  const err: string[] = [];
  process.env.SAMENZICHT_TOKEN = token;
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
    out.push(String(s));
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
    err.push(String(s));
    return true;
  });
  process.exitCode = undefined;
  try {
    const code = await main(['node', 'samenzicht', ...args, '--broker', url]);
    return { code, out: out.join(''), err: err.join('') };
  } finally {
    vi.restoreAllMocks();
    process.exitCode = undefined;
    delete process.env.SAMENZICHT_TOKEN;
  }
}

describe('samenzicht tokens', () => {
  it('create (with --expires-in-days), list and revoke by id', async () => {
    const me = demo.board[0]!.token;
    const created = await cli(
      ['tokens', 'create', '--label', 'nightly', '--expires-in-days', '30', '--json'],
      me,
    );
    expect(created.code).toBe(0);
    const t = JSON.parse(created.out) as { token: string; id: string; expiresAt: string };
    expect(t.id).toMatch(/^[0-9a-f]{16}$/);
    expect(new Date(t.expiresAt).getTime() - Date.now()).toBeGreaterThan(29.9 * 86_400_000);
    expect(new Date(t.expiresAt).getTime() - Date.now()).toBeLessThan(30.1 * 86_400_000);

    const listed = await cli(['tokens', 'list'], me);
    expect(listed.code).toBe(0);
    const lines = listed.out.trim().split('\n');
    expect(lines).toHaveLength(2); // the demo token and the new one
    expect(lines.find((l) => l.startsWith(`${t.id}  api  nightly  created `))).toContain(
      `expires ${t.expiresAt}`,
    );
    expect(lines.find((l) => l.includes('  demo  '))).toMatch(/ \(this token\)$/);
    expect(listed.out).not.toContain(t.token);

    const bad = await cli(['tokens', 'create', '--label', 'x', '--expires-in-days', '366'], me);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--expires-in-days 366: a whole number from 1 to 365');

    const revoked = await cli(['tokens', 'revoke', t.id], me);
    expect(revoked).toMatchObject({ code: 0, out: `token ${t.id} revoked\n` });
    const refused = await cli(['whoami'], t.token);
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('unknown, expired or revoked token');
    const again = await cli(['tokens', 'revoke', t.id], me);
    expect(again.code).toBe(2);
    expect(again.err).toContain(`you have no valid token with id ${t.id}`);
  });
});
