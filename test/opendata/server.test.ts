/**
 * The plugin mounted in the real server (buildServer) over a release written by the release
 * store: routes coexist with the v1 API, the Parquet file is streamed, and OData, CSV and the
 * JSON cells route agree on the same release.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { opendataRoutes, releaseSourceFromCatalog } from '../../src/api/opendata/index.js';
import { ReleaseCatalog } from '../../src/api/releases/catalog.js';
import { buildServer } from '../../src/api/server.js';
import { openBrokerDatabase } from '../../src/engine/session.js';
import { loadRegionSet } from '../../src/regions/index.js';
import { writeRelease, releasesDir, type ReleaseManifest } from '../../src/release/index.js';
import { buildFixture, INDICATORS, YEARS } from '../web/fixture.js';

let app: FastifyInstance;
let dataDir: string;
const fixture = buildFixture();
const release = fixture.releases.find((r) => r.id === 'r2026-03');
const rows = fixture.cells.get('r2026-03') ?? [];

beforeAll(async () => {
  if (!release) throw new Error('fixture lacks r2026-03');
  dataDir = mkdtempSync(join(tmpdir(), 'opendata-server-'));
  const db = await openBrokerDatabase();
  const manifest: ReleaseManifest = {
    id: release.id,
    format: 'samenzicht-release/1',
    createdAt: release.createdAt,
    codeVersion: 'test',
    regionSet: { year: 2023, source: 'test fixture' },
    years: YEARS,
    indicators: INDICATORS,
    rules: {},
    inputs: [],
    cells: { count: rows.length, sha256: 'test', byStatus: {} },
    previousRelease: null,
    notes: [],
  };
  await writeRelease(db.conn, dataDir, manifest, rows, {});
  db.close();
  const catalog = new ReleaseCatalog(dataDir, async (id) =>
    id === release.id ? { status: 'published', publishedAt: release.publishedAt } : null,
  );
  const regions = await loadRegionSet(null);
  app = await buildServer({
    regions,
    indicators: INDICATORS,
    catalog,
    comparable: async () => null,
    plugins: [
      (a) =>
        a.register(opendataRoutes, {
          releases: releaseSourceFromCatalog(catalog, INDICATORS, regions),
        }),
    ],
    webDir: null,
  });
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('open data in the real server', () => {
  it('serves the release Parquet file byte for byte', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/releases/latest/cells.parquet' });
    expect(res.statusCode).toBe(200);
    const file = readFileSync(join(releasesDir(dataDir), 'r2026-03', 'cells.parquet'));
    expect(res.rawPayload.equals(file)).toBe(true);
    expect(res.rawPayload.subarray(0, 4).toString()).toBe('PAR1');
  });

  it('agrees with the JSON cells route on counts and suppressed cells', async () => {
    const json = (
      await app.inject({
        method: 'GET',
        url: '/api/v1/releases/latest/cells?indicator=drugs_verdachten&year=2023&level=buurt',
      })
    ).json() as { count: number; cells: { region_code: string; status: string }[] };
    const suppressed = json.cells
      .filter((c) => c.status.startsWith('suppressed'))
      .map((c) => c.region_code)
      .sort();
    expect(suppressed.length).toBeGreaterThan(0);
    const filter = encodeURIComponent(
      "Measure eq 'drugs_verdachten' and Perioden eq '2023JJ00' and startswith(RegionS,'BU') and ValueAttribute eq 'Confidential'",
    );
    const odata = (
      await app.inject({
        method: 'GET',
        url: `/odata/v4/Observations?$filter=${filter}&$count=true&$select=RegionS`,
      })
    ).json() as {
      '@odata.count': number;
      value: { RegionS: string }[];
    };
    expect(odata.value.map((v) => v.RegionS).sort()).toEqual(suppressed);
    const csv = (
      await app.inject({
        method: 'GET',
        url: '/api/v1/releases/latest/cells.csv?indicator=drugs_verdachten&year=2023&level=buurt',
      })
    ).body;
    const dots = csv.split('\r\n').filter((l) => l.includes(',.,.,.,suppressed-'));
    expect(dots.map((l) => l.split(',')[3]).sort()).toEqual(suppressed);
    expect(csv.split('\r\n').length - 2).toBe(json.count);
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
      ]),
    );
  });
});
