/**
 * The governance page's state logic (web/src/pages/governance/access.ts), in Node: which
 * sections and actions each role gets, kept equal to the server's one access table; which row
 * gets which action; following a run; the request bodies of the forms; and that every value the
 * server can send has a word in both languages.
 */
import { describe, expect, it } from 'vitest';
import { ENDPOINTS } from '../../src/api/governance/access.js';
import { agreementSchema, runSchema } from '../../src/api/governance/schemas.js';
import { ROLES as SERVER_ROLES } from '../../src/governance/types.js';
import { PROVIDERS } from '../../src/ingest/contracts.js';
import {
  ACTIONS,
  allowed,
  canPropose,
  canPublish,
  canRestart,
  canReview,
  capabilities,
  isRunning,
  organisationBody,
  problemKind,
  progressPercent,
  progressSubject,
  quarantineLink,
  ROLES,
  runToFollow,
  sections,
  signableFor,
  userBody,
  waitWords,
  type Action,
} from '../../web/src/pages/governance/access.js';
import { retryAfterSeconds } from '../../web/src/api.js';
import type { AgreementRow, RunRow } from '../../web/src/pages/governance/types.js';
import { DICTIONARIES } from '../../web/src/texts.js';
import { PROVIDER_NAMES } from '../../web/src/words.js';

/** Every kind of refusal the page words, in the order of the statuses that give them. */
const PROBLEM_KINDS = [
  'invalid',
  'unauthenticated',
  'forbidden',
  'notFound',
  'conflict',
  'tooLarge',
  'tooMany',
  'other',
];

describe('the page follows the server’s access table', () => {
  it('copies, for every action it offers, the roles of the same endpoint', () => {
    for (const [action, route] of Object.entries(ACTIONS)) {
      const e = ENDPOINTS.find((x) => x.method === route.method && x.path === route.path);
      expect(e, `${action}: ${route.method} ${route.path} is in the server's table`).toBeDefined();
      expect(Array.isArray(e?.access) ? [...e.access].sort() : e?.access, action).toEqual(
        [...route.roles].sort(),
      );
    }
    expect([...ROLES]).toEqual([...SERVER_ROLES]);
  });

  it('gives each role its sections, in the page’s order', () => {
    const of = (...roles: string[]) => sections(capabilities(roles));
    const every = ['agreements', 'contributions', 'airlock', 'runs', 'organisations', 'users'];
    expect(of('broker')).toEqual(every);
    expect(of('board')).toEqual(every);
    expect(of('provider')).toEqual(['agreements', 'contributions', 'airlock', 'organisations']);
    expect(of('consumer')).toEqual(['organisations']);
    expect(of()).toEqual([]);
    // A role of a newer server allows nothing here; the server still decides.
    expect(of('auditor')).toEqual([]);
  });

  it('gives the write actions to the roles the server allows, and no more', () => {
    const table: Record<string, Action[]> = {
      broker: [
        'organisationsCreate',
        'usersCreate',
        'agreementsPropose',
        'agreementsSign',
        'quarantineRead',
        'publish',
        'runsStart',
        'runsRestart',
      ],
      board: ['review'],
      provider: ['agreementsSign', 'quarantineRead', 'review'],
      consumer: [],
    };
    const writes: Action[] = [
      'organisationsCreate',
      'usersCreate',
      'agreementsPropose',
      'agreementsSign',
      'quarantineRead',
      'review',
      'publish',
      'runsStart',
      'runsRestart',
    ];
    for (const [role, expected] of Object.entries(table)) {
      const caps = capabilities([role]);
      expect(
        writes.filter((a) => caps[a]),
        role,
      ).toEqual(writes.filter((a) => expected.includes(a)));
    }
    // The board reads runs and users but starts nothing.
    const board = capabilities(['board']);
    expect([board.runsRead, board.usersRead, board.runsStart, board.usersCreate]).toEqual([
      true,
      true,
      false,
      false,
    ]);
    // Several roles add up.
    expect(allowed(['board', 'provider'], 'review')).toBe(true);
    expect(allowed(['consumer', 'broker'], 'runsStart')).toBe(true);
  });
});

