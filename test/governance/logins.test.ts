/**
 * Logins that can face the internet: throttling and lockout per account and per client address
 * (stored in the state database, on SQLite and PostgreSQL), 429 with retry-after, the right
 * password refused while locked, the count reset by a success; a login for an unknown account
 * or one without a password checks a dummy hash; length caps on the inputs, so a 900 KB email
 * is refused before the audit trail grows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { Governance, GovernanceError, LoginLocked } from '../../src/governance/index.js';
import { checkPassword, dummyPasswordHash, hashPassword } from '../../src/governance/secrets.js';
import type { Store } from '../../src/store/index.js';
import { backends, testClock } from '../store/backends.js';
import { buildApp } from './helpers.js';

const PASSWORD = 'correct horse battery';
const auditCount = async (gov: Governance) => (await gov.listAudit()).length;

async function setup(store: Store, clock: ReturnType<typeof testClock>) {
  const gov = new Governance(store, { now: clock.now });
  await gov.createOrganisation('system', { id: 'riec', name: 'RIEC', role: 'consumer' });
  const user = await gov.createUser('system', {
    email: 'analist@riec.nl',
    name: 'Analist',
    password: PASSWORD,
    organisations: ['riec'],
  });
  const oidcOnly = await gov.createUser('system', {
    email: 'sso@riec.nl',
    name: 'Via SSO',
    organisations: ['riec'],
    oidc: { issuer: 'https://idp.example', subject: 'sub-1' },
  });
  return { gov, user, oidcOnly };
}

/** The outcome of a login: 'ok', 'wrong' (401) or 'locked:<retry seconds>' (429). */
async function attempt(
  gov: Governance,
  email: string,
  password: string,
  address?: string,
): Promise<string> {
  try {
    await gov.login(email, password, address ? { address } : {});
    return 'ok';
  } catch (err) {
    if (err instanceof LoginLocked) return `locked:${err.retryAfterSeconds}`;
    if (err instanceof GovernanceError && err.code === 'unauthenticated') return 'wrong';
    throw err;
  }
}

