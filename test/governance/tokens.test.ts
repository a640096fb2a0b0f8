/**
 * API tokens over HTTP: they expire (default 90 days, 1..365), are listed without their secret
 * and revoked by an opaque id; an expired or revoked token answers 401. Audit entries are capped
 * in size and still chain.
 */
import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { AUDIT_DETAILS_MAX_BYTES, canonicalJson, Governance } from '../../src/governance/index.js';
import { backends, testClock } from '../store/backends.js';
import { legacySqlite } from '../store/legacy.js';
import { buildApp } from './helpers.js';

const sqlite = backends()[0]!;
const clock = testClock('2026-03-01T09:00:00.000Z');
let app: FastifyInstance;
let gov: Governance;
let admin: { id: string; token: string };
let other: { id: string; token: string };
const auth = (token: string) => ({ authorization: `Bearer ${token}` });
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

beforeAll(async () => {
  const store = await sqlite.open();
  gov = new Governance(store, { now: clock.now });
  await gov.createOrganisation('system', { id: 'broker', name: 'Broker', role: 'broker' });
  const a = await gov.createUser('system', {
    email: 'beheer@broker.nl',
    name: 'Beheer',
    organisations: ['broker'],
  });
  const b = await gov.createUser('system', {
    email: 'ander@broker.nl',
    name: 'Ander',
    organisations: ['broker'],
  });
  admin = { id: a.id, token: (await gov.createApiToken(a.id, 'first')).token };
  other = { id: b.id, token: (await gov.createApiToken(b.id, 'other')).token };
  app = await buildApp({ governance: gov });
});
afterAll(async () => {
  await app.close();
  await sqlite.cleanup();
});

interface Listed {
  id: string;
  kind: string;
  label: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  current: boolean;
}
const list = async (token: string) => {
  const res = await app.inject({ url: '/api/v1/auth/tokens', headers: auth(token) });
  expect(res.statusCode).toBe(200);
  expect(res.headers['cache-control']).toBe('no-store');
  return res.json<{ tokens: Listed[] }>().tokens;
};
const me = async (token: string) =>
  (await app.inject({ url: '/api/v1/auth/me', headers: auth(token) })).statusCode;

