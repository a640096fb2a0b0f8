/**
 * End-to-end tests of the dashboard in Debian's Chromium (never a downloaded browser): search,
 * profile, map with zoom into buurten, indicator page with CSV download, release and governance
 * pages; axe-core on every page and a screenshot of each.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDashboardBuilt, DIST, ROOT } from './build.js';
import { buildFixture } from './fixture.js';
import { startFixtureServer, TEST_TOKEN, type FixtureServer } from './server.js';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const SHOTS = join(ROOT, 'test-results', 'web');
const AXE_SOURCE = readFileSync(join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

const fixture = buildFixture();
let server: FixtureServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];
const failedRequests: string[] = [];

beforeAll(async () => {
  await ensureDashboardBuilt();
  mkdirSync(SHOTS, { recursive: true });
  server = await startFixtureServer(fixture, { webDir: DIST });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  });
  context = await browser.newContext({
    acceptDownloads: true,
    viewport: { width: 1280, height: 900 },
  });
  page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource'))
      pageErrors.push(m.text());
  });
  page.on('response', (r) => {
    if (r.status() >= 400) failedRequests.push(`${r.status()} ${new URL(r.url()).pathname}`);
  });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

interface AxeViolation {
  id: string;
  help: string;
  nodes: { target: string[] }[];
}

/** Runs axe-core (WCAG 2.0/2.1 A and AA plus best practices) and returns readable violations. */
async function axe(p: Page): Promise<string[]> {
  // Evaluated over the DevTools protocol, so the page's CSP (no inline scripts) stays in force.
  await p.evaluate(AXE_SOURCE);
  const violations = (await p.evaluate(
    `axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } }).then(r => r.violations.map(v => ({ id: v.id, help: v.help, nodes: v.nodes.map(n => ({ target: n.target })) })))`,
  )) as AxeViolation[];
  return violations.map(
    (v) =>
      `${v.id}: ${v.help} (${v.nodes
        .map((n) => n.target.join(' '))
        .slice(0, 3)
        .join(', ')})`,
  );
}

async function visit(hash: string, ready: string): Promise<void> {
  await page.goto(`${server.url}/${hash}`);
  await page.waitForSelector(ready);
}

