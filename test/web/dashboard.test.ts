/**
 * End-to-end tests of the dashboard in Chromium from `launchChromium()` (./browser.ts): search,
 * profile, map with zoom into buurten, indicator page with CSV download, release and governance
 * pages; axe-core on every page, a check that no page names how a figure was withheld, and a
 * screenshot of each. Most tests run against the real public server (`buildPublicServer`, with
 * its helmet headers, paging and redirects) over the fixture written as real release files
 * (./real-server.ts). Those that need what the real server does not make configurable run on the
 * imitation (./server.ts), each marked with why: small default page sizes (so that every list
 * spans several pages and must be followed to `page.next`), the fixture's own comparable
 * gemeenten, and the governance routes.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { ensureDashboardBuilt, DIST, ROOT } from './build.js';
import { RULE_NAMES } from '../../web/src/words.js';
import { PUBLIC_CELL_COLUMNS } from '../../src/public/index.js';
import { buildFixture, latestPublished } from './fixture.js';
import {
  startFixtureServer,
  TEST_SESSION_COOKIE,
  TEST_TOKEN,
  type FixtureServer,
} from './server.js';
import { startRealServer } from './real-server.js';
import { FORBIDDEN } from './forbidden.js';
import { launchChromium, openTestPage } from './browser.js';
import { axe, postedJson, words } from './checks.js';
const SHOTS = join(ROOT, 'test-results', 'web');

const fixture = buildFixture();
/** The imitation of the public API, with small default page sizes and governance. */
let server: FixtureServer;
/** The real public server over the fixture's releases. */
let real: FixtureServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];
const failedRequests: string[] = [];
/** Failed requests to the real server (the imitation's go to `failedRequests`). */
const failedRealRequests: string[] = [];
const apiRequests: string[] = [];

beforeAll(async () => {
  await ensureDashboardBuilt();
  mkdirSync(SHOTS, { recursive: true });
  server = await startFixtureServer(fixture, {
    webDir: DIST,
    // Buurten of one indicator and year (40) take two pages; lists take two or more.
    defaultLimits: { cells: 25, indicators: 2, regions: 4, releases: 2 },
  });
  real = await startRealServer(fixture, { webDir: DIST });
  browser = await launchChromium();
  ({ context, page } = await openTestPage(browser, pageErrors));
  page.on('response', (r) => {
    if (r.status() < 400) return;
    const u = new URL(r.url());
    (u.origin === real.url ? failedRealRequests : failedRequests).push(
      `${r.status()} ${u.pathname}`,
    );
  });
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.pathname.startsWith('/api/')) apiRequests.push(`${r.method()} ${u.pathname}${u.search}`);
  });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await real?.close();
});

/** Opens the dashboard at `hash` on the real server, or on the imitation (`on`). */
async function visit(hash: string, ready: string, on: FixtureServer = real): Promise<void> {
  await page.goto(`${on.url}/${hash}`);
  await page.waitForSelector(ready);
}

