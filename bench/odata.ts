/**
 * `npm run bench -- odata [--gemeenten=342] [--indicators=24]`: the OData feeds on a release of
 * national size (342 gemeenten, 8 wijken each, 4 buurten per wijk, 24 indicators, 5 years:
 * 1.7 M cells), through the real public server in process (`app.inject`). Prints, per request
 * kind, the time of the first request (which builds the feed's model of the release), the
 * median of the next ones, the page size in bytes and the memory the models take; then the
 * time to read every observation of one gemeente as a client pages through it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildPublicServer } from '../src/pipeline/serve.js';
import { loadRegionSet } from '../src/regions/index.js';
import { stateLookup, writeTestRelease } from '../test/public/helpers.js';
import { benchRelease } from './release-fixture.js';
import { positiveFlag } from './_flags.js';

const flag = (flags: string[], name: string, fallback: number): number =>
  positiveFlag('odata', flags, name, fallback);

const mib = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;

export async function run(flags: string[]): Promise<void> {
  const gemeenten = flag(flags, 'gemeenten', 342);
  const indicatorCount = flag(flags, 'indicators', 24);
  const { fixture, release, rows } = benchRelease(gemeenten, indicatorCount);
  const dataDir = mkdtempSync(join(tmpdir(), 'samenzicht-bench-odata-'));
  try {
    const digest = await writeTestRelease(dataDir, release.id, rows, {
      createdAt: release.createdAt,
      rules: fixture.profiles,
    });
    const app = await buildPublicServer({
      dataDir,
      regions: await loadRegionSet(null),
      publicBaseUrl: 'http://127.0.0.1',
      stateOf: stateLookup(
        new Map([[release.id, { status: 'published', publishedAt: release.publishedAt, digest }]]),
      ),
      indicators: fixture.indicators,
      webDir: null,
      logger: false,
    });
    await app.ready();
    const gm = fixture.regions.find((r) => r.level === 'gemeente')?.code ?? 'GM0363';
    const id = release.id;
    console.log(
      `release: ${rows.length.toLocaleString('en')} cells, ${gemeenten} gemeenten, ${indicatorCount} indicators, 5 years`,
    );
    const heap0 = process.memoryUsage();
    const kinds: [string, string][] = [
      ['v4 Datasets', '/odata/v1/Datasets'],
      ['v4 Observations, first page', `/odata/v1/Samenzicht/${id}/Observations`],
      [
        'v4 Observations of one gemeente',
        `/odata/v1/Samenzicht/${id}/Observations?$filter=RegioS eq '${gm}'`,
      ],
      ['v4 Observations, page 100', `/odata/v1/Samenzicht/${id}/Observations?$skip=1000000`],
      ['v4 RegioSCodes (whole list)', `/odata/v1/Samenzicht/${id}/RegioSCodes`],
      ['v3 Tables', '/ODataCatalog/Tables?$format=json'],
      ['v3 TypedDataSet, first page', `/ODataFeed/OData/${id}/TypedDataSet?$format=json`],
      [
        'v3 TypedDataSet of one gemeente',
        `/ODataFeed/OData/${id}/TypedDataSet?$format=json&$filter=RegioS eq '${gm}'`,
      ],
      ['v3 UntypedDataSet, first page', `/ODataFeed/OData/${id}/UntypedDataSet?$format=json`],
    ];
    console.log(
      `${'request'.padEnd(36)} ${'first'.padStart(9)} ${'next (median of 5)'.padStart(19)} ${'bytes'.padStart(11)}`,
    );
    for (const [name, url] of kinds) {
      let t = performance.now();
      const first = await app.inject({ method: 'GET', url });
      const firstMs = performance.now() - t;
      if (first.statusCode !== 200)
        throw new Error(`${url}: ${first.statusCode} ${first.body.slice(0, 200)}`);
      const times: number[] = [];
      for (let i = 0; i < 5; i++) {
        t = performance.now();
        // No If-None-Match, so each is computed; matching rows are cached per filter, as they are
        // for a client that pages.
        await app.inject({ method: 'GET', url: `${url}${url.includes('?') ? '&' : '?'}x=${i}` });
        times.push(performance.now() - t);
      }
      times.sort((a, b) => a - b);
      console.log(
        `${name.padEnd(36)} ${`${firstMs.toFixed(0)} ms`.padStart(9)} ${`${(times[2] ?? 0).toFixed(1)} ms`.padStart(19)} ${first.rawPayload.length.toLocaleString('en').padStart(11)}`,
      );
    }
    const heap1 = process.memoryUsage();
    console.log(
      `memory after building both feeds' models: rss +${mib(heap1.rss - heap0.rss)}, heap +${mib(heap1.heapUsed - heap0.heapUsed)}`,
    );
    // A client paging through all observations of a gemeente (wijken and buurten included).
    const t = performance.now();
    let pages = 0;
    let count = 0;
    let next: string | undefined =
      `/odata/v1/Samenzicht/${id}/Observations?$filter=startswith(RegioS,'BU${gm.slice(2)}')`;
    while (next) {
      const body = (await app.inject({ method: 'GET', url: next })).json() as {
        value: unknown[];
        '@odata.nextLink'?: string;
      };
      count += body.value.length;
      pages++;
      const link = body['@odata.nextLink'];
      next = link ? link.replace('http://127.0.0.1', '') : undefined;
    }
    console.log(
      `all buurt observations of ${gm}: ${count.toLocaleString('en')} in ${pages} page(s), ${(performance.now() - t).toFixed(0)} ms`,
    );
    await app.close();
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