describe('API tokens', () => {
  it('expire after 90 days by default, or after 1..365 days when asked; more or fewer is refused', async () => {
    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/tokens',
      headers: auth(admin.token),
      payload: { label: 'ci nightly' },
    });
    expect(created.statusCode).toBe(201);
    const t = created.json<{ token: string; id: string; label: string; expiresAt: string }>();
    expect(t).toEqual({
      token: expect.stringMatching(/^sza_/) as string,
      id: sha(t.token).slice(0, 16),
      label: 'ci nightly',
      expiresAt: '2026-05-30T09:00:00.000Z', // 90 days
    });
    const short = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/tokens',
      headers: auth(admin.token),
      payload: { label: 'a week', expiresInDays: 7 },
    });
    expect(short.json<{ expiresAt: string }>().expiresAt).toBe('2026-03-08T09:00:00.000Z');
    for (const expiresInDays of [0, 366, 1.5]) {
      const bad = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/tokens',
        headers: auth(admin.token),
        payload: { label: 'x', expiresInDays },
      });
      expect(bad.statusCode, String(expiresInDays)).toBe(400);
    }
    await expect(gov.createApiToken(admin.id, 'x', { expiresInDays: 400 })).rejects.toThrow(
      'expiresInDays must be a whole number of days from 1 to 365',
    );

    expect(await me(short.json<{ token: string }>().token)).toBe(200);
    clock.set('2026-03-08T08:59:59.999Z');
    expect(await me(short.json<{ token: string }>().token)).toBe(200);
    clock.set('2026-03-08T09:00:00.000Z');
    const expired = await app.inject({
      url: '/api/v1/auth/me',
      headers: auth(short.json<{ token: string }>().token),
    });
    expect(expired.statusCode).toBe(401);
    expect(expired.json()).toEqual({
      error: 'unauthenticated',
      message: 'unknown, expired or revoked token',
    });
    expect((await list(admin.token)).map((x) => x.label)).not.toContain('a week');
  });

  it('are listed with id, kind, label, dates and last use, never the secret or its hash', async () => {
    const login = await gov.createUser('system', {
      email: 'met.wachtwoord@broker.nl',
      name: 'Met wachtwoord',
      password: 'correct horse battery',
      organisations: ['broker'],
    });
    const session = await gov.login('met.wachtwoord@broker.nl', 'correct horse battery');
    const api = await gov.createApiToken(login.id, 'script');
    clock.set(new Date(clock.now().getTime() + 5 * 60_000).toISOString());
    const res = await app.inject({ url: '/api/v1/auth/tokens', headers: auth(api.token) });
    const body = res.body;
    for (const secret of [session.token, api.token])
      for (const leak of [secret, sha(secret)]) expect(body).not.toContain(leak);
    const tokens = res.json<{ tokens: Listed[] }>().tokens;
    // Both were made in the same millisecond: compare in a fixed order.
    tokens.sort((x, y) => x.kind.localeCompare(y.kind));
    expect(tokens).toEqual([
      {
        id: api.id,
        kind: 'api',
        label: 'script',
        createdAt: '2026-03-08T09:00:00.000Z',
        expiresAt: '2026-06-06T09:00:00.000Z',
        lastUsedAt: '2026-03-08T09:05:00.000Z',
        current: true,
      },
      {
        id: sha(session.token).slice(0, 16),
        kind: 'session',
        label: 'session',
        createdAt: '2026-03-08T09:00:00.000Z',
        expiresAt: '2026-03-08T21:00:00.000Z',
        lastUsedAt: null,
        current: false,
      },
    ]);
    // Another user's tokens are not among yours.
    expect((await list(other.token)).map((t) => t.label)).toEqual(['other']);
  });

  it('are revoked by id: 204, then 401 with that token; unknown, spent or foreign ids are 404', async () => {
    const t = await gov.createApiToken(admin.id, 'to revoke');
    expect(await me(t.token)).toBe(200);
    const revoke = (id: string, token: string) =>
      app.inject({ method: 'DELETE', url: `/api/v1/auth/tokens/${id}`, headers: auth(token) });
    const foreign = await revoke(t.id, other.token);
    expect(foreign.statusCode).toBe(404);
    expect(await me(t.token)).toBe(200);
    const del = await revoke(t.id, admin.token);
    expect(del.statusCode).toBe(204);
    expect(await me(t.token)).toBe(401);
    expect((await list(admin.token)).map((x) => x.id)).not.toContain(t.id);
    const again = await revoke(t.id, admin.token);
    expect(again.statusCode).toBe(404);
    expect(again.json()).toEqual({
      error: 'not_found',
      message: `you have no valid token with id ${t.id}`,
    });
    const long = await app.inject({
      method: 'DELETE',
      url: `/api/v1/auth/tokens/${'f'.repeat(101)}`,
      headers: auth(admin.token),
    });
    expect(long.statusCode).toBe(414); // Fastify's maxParamLength (100) caps every path id
    const revoked = await gov.listAudit({ action: 'token.revoke' });
    expect(revoked.map((e) => [e.actor, e.details])).toEqual([
      [admin.id, { id: t.id, kind: 'api', label: 'to revoke' }],
    ]);
    // A user may revoke the token of the request itself.
    const self = await gov.createApiToken(admin.id, 'self');
    const [current] = (await list(self.token)).filter((x) => x.current);
    expect(current?.id).toBe(self.id);
    expect(
      (
        await app.inject({
          method: 'DELETE',
          url: `/api/v1/auth/tokens/${self.id}`,
          headers: auth(self.token),
        })
      ).statusCode,
    ).toBe(204);
    expect(await me(self.token)).toBe(401);
  });
});