describe('actions per row', () => {
  const agreement = (status: string, parties: [string, boolean][]): AgreementRow => ({
    id: 'ag',
    status,
    datasets: [],
    validUntil: '2027-01-01T00:00:00Z',
    parties: parties.map(([organisationId, signed]) => ({
      organisationId,
      signedBy: signed ? 'u' : null,
      signedAt: signed ? '2026-01-01T00:00:00Z' : null,
    })),
  });
  const provider = { roles: ['provider'], organisations: ['politie', 'kvk'] };

  it('offers signing a proposed agreement for each own party that has not signed', () => {
    const a = agreement('proposed', [
      ['politie', false],
      ['kvk', true],
      ['broker', false],
    ]);
    expect(signableFor(a, provider)).toEqual(['politie']);
    expect(signableFor(a, { roles: ['broker'], organisations: ['broker'] })).toEqual(['broker']);
    // Not a draft, not a signed one; not the board (which may not sign) even as a party.
    expect(signableFor(agreement('draft', [['politie', false]]), provider)).toEqual([]);
    expect(signableFor(agreement('active', [['politie', false]]), provider)).toEqual([]);
    expect(
      signableFor(agreement('proposed', [['board', false]]), {
        roles: ['board'],
        organisations: ['board'],
      }),
    ).toEqual([]);
    // An older server without parties: nothing to sign.
    expect(signableFor({ ...a, parties: undefined }, provider)).toEqual([]);
  });

  it('lets the broker propose a draft only', () => {
    const broker = capabilities(['broker']);
    expect(canPropose(agreement('draft', []), broker)).toBe(true);
    expect(canPropose(agreement('proposed', []), broker)).toBe(false);
    expect(canPropose(agreement('draft', []), capabilities(['provider']))).toBe(false);
  });

  it('restarts interrupted and failed runs only, and only for the broker', () => {
    const broker = capabilities(['broker']);
    const states: RunRow['state'][] = ['running', 'interrupted', 'failed', 'candidate', 'refused'];
    expect(states.filter((state) => canRestart({ state }, broker))).toEqual([
      'interrupted',
      'failed',
    ]);
    expect(canRestart({ state: 'failed' }, capabilities(['board']))).toBe(false);
  });

  it('publishes an approved candidate for the broker; reviewers review, the broker does not', () => {
    const ready = { providers: {}, board: { approvals: 2, required: 2 }, ready: true };
    const pending = { ...ready, ready: false };
    const broker = capabilities(['broker']);
    expect(canPublish({ state: 'candidate', approval: ready }, broker)).toBe(true);
    expect(canPublish({ state: 'candidate', approval: pending }, broker)).toBe(false);
    expect(canPublish({ state: 'published', approval: ready }, broker)).toBe(false);
    expect(canPublish({ state: 'candidate', approval: ready }, capabilities(['board']))).toBe(
      false,
    );
    expect(canReview({ state: 'candidate' }, broker)).toBe(false);
    expect(canReview({ state: 'candidate' }, capabilities(['board']))).toBe(true);
    expect(canReview({ state: 'rejected' }, capabilities(['provider']))).toBe(false);
  });

  it('links the quarantine report for its provider and the broker, not the board', () => {
    const url = '/api/v1/contributions/c1/quarantine';
    expect(quarantineLink({ quarantineUrl: url }, capabilities(['provider']))).toBe(url);
    expect(quarantineLink({ quarantineUrl: url }, capabilities(['broker']))).toBe(url);
    expect(quarantineLink({ quarantineUrl: url }, capabilities(['board']))).toBeNull();
    expect(quarantineLink({ quarantineUrl: null }, capabilities(['broker']))).toBeNull();
  });
});

describe('following a run', () => {
  const runs: Pick<RunRow, 'id' | 'state'>[] = [
    { id: 'r3', state: 'running' },
    { id: 'r2', state: 'failed' },
    { id: 'r1', state: 'candidate' },
  ];

  it('follows the run just started, else the one that runs, while it runs', () => {
    expect(runToFollow(runs, null)).toBe('r3');
    // Just started: not in the list yet.
    expect(runToFollow(runs, 'r4')).toBe('r4');
    // The chosen run ended: follow the running one, if any.
    expect(runToFollow(runs, 'r2')).toBe('r3');
    expect(runToFollow(runs.slice(1), 'r2')).toBeNull();
    expect(runToFollow([], null)).toBeNull();
    expect([isRunning(runs[0]), isRunning(runs[1]), isRunning(null)]).toEqual([true, false, false]);
  });

  it('shows progress as a percentage and names only identifiers it works on', () => {
    expect(progressPercent({ done: 3, total: 12 })).toBe(25);
    expect(progressPercent({ done: 12, total: 12 })).toBe(100);
    expect(progressPercent({ done: 0, total: 0 })).toBeNull();
    expect(progressPercent(null)).toBeNull();
    expect(progressSubject('drugs_verdachten')).toBe('drugs_verdachten');
    expect(progressSubject('kadaster_woningen')).toBe('kadaster_woningen');
    // The server's English phrases would mix languages on a Dutch page.
    expect(progressSubject('writing the candidate release')).toBeNull();
    expect(progressSubject('1200 cells')).toBeNull();
    expect(progressSubject('')).toBeNull();
  });
});

