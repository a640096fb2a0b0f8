import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/api/server.js';
import { ReleaseCatalog, type ReleaseState } from '../../src/api/releases/catalog.js';
import type { IndicatorMeta } from '../../src/api/meta/routes.js';
import { openBrokerDatabase } from '../../src/engine/session.js';
import { loadRegionSet, type RegionSet } from '../../src/regions/index.js';
import { writeRelease, type ReleaseManifest, type ReleaseRow } from '../../src/release/index.js';

const indicators: IndicatorMeta[] = [
  {
    id: 'inwoners',
    title: { nl: 'Inwoners', en: 'Residents' },
    description: { nl: 'Aantal inwoners', en: 'Number of residents' },
    theme: 'context',
    kind: 'count',
    unit: 'personen',
    units: { nl: 'personen', en: 'persons' },
    regionBasis: { nl: 'woonbuurt', en: 'buurt of residence' },
    sources: [{ dataset: 'brp_personen', provider: 'gemeenten' }],
    methodology: { nl: 'BRP op 1 januari', en: 'BRP on 1 January' },
    levels: ['nederland', 'gemeente'],
    years: [2022],
    disclosure: { profile: 'count' },
  },
];

let app: FastifyInstance;
let regions: RegionSet;
const states = new Map<
  string,
  { status: ReleaseState; publishedAt: string | null; withdrawnReason?: string }
>();

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
    rule: status === 'published' ? null : 'frequency(10)',
  };
}

async function release(id: string, rows: ReleaseRow[], createdAt: string): Promise<void> {
  const db = await openBrokerDatabase();
  const manifest: ReleaseManifest = {
    id,
    format: 'samenzicht-release/1',
    createdAt,
    codeVersion: 'test',
    regionSet: { year: 2023, source: 'synthetic' },
    years: [2022],
    indicators: [{ id: 'inwoners' }],
    rules: {},
    inputs: [],
    cells: { count: rows.length, sha256: 'x', byStatus: {} },
    previousRelease: null,
    notes: [],
  };
  await writeRelease(db.conn, dataDir, manifest, rows, { passed: true });
  db.close();
}

const dataDir = mkdtempSync(join(tmpdir(), 'samenzicht-api-'));

beforeAll(async () => {
  regions = await loadRegionSet(null);
  const [gm1, gm2] = regions.ofLevel('gemeente');
  await release(
    'r1',
    [
      row('NL01', 'nederland', null, 1000, 'published'),
      row(gm1!.code, 'gemeente', gm1!.parentCode, 995, 'published'),
      row(gm2!.code, 'gemeente', gm2!.parentCode, null, 'suppressed-primary'),
    ],
    '2026-01-01T00:00:00Z',
  );
  await release('r2', [row('NL01', 'nederland', null, 1005, 'published')], '2026-02-01T00:00:00Z');
  await release('r3', [row('NL01', 'nederland', null, 1010, 'published')], '2026-03-01T00:00:00Z');
  states.set('r1', { status: 'published', publishedAt: '2026-01-02T00:00:00Z' });
  states.set('r2', {
    status: 'withdrawn',
    publishedAt: '2026-02-02T00:00:00Z',
    withdrawnReason: 'wrong input',
  });
  states.set('r3', { status: 'candidate', publishedAt: null });
  const catalog = new ReleaseCatalog(dataDir, async (id) => states.get(id) ?? null);
  app = await buildServer({
    regions,
    indicators,
    catalog,
    comparable: async (code) =>
      code === gm1!.code ? { peers: [gm2!.code], method: 'test' } : null,
    webDir: null,
  });
});
afterAll(async () => app.close());

describe('HTTP API v1', () => {
  it('health names the latest published release (not a candidate or withdrawn one)', async () => {
    const res = await app.inject('/api/v1/health');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok', latestRelease: 'r1' });
  });

  it('lists indicators', async () => {
    const res = await app.inject('/api/v1/indicators');
    expect(res.json().indicators.map((i: IndicatorMeta) => i.id)).toEqual(['inwoners']);
  });

  it('lists regions by level and parent, and 400s on an unknown level', async () => {
    const all = (await app.inject('/api/v1/regions?level=gemeente')).json();
    expect(all.regions).toHaveLength(regions.ofLevel('gemeente').length);
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
  });

  it('comparable gemeenten, 404 for a gemeente without, 400 for a non-gemeente code', async () => {
    const [gm1, gm2] = regions.ofLevel('gemeente');
    expect((await app.inject(`/api/v1/regions/${gm1!.code}/comparable`)).json()).toEqual({
      code: gm1!.code,
      peers: [gm2!.code],
      method: 'test',
    });
    expect((await app.inject(`/api/v1/regions/${gm2!.code}/comparable`)).statusCode).toBe(404);
    expect((await app.inject('/api/v1/regions/XX/comparable')).statusCode).toBe(400);
  });

  it('lists published and withdrawn releases, never candidates', async () => {
    const res = (await app.inject('/api/v1/releases')).json();
    expect(res.releases.map((r: { id: string; status: string }) => [r.id, r.status])).toEqual([
      ['r1', 'published'],
      ['r2', 'withdrawn'],
    ]);
  });

  it('returns cells as JSON with filters, and latest resolves to the published one', async () => {
    const res = await app.inject(
      '/api/v1/releases/latest/cells?indicator=inwoners&year=2022&level=gemeente',
    );
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.release).toBe('r1');
    expect(body.count).toBe(2);
    expect(body.cells[1]).toMatchObject({
      status: 'suppressed-primary',
      value: null,
      rule: 'frequency(10)',
    });
    expect(res.headers['cache-control']).toContain('immutable');
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
      'indicator_id,year,region_level,region_code,parent_code,breakdown,value,numerator,denominator,status,rule',
    );
    expect(lines[2]).toMatch(/,\.,\.,\.,suppressed-primary,frequency\(10\)$/);
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

  it('manifest and audit of a release', async () => {
    const res = (await app.inject('/api/v1/releases/r1')).json();
    expect(res.manifest.id).toBe('r1');
    expect(res.audit).toEqual({ passed: true });
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
