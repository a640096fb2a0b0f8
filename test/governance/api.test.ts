import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { setupDemoGovernance, type DemoGovernance } from '../support/demo-governance.js';
import type { Store } from '../../src/store/index.js';
import { backends } from '../store/backends.js';
import { buildApp, putContribution, writeTestRelease } from './helpers.js';

const sqlite = backends()[0]!;
let store: Store;
let demo: DemoGovernance;
let app: FastifyInstance;
const sha = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');
const auth = (token: string) => ({ authorization: `Bearer ${token}` });
const incoming = () => join(store.dataDir, 'contributions', '.incoming');
const leftovers = () => (existsSync(incoming()) ? readdirSync(incoming()) : []);
/** A request as a token holder: the one shape every call here has. */
const as = (token: string, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
  app.inject({ method, url, headers: auth(token), ...(payload ? { payload } : {}) });
/** A PUT of a contribution by kadaster's steward. */
const upload = (dataset: string, payload: string | Buffer, headers: Record<string, string> = {}) =>
  putContribution(app, demo.providers.kadaster!.token, dataset, payload, headers);

const WONINGEN = [
  'object_id;buurtcode;bouwjaar',
  '0363010000000001;BU03630000;1931',
  '0363010000000002;BU03630000;1965',
  '0363010000000003;;1990', // empty buurtcode
  '0363010000000004;BU03630001', // missing field
  '0363010000000005;BU03630001;2004',
  '0363010000000006;BU03630001;',
].join('\n');

beforeAll(async () => {
  store = await sqlite.open();
  demo = await setupDemoGovernance(store);
  app = await buildApp({ store, governance: demo.governance, maxUploadBytes: 100_000 });
});
afterAll(async () => {
  await app.close();
  await sqlite.cleanup();
});

describe('governance API', () => {
  it('local accounts: scrypt login gives a session (bearer or cookie); tokens are stored hashed', async () => {
    const created = await as(demo.broker.token, 'POST', '/api/v1/users', {
      email: 'Analist@Gemeente.nl',
      name: 'Analist',
      password: 'correct horse battery',
      organisations: ['riec'],
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      email: 'analist@gemeente.nl',
      roles: ['consumer'],
      organisations: ['riec'],
    });
    const stored = await store.db
      .selectFrom('users')
      .select('password_hash')
      .where('email', '=', 'analist@gemeente.nl')
      .executeTakeFirstOrThrow();
    expect(stored.password_hash).toMatch(/^scrypt\$16384\$8\$1\$/);

    const login = (password: string) =>
      app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: 'analist@gemeente.nl', password },
      });
    const wrong = await login('nope');
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toEqual({
      error: 'unauthenticated',
      message: 'unknown email or wrong password',
    });

    const session = await login('correct horse battery');
    expect(session.statusCode).toBe(200);
    const { token } = session.json<{ token: string }>();
    const cookie = String(session.headers['set-cookie']);
    expect(cookie).toMatch(
      /^samenzicht_session=szs_[A-Za-z0-9_-]+; Path=\/; HttpOnly; SameSite=Strict; Expires=/,
    );
    const viaCookie = await app.inject({
      method: 'GET',
      url: '/api/v1/auth/me',
      headers: { cookie: cookie.split(';')[0]! },
    });
    expect(viaCookie.json()).toMatchObject({ email: 'analist@gemeente.nl', via: 'session' });

    const rows = await store.db.selectFrom('tokens').selectAll().execute();
    expect(rows.some((r) => r.token_hash === sha(token))).toBe(true);
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(JSON.stringify(rows)).not.toContain(demo.broker.token);

    const out = await as(token, 'POST', '/api/v1/auth/logout');
    expect(out.statusCode).toBe(204);
    expect((await as(token, 'GET', '/api/v1/auth/me')).statusCode).toBe(401);
    const logins = await demo.governance.listAudit({ action: 'login' });
    expect(logins.map((e) => e.details)).toEqual([{ method: 'password' }]);
  });

  it('uploads a contribution: checksum, validation counts with quarantine reasons, atomic store', async () => {
    const res = await upload('kadaster_woningen', WONINGEN);
    expect(res.statusCode).toBe(201);
    const c = res.json<Record<string, unknown>>();
    expect(c).toMatchObject({
      datasetId: 'kadaster_woningen',
      organisationId: 'kadaster',
      agreementId: demo.agreementId,
      sha256: sha(WONINGEN),
      bytes: Buffer.byteLength(WONINGEN),
      rows: 6,
      accepted: 3,
      quarantined: 3,
      reasons: { 'empty:buurtcode': 1, 'field-count': 1, 'empty:bouwjaar': 1 },
      period: null,
      version: 1,
      // smallValidator writes no per-row report; the server's path is never shown
      quarantineUrl: null,
    });
    expect(c).not.toHaveProperty('storagePath');
    expect(c).not.toHaveProperty('quarantinePath');
    expect(
      readFileSync(
        join(store.dataDir, 'contributions', 'kadaster_woningen', `${sha(WONINGEN)}.csv`),
        'utf8',
      ),
    ).toBe(WONINGEN);
    expect(leftovers()).toEqual([]);
    const again = await upload('kadaster_woningen', WONINGEN);
    expect(again.statusCode).toBe(409);
    const uploads = await demo.governance.listAudit({ action: 'upload' });
    expect(uploads).toHaveLength(1);
    expect(uploads[0]!.details).toMatchObject({
      rows: 6,
      quarantined: 3,
      dataset: 'kadaster_woningen',
    });
  });

  it('refuses a checksum mismatch, an oversized body and a foreign dataset, leaving nothing', async () => {
    const before = (await demo.governance.listContributions()).length;
    const body = WONINGEN.replace('1931', '1932');
    const bad = await upload('kadaster_woningen', body, { 'x-content-sha256': sha(WONINGEN) });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toBe(
      `checksum mismatch: the request says sha256 ${sha(WONINGEN)}, the ${Buffer.byteLength(body)} bytes received hash to ${sha(body)}`,
    );
    const big = Buffer.alloc(100_001, 65);
    const tooBig = await upload('kadaster_woningen', big, {
      'content-type': 'application/octet-stream',
    });
    expect(tooBig.statusCode).toBe(413);
    const foreign = await upload('fiu_meldingen', 'x', {
      'content-type': 'application/octet-stream',
    });
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json().message).toBe(
      "steward@kadaster.demo.samenzicht.nl does not belong to provider 'fiu' that delivers fiu_meldingen",
    );
    expect(leftovers()).toEqual([]);
    expect((await demo.governance.listContributions()).length).toBe(before);
  });

  it('a killed upload leaves no file and no contribution', async () => {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    const before = (await demo.governance.listContributions()).length;
    const uploadsBefore = (await demo.governance.listAudit({ action: 'upload' })).length;
    const req = request({
      host: '127.0.0.1',
      port,
      method: 'PUT',
      path: '/api/v1/contributions/kadaster_woningen',
      headers: {
        ...auth(demo.providers.kadaster!.token),
        'content-type': 'text/csv',
        'content-length': 90_000,
        'x-content-sha256': 'a'.repeat(64),
      },
    });
    req.on('error', () => undefined);
    req.write(Buffer.alloc(30_000, 66));
    // Wait until the server is demonstrably mid-stream (the partial file exists), then kill.
    for (let i = 0; i < 200 && leftovers().length === 0; i++)
      await new Promise((r) => setTimeout(r, 10));
    expect(leftovers()).toHaveLength(1);
    req.destroy();
    for (let i = 0; i < 200 && leftovers().length > 0; i++)
      await new Promise((r) => setTimeout(r, 10));
    expect(leftovers()).toEqual([]);
    expect(readdirSync(join(store.dataDir, 'contributions', 'kadaster_woningen'))).toHaveLength(1); // the earlier upload only
    expect((await demo.governance.listContributions()).length).toBe(before);
    expect((await demo.governance.listAudit({ action: 'upload' })).length).toBe(uploadsBefore);
  });

  it('drives the airlock over HTTP and verifies the trail', async () => {
    const gov = demo.governance;
    const run = await gov.startRun(demo.broker.id, {
      indicators: [{ id: 'bouwjaar_voor_1945', theme: 'vastgoed', sources: ['kadaster_woningen'] }],
    });
    const { digest } = writeTestRelease(store.dataDir, 'rel-api');
    const rel = await gov.createCandidate(demo.broker.id, {
      runId: run.id,
      releaseId: 'rel-api',
      digest,
      auditSummary: { cells: 3 },
    });
    const post = (token: string, path: string, payload?: object) =>
      as(token, 'POST', `/api/v1/airlock/releases/${rel.id}${path}`, payload);

    const view = await as(demo.board[1]!.token, 'GET', `/api/v1/airlock/releases/${rel.id}`);
    expect(view.json()).toMatchObject({
      id: 'rel-api',
      state: 'candidate',
      providers: ['kadaster'],
      auditSummary: { cells: 3 },
      digest,
    });
    expect((await gov.listAudit({ action: 'access' })).map((e) => e.actor)).toEqual([
      demo.board[1]!.id,
    ]);

    expect(
      (await post(demo.broker.token, '/reviews', { decision: 'approve', digest })).json().error,
    ).toBe('role-forbidden');
    expect((await post(demo.board[0]!.token, '/reviews', { decision: 'maybe' })).statusCode).toBe(
      400,
    );
    // An approval signs the digest: without it 400, with another one 409 (other content).
    const unsigned = await post(demo.board[0]!.token, '/reviews', { decision: 'approve' });
    expect(unsigned.statusCode).toBe(400);
    expect(unsigned.json().message).toMatch(/an approval signs the content it approves/);
    const other = await post(demo.board[0]!.token, '/reviews', {
      decision: 'approve',
      digest: 'f'.repeat(64),
    });
    expect(other.statusCode).toBe(409);
    expect(other.json()).toEqual({
      error: 'conflict',
      message: `chair@board.demo.samenzicht.nl approved other content: the review signs digest ${'f'.repeat(12)}, but release rel-api has digest ${digest.slice(0, 12)}; fetch the release and its report again`,
    });
    expect(
      (await post(demo.board[0]!.token, '/reviews', { decision: 'approve', digest: 'abc' }))
        .statusCode,
    ).toBe(400);
    const signed = await post(demo.board[0]!.token, '/reviews', { decision: 'approve', digest });
    expect(signed.statusCode).toBe(201);
    expect(signed.json().reviews).toMatchObject([{ capacity: 'board', digest }]);
    const twice = await post(demo.board[0]!.token, '/reviews', { decision: 'approve', digest });
    expect(twice.statusCode).toBe(409);
    expect((await post(demo.broker.token, '/publish')).statusCode).toBe(409);
    await post(demo.board[1]!.token, '/reviews', { decision: 'approve', digest });
    const prov = await post(demo.providers.kadaster!.token, '/reviews', {
      decision: 'approve',
      reason: 'matches BAG',
      digest: digest.toUpperCase(),
    });
    expect(prov.json().approval.ready).toBe(true);
    const pub = await post(demo.broker.token, '/publish');
    expect(pub.statusCode).toBe(200);
    expect(pub.json().state).toBe('published');
    expect((await post(demo.board[2]!.token, '/withdraw', {})).statusCode).toBe(400);
    const wd = await post(demo.board[2]!.token, '/withdraw', { reason: 'source correction' });
    expect(wd.json()).toMatchObject({ state: 'withdrawn', withdrawReason: 'source correction' });
    const list = await as(demo.board[0]!.token, 'GET', '/api/v1/airlock/releases?state=withdrawn');
    expect(list.json().releases.map((r: { id: string }) => r.id)).toEqual(['rel-api']);

    const verify = await as(demo.board[0]!.token, 'GET', '/api/v1/audit/verify');
    expect(verify.json()).toMatchObject({ ok: true });
    const audit = await as(demo.broker.token, 'GET', '/api/v1/audit?action=publication');
    expect(audit.json().entries.map((e: { subject: string }) => e.subject)).toEqual(['rel-api']);
  });
});
