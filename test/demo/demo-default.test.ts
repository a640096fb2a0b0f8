/**
 * The default demo as `npm start` runs it, without the server: `samenzicht demo --no-serve`
 * with no other option, in process, on the real region set. The published shares the default
 * promises (DEMO_TARGETS) are read back from the release's public cells.csv and the share table
 * is printed; no region outside the area may have a figure. `npm run bench -- demo` measures the
 * same run's wall time to the dashboard. Last, the data directory is served as `npm start` serves
 * it and the dashboard's buurt map of Haarlem is opened in Chromium; with `SAMENZICHT_SCREENSHOT`
 * naming a file, a 1280×900 screenshot of that map is saved there (docs/dashboard.png is one).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import {
  DEMO_DEFAULTS,
  DEMO_TARGETS,
  formatShareTable,
  publishedShares,
  shareOf,
  type ShareCount,
} from '../../src/demo/index.js';
import { CATALOGUE } from '../../src/engine/index.js';
import { loadRegionSet, resolveRegionsDir, type RegionSet } from '../../src/regions/index.js';
import { createApp } from '../../src/pipeline/serve.js';
import { selectArea, type Area } from '../../src/synth/index.js';
import { RELEASE_FILES } from '../../src/release/index.js';
import { launchChromium } from '../web/browser.js';
import { ensureDashboardBuilt } from '../web/build.js';
import { freePort } from '../support/net.js';

let out: string;
let releaseDir: string;
let stderr = '';
let seconds = 0;
let shares: Map<string, ShareCount>;
let area: Area;
let regions: RegionSet;

beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), 'samenzicht-demo-default-'));
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  const t0 = performance.now();
  let code: number;
  try {
    code = await main(['node', 'samenzicht', 'demo', '--no-serve', '--out', out]);
  } finally {
    spy.mockRestore();
  }
  seconds = (performance.now() - t0) / 1000;
  if (code !== 0) throw new Error(`samenzicht demo exited with ${code}:\n${stderr}`);
  const id = readFileSync(join(out, 'LATEST_RELEASE'), 'utf8').trim();
  releaseDir = join(out, 'releases', id);
  shares = publishedShares(releaseDir);
  regions = await loadRegionSet(resolveRegionsDir({}).dir);
  area = selectArea(regions, DEMO_DEFAULTS.area);
  console.log(
    `default demo (${area.name}, scale ${DEMO_DEFAULTS.scale}): ${seconds.toFixed(1)} s without the server\n` +
      formatShareTable(
        shares,
        CATALOGUE.map((d) => d.id),
      ),
  );
}, 400_000);

describe('the default demo', () => {
  it('generates its area at full population, with the real wijken and buurten', () => {
    expect(stderr).toContain(`area ${area.name}:`);
    expect(stderr).toMatch(/synthetic residents \(scale 1 of/);
    expect(area.nationwide).toBe(false);
    expect(area.syntheticSubAreas).toEqual([]);
    expect(existsSync(join(releaseDir, RELEASE_FILES.cellsCsv))).toBe(true);
  });

  it.each(DEMO_TARGETS.map((t) => [t.indicator, t.level, t.min] as const))(
    'publishes %s per %s: at least %d of the figures that can occur',
    (indicator, level, min) => {
      const c = shares.get(`${indicator}|${level}`);
      expect(c, `${indicator} has no ${level} figures`).toBeDefined();
      const s = shareOf(c!);
      expect(s, `${indicator}|${level} ${JSON.stringify(c)}`).not.toBeNull();
      expect(s!, `${indicator}|${level} ${JSON.stringify(c)}`).toBeGreaterThanOrEqual(min);
    },
  );

  it('publishes every indicator down to buurt, with the breakdowns', () => {
    for (const d of CATALOGUE) {
      for (const level of ['gemeente', 'wijk', 'buurt']) {
        expect(shares.has(`${d.id}|${level}`), `${d.id}|${level}`).toBe(true);
      }
    }
    const breakdowns = publishedShares(releaseDir, { breakdowns: true });
    expect(breakdowns.get('inwoners|gemeente')?.published ?? 0).toBeGreaterThan(0);
  });

  it('has figures only for the regions of the area: no Nederland made of one area', () => {
    const [header, ...lines] = readFileSync(join(releaseDir, RELEASE_FILES.cellsCsv), 'utf8')
      .trimEnd()
      .split('\n');
    const cols = header!.split(',');
    const level = cols.indexOf('region_level');
    const code = cols.indexOf('region_code');
    const outside = new Set<string>();
    for (const l of lines) {
      const f = l.split(',');
      if (!area.published.has(f[code]!)) outside.add(`${f[level]} ${f[code]}`);
    }
    expect([...outside].slice(0, 5)).toEqual([]);
    expect(shares.has('inwoners|nederland')).toBe(false);
    expect(shares.has('inwoners|veiligheidsregio')).toBe(area.wholeRegions.length > 0);
  });

  it('shows the buurten of Haarlem on the dashboard map, coloured, with no console error', async () => {
    await ensureDashboardBuilt();
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const { app, close } = await createApp({ dataDir: out, regions, publicBaseUrl: url });
    onTestFinished(close);
    await app.listen({ port, host: '127.0.0.1' });
    const browser = await launchChromium();
    onTestFinished(() => browser.close());
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(`${url}/#/kaart?indicator=inwoners&gemeente=GM0392&level=buurt`);
    // Drawn: buurt paths, and the figures in (a fill colour rather than the grey of no data).
    await page.waitForSelector('svg.sz-map path.region[data-code^=BU0392]');
    await page.waitForFunction(
      `[...document.querySelectorAll('svg.sz-map path.region')].some(p => /^(#|rgb)/.test(p.getAttribute('fill') || '') && p.getAttribute('fill') !== '#d9d9d9')`,
      undefined,
      { timeout: 60_000 },
    );
    await page.waitForSelector('[role=status]', { state: 'detached' });
    const fills = (await page.evaluate(
      `[...document.querySelectorAll('svg.sz-map path.region')].map(p => p.getAttribute('fill') || '')`,
    )) as string[];
    const buurten = regions.ofLevel('buurt').filter((b) => b.code.startsWith('BU0392')).length;
    expect(fills.length).toBe(buurten);
    const coloured = fills.filter((f) => /^(#|rgb)/.test(f) && f !== '#d9d9d9' && f !== '#ffffff');
    const hatched = fills.filter((f) => f.startsWith('url(#hatch-'));
    expect(coloured.length, `fills: ${fills.join(' ')}`).toBeGreaterThan(fills.length / 2);
    expect(hatched.length).toBeLessThan(coloured.length);
    expect(await page.locator('.sz-legend li').count()).toBeGreaterThan(3);
    expect(await page.locator('h2').first().innerText()).toContain('per buurt — Haarlem');
    const shot = process.env.SAMENZICHT_SCREENSHOT;
    if (shot) {
      // The map from its title down, with the legend beside it.
      await page.evaluate(`document.querySelector('main h2').scrollIntoView({ block: 'start' })`);
      mkdirSync(dirname(shot), { recursive: true });
      await page.screenshot({ path: shot, type: 'png' });
    }
    expect(errors).toEqual([]);
  }, 180_000);
});
