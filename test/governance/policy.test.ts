/**
 * The policy table is enforced by the domain, not only by the routes: a `Governance` method that
 * acts refuses a user without the role, whoever calls it (API, CLI, pipeline, a script), and the
 * system actor is accepted only where the policy says so (start-up and `samenzicht init`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POLICY, SYSTEM_ACTOR, permits, type Action } from '../../src/governance/index.js';
import { setupDemoGovernance, type DemoGovernance } from '../support/demo-governance.js';
import { backends } from '../store/backends.js';

const sqlite = backends()[0]!;
let demo: DemoGovernance;

beforeAll(async () => {
  demo = await setupDemoGovernance(await sqlite.open());
});
afterAll(async () => {
  await sqlite.cleanup();
});

describe('the policy table', () => {
  it('names public, authenticated or at least one role for every action', () => {
    for (const [action, rule] of Object.entries(POLICY)) {
      const who = rule.who as unknown;
      expect(
        who === 'public' || who === 'authenticated' || (Array.isArray(who) && who.length > 0),
        action,
      ).toBe(true);
    }
  });

  it('lets the system actor only register organisations and users', () => {
    const system = Object.entries(POLICY)
      .filter(([, r]) => 'system' in r && r.system)
      .map(([a]) => a);
    expect(system.sort()).toEqual(['organisation.create', 'user.create']);
  });

  it('permits by role, and nothing but public actions to anonymous callers', () => {
    expect(permits('organisation.create', ['broker'])).toBe(true);
    expect(permits('organisation.create', ['board'])).toBe(false);
    expect(permits('auth.me', [])).toBe(true);
    expect(permits('auth.me', null)).toBe(false);
    expect(permits('auth.login', null)).toBe(true);
  });
});

describe('the domain enforces it', () => {
  const org = (id: string) => ({ id, name: `Org ${id}`, role: 'consumer' as const });
  const user = (email: string) => ({ email, name: 'N', organisations: ['riec'] });

  it('createOrganisation and createUser need the broker role', async () => {
    const gov = demo.governance;
    for (const u of [demo.consumer, demo.board[0]!, demo.providers.kadaster!]) {
      await expect(gov.createOrganisation(u.id, org('nope'))).rejects.toMatchObject({
        code: 'forbidden',
        message: expect.stringMatching(/may not register organisations: needs role broker$/),
      });
      await expect(gov.createUser(u.id, user(`x-${u.id}@example.nl`))).rejects.toMatchObject({
        code: 'forbidden',
        message: expect.stringMatching(/may not create users: needs role broker$/),
      });
    }
    await expect(gov.createOrganisation('no-such-user', org('nope'))).rejects.toMatchObject({
      code: 'not_found',
    });
    expect((await gov.createOrganisation(demo.broker.id, org('by-broker'))).id).toBe('by-broker');
    expect((await gov.createUser(demo.broker.id, user('by-broker@example.nl'))).email).toBe(
      'by-broker@example.nl',
    );
    const audit = await gov.listAudit({ action: 'organisation.create' });
    expect(audit.find((e) => e.subject === 'by-broker')?.actor).toBe(demo.broker.id);
  });

  it('accepts the system actor for start-up registration only', async () => {
    const gov = demo.governance;
    expect((await gov.createOrganisation(SYSTEM_ACTOR, org('by-system'))).id).toBe('by-system');
    expect((await gov.createUser(SYSTEM_ACTOR, user('by-system@example.nl'))).email).toBe(
      'by-system@example.nl',
    );
    await expect(gov.proposeAgreement(SYSTEM_ACTOR, 'x')).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(gov.publish(SYSTEM_ACTOR, 'x')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('applies the roles after a finer rule: a consumer party to an agreement may not revoke it', async () => {
    const gov = demo.governance;
    await gov.createAgreement(demo.broker.id, {
      id: 'policy-consumer-party',
      title: 'Vastgoed',
      purpose: 'Misbruik van vastgoed',
      legalBasis: 'Convenant art. 3',
      parties: ['kadaster', 'broker', 'riec'],
      datasets: ['kadaster_woningen'],
      themes: ['vastgoed'],
      validFrom: '2026-03-01T00:00:00Z',
      validUntil: '2026-06-01T00:00:00Z',
      retentionDays: 30,
    });
    await expect(
      gov.revokeAgreement(demo.consumer.id, 'policy-consumer-party', 'why'),
    ).rejects.toMatchObject({
      code: 'forbidden',
      message: expect.stringMatching(
        /may not revoke agreements: needs role provider or broker or board$/,
      ),
    });
    expect((await gov.getAgreement('policy-consumer-party')).status).toBe('draft');
  });

  it.each([
    ['agreement.propose', (id: string) => demo.governance.proposeAgreement(id, 'none')],
    ['release.publish', (id: string) => demo.governance.publish(id, 'none')],
    ['release.withdraw', (id: string) => demo.governance.withdraw(id, 'none', 'why')],
    ['run.restart', (id: string) => demo.governance.restartRun(id, 'none')],
  ] as [Action, (id: string) => Promise<unknown>][])(
    '%s refuses a consumer before it looks at the subject',
    async (action, call) => {
      expect(permits(action, ['consumer'])).toBe(false);
      await expect(call(demo.consumer.id)).rejects.toMatchObject({ code: 'forbidden' });
    },
  );
});