describe.each(backends())('login throttling on $name', (backend) => {
  let store: Store;
  afterAll(() => backend.cleanup());

  it('locks an account after 5 failures in 15 minutes; the right password is refused until the lock ends', async () => {
    store = await backend.open();
    const clock = testClock();
    const { gov } = await setup(store, clock);
    const results: string[] = [];
    for (let i = 0; i < 5; i++) {
      results.push(await attempt(gov, 'analist@riec.nl', `wrong ${i}`, '10.0.0.1'));
      clock.set(new Date(clock.now().getTime() + 60_000).toISOString()); // one a minute
    }
    expect(results).toEqual(['wrong', 'wrong', 'wrong', 'wrong', 'wrong']);
    // The fifth failure (at minute 4) locked it for 15 minutes: it is now minute 5.
    expect(await attempt(gov, 'Analist@RIEC.nl', PASSWORD, '10.0.0.2')).toBe('locked:840');
    // Another process (another Governance on the same database) sees the same lock.
    const other = new Governance(store, { now: clock.now });
    expect(await attempt(other, 'analist@riec.nl', PASSWORD)).toBe('locked:840');
    clock.set(new Date(clock.now().getTime() + 839_000).toISOString());
    expect(await attempt(gov, 'analist@riec.nl', PASSWORD)).toBe('locked:1');
    clock.set(new Date(clock.now().getTime() + 1_000).toISOString());
    expect(await attempt(gov, 'analist@riec.nl', PASSWORD)).toBe('ok');

    const failed = await gov.listAudit({ action: 'login.failed' });
    expect(failed).toHaveLength(5);
    expect(failed[0]).toMatchObject({
      actor: 'anonymous',
      subject: 'analist@riec.nl',
      details: { method: 'password', address: '10.0.0.1' },
    });
    const locked = await gov.listAudit({ action: 'login.locked' });
    expect(locked.map((e) => [e.subject, e.details])).toEqual([
      [
        'analist@riec.nl',
        { kind: 'account', failures: 5, minutes: 15, until: '2026-03-01T09:19:00.000Z' },
      ],
    ]);
    // Refused attempts while locked are not written to the audit trail one by one.
    expect(JSON.stringify(await gov.listAudit())).not.toContain(PASSWORD);
  });

  it('a successful login resets the account count; failures spread over more than 15 minutes do not lock', async () => {
    store = await backend.open();
    const clock = testClock();
    const { gov } = await setup(store, clock);
    const seq: string[] = [];
    for (let i = 0; i < 4; i++) seq.push(await attempt(gov, 'analist@riec.nl', 'nope-nope'));
    seq.push(await attempt(gov, 'analist@riec.nl', PASSWORD));
    for (let i = 0; i < 4; i++) seq.push(await attempt(gov, 'analist@riec.nl', 'nope-nope'));
    seq.push(await attempt(gov, 'analist@riec.nl', PASSWORD));
    expect(seq).toEqual([...Array(4).fill('wrong'), 'ok', ...Array(4).fill('wrong'), 'ok']);

    for (let i = 0; i < 4; i++) seq.push(await attempt(gov, 'analist@riec.nl', 'nope-nope'));
    clock.set(new Date(clock.now().getTime() + 15 * 60_000).toISOString()); // the window ends
    for (let i = 0; i < 4; i++) seq.push(await attempt(gov, 'analist@riec.nl', 'nope-nope'));
    expect(await attempt(gov, 'analist@riec.nl', PASSWORD)).toBe('ok');
    expect(await gov.listAudit({ action: 'login.locked' })).toEqual([]);
  });

  it('locks a client address after 20 failures, whichever accounts they tried; other addresses still log in', async () => {
    store = await backend.open();
    const clock = testClock();
    const { gov } = await setup(store, clock);
    const results: string[] = [];
    for (let i = 0; i < 20; i++)
      results.push(await attempt(gov, `guess${i}@riec.nl`, 'whatever1', '192.0.2.7'));
    expect(results).toEqual(Array(20).fill('wrong'));
    expect(await attempt(gov, 'analist@riec.nl', PASSWORD, '192.0.2.7')).toBe('locked:900');
    expect(await attempt(gov, 'analist@riec.nl', PASSWORD, '192.0.2.8')).toBe('ok');
    expect(await attempt(gov, 'analist@riec.nl', PASSWORD)).toBe('ok'); // no address: the CLI
    const locked = await gov.listAudit({ action: 'login.locked' });
    expect(locked.map((e) => [e.subject, e.details.kind])).toEqual([['192.0.2.7', 'address']]);
    clock.set(new Date(clock.now().getTime() + 15 * 60_000).toISOString());
    expect(await attempt(gov, 'analist@riec.nl', PASSWORD, '192.0.2.7')).toBe('ok');
  });

  it('parallel guesses are counted before the password is checked: only 5 of 12 are checked', async () => {
    store = await backend.open();
    const clock = testClock();
    const { gov } = await setup(store, clock);
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => attempt(gov, 'analist@riec.nl', `guess ${i}`)),
    );
    expect(results.filter((r) => r === 'wrong')).toHaveLength(5);
    expect(results.filter((r) => r.startsWith('locked:'))).toHaveLength(7);
    expect(await gov.listAudit({ action: 'login.failed' })).toHaveLength(5);
    expect(await attempt(gov, 'analist@riec.nl', PASSWORD)).toBe('locked:900');
  });
});