describe('audit entries are capped in size', () => {
  it('details beyond 16 KB are shrunk with a note of their size and sha256; the chain still verifies', async () => {
    const big = { email: 'e'.repeat(900 * 1024), list: Array.from({ length: 5000 }, (_, i) => i) };
    const original = canonicalJson(big);
    const e = await gov.logAudit('system', 'access', 's'.repeat(1000), big);
    expect(Buffer.byteLength(canonicalJson(e.details))).toBeLessThanOrEqual(
      AUDIT_DETAILS_MAX_BYTES,
    );
    expect(e.subject).toBe(`${'s'.repeat(256)}…`);
    expect(e.details.truncated).toEqual({
      bytes: Buffer.byteLength(original),
      sha256: sha(original),
      subjectChars: 1000,
      subjectSha256: sha('s'.repeat(1000)),
    });
    expect((e.details.email as string).length).toBe(1025);
    expect((e.details.list as unknown[]).slice(-2)).toEqual([99, '… 4900 more']);
    const [stored] = await gov.listAudit({ afterSeq: e.seq - 1, limit: 1 });
    expect(stored).toEqual(e);

    // Many keys: only the key names are kept.
    const wide = Object.fromEntries(
      Array.from({ length: 3000 }, (_, i) => [`k${i}`, 'v'.repeat(20)]),
    );
    const w = await gov.logAudit('system', 'access', 'wide', wide);
    expect(Object.keys(w.details).sort()).toEqual(['keys', 'truncated']);
    expect(Buffer.byteLength(canonicalJson(w.details))).toBeLessThanOrEqual(
      AUDIT_DETAILS_MAX_BYTES,
    );

    // Small details are stored as they are.
    const small = await gov.logAudit('system', 'access', 'small', { a: 1 });
    expect(small.details).toEqual({ a: 1 });
    expect(await gov.verifyAuditTrail()).toMatchObject({ ok: true });
  });
});

describe('migration 0004 on a state database from before token expiry', () => {
  it('gives old tokens an id and an expiry 90 days on; they still work until then', async () => {
    const { sql } = await import('kysely');
    const { mkdtempSync: mkd } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { openStore } = await import('../../src/store/index.js');
    const dir = mkd(join(tmpdir(), 'samenzicht-m4-'));
    const old = await legacySqlite(dir, '0003_product_runs');
    const token = 'sza_legacy-token-from-before';
    const now = new Date().toISOString();
    await sql`INSERT INTO organisations (id, name, role, provider_ids, created_at)
      VALUES ('broker', 'Broker', 'broker', '[]', ${now})`.execute(old);
    await sql`INSERT INTO users (id, email, name, created_at)
      VALUES ('u1', 'oud@broker.nl', 'Oud', ${now})`.execute(old);
    await sql`INSERT INTO memberships (user_id, organisation_id, created_at)
      VALUES ('u1', 'broker', ${now})`.execute(old);
    await sql`INSERT INTO tokens (token_hash, user_id, kind, label, created_at)
      VALUES (${sha(token)}, 'u1', 'api', 'old', ${now})`.execute(old);
    await old.destroy();
    const store = await openStore({ dataDir: dir });
    try {
      const g = new Governance(store);
      expect(await g.authenticate(token)).toMatchObject({ email: 'oud@broker.nl' });
      const [t] = await g.listTokens('u1');
      expect(t?.id).toBe(sha(token).slice(0, 16));
      const days = (new Date(t!.expiresAt!).getTime() - Date.now()) / 86_400_000;
      expect(days).toBeGreaterThan(89.9);
      expect(days).toBeLessThanOrEqual(90);
      const late = new Governance(store, { now: () => new Date(Date.now() + 91 * 86_400_000) });
      expect(await late.authenticate(token)).toBeNull();
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
