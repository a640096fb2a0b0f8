/**
 * The dashboard as an analyst of a gemeente or RIEC uses it, in Chromium against the real public
 * server (`buildPublicServer` over the fixture's releases, ./real-server.ts), with a count among
 * the indicators (`inwoners`), so that the server finds comparable gemeenten and the profile has
 * a figure it must not compare: the profile by theme with a chosen or automatic comparison, its
 * wijk map, CSV and URL; the zoekgebieden page; every view restored from its URL; no sideways
 * scrolling at 320 px; axe on every view. With SAMENZICHT_SCREENSHOTS=1 it writes the start page,
 * the profile and the zoekgebieden page at 320, 768 and 1400 px to docs/screenshots/.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { COMPARABLE_METHOD } from '../../src/public/comparable.js';
import { launchChromium, openTestPage } from './browser.js';
import { DIST, ensureDashboardBuilt, ROOT } from './build.js';
import { axe, overflow, words } from './checks.js';
import { buildFixture, latestPublished } from './fixture.js';
import { FORBIDDEN } from './forbidden.js';
import { startRealServer } from './real-server.js';
import type { FixtureServer } from './server.js';

const SCREENSHOTS =
  process.env.SAMENZICHT_SCREENSHOTS === '1' ? join(ROOT, 'docs', 'screenshots') : null;
const fixture = buildFixture({ counts: true });
const latest = latestPublished(fixture)?.id as string;
const cells = fixture.cells.get(latest) ?? [];
const CONFIDENTIAL = 'geheim: te weinig personen of bedrijven om dit cijfer veilig te tonen';

let real: FixtureServer;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];
const failed: string[] = [];

beforeAll(async () => {
  await ensureDashboardBuilt();
  real = await startRealServer(fixture, { webDir: DIST });
  browser = await launchChromium();
  ({ page } = await openTestPage(browser, pageErrors));
  page.on('response', (r) => {
    if (r.status() >= 400) failed.push(`${r.status()} ${new URL(r.url()).pathname}`);
  });
});

afterAll(async () => {
  await browser?.close();
  await real?.close();
});

async function visit(hash: string, ready: string): Promise<void> {
  await page.goto(`${real.url}/${hash}`);
  await page.waitForSelector(ready);
}

/** axe clean, no word on how a figure was withheld. */
async function check(name: string): Promise<void> {
  expect(await axe(page), `axe on ${name}`).toEqual([]);
  expect(await words(page), `words on ${name}`).not.toMatch(FORBIDDEN);
}

const hash = (): Promise<string> => page.evaluate('location.hash') as Promise<string>;
const waitForHash = (re: RegExp): Promise<unknown> =>
  page.waitForFunction(`${re.toString()}.test(location.hash)`);
/** Waits until the comparison group's figures are in. */
const groupLoaded = (): Promise<unknown> => page.waitForSelector('[aria-busy=false]');

const nl = (v: number, d = 2): string =>
  new Intl.NumberFormat('nl-NL', {
    minimumFractionDigits: Number.isInteger(v) ? 0 : d,
    maximumFractionDigits: Number.isInteger(v) ? 0 : d,
  }).format(v);

