/** OIDC login against a real oidc-provider started on 127.0.0.1 (authorization code + PKCE). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import type { FastifyInstance } from 'fastify';
import { setupDemoGovernance, type DemoGovernance } from '../support/demo-governance.js';
import { backends } from '../store/backends.js';
import { buildApp } from './helpers.js';

const sqlite = backends()[0]!;
const REDIRECT = 'http://127.0.0.1:8080/api/v1/auth/oidc/callback';
let issuerServer: Server;
let issuer: string;
let app: FastifyInstance;
let demo: DemoGovernance;

beforeAll(async () => {
  issuerServer = createServer();
  await new Promise<void>((r) => issuerServer.listen(0, '127.0.0.1', r));
  issuer = `http://127.0.0.1:${(issuerServer.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: 'samenzicht',
        client_secret: 'test-secret-for-the-samenzicht-broker-0123456789',
        redirect_uris: [REDIRECT],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    conformIdTokenClaims: false,
    cookies: { keys: ['test-cookie-key-0123456789abcdef'] },
    findAccount: async (_ctx, sub) => ({
      accountId: sub,
      claims: async () => ({ sub, email: `${sub}@example.org`, email_verified: true, name: sub }),
    }),
  });
  issuerServer.on('request', provider.callback());

  const store = await sqlite.open();
  demo = await setupDemoGovernance(store);
  await demo.governance.createUser('system', {
    email: 'alice@example.org',
    name: 'Alice',
    organisations: ['board'],
  });
  app = await buildApp({
    store,
    governance: demo.governance,
    oidc: {
      issuer,
      clientId: 'samenzicht',
      clientSecret: 'test-secret-for-the-samenzicht-broker-0123456789',
      redirectUri: REDIRECT,
      allowInsecure: true,
    },
  });
});
afterAll(async () => {
  await app.close();
  await new Promise((r) => issuerServer.close(r));
  await sqlite.cleanup();
});

/** Walks the provider's development login and consent pages like a browser; returns the callback URL. */
async function browserLogin(login: string): Promise<URL> {
  const start = await app.inject({ method: 'GET', url: '/api/v1/auth/oidc/login' });
  expect(start.statusCode).toBe(302);
  const jar = new Map<string, string>();
  let url = new URL(start.headers.location as string);
  expect(url.origin).toBe(issuer);
  expect(url.searchParams.get('code_challenge_method')).toBe('S256');
  let body: URLSearchParams | undefined;
  for (let step = 0; step < 20; step++) {
    const res = await fetch(url, {
      method: body ? 'POST' : 'GET',
      redirect: 'manual',
      headers: {
        cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '),
        ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(body ? { body } : {}),
    });
    body = undefined;
    for (const c of res.headers.getSetCookie()) {
      const [kv] = c.split(';');
      const [k, ...v] = kv!.split('=');
      jar.set(k!, v.join('='));
    }
    if (res.status >= 300 && res.status < 400) {
      url = new URL(res.headers.get('location')!, url);
      if (url.href.startsWith(REDIRECT)) return url;
      continue;
    }
    const html = await res.text();
    expect(res.status, html).toBe(200);
    if (html.includes('name="prompt" value="login"'))
      body = new URLSearchParams({ prompt: 'login', login, password: 'x' });
    else if (html.includes('name="prompt" value="consent"'))
      body = new URLSearchParams({ prompt: 'consent' });
    else throw new Error(`unexpected page at ${url.href}: ${html.slice(0, 200)}`);
  }
  throw new Error('login did not finish');
}

describe('OIDC login', () => {
  it('logs a provisioned user in through the provider and links the subject', async () => {
    const cb = await browserLogin('alice');
    const res = await app.inject({ method: 'GET', url: `/api/v1/auth/oidc/callback${cb.search}` });
    expect(res.statusCode, res.body).toBe(200);
    const s = res.json<{ token: string; user: { email: string; roles: string[] } }>();
    expect(s.user).toMatchObject({ email: 'alice@example.org', roles: ['board'] });
    const me = await app.inject({
      method: 'GET',
      url: '/api/v1/auth/me',
      headers: { authorization: `Bearer ${s.token}` },
    });
    expect(me.json()).toMatchObject({ email: 'alice@example.org', via: 'session' });
    const row = await demo.governance.store.db
      .selectFrom('users')
      .select(['oidc_issuer', 'oidc_subject'])
      .where('email', '=', 'alice@example.org')
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ oidc_issuer: issuer, oidc_subject: 'alice' });
    const logins = await demo.governance.listAudit({ action: 'login' });
    expect(logins.at(-1)?.details).toEqual({ issuer, method: 'oidc' });
    // The state is single use: replaying the callback fails.
    const replay = await app.inject({
      method: 'GET',
      url: `/api/v1/auth/oidc/callback${cb.search}`,
    });
    expect(replay.statusCode).toBe(401);
  });

  it('refuses a subject without a Samenzicht account, and logs the attempt', async () => {
    const cb = await browserLogin('mallory');
    const res = await app.inject({ method: 'GET', url: `/api/v1/auth/oidc/callback${cb.search}` });
    expect(res.statusCode).toBe(401);
    expect(res.json().message).toBe(`no Samenzicht account for mallory@example.org at ${issuer}`);
    const failed = await demo.governance.listAudit({ action: 'login.failed' });
    expect(failed.at(-1)).toMatchObject({
      subject: 'mallory',
      details: { issuer, method: 'oidc' },
    });
  });
});
