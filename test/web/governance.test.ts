/**
 * The governance page in Chromium against a real broker: `createApp` (src/pipeline/serve.ts) on
 * an instance made by `initInstance` on the synthetic regions, with its governance API, access
 * table and cookie sessions. The broker registers an organisation and a user through the page and
 * sees them listed, proposes and signs an agreement, and sees the server's refusals next to the
 * form or button (a duplicate organisation, a short password, a run with no contributions); a
 * provider signs for its organisation, downloads the quarantine report of its delivery and gets
 * no runs; a board member reads runs and users but gets no start button and no forms. No run is
 * computed: following a running run, restarting a failed one and publishing an approved candidate
 * run on answers stubbed in the browser (`page.route`), each test saying so. The session is the
 * HttpOnly cookie only: no token in the page's storage, cookies or request headers; a reload
 * keeps it, an ended session sends the page back to the login form, and a 429 (stubbed) says how
 * long to wait in the page language. axe on every view, no sideways scrolling at 320 px, one
 * language per page.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initInstance, instanceRegions, readInstanceConfig } from '../../src/instance/index.js';
import { SESSION_COOKIE } from '../../src/api/governance/index.js';
import { createApp } from '../../src/pipeline/serve.js';
import type { RegionSet } from '../../src/regions/index.js';
import { agreementDraft } from '../governance/helpers.js';
import { freePort } from '../support/net.js';
import { launchChromium, openTestPage } from './browser.js';
import { ensureDashboardBuilt, ROOT } from './build.js';
import { axe, overflow, postedJson, words } from './checks.js';

const SHOTS = join(ROOT, 'test-results', 'web');
const BROKER = { email: 'beheer@broker.test', password: 'beheer-wachtwoord' };
const BOARD = { email: 'voorzitter@bestuur.test', password: 'bestuur-wachtwoord' };
const PROVIDER = { email: 'analist@haarlem.test', password: 'haarlem-wachtwoord' };

let dataDir: string;
let app: FastifyInstance;
let url: string;
let adminToken: string;
let regions: RegionSet;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];
const failed: string[] = [];
/** Every API request of the page, with all its headers (also the browser's cookie). */
const apiRequests: Promise<{ method: string; path: string; headers: Record<string, string> }>[] =
  [];