async function check(name: string): Promise<void> {
  expect(await axe(page), `axe on ${name}`).toEqual([]);
  // How a figure was withheld (primary/secondary, intervals, true values) is for reviewers only.
  expect(await words(page), `words on ${name}`).not.toMatch(FORBIDDEN);
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

const CONFIDENTIAL = 'geheim: te weinig personen of bedrijven om dit cijfer veilig te tonen';
const latest = latestPublished(fixture)?.id as string;
const latestCells = fixture.cells.get(latest) ?? [];
const manifest = fixture.manifests.get(latest);
const nlNumber = (v: number) => new Intl.NumberFormat('nl-NL').format(v);

/** An element as the browser sees it (the Node typings of this project have no DOM). */
type Attributed = { getAttribute(name: string): string | null };

/** The value of the term with exactly this label in a definition list. */
async function term(list: string, label: string): Promise<string> {
  const exact = new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
  return page
    .locator(`${list} .utrecht-data-list__item`)
    .filter({ has: page.locator('dt', { hasText: exact }) })
    .locator('dd')
    .innerText();
}

describe('dashboard', () => {
  it('opens the start page with themes and finds "Den Haag" as \'s-Gravenhage', async () => {
    await visit('', 'text=Thema’s');
    expect(await page.locator('html').getAttribute('lang')).toBe('nl');
    expect(await page.locator('h1').innerText()).toBe('Samenzicht');
    // Human names, in the server's order of themes.
    expect(await page.locator('.sz-themes > li h3').allInnerTexts()).toEqual([
      'Drugs',
      'Vastgoed',
      'Jonge aanwas',
    ]);
    await page.getByLabel('Gemeente (naam of code)').fill('Den Haag');
    const first = page.locator('.sz-results a').first();
    expect(await first.innerText()).toBe("'s-Gravenhage (GM0518)");
    await check('start');
    // By code too, and Enter opens the first match.
    await page.getByLabel('Gemeente (naam of code)').fill('0363');
    expect(await page.locator('.sz-results a').allInnerTexts()).toEqual(['Amsterdam (GM0363)']);
    await page.getByLabel('Gemeente (naam of code)').fill('Den Haag');
    await page.keyboard.press('Enter');
    await page.waitForSelector('h1:has-text("Gemeente \'s-Gravenhage")');
    expect(page.url()).toBe(`${real.url}/#/gemeente/GM0518`);
  });

  // Imitation: the expected reading and method are the fixture's comparable gemeenten
  // (`fixture.peers`, closest in population); the real server chooses peers by its own method.
  it('shows the gemeente profile with peers, the country, sparklines and a reading with its basis', async () => {
    await visit('#/gemeente/GM0518', '.sz-theme table tbody tr', server);
    await page.waitForSelector('text=Toets:');
    expect(await page.locator('.sz-caution').innerText()).toContain(
      'een hoge waarde betekent niet altijd een ongewenste afwijking',
    );
    const rows = page.locator('.sz-theme table tbody tr');
    expect(await rows.count()).toBe(3);
    const first = await rows.first().locator('th, td').allInnerTexts();
    expect(first[0]).toContain('Drugsverdachten per 1.000 inwoners');
    // 's-Gravenhage 2023: numerator 4,205 of 552,000 → 7.62 per 1,000 (fixture, latest release).
    expect(first[1]).toBe('7,62');
    // The reading, recomputed here from the fixture: Poisson z against the peers' pooled rate.
    const cells = (fixture.cells.get('r2026-03') ?? []).filter(
      (c) => c.indicator_id === 'drugs_verdachten' && c.year === 2023 && c.breakdown === '',
    );
    const own = cells.find((c) => c.region_code === 'GM0518');
    const peerCells = cells.filter((c) => fixture.peers('GM0518').includes(c.region_code));
    const pooled =
      peerCells.reduce((s, c) => s + (c.numerator ?? 0), 0) /
      peerCells.reduce((s, c) => s + (c.denominator ?? 0), 0);
    const expected = pooled * (own?.denominator ?? 0);
    const z = ((own?.numerator ?? 0) - expected) / Math.sqrt(expected);
    const nl = (v: number, d: number) =>
      new Intl.NumberFormat('nl-NL', { minimumFractionDigits: d, maximumFractionDigits: d }).format(
        v,
      );
    const word =
      z >= 3
        ? 'duidelijk hoger dan'
        : z >= 1.96
          ? 'hoger dan'
          : z <= -3
            ? 'duidelijk lager dan'
            : z <= -1.96
              ? 'lager dan'
              : 'vergelijkbaar met';
    expect(first[5]).toBe(
      `${word} de vergelijkingsgroep\nToets: waargenomen 4.205, verwacht ${nl(Math.round(expected), 0)} bij het gemiddelde van de vergelijkingsgroep (z = ${nl(z, 1)}).`,
    );
    expect(first[2]).toBe(
      nl(peerCells.reduce((s, c) => s + (c.value ?? 0), 0) / peerCells.length, 2),
    );
    expect(
      await page.locator('.sz-sparkline[role=img]').first().getAttribute('aria-label'),
    ).toMatch(/^Trend 2019–2023: /);
    expect(await page.locator('svg.sz-sparkline polyline').count()).toBe(3);
    // The peers' method in the page language.
    expect(await page.locator('main').innerText()).toContain(
      `Zo is deze groep gekozen: ${fixture.comparableMethod.nl}`,
    );
    await check('profile');
  });

  it('draws the choropleth with hatched confidential gemeenten, a legend and a table with "."', async () => {
    await visit('#/kaart', 'svg.sz-map a[data-code]');
    const regions = page.locator('svg.sz-map a[data-code]');
    expect(await regions.count()).toBe(10);
    // Rewound rings: every region lies inside the map, none covers the globe.
    const widths = (await page.evaluate(
      `[...document.querySelectorAll('svg.sz-map path.region')].map(p => p.getBBox().width)`,
    )) as number[];
    expect(widths.every((w) => w > 10 && w < 640)).toBe(true);
    expect(await page.locator('svg.sz-map path.vr').count()).toBe(2);
    const vlieland = page.locator('svg.sz-map a[data-code=GM0096]');
    expect(await vlieland.getAttribute('aria-label')).toBe(
      `Vlieland: . (${CONFIDENTIAL}). Vlieland: inzoomen op wijken en buurten`,
    );
    expect(await vlieland.locator('path').getAttribute('fill')).toMatch(/^url\(#hatch-/);
    const row = page.locator('tr[data-code=GM0096]');
    expect(await row.locator('td').nth(1).innerText()).toMatch(/^\./);
    expect(await row.locator('td').nth(2).innerText()).toBe(CONFIDENTIAL);
    expect(await page.locator('.sz-legend').innerText()).toContain(
      'Klassengrenzen (kwintielen van de gepubliceerde waarden):',
    );
    expect(await page.locator('.sz-legend').innerText()).toContain(
      'Gearceerd: geheim, te weinig personen of bedrijven om dit cijfer veilig te tonen.',
    );
    expect(await page.locator('text=Bron: CBS, Kadaster').count()).toBeGreaterThan(0);
    await check('map-gemeenten');
  });

  // Imitation: buurt figures must span two pages (cells page of 25); the real server's default
  // page sizes are not configurable.
  it('zooms into the buurten of a gemeente by keyboard, then into wijken', async () => {
    await visit('#/kaart', 'svg.sz-map a[data-code]', server);
    apiRequests.length = 0;
    await page.locator('svg.sz-map a[data-code=GM0363]').focus();
    await page.keyboard.press('Enter');
    await page.waitForSelector('svg.sz-map path[data-code^=BU0363]');
    expect(page.url()).toContain('gemeente=GM0363');
    expect(await page.locator('svg.sz-map path.region').count()).toBe(4);
    expect(await page.locator('h2').first().innerText()).toContain('per buurt — Amsterdam');
    const codes = await page
      .locator('tbody tr[data-code]')
      .evaluateAll((trs) =>
        trs.map((tr) => (tr as unknown as Attributed).getAttribute('data-code')),
      );
    expect([...codes].sort()).toEqual(['BU03630000', 'BU03630001', 'BU03630100', 'BU03630101']);
    // Buurt boundaries come per gemeente; buurt figures for the country, over two pages: latest
    // redirects to the release, whose second page the first names.
    expect(apiRequests).toContain('GET /api/v1/regions/geo?level=buurt&within=GM0363');
    const q = 'cells?indicator=drugs_verdachten&year=2023&level=buurt';
    expect(apiRequests.filter((r) => /\/cells\?.*level=buurt/.test(r))).toEqual([
      `GET /api/v1/releases/latest/${q}`,
      `GET /api/v1/releases/${latest}/${q}`,
      `GET /api/v1/releases/${latest}/${q}&offset=25&limit=25`,
    ]);
    await check('map-buurten');
    await page.getByLabel('Niveau').selectOption('wijk');
    await page.waitForSelector('svg.sz-map path[data-code=WK036301]');
    expect(await page.locator('svg.sz-map path.region').count()).toBe(2);
    // Wijken are narrowed by the server: their parent is the gemeente.
    expect(apiRequests.some((r) => /level=wijk&parent=GM0363/.test(r))).toBe(true);
    // Vlieland's buurten (all too small, all confidential) come on the second page of buurt
    // figures: every one is hatched and shows '.', none lacks its figure.
    const expected = latestCells.filter(
      (c) =>
        c.indicator_id === 'drugs_verdachten' &&
        c.year === 2023 &&
        c.region_level === 'buurt' &&
        c.region_code.startsWith('BU0096'),
    );
    expect(expected.map((c) => c.status)).toEqual(Array(4).fill('confidential'));
    await visit(
      '#/kaart?gemeente=GM0096&level=buurt',
      'svg.sz-map path[data-code^=BU0096]',
      server,
    );
    const fills = await page
      .locator('svg.sz-map path.region')
      .evaluateAll((ps) => ps.map((p) => (p as unknown as Attributed).getAttribute('fill')));
    expect(fills.length).toBe(4);
    expect(fills.every((f) => /^url\(#hatch-/.test(f ?? ''))).toBe(true);
    const values = await page
      .locator('tbody tr[data-code^=BU0096] td:nth-child(3)')
      .allInnerTexts();
    expect(values.length).toBe(4);
    expect(values.every((v) => v.startsWith('.'))).toBe(true);
    await check('map-buurten-vlieland');
  });

  it('says where wijken and buurten are generated, in Dutch and in English, and not where they are real', async () => {
    const note = '.sz-synthetic';
    const nl =
      'De wijken en buurten van Vlieland zijn gegenereerd: de meegeleverde CBS-indeling heeft ze niet. Cijfers per wijk en buurt zijn daar geen echte gebieden.';
    const en =
      'The wijken and buurten of Vlieland are generated: the shipped CBS division does not have them. Figures per wijk and buurt there are not real areas.';
    expect(fixture.regions.filter((r) => r.synthetic).map((r) => r.code.slice(2, 6))).toEqual(
      Array(6).fill('0096'),
    );
    await visit('#/gemeente/GM0096', `${note}[data-gemeente=GM0096]`);
    expect(await page.locator(note).innerText()).toBe(nl);
    await check('profile-synthetic');
    await visit('#/kaart?gemeente=GM0096&level=buurt', 'svg.sz-map path[data-code^=BU0096]');
    await page.waitForSelector(`${note}[data-gemeente=GM0096]`);
    expect(await page.locator(note).innerText()).toBe(nl);
    await check('map-buurten-synthetic');
    await page.getByRole('button', { name: 'Switch to English' }).click();
    onTestFinished(() => page.evaluate('localStorage.removeItem("samenzicht-lang")'));
    await page.waitForSelector(`${note}:has-text("The wijken and buurten")`);
    expect(await page.locator(note).innerText()).toBe(en);
    await page.getByLabel('Level').selectOption('wijk');
    await page.waitForSelector('svg.sz-map path[data-code^=WK0096]');
    expect(await page.locator(note).innerText()).toBe(en);
    await visit('#/gemeente/GM0096', 'h1:has-text("Gemeente Vlieland")');
    await page.waitForSelector(note);
    expect(await page.locator(note).innerText()).toBe(en);
    await page.getByRole('button', { name: 'Schakel naar Nederlands' }).click();
    await page.waitForSelector(`${note}:has-text("De wijken en buurten")`);

    // Real wijken and buurten: no note, once the page knows them (a fresh load, nothing cached).
    await page.goto('about:blank');
    const wijken = page.waitForResponse((r) =>
      r.url().includes('/api/v1/regions?level=wijk&parent=GM0518'),
    );
    await visit('#/gemeente/GM0518', 'table tbody tr');
    await wijken;
    await page.waitForTimeout(300);
    expect(await page.locator(note).count()).toBe(0);
    await visit('#/kaart?gemeente=GM0518&level=buurt', 'svg.sz-map path[data-code^=BU0518]');
    await page.waitForTimeout(300);
    expect(await page.locator(note).count()).toBe(0);
  });

  it('shows the indicator page and downloads its CSV with "." for confidential cells', async () => {
    await visit('#/indicator/drugs_verdachten', 'figure[role=img] svg');
    expect(await page.locator('h1').innerText()).toBe('Drugsverdachten per 1.000 inwoners');
    expect(await page.locator('text=Politie: politie_verdachten').count()).toBe(1);
    expect(await page.locator('table tbody tr').count()).toBe(5);
    await check('indicator');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByText('Download CSV').click(),
    ]);
    expect(download.suggestedFilename()).toBe('samenzicht-r2026-03-drugs_verdachten.csv');
    const csv = readFileSync(await download.path(), 'utf8');
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe(
      '\uFEFFindicator_id,year,region_level,region_code,parent_code,breakdown,value,numerator,denominator,status',
    );
    const vlieland = lines.find((l) => l.startsWith('drugs_verdachten,2023,gemeente,GM0096,'));
    expect(vlieland).toBe('drugs_verdachten,2023,gemeente,GM0096,VR01,,.,.,.,confidential');
    expect(csv).not.toMatch(FORBIDDEN);
  });

  // Imitation: it checks that the figures of 2023 were read over two pages (cells page of 25),
  // and the data used (the fixture's inputs, which a real release records as input files).
  it('shows the release page as a readable summary: facts, figures, disclosure, changes', async () => {
    if (!manifest) throw new Error('fixture lacks the manifest of the latest release');
    await visit('#/release/latest', 'text=Gemeentecijfers 2023', server);
    expect(await page.locator('h1').innerText()).toBe('Release r2026-03');
    const main = page.locator('main');
    const text = await main.innerText();
    const fact = (label: string) => term('.sz-release-facts', label);
    expect(await fact('Status')).toBe('gepubliceerd');
    expect(await fact('Gepubliceerd')).toBe('12-3-2026, 10:00:00 UTC');
    expect(await fact('Goedgekeurd door')).toBe('Politie, Belastingdienst, bestuur (2)');
    expect(await fact('Indicatoren')).toBe(
      'Drugsverdachten per 1.000 inwoners, Jongeren (12–23) verdacht van een misdrijf, Onverklaarbare woningaankopen',
    );
    expect(await fact('Jaren')).toBe('2019–2023');
    expect(await fact('Regio-indeling')).toBe(
      'Regio-indeling 2023: gegenereerd (synthetisch land, geen echte gebieden)',
    );
    // Counts by public status, as the manifest has them.
    const figures = (label: string) => term('.sz-figures', label);
    expect(await figures('Totaal')).toBe(nlNumber(manifest.cells.count));
    expect(await figures('Gepubliceerd')).toBe(nlNumber(manifest.cells.byStatus.published));
    expect(await figures('Geheim (.)')).toBe(nlNumber(manifest.cells.byStatus.confidential));
    expect(await figures('Kan niet voorkomen')).toBe('0');
    // The disclosure summary as a table: the rule in words, protected figures, passed, settings.
    expect(text).toContain('De controle is geslaagd');
    const rules = manifest.disclosure.rules.map((r) => r.rule);
    expect(rules).toEqual(expect.arrayContaining(['frequency', 'min-denominator', 'secondary']));
    const rows = page.locator('table tbody tr');
    expect(await rows.count()).toBe(rules.length);
    for (const [i, r] of manifest.disclosure.rules.entries()) {
      const cells = await rows.nth(i).locator('th, td').allInnerTexts();
      expect(cells.slice(0, 3)).toEqual([RULE_NAMES[r.rule]?.nl, nlNumber(r.cells), 'ja']);
    }
    const settings = async (rule: string) =>
      rows.nth(rules.indexOf(rule)).locator('td').nth(2).innerText();
    expect(await settings('frequency')).toBe(
      'drempel 10 eenheden, veiligheidsmarge 20%, onzekerheid voor een buitenstaander minstens 10, een nul mag gepubliceerd worden',
    );
    expect(await settings('secondary')).toBe('afronding op 5, zo weinig mogelijk waarde geheim');
    expect((await settings('min-denominator')).split('\n')).toEqual([
      'Drugsverdachten per 1.000 inwoners, Jongeren (12–23) verdacht van een misdrijf: noemer minstens 50',
      'Onverklaarbare woningaankopen: noemer minstens 100',
    ]);
    // Data used, notes, downloads.
    expect(text).toContain('Politie: politie_verdachten');
    for (const note of manifest.notes) expect(text).toContain(note.nl);
    expect(
      await page
        .getByRole('link', { name: 'Alle cijfers als CSV (cells.csv)' })
        .getAttribute('href'),
    ).toBe('/api/v1/releases/r2026-03/cells.csv');
    expect(
      await page
        .getByRole('link', { name: 'Alle cijfers als Parquet (cells.parquet)' })
        .getAttribute('href'),
    ).toBe('/api/v1/releases/r2026-03/cells.parquet');
    // The comparison with the release it revises (r2026-02 was withdrawn), on public statuses.
    expect(text).toContain('Wat is er veranderd ten opzichte van r2026-01');
    expect(text).toContain('Nieuwe indicatoren: Onverklaarbare woningaankopen. Vervallen: geen.');
    // The later release revised every 2023 value of the two old indicators (10 gemeenten each),
    // except Vlieland's drug figure, which stays confidential in both.
    expect(text).toContain(
      'Gemeentecijfers 2023: 19 gewijzigd, 0 met een andere status, 10 nieuw, 0 vervallen.',
    );
    // Only the figures of 2023 were read (two pages for the current release).
    expect(
      apiRequests.filter((r) => /releases\/r2026-0[13]\/cells\?level=gemeente&year=2023/.test(r))
        .length,
    ).toBe(3);
    expect(text).toContain('r2026-02 (ingetrokken');
    // A summary, not a dump: no JSON, no code blocks.
    expect(await page.locator('main pre').count()).toBe(0);
    expect(text).not.toMatch(/[{}]|":/);
    await check('release');

    // A withdrawn release says so, and why, without asking for what is no longer served.
    await page.getByRole('link', { name: 'r2026-02' }).click();
    await page.waitForSelector('text=Deze release is ingetrokken');
    expect(await page.locator('main').innerText()).toContain(
      'Deze release is ingetrokken: Een aanlevering bleek onvolledig; vervangen door r2026-03.',
    );
    await check('release-withdrawn');
  });

  it('shows the release page in English, with no Dutch rule names', async () => {
    await visit('#/release/latest', 'text=Gemeentecijfers 2023');
    await page.getByRole('button', { name: 'Switch to English' }).click();
    // The choice of language is kept; the next tests read Dutch whatever happens here.
    onTestFinished(() => page.evaluate('localStorage.removeItem("samenzicht-lang")'));
    await page.waitForSelector('text=Gemeente figures 2023');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    const text = await page.locator('main').innerText();
    expect(text).toContain('Approved by');
    expect(text).toContain('Politie, Belastingdienst, board (2)');
    expect(text).toContain('Disclosure control');
    for (const r of manifest?.disclosure.rules ?? []) {
      expect(text).toContain(RULE_NAMES[r.rule]?.en);
      expect(text).not.toContain(RULE_NAMES[r.rule]?.nl);
    }
    expect(text).toContain('threshold 10 units');
    expect(text).toContain('rounding to base 5');
    expect(text).not.toMatch(
      /drempel|eenheden|afronding|noemer|geheim|gepubliceerd|Gemeentecijfers/,
    );
    await check('release-en');
    await page.getByRole('button', { name: 'Schakel naar Nederlands' }).click();
    await page.waitForSelector('text=Gemeentecijfers 2023');
  });

  // Imitation: buildPublicServer has no governance routes (login, agreements, airlock).
  it('lets a signed-in participant see agreements and contributions and approve a candidate', async () => {
    const candidate = fixture.releases.find((r) => r.state === 'candidate');
    if (!candidate) throw new Error('fixture lacks a candidate');
    await visit('#/governance', 'text=Meld u aan', server);
    await check('governance-signed-out');
    await page.getByLabel('E-mailadres').fill('bestuur@example.nl');
    await page.getByLabel('Wachtwoord').fill('fout');
    await page.getByRole('button', { name: 'Aanmelden' }).click();
    await page.waitForSelector('text=Het e-mailadres of het wachtwoord klopt niet');
    await page.getByLabel('Wachtwoord').fill('geheim');
    await page.getByRole('button', { name: 'Aanmelden' }).click();
    await page.waitForSelector('text=Zicht op Ondermijning 2026');
    // The session is the HttpOnly cookie only: no token in the page's storage or cookies.
    const cookie = (await context.cookies(server.url)).find((c) => c.name === TEST_SESSION_COOKIE);
    expect(cookie).toMatchObject({ value: TEST_TOKEN, httpOnly: true, sameSite: 'Strict' });
    const stored =
      (await page.evaluate(`JSON.stringify([sessionStorage, localStorage].flatMap((s) =>
      Array.from({ length: s.length }, (_, i) => [s.key(i), s.getItem(s.key(i))])))`)) as string;
    expect(stored).not.toContain(TEST_TOKEN);
    expect(await page.evaluate('document.cookie')).not.toContain(TEST_SESSION_COOKIE);
    expect(await page.locator('main').innerText()).toContain('politie_verdachten (politie)');
    const form = page.getByRole('form', { name: 'Beoordelingen r2026-05' });
    // The reviewer sees what an approval signs: the candidate's digest.
    expect(await form.innerText()).toContain(
      `U beoordeelt de release met controlegetal (SHA-256): ${candidate.digest.slice(0, 12)}`,
    );
    await form.getByLabel('Toelichting').fill('Gecontroleerd');
    const approve = () => form.getByRole('button', { name: 'Goedkeuren' }).click();
    expect(await postedJson(page, '/reviews', approve)).toEqual({
      decision: 'approve',
      reason: 'Gecontroleerd',
      digest: candidate.digest,
    });
    await page.waitForSelector('text=u1 (bestuur): goedgekeurd — Gecontroleerd');
    // The restricted report, downloaded in the reviewer's session.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: /Beperkt rapport van r2026-05/ }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('samenzicht-r2026-05-report.json');
    const report = JSON.parse(readFileSync(await download.path(), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(Object.keys(report)).toEqual(expect.arrayContaining(['manifest', 'audit']));
    await check('governance');
  });

  it('switches to English', async () => {
    await visit('', 'text=Thema’s');
    await page.getByRole('button', { name: 'Switch to English' }).click();
    await page.waitForSelector('text=Themes');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.getByLabel('Gemeente (name or code)').count()).toBe(1);
    await check('start-en');
    await page.getByRole('button', { name: 'Schakel naar Nederlands' }).click();
    await page.waitForSelector('text=Thema’s');
  });

  it('raised no script errors, and no failed requests but the wrong password', () => {
    expect(pageErrors).toEqual([]);
    // Signed out, the governance page asks who is signed in (401: nobody; twice where React's
    // strict mode runs its effect twice), then the wrong password.
    const probe = '401 /api/v1/auth/me';
    expect(failedRequests).toContain(probe);
    expect(failedRequests.filter((r) => r !== probe)).toEqual(['401 /api/v1/auth/login']);
    // The real server derives comparable gemeenten from published `inwoners` (and context)
    // figures, which the fixture has not: it answers 404 (no comparable gemeenten), which the
    // profile shows without peers. Nothing else failed.
    for (const r of failedRealRequests)
      expect(r).toMatch(/^404 \/api\/v1\/regions\/GM\d{4}\/comparable$/);
  });
});

/**
 * The public API contract the dashboard is written against, checked on the real server (and on
 * the imitation where it needs small pages or the fixture's peers).
 */
describe('public API contract', () => {
  const get = async (path: string, init?: RequestInit, on: FixtureServer = real) =>
    fetch(new URL(path, on.url), init);
  const json = async <T>(path: string, on: FixtureServer = real): Promise<T> =>
    (await (await get(path, undefined, on)).json()) as T;
  // The columns of the public surface, from its one definition.
  const COLUMNS = PUBLIC_CELL_COLUMNS;

  it('answers latest with a redirect to the concrete release', async () => {
    for (const path of ['/api/v1/releases/latest', '/api/v1/releases/latest/cells?year=2023']) {
      const res = await get(path, { redirect: 'manual' });
      expect(res.status).toBe(307);
      expect(res.headers.get('location')).toBe(path.replace('latest', latest));
    }
  });

  // Imitation: two pages of buurt figures need a cells page of 25, which the real server's fixed
  // default (10,000) does not give.
  it('pages cells with absolute next links, public columns and statuses only', async () => {
    type Body = {
      release: string;
      cells: Record<string, unknown>[];
      page: { total: number; next: string | null };
    };
    const all: Record<string, unknown>[] = [];
    let next: string | null =
      `/api/v1/releases/${latest}/cells?indicator=drugs_verdachten&year=2023&level=buurt`;
    let pages = 0;
    while (next) {
      const body: Body = await json<Body>(next, server);
      expect(body.release).toBe(latest);
      all.push(...body.cells);
      if (body.page.next) expect(body.page.next).toMatch(/^https?:\/\//);
      next = body.page.next;
      pages++;
    }
    expect(pages).toBe(2);
    expect(all.length).toBe(40);
    for (const c of all) {
      expect(Object.keys(c).sort()).toEqual([...COLUMNS].sort());
      expect(['published', 'confidential', 'not-applicable']).toContain(c['status']);
      if (c['status'] !== 'published')
        expect([c['value'], c['numerator'], c['denominator']]).toEqual([null, null, null]);
    }
  });

  it('serves a release as release info and public manifest, and refuses a withdrawn one', async () => {
    const body = await json<Record<string, unknown>>(`/api/v1/releases/${latest}`);
    expect(Object.keys(body).sort()).toEqual(['manifest', 'release']);
    const release = body['release'] as Record<string, unknown>;
    expect(Object.keys(release).sort()).toEqual(
      [
        'createdAt',
        'id',
        'indicators',
        'publishedAt',
        'reviews',
        'status',
        'withdrawnReason',
        'years',
      ].sort(),
    );
    expect(JSON.stringify(body)).not.toMatch(/suppressed-|"truth"|"intervals?"/);
    expect((await get('/api/v1/releases/r2026-02')).status).toBe(410);
    const list = await json<{ releases: { id: string }[]; page: { next: string | null } }>(
      '/api/v1/releases?limit=1000',
    );
    expect(list.releases.map((r) => r.id)).toEqual(['r2026-01', 'r2026-02', 'r2026-03']);
    expect(list.page.next).toBeNull();
  });

  // Imitation: the peers are compared with the fixture's (`fixture.peers`), not the real method's.
  it('needs a gemeente for wijk and buurt boundaries, and gives peers with their method in both languages', async () => {
    expect((await get('/api/v1/regions/geo?level=buurt', undefined, server)).status).toBe(400);
    expect((await get('/api/v1/regions/geo?level=wijk', undefined, server)).status).toBe(400);
    const geo = await json<{ features: unknown[] }>(
      '/api/v1/regions/geo?level=buurt&within=GM0363',
      server,
    );
    expect(geo.features.length).toBe(4);
    const c = await json<{
      code: string;
      release: string;
      peers: string[];
      method: Record<string, string>;
    }>('/api/v1/regions/GM0518/comparable', server);
    expect(c.release).toBe(latest);
    expect(c.peers).toEqual(fixture.peers('GM0518'));
    expect(Object.keys(c.method).sort()).toEqual(['en', 'nl']);
  });
});
