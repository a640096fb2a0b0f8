/**
 * The plugin mounted in the real public server (buildPublicServer) over a release written by the
 * release store: routes coexist with the v1 API, the Parquet file is streamed, and OData, CSV and
 * the JSON cells route agree on the same release.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPublicServer } from '../../../src/pipeline/serve.js';
import { loadRegionSet } from '../../../src/regions/index.js';
import { releasesDir } from '../../../src/release/index.js';
import { buildFixture } from '../../web/fixture.js';
import { stateLookup, writeTestRelease } from '../../public/helpers.js';

let app: FastifyInstance;
let dataDir: string;
const fixture = buildFixture();
const release = fixture.releases.find((r) => r.id === 'r2026-03');
const rows = fixture.rows.get('r2026-03') ?? [];

beforeAll(async () => {
  if (!release) throw new Error('fixture lacks r2026-03');
  dataDir = mkdtempSync(join(tmpdir(), 'opendata-server-'));
  const digest = await writeTestRelease(dataDir, release.id, rows, {
    createdAt: release.createdAt,
    rules: fixture.profiles,
  });
  app = await buildPublicServer({
    dataDir,
    regions: await loadRegionSet(null),
    publicBaseUrl: 'http://localhost:8080',
    webDir: null,
    indicators: fixture.indicators,
    stateOf: stateLookup(
      new Map([[release.id, { status: 'published', publishedAt: release.publishedAt, digest }]]),
    ),
  });
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('open data in the real server', () => {
  it('serves the release Parquet file byte for byte', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/releases/r2026-03/cells.parquet' });
    expect(res.statusCode).toBe(200);
    const file = readFileSync(join(releasesDir(dataDir), 'r2026-03', 'cells.parquet'));
    expect(res.rawPayload.equals(file)).toBe(true);
    expect(res.rawPayload.subarray(0, 4).toString()).toBe('PAR1');
  });

  it('agrees with the JSON cells route on counts and confidential cells', async () => {
    const json = (
      await app.inject({
        method: 'GET',
        url: '/api/v1/releases/r2026-03/cells?indicator=drugs_verdachten&year=2023&level=buurt',
      })
    ).json() as { page: { total: number }; cells: { region_code: string; status: string }[] };
    const suppressed = json.cells
      .filter((c) => c.status === 'confidential')
      .map((c) => c.region_code)
      .sort();
    expect(suppressed.length).toBeGreaterThan(0);
    const filter = encodeURIComponent(
      "Measure eq 'drugs_verdachten' and Perioden eq '2023JJ00' and startswith(RegioS,'BU') and ValueAttribute eq 'Confidential'",
    );
    const odata = (
      await app.inject({
        method: 'GET',
        url: `/odata/v4/Observations?$filter=${filter}&$count=true&$select=RegioS`,
      })
    ).json() as {
      '@odata.count': number;
      value: { RegioS: string }[];
    };
    expect(odata.value.map((v) => v.RegioS).sort()).toEqual(suppressed);
    const csv = (
      await app.inject({
        method: 'GET',
        url: '/api/v1/releases/r2026-03/cells.csv?indicator=drugs_verdachten&year=2023&level=buurt',
      })
    ).body;
    const dots = csv.split('\r\n').filter((l) => l.endsWith(',.,.,.,confidential'));
    expect(dots.map((l) => l.split(',')[3]).sort()).toEqual(suppressed);
    expect(csv.split('\r\n').length - 2).toBe(json.page.total);
  });

  it('lists its routes in the OpenAPI document', async () => {
    const spec = (await app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json() as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/releases/{id}/cells.csv',
        '/api/v1/releases/{id}/cells.parquet',
        '/odata/v4/{set}',
        '/odata/v4/$metadata',
        '/odata/v1/Datasets',
        '/odata/v1/{catalog}/{id}/{set}',
        '/ODataCatalog/Tables',
        '/ODataFeed/OData/{id}/{set}',
      ]),
    );
  });
});