describe('forms and refusals', () => {
  it('sends provider ids only for a provider, and a password only when given', () => {
    expect(
      organisationBody({ id: ' gm-test ', name: ' Test ', role: 'provider', providerIds: ['kvk'] }),
    ).toEqual({ id: 'gm-test', name: 'Test', role: 'provider', providerIds: ['kvk'] });
    expect(organisationBody({ id: 'b', name: 'B', role: 'board', providerIds: ['kvk'] })).toEqual({
      id: 'b',
      name: 'B',
      role: 'board',
    });
    expect(organisationBody({ id: 'p', name: 'P', role: 'provider', providerIds: [] })).toEqual({
      id: 'p',
      name: 'P',
      role: 'provider',
    });
    expect(userBody({ email: ' a@b.nl ', name: 'A', password: '', organisations: ['x'] })).toEqual({
      email: 'a@b.nl',
      name: 'A',
      organisations: ['x'],
    });
    expect(
      userBody({ email: 'a@b.nl', name: 'A', password: 'lang genoeg', organisations: ['x'] }),
    ).toEqual({ email: 'a@b.nl', name: 'A', password: 'lang genoeg', organisations: ['x'] });
  });

  it('words a refusal by its status', () => {
    expect([400, 401, 403, 404, 409, 413, 429, 500, undefined].map(problemKind)).toEqual([
      ...PROBLEM_KINDS,
      'other',
    ]);
  });

  it('reads retry-after as seconds or a date, and words the wait', () => {
    const now = Date.parse('2026-03-01T10:00:00Z');
    expect(retryAfterSeconds('30', now)).toBe(30);
    expect(retryAfterSeconds(' 0 ', now)).toBe(0);
    expect(retryAfterSeconds('Sun, 01 Mar 2026 10:02:30 GMT', now)).toBe(150);
    expect(retryAfterSeconds('Sun, 01 Mar 2026 09:00:00 GMT', now)).toBe(0);
    expect(retryAfterSeconds(null, now)).toBeNull();
    expect(retryAfterSeconds('soon', now)).toBeNull();
    expect([0, 1, 30, 119, 120, 600, 601].map(waitWords)).toEqual([
      { key: 'govWaitSecond', n: 1 },
      { key: 'govWaitSecond', n: 1 },
      { key: 'govWaitSeconds', n: 30 },
      { key: 'govWaitSeconds', n: 119 },
      { key: 'govWaitMinutes', n: 2 },
      { key: 'govWaitMinutes', n: 10 },
      { key: 'govWaitMinutes', n: 11 },
    ]);
    for (const lang of ['nl', 'en'] as const)
      for (const k of ['govLoginLocked', 'govRetryIn', 'govRetryLater', 'govSessionLost'])
        expect(DICTIONARIES[lang], `${lang} ${k}`).toHaveProperty(k);
  });

  it('has a word in both languages for every value the server sends', () => {
    const stages = ['linkage', 'linkage-report', 'indicators', 'disclosure', 'release'];
    const keys = [
      ...SERVER_ROLES.map((r) => `govRole${r}`),
      ...runSchema.properties.state.enum.map((s) => `govRunState${s}`),
      ...agreementSchema.properties.status.enum.map((s) => `govStatus${s}`),
      ...stages.map((s) => `govStage${s}`),
      ...PROBLEM_KINDS.map((k) => `govProblem${k}`),
    ];
    for (const lang of ['nl', 'en'] as const)
      for (const k of keys) expect(DICTIONARIES[lang], `${lang} ${k}`).toHaveProperty(k);
    // The providers a new organisation can deliver as are the server's.
    expect(Object.keys(PROVIDER_NAMES).sort()).toEqual([...PROVIDERS].sort());
  });
});