/** The API as the administrator (the CLI's part: what the page leaves to it). */
async function api(method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${url}/api/v1${path}`, {
    method,
    headers: {
      authorization: `Bearer ${adminToken}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const json = (await res.json()) as unknown;
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

beforeAll(async () => {
  await ensureDashboardBuilt();
  mkdirSync(SHOTS, { recursive: true });
  dataDir = mkdtempSync(join(tmpdir(), 'web-governance-'));
  const instance = join(dataDir, 'broker');
  const init = await initInstance({
    dataDir: instance,
    regions: { dir: 'synthetic' },
    admin: { email: 'init@broker.test', name: 'Eerste beheerder', organisationName: 'Beheer' },
  });
  adminToken = init.token;
  regions = await instanceRegions(instance, readInstanceConfig(instance));
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  ({ app } = await createApp({ dataDir: instance, regions, publicBaseUrl: url }));
  await app.listen({ port, host: '127.0.0.1' });
  // A broker and a board member who log in with a password, as the administrator would add them.
  await api('POST', '/organisations', { id: 'bestuur', name: 'Bestuur', role: 'board' });
  await api('POST', '/users', {
    email: BROKER.email,
    name: 'B. Eheerder',
    password: BROKER.password,
    organisations: [init.admin.organisation],
  });
  await api('POST', '/users', {
    email: BOARD.email,
    name: 'V. Oorzitter',
    password: BOARD.password,
    organisations: ['bestuur'],
  });

  browser = await launchChromium();
  ({ context, page } = await openTestPage(browser, pageErrors));
  page.on('response', (r) => {
    if (r.status() >= 400)
      failed.push(`${r.status()} ${r.request().method()} ${new URL(r.url()).pathname}`);
  });
  page.on('request', (r) => {
    const path = new URL(r.url()).pathname;
    if (path.startsWith('/api/'))
      apiRequests.push(r.allHeaders().then((headers) => ({ method: r.method(), path, headers })));
  });
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function signIn(who: { email: string; password: string }): Promise<void> {
  await page.goto(`${url}/#/governance`);
  await page.getByLabel('E-mailadres').fill(who.email);
  await page.getByLabel('Wachtwoord').fill(who.password);
  await page.getByRole('button', { name: 'Aanmelden' }).click();
  await page.waitForSelector(`text=Aangemeld als`);
}

async function signOut(): Promise<void> {
  await page.getByRole('button', { name: 'Afmelden' }).click();
  await page.waitForSelector('text=Meld u aan');
}

const sectionHeadings = () => page.locator('main h2').allInnerTexts();

/** axe clean, and no sideways scrolling at 320 px; a screenshot in test-results/web/. */
async function check(name: string): Promise<void> {
  expect(await axe(page), `axe on ${name}`).toEqual([]);
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  await page.setViewportSize({ width: 320, height: 640 });
  try {
    expect(await overflow(page), `${name} at 320 px`).toBe(0);
    expect(await axe(page), `axe on ${name} at 320 px`).toEqual([]);
  } finally {
    await page.setViewportSize({ width: 1280, height: 900 });
  }
}

/** The rows of the table named by a section heading, as the cells' texts. */
async function tableRows(heading: string): Promise<string[][]> {
  const section = page.locator('section', {
    has: page.getByRole('heading', { level: 2, name: heading }),
  });
  const rows = section.locator('table.sz-data-table > tbody > tr');
  const out: string[][] = [];
  for (let i = 0; i < (await rows.count()); i++)
    out.push(
      (await rows.nth(i).locator(':scope > th, :scope > td').allInnerTexts()).map((s) => s.trim()),
    );
  return out;
}

/** The sections of the page for the broker and the board, in the page's order. */
const EVERY_SECTION = [
  'Overeenkomsten',
  'Aanleveringen',
  'Beoordelingen',
  'Berekeningen',
  'Organisaties',
  'Gebruikers',
];

/** Registers an organisation through `form` that the server refuses; the refusal shown. */
async function refusedRegistration(form: Locator, id: string, name: string): Promise<Locator> {
  await form.getByLabel('Id (kleine letters, cijfers en -)').fill(id);
  await form.getByLabel('Naam').fill(name);
  await form.getByRole('button', { name: 'Registreren' }).click();
  const refusal = form.getByRole('alert');
  await refusal.waitFor();
  return refusal;
}

describe('governance page on a real broker', () => {
  it('keeps the session in the HttpOnly cookie only, and handles 429 and an ended session', async () => {
    await signIn(BROKER);
    const session = (await context.cookies(url)).find((c) => c.name === SESSION_COOKIE);
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    const token = decodeURIComponent(session!.value);
    expect(token.length).toBeGreaterThan(20);
    // Nothing of the token in the page's storage, and the cookie is out of the page's reach.
    const stored = async () =>
      (await page.evaluate(`JSON.stringify([sessionStorage, localStorage].flatMap((s) =>
        Array.from({ length: s.length }, (_, i) => [s.key(i), s.getItem(s.key(i))])))`)) as string;
    expect(await stored()).not.toContain(token);
    expect(await stored()).not.toContain(session!.value);
    expect(await stored()).not.toMatch(/token/i);
    const pageCookies = (await page.evaluate('document.cookie')) as string;
    expect(pageCookies).not.toContain(SESSION_COOKIE);
    expect(pageCookies).not.toContain(token);
    // The cookie alone keeps the session over a reload: the page asks the server who it is.
    await page.reload();
    await page.waitForSelector('text=Aangemeld als');

    // A governance action works on the cookie session.
    const orgForm = page.getByRole('form', { name: 'Organisatie registreren' });
    await orgForm.getByLabel('Id (kleine letters, cijfers en -)').fill('gemeente-zandvoort');
    await orgForm.getByLabel('Naam').fill('Gemeente Zandvoort');
    await orgForm.getByRole('checkbox', { name: 'Gemeenten' }).check();
    await orgForm.getByRole('button', { name: 'Registreren' }).click();
    await page.waitForSelector('text=Organisatie gemeente-zandvoort is geregistreerd.');
    await expect
      .poll(async () => (await api('GET', '/organisations')) as { organisations: { id: string }[] })
      .toMatchObject({
        organisations: expect.arrayContaining([
          expect.objectContaining({ id: 'gemeente-zandvoort' }),
        ]),
      });

    // Too many requests (429, stubbed): the wait, in the page language only.
    await page.route('**/api/v1/organisations', (route) =>
      route.request().method() === 'POST'
        ? route.fulfill({
            status: 429,
            headers: { 'retry-after': '30' },
            contentType: 'application/json',
            body: JSON.stringify({
              error: 'rate-limited',
              message:
                'too many requests to this route: at most 120 a minute; try again in 30 seconds',
            }),
          })
        : route.fallback(),
    );
    try {
      const refusal = await refusedRegistration(
        orgForm,
        'gemeente-bloemendaal',
        'Gemeente Bloemendaal',
      );
      expect(await refusal.innerText()).toBe(
        'Te veel verzoeken in korte tijd. Probeer het over 30 seconden opnieuw.',
      );
      await page.getByRole('button', { name: 'Switch to English' }).click();
      await page.waitForSelector('text=Too many requests in a short time.');
      // The form's name is English now: the page's one alert.
      expect(await page.getByRole('alert').innerText()).toBe(
        'Too many requests in a short time. Please try again in 30 seconds.',
      );
      expect(await words(page)).not.toMatch(/Probeer|seconden|verzoeken|Aangemeld|Afmelden/);
      await page.getByRole('button', { name: 'Schakel naar Nederlands' }).click();
      await page.waitForSelector('text=Te veel verzoeken in korte tijd.');
    } finally {
      await page.unrouteAll();
    }

    // The session ends on the server (as when it expires): the next action is refused with 401
    // and the page goes back to the login form, saying why.
    const revoked = await fetch(`${url}/api/v1/auth/logout`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(revoked.status).toBe(204);
    await orgForm.getByRole('button', { name: 'Registreren' }).click();
    await page.waitForSelector('text=Uw sessie is verlopen of ingetrokken. Meld u opnieuw aan.');
    expect(await page.getByLabel('Wachtwoord').count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Afmelden' }).count()).toBe(0);
    await check('governance-session-ended');

    // A locked login (429, stubbed): how long to wait, and nothing of the server's English.
    await page.route('**/api/v1/auth/login', (route) =>
      route.fulfill({
        status: 429,
        headers: { 'retry-after': '600' },
        contentType: 'application/json',
        body: JSON.stringify({ error: 'locked', message: 'too many failed logins; locked' }),
      }),
    );
    try {
      await page.getByLabel('E-mailadres').fill(BROKER.email);
      await page.getByLabel('Wachtwoord').fill(BROKER.password);
      await page.getByRole('button', { name: 'Aanmelden' }).click();
      await page.waitForSelector(
        'text=Te veel mislukte aanmeldpogingen. Probeer het over 10 minuten opnieuw.',
      );
      expect(await page.locator('main').innerText()).not.toContain('locked');
    } finally {
      await page.unrouteAll();
    }

    // Signed in again, then out through the logout route, which ends the cookie too.
    await page.getByLabel('Wachtwoord').fill(BROKER.password);
    await page.getByRole('button', { name: 'Aanmelden' }).click();
    await page.waitForSelector('text=Aangemeld als');
    const second = (await context.cookies(url)).find((c) => c.name === SESSION_COOKIE);
    expect(decodeURIComponent(second!.value)).not.toBe(token);
    const loggedOut = page.waitForRequest(
      (r) => r.method() === 'POST' && r.url().endsWith('/api/v1/auth/logout'),
    );
    await signOut();
    await loggedOut;
    expect((await context.cookies(url)).some((c) => c.name === SESSION_COOKIE)).toBe(false);
    await page.reload();
    await page.waitForSelector('text=Meld u aan');

    // No request of the page carried a token; each carried the cookie instead, as the dashboard.
    const requests = await Promise.all(apiRequests);
    expect(requests.length).toBeGreaterThan(10);
    for (const r of requests) {
      expect(r.headers['authorization'], `${r.method} ${r.path}`).toBeUndefined();
      if (r.method !== 'GET')
        expect(r.headers['x-samenzicht-channel'], `${r.method} ${r.path}`).toBe('dashboard');
    }
    expect(requests.some((r) => r.headers['cookie']?.includes(`${SESSION_COOKIE}=`))).toBe(true);
  });

  it('lets the broker register an organisation and a user, and shows the server’s refusals', async () => {
    await signIn(BROKER);
    expect(await page.locator('main').innerText()).toContain(
      `Aangemeld als B. Eheerder (${BROKER.email}): beheerder`,
    );
    expect(await sectionHeadings()).toEqual(EVERY_SECTION);
    // Drafting stays with the CLI, and the page says how.
    expect(await page.locator('main').innerText()).toContain(
      'samenzicht agreements create --file agreement.json',
    );

    // An organisation, through the form.
    const orgForm = page.getByRole('form', { name: 'Organisatie registreren' });
    await orgForm.getByLabel('Id (kleine letters, cijfers en -)').fill('gemeente-haarlem');
    await orgForm.getByLabel('Naam').fill('Gemeente Haarlem');
    expect(await orgForm.getByLabel('Rol').inputValue()).toBe('provider');
    await orgForm.getByRole('checkbox', { name: 'Gemeenten' }).check();
    const register = () => orgForm.getByRole('button', { name: 'Registreren' }).click();
    expect(await postedJson(page, '/api/v1/organisations', register)).toEqual({
      id: 'gemeente-haarlem',
      name: 'Gemeente Haarlem',
      role: 'provider',
      providerIds: ['gemeenten'],
    });
    await page.waitForSelector('text=Organisatie gemeente-haarlem is geregistreerd.');
    await expect
      .poll(() => tableRows('Organisaties'))
      .toContainEqual(['Gemeente Haarlem', 'gemeente-haarlem', 'leverancier', 'Gemeenten']);

    // The same id again: the server's refusal, next to the form.
    const orgRefusal = await refusedRegistration(orgForm, 'gemeente-haarlem', 'Nog eens');
    expect(await orgRefusal.innerText()).toBe(
      'Dit kan nu niet: organisation gemeente-haarlem already exists',
    );
    expect(await orgRefusal.getAttribute('data-error')).toBe('conflict');

    // A user in the new organisation; first with a password the server refuses.
    const userForm = page.getByRole('form', { name: 'Gebruiker aanmaken' });
    await userForm.getByLabel('Naam').fill('A. Nalist');
    await userForm.getByLabel('E-mailadres').fill(PROVIDER.email);
    await userForm.getByLabel('Wachtwoord (optioneel, minstens 8 tekens)').fill('kort');
    await userForm.getByRole('checkbox', { name: 'Gemeente Haarlem (gemeente-haarlem)' }).check();
    await userForm.getByRole('button', { name: 'Aanmaken' }).click();
    const userRefusal = userForm.getByRole('alert');
    await userRefusal.waitFor();
    expect(await userRefusal.innerText()).toMatch(/^De server weigerde de invoer: .*password/);
    await userForm.getByLabel('Wachtwoord (optioneel, minstens 8 tekens)').fill(PROVIDER.password);
    await userForm.getByRole('button', { name: 'Aanmaken' }).click();
    await page.waitForSelector(`text=Gebruiker ${PROVIDER.email} is aangemaakt.`);
    expect(await userForm.getByRole('alert').count()).toBe(0);
    await expect
      .poll(() => tableRows('Gebruikers'))
      .toContainEqual(['A. Nalist', PROVIDER.email, 'gemeente-haarlem', 'leverancier']);

    // A run with nothing delivered: the server's 400, shown next to the button.
    await page.getByRole('button', { name: 'Berekening starten' }).click();
    const runRefusal = page
      .locator('section', { has: page.getByRole('heading', { level: 2, name: 'Berekeningen' }) })
      .getByRole('alert');
    await runRefusal.waitFor();
    expect(await runRefusal.innerText()).toMatch(
      /^De server weigerde de invoer: no indicator can be computed/,
    );
    expect(await page.locator('text=Er zijn nog geen berekeningen.').count()).toBe(1);
    await check('governance-broker');
  });

  it('lets the broker propose a drafted agreement and sign it for the broker', async () => {
    // Drafted with the API, as `samenzicht agreements create` does.
    await api(
      'POST',
      '/agreements',
      agreementDraft({
        id: 'convenant-haarlem',
        title: 'Convenant Haarlem',
        purpose: 'Regionale indicatoren',
        legalBasis: 'Convenant',
        parties: ['broker', 'gemeente-haarlem'],
        datasets: ['brp_personen'],
        themes: ['context'],
        validDays: 365,
      }),
    );
    await page.reload();
    await page.waitForSelector('text=Convenant Haarlem');
    expect(await tableRows('Overeenkomsten')).toContainEqual([
      'Convenant Haarlem',
      'Regionale indicatoren',
      'concept',
      'Beheer: nog niet ondertekend, Gemeente Haarlem: nog niet ondertekend',
      'brp_personen',
      expect.stringMatching(/^\d{4}-\d\d-\d\d$/),
      'Voorstellen ter ondertekening',
    ]);
    await page
      .getByRole('button', { name: 'Voorstellen ter ondertekening: Convenant Haarlem' })
      .click();
    await page.waitForSelector(
      'text=Overeenkomst convenant-haarlem is voorgesteld ter ondertekening.',
    );
    await page.getByRole('button', { name: 'Ondertekenen namens Beheer' }).click();
    await page.waitForSelector('text=Overeenkomst convenant-haarlem is ondertekend namens Beheer.');
    await page.waitForSelector('text=Beheer: ondertekend, Gemeente Haarlem: nog niet ondertekend');
    // Only the other party can sign now.
    expect(await page.getByRole('button', { name: /^Ondertekenen namens/ }).count()).toBe(0);
    await signOut();
  });

  it('lets a provider sign for its organisation, and shows it no runs or users', async () => {
    await signIn(PROVIDER);
    // A provider sees neither runs nor users.
    expect(await sectionHeadings()).toEqual(
      EVERY_SECTION.filter((h) => h !== 'Berekeningen' && h !== 'Gebruikers'),
    );
    await page.getByRole('button', { name: 'Ondertekenen namens Gemeente Haarlem' }).click();
    await page.waitForSelector(
      'text=Overeenkomst convenant-haarlem is ondertekend namens Gemeente Haarlem.',
    );
    await page.waitForSelector('text=Beheer: ondertekend, Gemeente Haarlem: ondertekend');
    expect((await tableRows('Overeenkomsten'))[0]?.[2]).toBe('actief');
    expect(await page.getByRole('form').count()).toBe(0);

    // A delivery with one row in quarantine (as `samenzicht deliver` uploads it): its report.
    const session = (await (
      await fetch(`${url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(PROVIDER),
      })
    ).json()) as { token: string };
    const buurt = regions.ofLevel('buurt')[0]!.code;
    const pseudonym = (i: number) =>
      `ZS1:keyed:k1v1:${createHash('sha256').update(`person ${i}`).digest('base64url')}`;
    const file = Buffer.from(
      [
        'peiljaar;bsn_pseudonym;buurtcode;geboortedatum;geslacht;huishoudnummer',
        `2023;${pseudonym(1)};${buurt};01-03-1970;V;H1`,
        `2023;${pseudonym(2)};BU31415926;02-03-1971;M;H2`,
        `2023;${pseudonym(3)};${buurt};03-03-1972;M;H3`,
      ].join('\n') + '\n',
    );
    const upload = await fetch(`${url}/api/v1/contributions/brp_personen`, {
      method: 'PUT',
      headers: {
        authorization: `Bearer ${session.token}`,
        'content-type': 'text/csv',
        'x-content-sha256': createHash('sha256').update(file).digest('hex'),
      },
      body: file,
    });
    expect(upload.status, await upload.clone().text()).toBe(201);
    await page.reload();
    await page.waitForSelector('text=brp_personen (gemeente-haarlem)');
    expect(await tableRows('Aanleveringen')).toEqual([
      [
        'brp_personen (gemeente-haarlem)',
        '1',
        '3',
        '2',
        '1',
        'Rapport van brp_personen, versie 1 (CSV)',
      ],
    ]);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Rapport van brp_personen, versie 1 (CSV)' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('brp_personen-v1.quarantine.csv');
    expect(readFileSync(await download.path(), 'utf8')).toBe(
      'row;field;reason\n2;buurtcode;unknown region code\n',
    );
    await check('governance-provider');
    await signOut();
  });

  it('shows a board member the runs and users, without a start button or forms', async () => {
    await signIn(BOARD);
    expect(await sectionHeadings()).toEqual(EVERY_SECTION);
    await page.waitForSelector('text=Er zijn nog geen berekeningen.');
    expect(await page.locator('main').innerText()).toContain(
      'Het bestuur volgt de berekeningen; alleen de beheerder start ze.',
    );
    expect(await page.getByRole('button', { name: 'Berekening starten' }).count()).toBe(0);
    // The board sees the delivery, not its quarantine report (for the provider and the broker).
    expect(await page.getByRole('link', { name: /Rapport van brp_personen/ }).count()).toBe(0);
    expect(await page.locator('main').innerText()).toContain(
      'Het quarantainerapport is voor de leverancier en de beheerder.',
    );
    expect(await page.getByRole('form').count()).toBe(0);
    expect(await page.getByRole('button', { name: /Ondertekenen|Voorstellen/ }).count()).toBe(0);
    await page.waitForSelector(`text=${PROVIDER.email}`);
    expect((await tableRows('Gebruikers')).map((r) => r[1]).sort()).toEqual(
      [BOARD.email, BROKER.email, 'init@broker.test', PROVIDER.email].sort(),
    );
    await check('governance-board');

    // English on request, and only English.
    await page.getByRole('button', { name: 'Switch to English' }).click();
    await page.waitForSelector('text=The board follows the runs; only the broker starts them.');
    expect(await sectionHeadings()).toEqual([
      'Agreements',
      'Contributions',
      'Reviews',
      'Runs',
      'Organisations',
      'Users',
    ]);
    const text = await words(page);
    expect(text).toContain(`Signed in as V. Oorzitter (${BOARD.email}): board`);
    expect(text).toContain('There are no runs yet.');
    expect(text).not.toMatch(
      /Berekening|Gebruikers|Overeenkomsten|leverancier|ondertekend|Niets om te tonen|Afmelden|Aangemeld/,
    );
    // Server values in English words too (the users are data: their names stay as they are).
    expect((await tableRows('Users')).map((r) => r[3]).sort()).toEqual([
      'board',
      'broker',
      'broker',
      'provider',
    ]);
    await page.getByRole('button', { name: 'Schakel naar Nederlands' }).click();
    await page.waitForSelector('text=Berekeningen');
    await signOut();
  });

  // Stubbed in the browser (page.route): computing a real run is slow, and the page's part is to
  // poll a running run every second and show its stage and progress, which these answers drive.
  it('follows a running run to its end and restarts a failed one (run answers stubbed)', async () => {
    const run = (id: string, state: string, extra: Record<string, unknown> = {}) => ({
      id,
      state,
      startedBy: 'u',
      startedAt: '2026-03-01T10:00:00Z',
      finishedAt: null,
      stage: null,
      progress: null,
      indicators: [{ id: 'inwoners', theme: 'context', sources: ['brp_personen'] }],
      datasets: ['brp_personen'],
      agreements: ['convenant-haarlem'],
      inputs: [],
      scope: null,
      cellsHash: null,
      releaseId: null,
      error: null,
      attempts: 1,
      ...extra,
    });
    // What GET /runs/r2 answers at each step; the test moves to the next step.
    const polls = [
      run('r2', 'running', {
        stage: 'linkage',
        progress: { done: 1, total: 4, what: 'brp_personen' },
      }),
      run('r2', 'running', {
        stage: 'disclosure',
        progress: { done: 0, total: 1, what: '1200 cells' },
      }),
      run('r2', 'candidate', { releaseId: 'rel-r2' }),
    ];
    let step = 0;
    let polled = 0;
    const failedRun = run('r1', 'failed', { error: 'the keyholder did not answer' });
    let r1 = failedRun;
    const json = (body: unknown, status = 200) => ({
      status,
      contentType: 'application/json',
      body: JSON.stringify(body),
    });
    await page.route(/\/api\/v1\/runs(\/.*)?$/, async (route) => {
      const path = new URL(route.request().url()).pathname;
      const method = route.request().method();
      if (method === 'GET' && path === '/api/v1/runs')
        return route.fulfill(json({ runs: [polls[step], r1] }));
      if (method === 'GET' && path === '/api/v1/runs/r2') {
        polled++;
        return route.fulfill(json(polls[step]));
      }
      if (method === 'POST' && path === '/api/v1/runs/r1/restart') {
        r1 = run('r1', 'running', { attempts: 2, stage: 'linkage' });
        return route.fulfill(json(r1, 202));
      }
      if (method === 'GET' && path === '/api/v1/runs/r1') {
        r1 = run('r1', 'failed', { attempts: 2, error: 'the keyholder did not answer' });
        return route.fulfill(json(r1));
      }
      return route.fallback();
    });
    try {
      await signIn(BROKER);
      const runs = page.locator('section', {
        has: page.getByRole('heading', { level: 2, name: 'Berekeningen' }),
      });
      await runs.getByRole('heading', { name: 'Voortgang van berekening r2' }).waitFor();
      await runs.getByText('bezig — koppelen: 1 van 4 (nu: brp_personen)').waitFor();
      step = 1;
      // The server's English phrase ("1200 cells") is left out.
      await runs.getByText('bezig — geheimhouding toetsen: 0 van 1', { exact: true }).waitFor();
      step = 2;
      await runs.getByText('Berekening r2 is klaar: kandidaat in de airlock.').waitFor();
      await expect
        .poll(() => tableRows('Berekeningen'))
        .toEqual([
          ['r2', 'kandidaat in de airlock', expect.any(String), '', 'rel-r2', '1', ''],
          [
            'r1',
            'mislukt',
            expect.any(String),
            'Fout: the keyholder did not answer',
            '',
            '1',
            'Opnieuw starten',
          ],
        ]);
      expect(await runs.getByRole('heading', { name: /Voortgang/ }).count()).toBe(0);
      // Asked again and again while it ran, and no more once it ended.
      const asked = polled;
      expect(asked).toBeGreaterThanOrEqual(3);
      await page.waitForTimeout(1500);
      expect(polled).toBe(asked);
      // Restart the failed one: it is followed until it fails again.
      await runs.getByRole('button', { name: 'Berekening r1 opnieuw starten' }).click();
      await runs.getByText('Berekening r1 is klaar: mislukt.').waitFor();
      await runs.getByText('Fout: the keyholder did not answer').first().waitFor();
      await expect
        .poll(async () => (await tableRows('Berekeningen'))[1]?.slice(0, 2))
        .toEqual(['r1', 'mislukt']);
      await check('governance-runs');
      await signOut();
    } finally {
      await page.unrouteAll();
    }
  });

  // Stubbed in the browser too: an approved candidate needs a computed run.
  it('gives the broker a publish button for an approved candidate only (airlock answers stubbed)', async () => {
    const release = (id: string, state: string, ready: boolean) => ({
      id,
      runId: `run-${id}`,
      state,
      indicators: ['inwoners'],
      datasets: ['brp_personen'],
      providers: ['gemeente-haarlem'],
      digest: 'ab'.repeat(32),
      reviews: [],
      approval: {
        providers: { 'gemeente-haarlem': ready ? 'approved' : 'pending' },
        board: { approvals: ready ? 2 : 0, required: 2 },
        ready,
      },
    });
    let published = false;
    const json = (body: unknown) => ({
      status: 200,
      contentType: 'application/json',
      body: JSON.stringify(body),
    });
    await page.route(/\/api\/v1\/airlock\/releases(\/.*)?$/, async (route) => {
      const path = new URL(route.request().url()).pathname;
      const method = route.request().method();
      if (method === 'GET' && path === '/api/v1/airlock/releases')
        return route.fulfill(
          json({
            releases: [
              release('rel-a', published ? 'published' : 'candidate', true),
              release('rel-b', 'candidate', false),
            ],
          }),
        );
      if (method === 'POST' && path === '/api/v1/airlock/releases/rel-a/publish') {
        published = true;
        return route.fulfill(json(release('rel-a', 'published', true)));
      }
      return route.fallback();
    });
    try {
      await signIn(BROKER);
      await page.getByRole('heading', { name: 'rel-a — ter beoordeling' }).waitFor();
      // The broker publishes; it does not review.
      expect(await page.getByRole('form', { name: /^Beoordelingen/ }).count()).toBe(0);
      expect(await page.getByRole('button', { name: /publiceren$/ }).allInnerTexts()).toEqual([
        'Release rel-a publiceren',
      ]);
      expect(await page.locator('main').innerText()).toContain(
        'Nog niet goedgekeurd door elke leverancier en het bestuur; daarna kunt u publiceren.',
      );
      await page.getByRole('button', { name: 'Release rel-a publiceren' }).click();
      await page.getByText('Release rel-a is gepubliceerd.').waitFor();
      await page.getByRole('heading', { name: 'rel-a — gepubliceerd' }).waitFor();
      expect(await page.getByRole('button', { name: /publiceren$/ }).count()).toBe(0);
      await signOut();
    } finally {
      await page.unrouteAll();
    }
  });

  it('raised no script errors; the only failed requests are the refusals the page showed', () => {
    expect(pageErrors).toEqual([]);
    // A signed-out page asks who is signed in, and is told: nobody (401).
    const probe = '401 GET /api/v1/auth/me';
    expect(failed.filter((f) => f === probe).length).toBeGreaterThanOrEqual(2);
    expect(failed.filter((f) => f !== probe)).toEqual([
      '429 POST /api/v1/organisations',
      '401 POST /api/v1/organisations',
      '429 POST /api/v1/auth/login',
      '409 POST /api/v1/organisations',
      '400 POST /api/v1/users',
      '400 POST /api/v1/runs',
    ]);
  });
});
