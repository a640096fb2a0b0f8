/**
 * Every audit entry records the channel an action came through, next to the authenticated user,
 * and the channel is part of the entry's hash.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import { setupDemoGovernance, type DemoGovernance } from '../support/demo-governance.js';
import type { Store } from '../../src/store/index.js';
import { entryHash, listAudit, verifyAuditTrail, withChannel } from '../../src/governance/index.js';
import { backends } from '../store/backends.js';
import { buildApp, putContribution } from './helpers.js';

const sqlite = backends()[0]!;
let store: Store;
let demo: DemoGovernance;
let app: FastifyInstance;
const PASSWORD = 'correct horse battery';

/** The newest audit entry of `action`. */
async function lastEntry(action: string) {
  const entries = await listAudit(store.db, { action });
  return entries.at(-1)!;
}

beforeAll(async () => {
  store = await sqlite.open();
  demo = await setupDemoGovernance(store);
  app = await buildApp({ store, governance: demo.governance, maxUploadBytes: 100_000 });
  const created = await app.inject({
    method: 'POST',
    url: '/api/v1/users',
    headers: { authorization: `Bearer ${demo.broker.token}` },
    payload: {
      email: 'analist@riec.nl',
      name: 'Analist',
      password: PASSWORD,
      organisations: ['riec'],
    },
  });
  expect(created.statusCode).toBe(201);
});
afterAll(async () => {
  await app.close();
  await sqlite.cleanup();
});

describe('the channel of every audit entry', () => {
  it('an API token is `api`; the same token from the CLI is `cli`; the user is the token’s', async () => {
    const cases = [
      { id: 'gm-a', name: 'Gemeente A', headers: {}, channel: 'api' },
      {
        id: 'gm-b',
        name: 'Gemeente B',
        headers: { 'x-samenzicht-channel': 'cli' },
        channel: 'cli',
      },
    ];
    for (const { id, name, headers, channel } of cases) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/organisations',
        headers: { authorization: `Bearer ${demo.broker.token}`, ...headers },
        payload: { id, name, role: 'consumer' },
      });
      expect(res.statusCode).toBe(201);
      expect(await lastEntry('organisation.create')).toMatchObject({
        actor: demo.broker.id,
        channel,
        subject: id,
      });
    }
  });

  it('a password login from the dashboard and its session cookie are `dashboard`; a client cannot claim `host` or `system`', async () => {
    const login = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'x-samenzicht-channel': 'dashboard' },
      payload: { email: 'analist@riec.nl', password: PASSWORD },
    });
    expect(login.statusCode).toBe(200);
    expect(await lastEntry('login')).toMatchObject({ channel: 'dashboard' });
    const cookie = String(login.headers['set-cookie']).split(';')[0]!;
    const token = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/tokens',
      // A session is the dashboard's whatever the request says.
      headers: { cookie, 'x-samenzicht-channel': 'cli' },
      payload: { label: 'script' },
    });
    expect(token.statusCode).toBe(201);
    const entry = await lastEntry('token.create');
    expect(entry.channel).toBe('dashboard');
    expect(entry.actor).toBe(login.json<{ user: { id: string } }>().user.id);

    for (const claimed of ['host', 'system', 'nonsense']) {
      const r = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        headers: { 'x-samenzicht-channel': claimed },
        payload: { email: 'analist@riec.nl', password: 'wrong' },
      });
      expect(r.statusCode).toBe(401);
      expect(await lastEntry('login.failed')).toMatchObject({ channel: 'api' });
    }
  });

  it('a change made with the session cookie alone (a forged form, a script on a sibling site) is refused', async () => {
    const login = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'analist@riec.nl', password: PASSWORD },
    });
    const cookie = String(login.headers['set-cookie']).split(';')[0]!;
    const tokens = (headers: Record<string, string>) =>
      app.inject({
        method: 'POST',
        url: '/api/v1/auth/tokens',
        headers: { cookie, ...headers },
        payload: { label: 'forged' },
      });
    const forgeries: Record<string, string>[] = [
      {},
      { 'sec-fetch-site': 'same-site', 'x-samenzicht-channel': 'dashboard' },
      { 'sec-fetch-site': 'cross-site', 'x-samenzicht-channel': 'dashboard' },
    ];
    for (const forged of forgeries) {
      const r = await tokens(forged);
      expect(r.statusCode, JSON.stringify(forged)).toBe(403);
      expect(r.json()).toMatchObject({ error: 'cross-site' });
    }
    expect((await tokens({ 'x-samenzicht-channel': 'dashboard' })).statusCode).toBe(201);
    expect(
      (await tokens({ 'sec-fetch-site': 'same-origin', 'x-samenzicht-channel': 'dashboard' }))
        .statusCode,
    ).toBe(201);
    // Reading is not a change; a token is never sent by a browser on its own.
    const me = await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie } });
    expect(me.statusCode).toBe(200);
  });

  it('an upload (a streamed body) records the channel of its token', async () => {
    const provider = demo.providerUserFor('kadaster_woningen');
    const body = 'object_id;buurtcode;bouwjaar\n0363010000000001;BU03630000;1931\n';
    const res = await putContribution(app, provider.token, 'kadaster_woningen', body, {
      'x-samenzicht-channel': 'cli',
    });
    const entries = await listAudit(store.db);
    const mine = entries.filter((e) => e.actor === provider.id);
    expect(mine.length, `status ${res.statusCode}: ${res.body}`).toBeGreaterThan(0);
    expect(mine.at(-1), `status ${res.statusCode}: ${res.body}`).toMatchObject({
      action: 'upload',
      channel: 'cli',
    });
  });

  it('outside a request an action is `system`; a command on the broker host is `host`', async () => {
    await demo.governance.logAudit('system', 'access', 'recovery');
    expect(await lastEntry('access')).toMatchObject({ subject: 'recovery', channel: 'system' });
    await withChannel('host', () => demo.governance.logAudit(demo.broker.id, 'access', 'init'));
    expect(await lastEntry('access')).toMatchObject({ subject: 'init', channel: 'host' });
  });

  it('the channel is hashed: editing it breaks the chain; entries from before channels verify', async () => {
    expect((await verifyAuditTrail(store.db)).ok).toBe(true);
    const last = await lastEntry('access');
    await sql`DROP TRIGGER IF EXISTS audit_log_no_update`.execute(store.db);
    await sql`UPDATE audit_log SET channel = 'api' WHERE seq = ${last.seq}`.execute(store.db);
    const edited = await verifyAuditTrail(store.db);
    expect(edited).toMatchObject({ ok: false, firstBroken: last.seq });
    await sql`UPDATE audit_log SET channel = 'host' WHERE seq = ${last.seq}`.execute(store.db);
    const head = await verifyAuditTrail(store.db);
    expect(head.ok).toBe(true);

    // An entry written before migration 0005 has no channel, and its hash never covered one.
    const old = {
      seq: head.entries + 1,
      at: '2026-01-01T00:00:00.000Z',
      actor: 'system',
      channel: null,
      action: 'purge',
      subject: 'old',
      details: {},
    };
    const prev = head.ok ? head.head : '';
    await store.db
      .insertInto('audit_log')
      .values({ ...old, details: '{}', prev_hash: prev, hash: entryHash(prev, old) })
      .execute();
    expect(await verifyAuditTrail(store.db)).toMatchObject({ ok: true, entries: old.seq });
    expect((await listAudit(store.db)).at(-1)).toMatchObject({ subject: 'old', channel: null });
  });
});
