import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/api/server.js';
import { ReleaseCatalog } from '../../src/api/releases/catalog.js';
import type { IndicatorMeta } from '../../src/contracts/index.js';
import { loadRegionSet, type RegionSet } from '../../src/regions/index.js';
import { releasesDir, type ReleaseRow } from '../../src/release/index.js';
import { stateLookup, writeTestRelease, type TestState } from '../public/helpers.js';
import { catalogueMeta } from '../support/catalogue-meta.js';

const indicators: IndicatorMeta[] = [
  catalogueMeta('inwoners', { levels: ['nederland', 'gemeente'], years: [2022] }),
];

let app: FastifyInstance;
let regions: RegionSet;
const states = new Map<string, TestState>();
const refused: { release: string; reason: string }[] = [];

function row(
  code: string,
  level: ReleaseRow['region_level'],
  parent: string | null,
  n: number | null,
  status: ReleaseRow['status'],
): ReleaseRow {
  return {
    indicator_id: 'inwoners',
    year: 2022,
    region_level: level,
    region_code: code,
    parent_code: parent,
    breakdown: '',
    value: n,
    numerator: n,
    denominator: null,
    status,
    rule: status === 'published' ? null : 'frequency',
  };
}

const dataDir = mkdtempSync(join(tmpdir(), 'samenzicht-api-'));

beforeAll(async () => {
  regions = await loadRegionSet(null);
  const [gm1, gm2] = regions.ofLevel('gemeente');
  const d1 = await writeTestRelease(
    dataDir,
    'r1',
    [
      row('NL01', 'nederland', null, 1000, 'published'),
      row(gm1!.code, 'gemeente', gm1!.parentCode, 995, 'published'),
      row(gm2!.code, 'gemeente', gm2!.parentCode, null, 'suppressed-primary'),
    ],
    { createdAt: '2026-01-01T00:00:00Z' },
  );
  // Releases of one national figure each: r2, r3 and r4 (written in this order).
  const national = (id: string, n: number, createdAt: string) =>
    writeTestRelease(dataDir, id, [row('NL01', 'nederland', null, n, 'published')], { createdAt });
  const d2 = await national('r2', 1005, '2026-02-01T00:00:00Z');
  const d3 = await national('r3', 1010, '2026-03-01T00:00:00Z');
  const d4 = await national('r4', 1020, '2025-12-01T00:00:00Z');
  states.set('r1', { status: 'published', publishedAt: '2026-01-02T00:00:00Z', digest: d1 });
  states.set('r2', {
    status: 'withdrawn',
    publishedAt: '2026-02-02T00:00:00Z',
    withdrawnReason: 'wrong input',
    digest: d2,
  });
  states.set('r3', { status: 'candidate', publishedAt: null, digest: d3 });
  // r4 was approved, then its public cells were changed on disk: it must never be served.
  states.set('r4', { status: 'published', publishedAt: '2025-12-02T00:00:00Z', digest: d4 });
  writeFileSync(
    join(releasesDir(dataDir), 'r4', 'cells.csv'),
    'indicator_id,year,region_level,region_code,parent_code,breakdown,value,numerator,denominator,status\ninwoners,2022,nederland,NL01,,,1,1,,published\n',
  );
  const catalog = new ReleaseCatalog(dataDir, stateLookup(states), {
    onIntegrityFailure: (f) => refused.push(f),
  });
  app = await buildServer({
    regions,
    indicators,
    catalog,
    publicBaseUrl: 'https://samenzicht.example.nl',
    webDir: null,
  });
  await app.ready();
});
afterAll(async () => app.close());

