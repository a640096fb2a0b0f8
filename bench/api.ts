/**
 * `npm run bench -- api [--duration=10] [--rate=500] [--gemeenten=342] [--indicators=24]`: the
 * public API under load, on loopback with autocannon, against the real public server
 * (`buildPublicServer`: the v1 routes, open data and the dashboard), serving a release of realistic size (342 gemeenten, 8 wijken each,
 * 4 buurten per wijk, 24 indicators, 5 years: 1.7 M cells). Prints throughput and latency percentiles of cell queries at a fixed
 * rate (goal: p99 ≤ 50 ms at 500 req/s) and flat out, then the first render time of the
 * gemeente profile in Chromium.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { buildPublicServer } from '../src/pipeline/serve.js';
import { loadRegionSet } from '../src/regions/index.js';
import { stateLookup, writeTestRelease } from '../test/public/helpers.js';
import { launchChromium } from '../test/web/browser.js';
import { ensureDashboardBuilt, DIST } from '../test/web/build.js';
import { YEARS } from '../test/web/fixture.js';
import { benchRelease } from './release-fixture.js';
import { positiveFlag } from './_flags.js';

const flag = (flags: string[], name: string, fallback: number): number =>
  positiveFlag('api', flags, name, fallback);

interface Scenario {
  name: string;
  paths: string[];
  rate?: number;
}

async function load(url: string, s: Scenario, duration: number, quiet = false): Promise<void> {
  const result = await autocannon({
    url,
    connections: 20,
    // Load is generated in a worker thread, so that it does not share the event loop with the server.
    workers: 1,
    duration,
    ...(s.rate ? { overallRate: s.rate } : {}),
    requests: s.paths.map((path) => ({ method: 'GET' as const, path })),
  });
  const l = result.latency;
  if (quiet) return;
  console.log(
    `${s.name.padEnd(46)} ${String(Math.round(result.requests.average)).padStart(6)} req/s  p50 ${String(l.p50).padStart(3)} ms  p90 ${String(l.p90).padStart(3)} ms  p99 ${String(l.p99).padStart(4)} ms  max ${String(l.max).padStart(4)} ms  non-2xx ${result.non2xx}  errors ${result.errors}`,
  );
}

export async function run(flags: string[]): Promise<void> {
  const duration = flag(flags, 'duration', 10);
  const rate = flag(flags, 'rate', 500);
  const gemeenten = flag(flags, 'gemeenten', 342);
  const indicatorCount = flag(flags, 'indicators', 24);

  let t = performance.now();
  const { fixture, release, rows } = benchRelease(gemeenten, indicatorCount);
  const indicators = fixture.indicators;
  const dataDir = mkdtempSync(join(tmpdir(), 'samenzicht-bench-api-'));
  const digest = await writeTestRelease(dataDir, release.id, rows, {
    createdAt: release.createdAt,
    rules: fixture.profiles,
  });
  const regions = await loadRegionSet(null);
  await ensureDashboardBuilt();
  // The real public server (every public route), approved as written.
  const app = await buildPublicServer({
    dataDir,
    regions,
    publicBaseUrl: 'http://127.0.0.1',
    indicators: fixture.indicators,
    stateOf: stateLookup(
      new Map([[release.id, { status: 'published', publishedAt: release.publishedAt, digest }]]),
    ),
    webDir: DIST,
    rateLimits: { read: 100_000_000 },
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  console.log(
    `release of ${rows.length.toLocaleString('en')} cells (${fixture.regions.length.toLocaleString('en')} regions) ready in ${Math.round(performance.now() - t)} ms; ${url}`,
  );

  const gm = fixture.regions.filter((r) => r.level === 'gemeente').map((r) => r.code);
  const pick = (i: number): string => gm[(i * 7919) % gm.length] as string;
  const combos = indicators.flatMap((ind) => YEARS.map((y) => [ind.id, y] as const));
  const levelQueries = combos.map(
    ([i, y]) => `/api/v1/releases/${release.id}/cells?indicator=${i}&year=${y}&level=gemeente`,
  );
  const regionQueries = Array.from(
    { length: 50 },
    (_, i) => `/api/v1/releases/${release.id}/cells?region=${pick(i)}`,
  );
  const odata = Array.from(
    { length: 50 },
    (_, i) =>
      `/odata/v4/Observations?$filter=${encodeURIComponent(`Measure eq 'drugs_verdachten' and RegionS eq '${pick(i)}'`)}`,
  );
  const csv = combos.map(
    ([i, y]) => `/api/v1/releases/${release.id}/cells.csv?indicator=${i}&year=${y}&level=gemeente`,
  );
  // Warm the caches (the catalog reads the release once; the OData model is built once).
  for (const p of [levelQueries[0], odata[0], csv[0]])
    await app.inject({ method: 'GET', url: p as string });

  console.log(`\nautocannon, ${duration} s per scenario, 20 connections, loopback:`);
  const scenarios: Scenario[] = [
    { name: `cells per gemeente (342 rows) @ ${rate}/s`, paths: levelQueries, rate },
    { name: `OData Observations filter @ ${rate}/s`, paths: odata, rate },
    { name: `cells.csv per gemeente @ ${rate}/s`, paths: csv, rate },
    { name: 'cells per gemeente, flat out', paths: levelQueries },
    { name: 'OData Observations filter, flat out', paths: odata },
    // Last: without a region index this query scans the release, and its backlog would
    // otherwise spill into the next scenario.
    { name: `cells of one region (all years) @ ${rate}/s`, paths: regionQueries, rate },
  ];
  // A server in service is warm: JIT-compiled routes and serializers, filled indexes. Measure
  // that state, after a short load over every query set (reported apart from the figures).
  const tw = performance.now();
  for (const s of scenarios.filter((x) => x.rate))
    await load(url, { ...s, rate: Math.min(rate, 200) }, 3, true);
  console.log(
    `(warm-up: 3 s at 200 req/s per query set, ${Math.round(performance.now() - tw)} ms)`,
  );
  for (const s of scenarios) {
    await load(url, s, duration);
    // Let requests still queued from this scenario finish before the next one starts.
    await fetch(`${url}/api/v1/health`);
    await new Promise((r) => setTimeout(r, 2000));
  }

  // First render of the gemeente profile: navigation until the reading of every indicator shows.
  const browser = await launchChromium();
  const times: number[] = [];
  for (let i = 0; i < 6; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    t = performance.now();
    await page.goto(`${url}/#/gemeente/${pick(i)}`);
    // The dashboard's CSP forbids eval, so wait on selectors: the last indicator row, the reading.
    await page
      .locator('table tbody tr .sz-sparkline')
      .nth(indicators.length - 1)
      .waitFor();
    await page
      .locator('table tbody tr')
      .nth(indicators.length - 1)
      .locator('strong')
      .waitFor();
    times.push(performance.now() - t);
    await context.close();
  }
  await browser.close();
  const cold = times[0] as number;
  const warm = times.slice(1).sort((a, b) => a - b);
  console.log(
    `\ngemeente profile first render in Chromium (fresh browser context each): first ${Math.round(cold)} ms, median of next ${warm.length} ${Math.round(warm[Math.floor(warm.length / 2)] as number)} ms, max ${Math.round(warm[warm.length - 1] as number)} ms`,
  );
  await app.close();
  rmSync(dataDir, { recursive: true, force: true });
}