/** Mean of the published 2023 values of an indicator over some gemeenten. */
function groupMean(indicator: string, codes: readonly string[]): number {
  const values = cells
    .filter(
      (c) =>
        c.indicator_id === indicator &&
        c.year === 2023 &&
        c.breakdown === '' &&
        codes.includes(c.region_code) &&
        c.status === 'published',
    )
    .map((c) => c.value as number);
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/** The visible texts of the cells of a profile row. */
const profileRow = (indicator: string): Promise<string[]> =>
  page.locator(`.sz-theme tr[data-indicator=${indicator}]`).locator('th, td').allInnerTexts();

async function json<T>(path: string): Promise<T> {
  const res = await fetch(new URL(path, real.url));
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
}

describe('analyst views', () => {
  it('shows the profile by theme, with the automatic group explained and only rates compared', async () => {
    const comparable = await json<{ peers: string[]; release: string }>(
      '/api/v1/regions/GM0518/comparable',
    );
    expect(comparable.peers.length).toBeGreaterThanOrEqual(2);
    await visit('#/gemeente/GM0518', '.sz-theme table tbody tr');
    await groupLoaded();
    expect(await page.locator('.sz-theme h2').allInnerTexts()).toEqual([
      'Drugs',
      'Vastgoed',
      'Jonge aanwas',
      'Context',
    ]);
    const main = await page.locator('main').innerText();
    const names = comparable.peers.map((c) => fixture.byCode.get(c)?.name).join(', ');
    expect(main).toContain(
      `Automatische vergelijkingsgroep (${comparable.peers.length} gemeenten): ${names}.`,
    );
    // The method in the page's language only.
    expect(main).toContain(`Zo is deze groep gekozen: ${COMPARABLE_METHOD.nl}`);
    expect(main).not.toContain(COMPARABLE_METHOD.en);

    // A rate: the value, the group's mean, the country, a trend and a reading.
    const drugs = await profileRow('drugs_verdachten');
    expect(drugs[0]).toContain('Drugsverdachten per 1.000 inwoners');
    expect(drugs[1]).toBe('7,62');
    expect(drugs[2]).toBe(nl(groupMean('drugs_verdachten', comparable.peers)));
    expect(drugs[3]).toMatch(/^\d+,\d\d$/);
    expect(drugs[5]).toMatch(/de vergelijkingsgroep\nToets: waargenomen 4\.205, verwacht /);
    // A count: its value and trend, never set beside other gemeenten or the country.
    const inwoners = await profileRow('inwoners');
    expect(inwoners.slice(1)).toEqual([
      '574.080',
      'niet vergeleken',
      'niet vergeleken',
      '',
      'niet vergeleken: een aantal hangt af van de grootte van de gemeente',
    ]);
    expect(await page.locator('.sz-theme svg.sz-sparkline').count()).toBe(4);
    expect(main).toContain('Aantallen en totalen niet');

    // The wijken of the gemeente on a small map.
    expect(await page.locator('.sz-wijkmap svg.sz-map path.region').count()).toBe(2);
    expect(await page.locator('.sz-wijkmap .sz-legend').innerText()).toContain('Geheim (.)');
    await check('profile');

    // Printed: the figures without the controls, rows never split over two pages.
    await page.emulateMedia({ media: 'print' });
    expect(
      await page.evaluate(
        `[...document.querySelectorAll('.sz-nav, .sz-lang, .sz-picker, main button, main select')].map(e => getComputedStyle(e).display)`,
      ),
    ).toEqual(expect.arrayContaining(['none']));
    expect(
      await page.evaluate(
        `[...document.querySelectorAll('.sz-nav, .sz-lang, .sz-picker, main button, main select')].every(e => getComputedStyle(e).display === 'none')`,
      ),
    ).toBe(true);
    expect(
      await page.evaluate(
        `[getComputedStyle(document.querySelector('.sz-theme tbody tr')).breakInside, getComputedStyle(document.querySelector('.sz-theme thead')).display, getComputedStyle(document.querySelector('.sz-theme table')).display]`,
      ),
    ).toEqual(['avoid', 'table-header-group', 'table']);
    await page.emulateMedia({ media: 'screen' });

    // In English: the method, the themes and every word in English.
    await page.getByRole('button', { name: 'Switch to English' }).click();
    onTestFinished(() => page.evaluate('localStorage.removeItem("samenzicht-lang")'));
    await page.waitForSelector('text=Automatic comparison group');
    const en = await page.locator('main').innerText();
    expect(en).toContain(`How this group was chosen: ${COMPARABLE_METHOD.en}`);
    expect(en).not.toContain(COMPARABLE_METHOD.nl);
    expect(await page.locator('.sz-theme h2').allInnerTexts()).toEqual([
      'Drugs',
      'Real estate',
      'Young recruits',
      'Context',
    ]);
    expect(en).not.toMatch(/vergelijk|geheim|niet vergeleken|Wijken van/);
    await check('profile-en');
    await page.getByRole('button', { name: 'Schakel naar Nederlands' }).click();
    await page.waitForSelector('text=Automatische vergelijkingsgroep');
  });

  it('says in plain words why a figure is confidential', async () => {
    await visit('#/gemeente/GM0096', '.sz-theme table tbody tr');
    await groupLoaded();
    const drugs = await profileRow('drugs_verdachten');
    expect(drugs[1]).toMatch(/^\./);
    expect(drugs[5]).toBe(CONFIDENTIAL);
    expect(await words(page)).not.toMatch(/frequency|min-denominator|drempel|dominan/i);
    await check('profile-confidential');
  });

  it('lets the analyst choose the comparison gemeenten by keyboard, kept in the URL', async () => {
    await visit('#/gemeente/GM0518', '.sz-picker input[type=search]');
    await groupLoaded();
    await page.getByLabel('Zoek een gemeente').focus();
    await page.keyboard.type('Rotterdam');
    await page.keyboard.press('Enter');
    await waitForHash(/vergelijk=GM0599$/);
    // Tab from the search box to the list, Space ticks; the focus stays on the ticked box.
    await page.keyboard.press('Control+A');
    await page.keyboard.type('Tilb');
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.value')).toBe('GM0599');
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.value')).toBe('GM0855');
    await page.keyboard.press('Space');
    await waitForHash(/vergelijk=GM0599,GM0855$/);
    expect(await page.evaluate('document.activeElement.value')).toBe('GM0855');
    expect(await hash()).toBe('#/gemeente/GM0518?vergelijk=GM0599,GM0855');
    await groupLoaded();
    const chosen = 'Vergelijkingsgroep, door u gekozen (2 gemeenten): Rotterdam, Tilburg.';
    expect(await page.locator('.sz-compare').innerText()).toContain(chosen);
    expect(await page.locator('.sz-picker [role=status]').innerText()).toBe(
      '2 van 10 gemeenten gekozen.',
    );
    const expected = nl(groupMean('drugs_verdachten', ['GM0599', 'GM0855']));
    await page.waitForFunction(
      `document.querySelector('.sz-theme tr[data-indicator=drugs_verdachten] td:nth-of-type(2)')?.innerText === ${JSON.stringify(expected)}`,
    );
    // Only rates and shares are compared with the chosen gemeenten too.
    expect((await profileRow('inwoners'))[2]).toBe('niet vergeleken');
    await check('profile-chosen');

    // A reload restores the view.
    await page.reload();
    await page.waitForSelector('.sz-theme table tbody tr');
    await groupLoaded();
    expect(await page.locator('.sz-compare').innerText()).toContain(chosen);
    expect(await page.locator('.sz-picker input[value=GM0599]').isChecked()).toBe(true);
    expect(await page.locator('.sz-picker input[value=GM0855]').isChecked()).toBe(true);

    // Untick by keyboard, then back to the automatic group.
    await page.locator('.sz-picker input[value=GM0599]').focus();
    await page.keyboard.press('Space');
    await waitForHash(/vergelijk=GM0855$/);
    await page.getByRole('button', { name: 'Terug naar de automatische groep' }).press('Enter');
    await waitForHash(/^#\/gemeente\/GM0518$/);
    await page.waitForSelector('text=Automatische vergelijkingsgroep');
    expect(await page.evaluate('document.activeElement.type')).toBe('search');
  });

  it('downloads the view as CSV with a BOM, commas and CRLF', async () => {
    await visit('#/gemeente/GM0518?vergelijk=GM0599,GM0855', '.sz-theme table tbody tr');
    await groupLoaded();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download deze weergave (CSV)' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('samenzicht-GM0518-2023.csv');
    const csv = readFileSync(await download.path(), 'utf8');
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(csv).not.toContain('"');
    const lines = csv.slice(1).split('\r\n');
    expect(lines.at(-1)).toBe('');
    expect(lines[0]).toBe(
      'Thema,indicator_id,Indicator,Eenheid,Jaar,Code,Gebied,Waarde,Status,Vergelijkings\u00adgroep (gemiddelde),Vergelijkingsgroep (codes),Nederland,Duiding',
    );
    expect(lines.length).toBe(1 + 4 + 1);
    const row = (id: string) => lines.find((l) => l.split(',')[1] === id)?.split(',');
    const drugs = row('drugs_verdachten');
    expect(drugs?.slice(0, 9)).toEqual([
      'Drugs',
      'drugs_verdachten',
      'Drugsverdachten per 1.000 inwoners',
      'per 1.000 inwoners',
      '2023',
      'GM0518',
      "'s-Gravenhage",
      '7.62',
      'gepubliceerd',
    ]);
    expect(Number(drugs?.[9])).toBeCloseTo(groupMean('drugs_verdachten', ['GM0599', 'GM0855']), 9);
    expect(drugs?.[10]).toBe('GM0599;GM0855');
    expect(row('inwoners')?.slice(7)).toEqual([
      '574080',
      'gepubliceerd',
      '',
      '',
      '',
      'niet vergeleken: een aantal hangt af van de grootte van de gemeente',
    ]);
  });

  it('restores every view from its URL: profile, map, start, release', async () => {
    // Profile: year, wijk map indicator and comparison.
    await visit(
      '#/gemeente/GM0518?vergelijk=GM0363&year=2021&indicator=jonge_aanwas',
      '.sz-wijkmap svg.sz-map path.region',
    );
    expect(await page.getByLabel('Jaar van de cijfers').inputValue()).toBe('2021');
    expect(await page.locator('.sz-wijkmap select').inputValue()).toBe('jonge_aanwas');
    expect(await page.locator('.nl-paragraph--lead').innerText()).toContain('in 2021');
    expect(await page.locator('.sz-compare').innerText()).toContain('door u gekozen (1 gemeenten)');
    await page.locator('.sz-wijkmap select').selectOption('onverklaarbare_aankopen');
    await waitForHash(/indicator=onverklaarbare_aankopen/);
    await page.getByLabel('Jaar van de cijfers').selectOption('2022');
    await waitForHash(/year=2022/);
    expect(await hash()).toBe(
      '#/gemeente/GM0518?vergelijk=GM0363&year=2022&indicator=onverklaarbare_aankopen',
    );
    await page.reload();
    await page.waitForSelector('.sz-wijkmap svg.sz-map path.region');
    expect(await page.getByLabel('Jaar van de cijfers').inputValue()).toBe('2022');
    expect(await page.locator('.sz-wijkmap select').inputValue()).toBe('onverklaarbare_aankopen');
    expect(await page.locator('.sz-wijkmap h2 + p').innerText()).toContain("'s-Gravenhage");

    // Map: indicator, year, gemeente and level.
    await visit(
      '#/kaart?indicator=jonge_aanwas&year=2021&gemeente=GM0363&level=wijk',
      'svg.sz-map path[data-code^=WK0363]',
    );
    expect(await page.getByLabel('Indicator').inputValue()).toBe('jonge_aanwas');
    expect(await page.getByLabel('Jaar', { exact: true }).inputValue()).toBe('2021');
    expect(await page.getByLabel('Niveau').inputValue()).toBe('wijk');
    await page.getByLabel('Jaar', { exact: true }).selectOption('2020');
    await waitForHash(/year=2020/);
    await page.reload();
    await page.waitForSelector('svg.sz-map path[data-code^=WK0363]');
    expect(await page.getByLabel('Jaar', { exact: true }).inputValue()).toBe('2020');
    expect(await page.locator('main h2').first().innerText()).toContain(
      '2020, per wijk — Amsterdam',
    );

    // Start: the search.
    await visit('#/', '.sz-themes li');
    await page.getByLabel('Gemeente (naam of code)').fill('Eind');
    await waitForHash(/q=Eind$/);
    await page.reload();
    await page.waitForSelector('.sz-results a');
    expect(await page.getByLabel('Gemeente (naam of code)').inputValue()).toBe('Eind');
    expect(await page.locator('.sz-results a').allInnerTexts()).toEqual(['Eindhoven (GM0772)']);

    // Release: a chosen release, with the region basis in words and its notes.
    await visit('#/release/r2026-01', 'h1:has-text("Release r2026-01")');
    await page.reload();
    await page.waitForSelector('h1:has-text("Release r2026-01")');
    const release = await page.locator('main').innerText();
    expect(release).toContain('Regio-indeling 2023: gegenereerd');
    expect(release).toContain(fixture.manifests.get('r2026-01')?.notes[0]?.nl);
    expect(release).not.toMatch(/[{}]|":/);
  });

  it('shows the zoekgebieden of a gemeente: map, ranking, the indicators behind each area', async () => {
    type Api = {
      release: string;
      year: number;
      caution: { nl: string; en: string };
      areas: {
        code: string;
        name: string;
        flagged: boolean;
        signals: { indicator: string; significant: boolean }[];
      }[];
    };
    const api = await json<Api>(
      `/api/v1/releases/${latest}/zoekgebieden?gemeente=GM0772&year=2023&level=buurt`,
    );
    const flagged = api.areas.filter((a) => a.flagged);
    expect(flagged.length).toBeGreaterThan(0);
    await visit('#/zoekgebieden?gemeente=GM0772&year=2023&level=buurt', '.sz-area-detail');
    // The caution in the page's language, in plain words.
    expect(await page.locator('.sz-caution').innerText()).toBe(api.caution.nl);
    expect(await page.locator('main').innerText()).not.toContain(api.caution.en);
    // The ranking, as the API ranks.
    const ranked = page.locator('.sz-data-table tbody tr[data-code^=BU]');
    expect(
      await ranked.evaluateAll((trs) =>
        trs.map((tr) => (tr as unknown as { dataset: { code: string } }).dataset.code),
      ),
    ).toEqual(api.areas.map((a) => a.code));
    expect(await ranked.locator('.sz-badge').count()).toBe(flagged.length);
    // The map: every area, zoekgebieden in the darkest class.
    expect(await page.locator('svg.sz-map a[data-code]').count()).toBe(4);
    for (const a of flagged)
      expect(
        await page.locator(`svg.sz-map a[data-code=${a.code}] path`).getAttribute('fill'),
      ).toBe('#253494');
    // The indicators behind the first area.
    const first = api.areas[0] as Api['areas'][number];
    expect(await page.locator('.sz-area-detail h2').innerText()).toBe(
      `Indicatoren achter ${first.name}`,
    );
    expect(await page.locator('.sz-area-detail tbody tr').count()).toBe(first.signals.length);
    expect(
      await page.locator('.sz-area-detail tbody tr').first().locator('td').last().innerText(),
    ).toMatch(/^ja \(q /);
    const csv = await page.getByRole('link', { name: 'Download de zoekgebieden (CSV)' });
    const csvHref = (await csv.getAttribute('href')) as string;
    expect(csvHref).toBe(
      `/api/v1/releases/${latest}/zoekgebieden.csv?gemeente=GM0772&year=2023&level=buurt&q=0.05&lang=nl`,
    );
    const file = await fetch(new URL(csvHref, real.url));
    expect(file.status).toBe(200);
    // A byte order mark (text() would drop it).
    expect([...new Uint8Array(await file.arrayBuffer()).slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    await check('zoekgebieden');

    // Choosing an area on the map by keyboard shows its indicators and puts the focus there.
    const second = api.areas[1] as Api['areas'][number];
    await page.locator(`svg.sz-map a[data-code=${second.code}]`).focus();
    await page.keyboard.press('Enter');
    await waitForHash(new RegExp(`gebied=${second.code}$`));
    await page.waitForSelector(`.sz-area-detail[data-code=${second.code}]`);
    expect(await page.evaluate('document.activeElement.innerText')).toBe(
      `Indicatoren achter ${second.name}`,
    );
    await page.reload();
    await page.waitForSelector(`.sz-area-detail[data-code=${second.code}]`);

    // The level and the strictness are part of the view.
    await page.getByLabel('Niveau').selectOption('wijk');
    await waitForHash(/level=wijk/);
    await page.waitForSelector('.sz-data-table tbody tr[data-code^=WK]');
    await page.getByLabel('Strengheid van de toets').selectOption('0.01');
    await waitForHash(/q=0.01/);
    expect(await hash()).toBe('#/zoekgebieden?gemeente=GM0772&year=2023&level=wijk&q=0.01');
    await page.reload();
    await page.waitForSelector('.sz-data-table tbody tr[data-code^=WK]');
    expect(await page.getByLabel('Strengheid van de toets').inputValue()).toBe('0.01');

    // In English, with the English caution.
    await page.getByRole('button', { name: 'Switch to English' }).click();
    onTestFinished(() => page.evaluate('localStorage.removeItem("samenzicht-lang")'));
    await page.waitForSelector('text=Ranking of the areas');
    expect(await page.locator('.sz-caution').innerText()).toBe(api.caution.en);
    expect(await page.locator('main').innerText()).not.toMatch(/Let op|Rangorde|thema’s/);
    await check('zoekgebieden-en');
    await page.getByRole('button', { name: 'Schakel naar Nederlands' }).click();
    await page.waitForSelector('text=Rangorde van de gebieden');
  });

  it('links the zoekgebieden from the start page and the profile, and asks for a gemeente', async () => {
    await visit('#/', '.sz-themes li');
    await page.getByRole('link', { name: 'Bekijk de zoekgebieden' }).click();
    await page.waitForSelector(
      'text=Kies een gemeente of een veiligheidsregio om de zoekgebieden te zien.',
    );
    await check('zoekgebieden-empty');
    await page.getByLabel('Gemeente', { exact: true }).selectOption('GM0599');
    await waitForHash(/gemeente=GM0599/);
    await page.waitForSelector('.sz-area-detail');
    await visit('#/gemeente/GM0772', '.sz-theme table tbody tr');
    await page.getByRole('link', { name: 'Zoekgebieden in Eindhoven' }).click();
    await page.waitForSelector('.sz-area-detail');
    expect(await hash()).toBe('#/zoekgebieden?gemeente=GM0772&year=2023&level=buurt');
  });

  it('shows the zoekgebieden of a veiligheidsregio: all its gemeenten in one test, kept in the URL', async () => {
    const vr = fixture.regions.find((r) => r.level === 'veiligheidsregio')?.code as string;
    const api = await json<{ scope: { name: string }; areas: { code: string }[] }>(
      `/api/v1/releases/${latest}/zoekgebieden?veiligheidsregio=${vr}&year=2023&level=buurt`,
    );
    const gemeenten = new Set(api.areas.map((a) => a.code.slice(2, 6)));
    expect(gemeenten.size).toBeGreaterThan(1);
    // A gemeente's zoekgebieden link to its profile…
    await visit('#/zoekgebieden?gemeente=GM0772', '.sz-area-detail');
    expect(await page.locator('.sz-links a[href^="#/gemeente/"]').count()).toBe(1);
    await page.getByLabel('Of een veiligheidsregio (al haar gemeenten)').selectOption(vr);
    await waitForHash(new RegExp(`veiligheidsregio=${vr}`));
    await page.waitForSelector('.sz-data-table tbody tr[data-code^=BU]');
    const ranked = page.locator('.sz-data-table tbody tr[data-code^=BU]');
    expect(
      await ranked.evaluateAll((trs) =>
        trs.map((tr) => (tr as unknown as { dataset: { code: string } }).dataset.code),
      ),
    ).toEqual(api.areas.map((a) => a.code));
    expect(await page.locator('main').innerText()).toContain(`Gebieden van ${api.scope.name}`);
    // …a veiligheidsregio has no profile page to link to; its CSV names the veiligheidsregio.
    expect(await page.locator('.sz-links a[href^="#/gemeente/"]').count()).toBe(0);
    expect(
      await page.getByRole('link', { name: 'Download de zoekgebieden (CSV)' }).getAttribute('href'),
    ).toContain(`veiligheidsregio=${vr}`);
    await page.reload();
    await page.waitForSelector('.sz-data-table tbody tr[data-code^=BU]');
    await check('zoekgebieden of a veiligheidsregio');
  });

  it('notes under a series which region division it uses', async () => {
    const id = fixture.indicators[0]?.id as string;
    await visit(`#/indicator/${id}`, '[data-testid=series-basis]');
    // The fixture's releases name their division (2023) but not a basis: the division is shown.
    expect(await page.textContent('[data-testid=series-basis]')).toContain('Regio-indeling 2023');
    const gm = fixture.regions.find((r) => r.level === 'gemeente')?.code as string;
    await visit(`#/gemeente/${gm}`, '[data-testid=series-basis]');
    expect(await page.textContent('[data-testid=series-basis]')).toContain('2023');
    await check('indicator page with its series basis');
  });

  it('never scrolls sideways at 320 px, and is axe clean there; screenshots on request', async () => {
    // A view, when it is ready, and where its screenshot starts.
    const views: [string, string, string, string][] = [
      ['start', '#/', '.sz-themes li', 'body'],
      ['profile', '#/gemeente/GM0518', '[aria-busy=false] .sz-theme', '#compare-h'],
      [
        'zoekgebieden',
        '#/zoekgebieden?gemeente=GM0772&year=2023&level=buurt',
        '.sz-area-detail',
        '#zg-map-h',
      ],
    ];
    const others: [string, string][] = [
      ['#/kaart', 'svg.sz-map a[data-code]'],
      ['#/kaart?gemeente=GM0363&level=buurt', 'svg.sz-map path[data-code^=BU0363]'],
      ['#/indicator/drugs_verdachten', 'figure[role=img] svg'],
      ['#/release/latest', 'text=Gemeentecijfers 2023'],
      ['#/governance', 'main h1'],
    ];
    if (SCREENSHOTS) mkdirSync(SCREENSHOTS, { recursive: true });
    for (const [width, height] of [
      [320, 640],
      [768, 1024],
      [1400, 900],
    ] as const) {
      await page.setViewportSize({ width, height });
      for (const [name, url, ready, from] of views) {
        await visit(url, ready);
        expect(await overflow(page), `${name} at ${width} px`).toBe(0);
        if (width === 320) await check(`${name} at 320 px`);
        if (SCREENSHOTS) {
          await page
            .locator(from)
            .evaluate((e) => (e as unknown as { scrollIntoView(): void }).scrollIntoView());
          await page.screenshot({
            path: join(SCREENSHOTS, `${name}-${width}.png`),
            fullPage: false,
          });
        }
      }
    }
    await page.setViewportSize({ width: 320, height: 640 });
    for (const [url, ready] of others) {
      await visit(url, ready);
      expect(await overflow(page), `${url} at 320 px`).toBe(0);
    }
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('raised no script errors and no failed requests', () => {
    expect(pageErrors).toEqual([]);
    // But one: the governance page asks who is signed in, and this public server has no
    // governance API (404), which the page says.
    expect(failed.filter((f) => f !== '404 /api/v1/auth/me')).toEqual([]);
  });
});