async function check(name: string): Promise<void> {
  expect(await axe(page), `axe on ${name}`).toEqual([]);
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

describe('dashboard', () => {
  it('opens the start page with themes and finds "Den Haag" as \'s-Gravenhage', async () => {
    await visit('', 'text=Thema’s');
    expect(await page.locator('html').getAttribute('lang')).toBe('nl');
    expect(await page.locator('h1').innerText()).toBe('Samenzicht');
    expect(await page.locator('.sz-themes > li h3').allInnerTexts()).toEqual([
      'drugs',
      'jonge aanwas',
      'vastgoed',
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
    expect(page.url()).toBe(`${server.url}/#/gemeente/GM0518`);
  });

  it('shows the gemeente profile with peers, the country, sparklines and a reading with its basis', async () => {
    await visit('#/gemeente/GM0518', 'table tbody tr');
    await page.waitForSelector('text=Toets:');
    expect(await page.locator('.sz-caution').innerText()).toContain(
      'een hoge waarde betekent niet altijd een ongewenste afwijking',
    );
    const rows = page.locator('table tbody tr');
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
      `${word} vergelijkbare gemeenten\nToets: waargenomen 4.205, verwacht ${nl(Math.round(expected), 0)} bij het gemiddelde van de vergelijkbare gemeenten (z = ${nl(z, 1)}).`,
    );
    expect(first[2]).toBe(
      nl(peerCells.reduce((s, c) => s + (c.value ?? 0), 0) / peerCells.length, 2),
    );
    expect(
      await page.locator('.sz-sparkline[role=img]').first().getAttribute('aria-label'),
    ).toMatch(/^Trend 2019–2023: /);
    expect(await page.locator('svg.sz-sparkline polyline').count()).toBe(3);
    await check('profile');
  });

  it('draws the choropleth with hatched suppressed gemeenten, a legend and a table with "."', async () => {
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
      'Vlieland: . (geheim (te weinig waarnemingen)). Vlieland: inzoomen op wijken en buurten',
    );
    expect(await vlieland.locator('path').getAttribute('fill')).toMatch(/^url\(#hatch-/);
    const row = page.locator('tr[data-code=GM0096]');
    expect(await row.locator('td').nth(1).innerText()).toMatch(/^\./);
    expect(await row.locator('td').nth(2).innerText()).toBe('geheim (te weinig waarnemingen)');
    expect(await page.locator('.sz-legend').innerText()).toContain(
      'Klassengrenzen (kwintielen van de gepubliceerde waarden):',
    );
    expect(await page.locator('.sz-legend').innerText()).toContain(
      'Gearceerd: dit cijfer is niet gepubliceerd',
    );
    expect(await page.locator('text=Bron: CBS, Kadaster').count()).toBeGreaterThan(0);
    await check('map-gemeenten');
  });

  it('zooms into the buurten of a gemeente by keyboard, then into wijken', async () => {
    await visit('#/kaart', 'svg.sz-map a[data-code]');
    await page.locator('svg.sz-map a[data-code=GM0363]').focus();
    await page.keyboard.press('Enter');
    await page.waitForSelector('svg.sz-map path[data-code^=BU0363]');
    expect(page.url()).toContain('gemeente=GM0363');
    expect(await page.locator('svg.sz-map path.region').count()).toBe(4);
    expect(await page.locator('h2').first().innerText()).toContain('per buurt — Amsterdam');
    const codes = await page
      .locator('tbody tr[data-code]')
      .evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-code')));
    expect([...codes].sort()).toEqual(['BU03630000', 'BU03630001', 'BU03630100', 'BU03630101']);
    await check('map-buurten');
    await page.getByLabel('Niveau').selectOption('wijk');
    await page.waitForSelector('svg.sz-map path[data-code=WK036301]');
    expect(await page.locator('svg.sz-map path.region').count()).toBe(2);
    // Vlieland's buurten are all too small: every one is hatched.
    await visit('#/kaart?gemeente=GM0096&level=buurt', 'svg.sz-map path[data-code^=BU0096]');
    const fills = await page
      .locator('svg.sz-map path.region')
      .evaluateAll((ps) => ps.map((p) => p.getAttribute('fill')));
    expect(fills.length).toBe(4);
    expect(fills.every((f) => /^url\(#hatch-/.test(f ?? ''))).toBe(true);
  });

  it('shows the indicator page and downloads its CSV with "." for suppressed cells', async () => {
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
      '\uFEFFindicator_id,year,region_level,region_code,parent_code,breakdown,value,numerator,denominator,status,rule',
    );
    const vlieland = lines.find((l) => l.startsWith('drugs_verdachten,2023,gemeente,GM0096,'));
    expect(vlieland).toBe(
      'drugs_verdachten,2023,gemeente,GM0096,VR01,,.,.,.,suppressed-primary,threshold(10)',
    );
  });

  it('shows the release page with changes, audit and approvals', async () => {
    await visit('#/release/latest', 'text=Wat is er veranderd ten opzichte van r2026-01');
    await page.waitForSelector('text=Gemeentecijfers 2023');
    expect(await page.locator('h1').innerText()).toBe('Release r2026-03');
    expect(await page.locator('main').innerText()).toContain(
      'Nieuwe indicatoren: onverklaarbare_aankopen. Vervallen: geen.',
    );
    // The later release revised every 2023 value of the two old indicators (10 gemeenten each),
    // except Vlieland's drug figure, which stays suppressed in both.
    expect(await page.locator('main').innerText()).toMatch(
      /Gemeentecijfers 2023: 19 gewijzigd, 0 met een andere status, 10 nieuw, 0 vervallen\./,
    );
    expect(await page.locator('main').innerText()).toContain('Programmaraad');
    await check('release');
  });

  it('lets a signed-in participant see agreements and contributions and approve a candidate', async () => {
    await visit('#/governance', 'text=Meld u aan');
    await check('governance-signed-out');
    await page.getByLabel('E-mailadres').fill('bestuur@example.nl');
    await page.getByLabel('Wachtwoord').fill('fout');
    await page.getByRole('button', { name: 'Aanmelden' }).click();
    await page.waitForSelector('text=Uw token is niet geldig');
    await page.getByLabel('Wachtwoord').fill('geheim');
    await page.getByRole('button', { name: 'Aanmelden' }).click();
    await page.waitForSelector('text=Zicht op Ondermijning 2026');
    expect(await page.evaluate('sessionStorage.getItem("samenzicht-token")')).toBe(TEST_TOKEN);
    expect(await page.locator('main').innerText()).toContain('politie_verdachten (politie)');
    const form = page.getByRole('form', { name: 'Beoordelingen r2026-05' });
    await form.getByLabel('Toelichting').fill('Gecontroleerd');
    await form.getByRole('button', { name: 'Goedkeuren' }).click();
    await page.waitForSelector('text=u1 (board): approve — Gecontroleerd');
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
    expect(failedRequests).toEqual(['401 /api/v1/auth/login']);
  });
});