describe('HTTP API v1', () => {
  it('health names the latest published release (not a candidate or withdrawn one)', async () => {
    const res = await app.inject('/api/v1/health');
    expect(res.statusCode).toBe(200);
    // r4 was tampered with after its approval: refused at start, logged and shown here.
    expect(res.json()).toMatchObject({ status: 'degraded', latestRelease: 'r1' });
    expect(res.json().refusedReleases).toEqual([
      { release: 'r4', reason: 'its files do not match the content the airlock approved' },
    ]);
    // The operator's log names the digests; the public health does not (they cover restricted files).
    expect(refused).toEqual([
      {
        release: 'r4',
        reason: expect.stringMatching(
          /^digest [0-9a-f]{12} differs from the approved [0-9a-f]{12}$/,
        ),
      },
    ]);
    expect(res.headers['cache-control']).toBe('no-cache');
  });

  it('refuses a release whose files do not match the approved digest (503)', async () => {
    for (const url of ['/api/v1/releases/r4', '/api/v1/releases/r4/cells']) {
      const res = await app.inject(url);
      expect(res.statusCode, url).toBe(503);
      expect(res.json().error).toBe('integrity');
      expect(res.body).not.toContain('1020');
    }
  });

  it('lists indicators', async () => {
    const res = await app.inject('/api/v1/indicators');
    expect(res.json().indicators.map((i: IndicatorMeta) => i.id)).toEqual(['inwoners']);
  });

  it('lists regions by level and parent, and 400s on an unknown level', async () => {
    const all = (await app.inject('/api/v1/regions?level=gemeente')).json();
    expect(all.regions).toHaveLength(regions.ofLevel('gemeente').length);
    expect(all.page).toMatchObject({ offset: 0, total: regions.ofLevel('gemeente').length });
    const two = (await app.inject('/api/v1/regions?level=gemeente&limit=2')).json();
    expect(two.regions).toHaveLength(2);
    // The next page's URL comes from the configured base URL, never from the Host header.
    expect(two.page.next).toBe(
      'https://samenzicht.example.nl/api/v1/regions?level=gemeente&limit=2&offset=2',
    );
    expect((await app.inject('/api/v1/regions?limit=5001')).statusCode).toBe(400);
    const vr = regions.ofLevel('veiligheidsregio')[0]!;
    const under = (await app.inject(`/api/v1/regions?parent=${vr.code}`)).json();
    expect(under.regions.map((r: { code: string }) => r.code)).toEqual(
      regions.childrenOf(vr.code).map((r) => r.code),
    );
    expect((await app.inject('/api/v1/regions?level=provincie')).statusCode).toBe(400);
  });

  it('serves geometry where it exists and 404s where it does not', async () => {
    const res = await app.inject('/api/v1/regions/geo?level=gemeente');
    const geo = regions.geoJson('gemeente');
    expect(res.statusCode).toBe(geo ? 200 : 404);
    expect((await app.inject('/api/v1/regions/geo')).statusCode).toBe(400);
    // All buurten at once would be tens of MB: per gemeente only.
    expect((await app.inject('/api/v1/regions/geo?level=buurt')).statusCode).toBe(400);
  });

  it('comparable gemeenten need published figures: 404 without, 400 for a non-gemeente code', async () => {
    const [gm1, gm2] = regions.ofLevel('gemeente');
    // r1 publishes the inwoners of one gemeente only: it has no peers; the other is confidential.
    const one = (await app.inject(`/api/v1/regions/${gm1!.code}/comparable`)).json();
    expect(one).toMatchObject({ code: gm1!.code, release: 'r1', year: 2022, peers: [] });
    expect(one.method.nl).toContain('gepubliceerde');
    expect((await app.inject(`/api/v1/regions/${gm2!.code}/comparable`)).statusCode).toBe(404);
    expect((await app.inject('/api/v1/regions/XX/comparable')).statusCode).toBe(400);
  });

  it('lists published and withdrawn releases, never candidates', async () => {
    const res = (await app.inject('/api/v1/releases')).json();
    // A refused release stays listed as governance recorded it; its URLs answer 503.
    expect(res.releases.map((r: { id: string; status: string }) => [r.id, r.status])).toEqual([
      ['r4', 'published'],
      ['r1', 'published'],
      ['r2', 'withdrawn'],
    ]);
  });

  it('latest redirects to the published release, uncached; id URLs are immutable', async () => {
    const latest = await app.inject(
      '/api/v1/releases/latest/cells?indicator=inwoners&year=2022&level=gemeente',
    );
    expect(latest.statusCode).toBe(307);
    expect(latest.headers['cache-control']).toBe('no-cache');
    expect(latest.headers.location).toBe(
      '/api/v1/releases/r1/cells?indicator=inwoners&year=2022&level=gemeente',
    );
    const res = await app.inject(latest.headers.location as string);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.release).toBe('r1');
    expect(body.page).toEqual({ offset: 0, limit: 10000, total: 2, next: null });
    // A confidential cell: no figures, no rule, no primary/secondary.
    expect(body.cells[1]).toEqual({
      indicator_id: 'inwoners',
      year: 2022,
      region_level: 'gemeente',
      region_code: regions.ofLevel('gemeente')[1]!.code,
      parent_code: regions.ofLevel('gemeente')[1]!.parentCode,
      breakdown: '',
      value: null,
      numerator: null,
      denominator: null,
      status: 'confidential',
    });
    expect(res.headers['cache-control']).toContain('immutable');
    expect((await app.inject('/api/v1/releases/latest')).headers.location).toBe(
      '/api/v1/releases/r1',
    );
  });

  it('pages cells with a next link from the public base URL', async () => {
    const res = (await app.inject('/api/v1/releases/r1/cells?limit=2')).json();
    expect(res.cells).toHaveLength(2);
    expect(res.page.next).toBe(
      'https://samenzicht.example.nl/api/v1/releases/r1/cells?limit=2&offset=2',
    );
    const rest = (await app.inject('/api/v1/releases/r1/cells?limit=2&offset=2')).json();
    expect(rest.cells).toHaveLength(1);
    expect(rest.page.next).toBeNull();
    expect((await app.inject('/api/v1/releases/r1/cells?limit=10001')).statusCode).toBe(400);
  });

  it('returns CSV with "." for suppressed figures when asked for text/csv', async () => {
    const res = await app.inject({
      url: '/api/v1/releases/r1/cells?level=gemeente',
      headers: { accept: 'text/csv' },
    });
    expect(res.headers['content-type']).toContain('text/csv');
    const lines = res.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split(/\r?\n/);
    expect(lines[0]).toBe(
      'indicator_id,year,region_level,region_code,parent_code,breakdown,value,numerator,denominator,status',
    );
    expect(lines[2]).toMatch(/,\.,\.,\.,confidential$/);
  });

  it('404 on unknown and candidate releases, 410 on withdrawn, 400 on bad parameters', async () => {
    expect((await app.inject('/api/v1/releases/nope/cells')).statusCode).toBe(404);
    expect((await app.inject('/api/v1/releases/r3/cells')).statusCode).toBe(404);
    const gone = await app.inject('/api/v1/releases/r2/cells');
    expect(gone.statusCode).toBe(410);
    expect(gone.json().message).toContain('wrong input');
    for (const q of [
      'year=abc',
      'level=land',
      'region=Amsterdam',
      'indicator=bestaat_niet',
      'foo=1',
    ]) {
      const res = await app.inject(`/api/v1/releases/r1/cells?${q}`);
      expect(res.statusCode, q).toBe(400);
      expect(res.json().error).toBe('bad-request');
    }
  });

  it('a release is its public manifest: no audit report, no exact counts', async () => {
    const res = (await app.inject('/api/v1/releases/r1')).json();
    expect(Object.keys(res).sort()).toEqual(['manifest', 'release']);
    expect(res.manifest.id).toBe('r1');
    expect(res.manifest.cells.byStatus).toEqual({
      published: 2,
      confidential: 1,
      'not-applicable': 0,
    });
    expect(res.manifest.disclosure).toEqual({ passed: true, rules: [] });
  });

  it('serves OpenAPI with the documented paths', async () => {
    const spec = (await app.inject('/api/v1/openapi.json')).json();
    for (const p of [
      '/api/v1/health',
      '/api/v1/indicators',
      '/api/v1/regions',
      '/api/v1/releases',
      '/api/v1/releases/{id}/cells',
    ]) {
      expect(spec.paths, p).toHaveProperty([p]);
    }
  });
});