describe('login over HTTP', () => {
  const sqlite = backends()[0]!;
  let app: FastifyInstance;
  let gov: Governance;
  const clock = testClock();
  beforeAll(async () => {
    const store = await sqlite.open();
    ({ gov } = await setup(store, clock));
    app = await buildApp({ governance: gov });
  });
  afterAll(async () => {
    await app.close();
    await sqlite.cleanup();
  });
  const login = (email: string, password: string, remoteAddress = '203.0.113.5') =>
    app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email, password },
      remoteAddress,
    });

  it('answers 429 with retry-after once the account is locked, also for the right password', async () => {
    for (let i = 0; i < 5; i++)
      expect((await login('analist@riec.nl', 'wrong pw')).statusCode).toBe(401);
    const locked = await login('analist@riec.nl', PASSWORD);
    expect(locked.statusCode).toBe(429);
    expect(locked.headers['retry-after']).toBe('900');
    expect(locked.json()).toEqual({
      error: 'locked',
      message: 'too many failed logins for this account: try again in 15 minutes',
    });
    expect(locked.headers['set-cookie']).toBeUndefined();
    clock.set(new Date(clock.now().getTime() + 15 * 60_000).toISOString());
    const ok = await login('analist@riec.nl', PASSWORD);
    expect(ok.statusCode).toBe(200);
    expect(String(ok.headers['set-cookie'])).toMatch(/; HttpOnly; SameSite=Strict; /);
  });

  it('counts per client address (req.ip): 20 failures from one address lock it', async () => {
    for (let i = 0; i < 20; i++)
      expect((await login(`nobody${i}@riec.nl`, 'wrong pw', '198.51.100.9')).statusCode).toBe(401);
    const locked = await login('analist@riec.nl', PASSWORD, '198.51.100.9');
    expect(locked.statusCode).toBe(429);
    expect(locked.json<{ message: string }>().message).toBe(
      'too many failed logins from your address: try again in 15 minutes',
    );
    expect((await login('analist@riec.nl', PASSWORD, '198.51.100.10')).statusCode).toBe(200);
  });

  it('the session cookie is HttpOnly, SameSite=Strict, and Secure over https or when told', async () => {
    const plain = String((await login('analist@riec.nl', PASSWORD)).headers['set-cookie']);
    expect(plain).toMatch(
      /^samenzicht_session=szs_[\w-]+; Path=\/; HttpOnly; SameSite=Strict; Expires=/,
    );
    expect(plain).not.toContain('Secure');
    const secureApp = await buildApp({ governance: gov, secureCookies: true });
    try {
      const res = await secureApp.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: 'analist@riec.nl', password: PASSWORD },
      });
      expect(String(res.headers['set-cookie'])).toMatch(/; HttpOnly; SameSite=Strict; .*; Secure$/);
    } finally {
      await secureApp.close();
    }
  });

  it('refuses a 900 KB email and a 1025-character password with 400; the audit trail does not grow', async () => {
    const before = await auditCount(gov);
    const huge = `${'a'.repeat(900 * 1024)}@riec.nl`;
    const res = await login(huge, PASSWORD);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'bad-request' });
    expect(res.json<{ message: string }>().message).toContain(
      'must NOT have more than 254 characters',
    );
    expect((await login('analist@riec.nl', 'x'.repeat(1025))).statusCode).toBe(400);
    expect(await auditCount(gov)).toBe(before);
  });
});

/** A governance on a fresh SQLite store for the describe it is called in. */
function freshGovernance(use: (gov: Governance) => void): void {
  const sqlite = backends()[0]!;
  afterAll(() => sqlite.cleanup());
  beforeAll(async () => {
    const store = await sqlite.open();
    use((await setup(store, testClock())).gov);
  });
}

describe('constant time: unknown accounts and accounts without a password', () => {
  let gov: Governance;
  freshGovernance((g) => (gov = g));

  it('the dummy hash has the parameters of a real one, and checkPassword uses it when there is no hash', async () => {
    const params = (h: string) => h.split('$').slice(0, 4).join('$');
    expect(params(await dummyPasswordHash())).toBe(params(await hashPassword('some password')));
    let dummies = 0;
    expect(await checkPassword(PASSWORD, null, () => dummies++)).toBe(false);
    expect(await checkPassword(PASSWORD, undefined, () => dummies++)).toBe(false);
    expect(await checkPassword(PASSWORD, await hashPassword(PASSWORD), () => dummies++)).toBe(true);
    expect(dummies).toBe(2);
  });

  it('a login for an unknown account or an OIDC-only account checks the dummy hash; a real account does not', async () => {
    let dummies = 0;
    gov.onDummyPassword = () => dummies++;
    try {
      expect(await attempt(gov, 'nobody@riec.nl', PASSWORD)).toBe('wrong');
      expect(dummies).toBe(1);
      expect(await attempt(gov, 'sso@riec.nl', PASSWORD)).toBe('wrong');
      expect(dummies).toBe(2);
      expect(await attempt(gov, 'analist@riec.nl', 'a wrong one')).toBe('wrong');
      expect(await attempt(gov, 'analist@riec.nl', PASSWORD)).toBe('ok');
      expect(dummies).toBe(2);
    } finally {
      gov.onDummyPassword = undefined;
    }
  });

  it('so an unknown account costs about what a wrong password does (a generous bound: > 1/4)', async () => {
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const time = async (email: string) => {
      const t = performance.now();
      await attempt(gov, email, 'not the password');
      return performance.now() - t;
    };
    const unknown: number[] = [];
    const wrong: number[] = [];
    // Alternate, so a busy moment of the machine hits both; 4 wrong passwords stay below the lock.
    for (let i = 0; i < 4; i++) {
      unknown.push(await time(`unknown${i}@riec.nl`));
      wrong.push(await time('analist@riec.nl'));
    }
    await attempt(gov, 'analist@riec.nl', PASSWORD); // resets the count
    expect(median(unknown)).toBeGreaterThan(median(wrong) / 4);
  });
});

describe('length caps in the domain (the CLI and other direct callers)', () => {
  let gov: Governance;
  freshGovernance((g) => (gov = g));
  const refused = async (p: Promise<unknown>, message: string) => {
    await expect(p).rejects.toThrow(GovernanceError);
    await expect(p).rejects.toThrow(message);
  };

  it('refuses over-long inputs before anything is stored or logged', async () => {
    const before = await auditCount(gov);
    await refused(
      gov.login(`${'a'.repeat(900 * 1024)}@riec.nl`, PASSWORD),
      'email is 921608 characters long; at most 254 are accepted',
    );
    await refused(gov.login('analist@riec.nl', 'p'.repeat(1025)), 'at most 1024 are accepted');
    await refused(
      gov.createUser('system', {
        email: 'x@riec.nl',
        name: 'n'.repeat(201),
        organisations: ['riec'],
      }),
      'name is 201 characters long; at most 200',
    );
    await refused(
      gov.createUser('system', {
        email: 'x@riec.nl',
        name: 'X',
        password: 'p'.repeat(1025),
        organisations: ['riec'],
      }),
      'password is 1025 characters long',
    );
    await refused(
      gov.createOrganisation('system', { id: 'o'.repeat(101), name: 'O', role: 'consumer' }),
      'organisation id is 101 characters long',
    );
    await refused(
      gov.createApiToken((await gov.findUserByEmail('analist@riec.nl'))!.id, 'l'.repeat(101)),
      'token label is 101 characters long; at most 100',
    );
    await refused(
      gov.createAgreement('system', {
        title: 'T',
        purpose: 'p'.repeat(2001),
        legalBasis: 'L',
        parties: ['riec'],
        datasets: ['kadaster_woningen'],
        themes: ['vastgoed'],
        validFrom: '2026-01-01T00:00:00Z',
        validUntil: '2027-01-01T00:00:00Z',
        retentionDays: 1,
      }),
      'purpose is 2001 characters long; at most 2000',
    );
    await refused(
      gov.review('system', 'rel-x', { decision: 'reject', reason: 'r'.repeat(2001) }),
      'reason is 2001 characters long',
    );
    await refused(
      gov.revokeAgreement(
        (await gov.findUserByEmail('analist@riec.nl'))!.id,
        'agr-x',
        'r'.repeat(2001),
      ),
      'reason is 2001 characters long',
    );
    expect(await auditCount(gov)).toBe(before);
  });
});
