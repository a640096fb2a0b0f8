/**
 * The release comparison over HTTP: two published releases with known cells, a withdrawn one
 * between them, a candidate after them and one that waited longer in the airlock (created first,
 * published last), served by the real public server.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPublicServer } from '../../src/pipeline/serve.js';
import { loadRegionSet } from '../../src/regions/index.js';
import type { ReleaseRow } from '../../src/release/index.js';
import { CHANGES_CSV_COLUMNS } from '../../src/api/releases/changes.js';
import { emptyCounts } from '../../src/public/changes.js';
import { stateLookup, writeTestRelease, type TestState } from '../public/helpers.js';
import { tempDir } from '../support/temp.js';

const BASE = 'https://samenzicht.example.nl';
const dataDir = tempDir('samenzicht-changes-');
const states = new Map<string, TestState>();
let app: FastifyInstance;
let gm: [string, string, string];
let vr: string;

function row(
  indicator: string,
  year: number,
  code: string,
  status: ReleaseRow['status'],
  value: number | null,
  o: Partial<ReleaseRow> = {},
): ReleaseRow {
  const level: ReleaseRow['region_level'] = code === 'NL01' ? 'nederland' : 'gemeente';
  const published = status === 'published';
  return {
    indicator_id: indicator,
    year,
    region_level: level,
    region_code: code,
    parent_code: level === 'nederland' ? null : vr,
    breakdown: '',
    // A suppressed row keeps its true figure in the restricted file: it must never show.
    value: status === 'not-applicable' ? null : value,
    numerator: status === 'not-applicable' ? null : value,
    denominator: null,
    status,
    rule: published || status === 'not-applicable' ? null : 'frequency',
    ...o,
  };
}

const DRUGS = 'drugsverdachten_per_1000';

beforeAll(async () => {
  const regions = await loadRegionSet(null);
  const gemeenten = regions.ofLevel('gemeente');
  gm = [gemeenten[0]!.code, gemeenten[1]!.code, gemeenten[2]!.code];
  vr = gemeenten[0]!.parentCode!;
  const r1 = [
    row('inwoners', 2023, 'NL01', 'published', 1000),
    row('inwoners', 2023, gm[0], 'published', 995),
    row('inwoners', 2023, gm[1], 'suppressed-primary', 31337),
    row('inwoners', 2023, gm[2], 'published', 50),
    row(DRUGS, 2022, 'NL01', 'published', 4, { numerator: 4000, denominator: 1_000_000 }),
    row(DRUGS, 2023, 'NL01', 'published', 5.1, { numerator: 5100, denominator: 1_000_000 }),
    row(DRUGS, 2023, gm[0], 'not-applicable', null),
  ];
  const r2 = [
    row('inwoners', 2023, 'NL01', 'published', 1005),
    row('inwoners', 2023, gm[0], 'published', 995),
    row('inwoners', 2023, gm[1], 'published', 40),
    row('inwoners', 2023, gm[2], 'suppressed-secondary', 42424),
    row('inwoners', 2024, 'NL01', 'published', 1010),
    row(DRUGS, 2023, 'NL01', 'published', 5.3, { numerator: 5300, denominator: 1_000_000 }),
    row(DRUGS, 2023, gm[0], 'not-applicable', null),
  ];
  const write = async (id: string, rows: ReleaseRow[], createdAt: string, s: Partial<TestState>) =>
    states.set(id, {
      status: 'published',
      publishedAt: null,
      ...s,
      digest: await writeTestRelease(dataDir, id, rows, { createdAt }),
    });
  await write('r1', r1, '2026-01-01T00:00:00Z', { publishedAt: '2026-01-02T00:00:00Z' });
  await write('rw', [row('inwoners', 2023, 'NL01', 'published', 7)], '2026-01-10T00:00:00Z', {
    status: 'withdrawn',
    publishedAt: '2026-01-11T00:00:00Z',
    withdrawnReason: 'wrong input',
  });
  await write('r2', r2, '2026-02-01T00:00:00Z', { publishedAt: '2026-02-02T00:00:00Z' });
  await write('r3', [row('inwoners', 2023, 'NL01', 'published', 2000)], '2026-03-01T00:00:00Z', {
    status: 'candidate',
  });
  // Created before r1, approved after r2: published last.
  await write('r0', [row('inwoners', 2023, 'NL01', 'published', 1005)], '2025-12-01T00:00:00Z', {
    publishedAt: '2026-04-01T00:00:00Z',
  });
  app = await buildPublicServer({
    dataDir,
    regions,
    stateOf: stateLookup(states),
    publicBaseUrl: BASE,
    webDir: null,
  });
  await app.ready();
});

afterAll(async () => {
  await app?.close();
});

const side = (status: string, value: number | null, numerator = value, denominator = null) => ({
  status,
  value,
  numerator,
  denominator,
});
const CONFIDENTIAL = side('confidential', null);

describe('GET /api/v1/releases/:id/changes', () => {
  it('lists exactly what changed from r1 to r2, with the summary', async () => {
    const res = await app.inject('/api/v1/releases/r2/changes?from=r1');
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=3600, immutable');
    const body = res.json();
    expect(body.release).toBe('r2');
    expect(body.from).toBe('r1');
    const cell = (indicator: string, year: number, code: string) => ({
      indicator_id: indicator,
      year,
      region_level: code === 'NL01' ? 'nederland' : 'gemeente',
      region_code: code,
      parent_code: code === 'NL01' ? null : vr,
      breakdown: '',
    });
    expect(body.changes).toEqual([
      {
        kind: 'removed',
        ...cell(DRUGS, 2022, 'NL01'),
        from: side('published', 4, 4000, 1_000_000 as never),
        to: null,
        difference: null,
      },
      {
        kind: 'changed',
        ...cell(DRUGS, 2023, 'NL01'),
        from: side('published', 5.1, 5100, 1_000_000 as never),
        to: side('published', 5.3, 5300, 1_000_000 as never),
        difference: 0.2,
      },
      {
        kind: 'changed',
        ...cell('inwoners', 2023, 'NL01'),
        from: side('published', 1000),
        to: side('published', 1005),
        difference: 5,
      },
      ...[
        {
          kind: 'now-published',
          ...cell('inwoners', 2023, gm[1]),
          from: CONFIDENTIAL,
          to: side('published', 40),
          difference: null,
        },
        {
          kind: 'now-confidential',
          ...cell('inwoners', 2023, gm[2]),
          from: side('published', 50),
          to: CONFIDENTIAL,
          difference: null,
        },
      ].sort((a, b) => (a.region_code < b.region_code ? -1 : 1)),
      {
        kind: 'added',
        ...cell('inwoners', 2024, 'NL01'),
        from: null,
        to: side('published', 1010),
        difference: null,
      },
    ]);
    const counts = (o: Record<string, number>) => ({ ...emptyCounts(), ...o });
    expect(body.summary).toEqual({
      total: counts({
        cells: 8,
        unchanged: 2,
        changed: 2,
        'now-published': 1,
        'now-confidential': 1,
        added: 1,
        removed: 1,
      }),
      indicators: [
        { indicator: DRUGS, ...counts({ cells: 3, unchanged: 1, changed: 1, removed: 1 }) },
        {
          indicator: 'inwoners',
          ...counts({
            cells: 5,
            unchanged: 1,
            changed: 1,
            'now-published': 1,
            'now-confidential': 1,
            added: 1,
          }),
        },
      ],
    });
    expect(body.page).toEqual({ offset: 0, limit: 1000, total: 6, next: null });
    // The suppressed figures' truths are nowhere.
    expect(res.body).not.toMatch(/31337|42424/);
    expect(res.body).not.toMatch(/frequency|suppressed|primary|secondary/);
  });

  it('defaults from to the published release before it in order of publication', async () => {
    // r2: the withdrawn rw was published between r1 and r2, and is skipped.
    const r2 = (await app.inject('/api/v1/releases/r2/changes')).json();
    expect(r2.from).toBe('r1');
    expect(r2.changes).toEqual(
      (await app.inject('/api/v1/releases/r2/changes?from=r1')).json().changes,
    );
    // r0 was created first but published last: it is compared with r2.
    const r0 = (await app.inject('/api/v1/releases/r0/changes')).json();
    expect(r0.from).toBe('r2');
    expect(r0.summary.total).toMatchObject({ cells: 7, unchanged: 1, removed: 6 });
  });

  it('swapping the releases swaps the kinds and negates the differences', async () => {
    const back = (await app.inject('/api/v1/releases/r1/changes?from=r2')).json();
    expect(
      back.changes.map((c: { kind: string; difference: number | null }) => [c.kind, c.difference]),
    ).toEqual([
      ['added', null],
      ['changed', -0.2],
      ['changed', -5],
      ...[
        [gm[1], ['now-confidential', null]],
        [gm[2], ['now-published', null]],
      ]
        .sort((a, b) => ((a[0] as string) < (b[0] as string) ? -1 : 1))
        .map((x) => x[1]),
      ['removed', null],
    ]);
    // A release compared with itself: nothing changed.
    const same = (await app.inject('/api/v1/releases/r2/changes?from=r2')).json();
    expect(same.changes).toEqual([]);
    expect(same.summary.total).toMatchObject({ cells: 7, unchanged: 7 });
  });

  it('filters by indicator and kind, and pages with next links from the public base URL', async () => {
    const drugs = (
      await app.inject(`/api/v1/releases/r2/changes?from=r1&indicator=${DRUGS}`)
    ).json();
    expect(drugs.changes.map((c: { kind: string }) => c.kind)).toEqual(['removed', 'changed']);
    // The summary covers the whole comparison whatever the filters.
    expect(drugs.summary.total.cells).toBe(8);
    const changed = (await app.inject('/api/v1/releases/r2/changes?kind=changed')).json();
    expect(changed.changes.map((c: { difference: number }) => c.difference)).toEqual([0.2, 5]);
    expect(changed.page.total).toBe(2);
    const first = (await app.inject('/api/v1/releases/r2/changes?from=r1&limit=4')).json();
    expect(first.changes).toHaveLength(4);
    expect(first.page).toEqual({
      offset: 0,
      limit: 4,
      total: 6,
      next: `${BASE}/api/v1/releases/r2/changes?from=r1&limit=4&offset=4`,
    });
    const next = (await app.inject(first.page.next.slice(BASE.length))).json();
    expect(next.changes.map((c: { kind: string }) => c.kind)).toEqual([
      expect.stringMatching(/^now-/),
      'added',
    ]);
    expect(next.page.next).toBeNull();
  });

  it('latest is a 307 to the id, the query kept and uncached', async () => {
    const res = await app.inject('/api/v1/releases/latest/changes?kind=added');
    expect(res.statusCode).toBe(307);
    expect(res.headers['cache-control']).toBe('no-cache');
    // The latest by the catalog (r2: r0 was created before it).
    expect(res.headers['location']).toBe('/api/v1/releases/r2/changes?kind=added');
    const csv = await app.inject('/api/v1/releases/latest/changes.csv');
    expect(csv.statusCode).toBe(307);
    expect(csv.headers['location']).toBe('/api/v1/releases/r2/changes.csv');
  });

  it('404 when there is no earlier release or a release is not public; 410 when withdrawn', async () => {
    const cases: [string, number, RegExp][] = [
      ['/api/v1/releases/r1/changes', 404, /r1 is the first published release.*from=/],
      ['/api/v1/releases/nope/changes?from=r1', 404, /no published release 'nope'/],
      ['/api/v1/releases/r2/changes?from=nope', 404, /no published release 'nope' to compare with/],
      // The candidate is never compared, on either side, in either form.
      ['/api/v1/releases/r3/changes', 404, /no published release 'r3'/],
      ['/api/v1/releases/r3/changes?from=r2', 404, /no published release 'r3'/],
      ['/api/v1/releases/r2/changes?from=r3', 404, /no published release 'r3' to compare with/],
      ['/api/v1/releases/r3/changes.csv?from=r2', 404, /no published release 'r3'/],
      ['/api/v1/releases/r2/changes.csv?from=r3', 404, /no published release 'r3' to compare with/],
      ['/api/v1/releases/rw/changes?from=r1', 410, /rw was withdrawn/],
      ['/api/v1/releases/r2/changes?from=rw', 410, /rw was withdrawn/],
      ['/api/v1/releases/r2/changes.csv?from=rw', 410, /rw was withdrawn/],
      ['/api/v1/releases/r2/changes?from=latest', 400, /not 'latest'/],
      ['/api/v1/releases/r2/changes?kind=gone', 400, /kind/],
      ['/api/v1/releases/r2/changes?indicator=geen_indicator', 400, /unknown indicator/],
      ['/api/v1/releases/r2/changes?limit=10001', 400, /limit/],
    ];
    for (const [url, status, message] of cases) {
      const res = await app.inject(url);
      expect(res.statusCode, url).toBe(status);
      expect(res.json().message, url).toMatch(message);
      expect(res.body, url).not.toContain('2000'); // r3's figure
    }
  });

  it('is described in the OpenAPI document', async () => {
    const spec = (await app.inject('/api/v1/openapi.json')).json();
    for (const p of ['/api/v1/releases/{id}/changes', '/api/v1/releases/{id}/changes.csv']) {
      expect(spec.paths[p]?.get?.tags, p).toEqual(['releases']);
    }
    const q = spec.paths['/api/v1/releases/{id}/changes'].get.parameters.map(
      (x: { name: string }) => x.name,
    );
    expect(q).toEqual(
      expect.arrayContaining(['id', 'from', 'indicator', 'kind', 'offset', 'limit']),
    );
  });
});

describe('GET /api/v1/releases/:id/changes.csv', () => {
  it('writes one row per change with CBS symbols', async () => {
    const res = await app.inject('/api/v1/releases/r2/changes.csv');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8; header=present');
    expect(res.headers['content-disposition']).toBe(
      'attachment; filename="samenzicht-r2-changes-from-r1.csv"',
    );
    expect(res.headers['cache-control']).toBe('public, max-age=3600, immutable');
    expect(res.body.startsWith('\uFEFF')).toBe(true);
    const lines = res.body.slice(1).split('\r\n');
    expect(lines.pop()).toBe('');
    expect(lines[0]).toBe(CHANGES_CSV_COLUMNS.join(','));
    const [a, b] = gm[1] < gm[2] ? [1, 2] : [2, 1];
    const byCode: Record<number, string> = {
      1: `r2,r1,now-published,inwoners,2023,gemeente,${gm[1]},${vr},,confidential,.,.,.,published,40,40,,`,
      2: `r2,r1,now-confidential,inwoners,2023,gemeente,${gm[2]},${vr},,published,50,50,,confidential,.,.,.,`,
    };
    expect(lines.slice(1)).toEqual([
      `r2,r1,removed,${DRUGS},2022,nederland,NL01,,,published,4,4000,1000000,,,,,`,
      `r2,r1,changed,${DRUGS},2023,nederland,NL01,,,published,5.1,5100,1000000,published,5.3,5300,1000000,0.2`,
      'r2,r1,changed,inwoners,2023,nederland,NL01,,,published,1000,1000,,published,1005,1005,,5',
      byCode[a],
      byCode[b],
      'r2,r1,added,inwoners,2024,nederland,NL01,,,,,,,published,1010,1010,,',
    ]);
  });

  it('follows the filters, named in the file name', async () => {
    const res = await app.inject(
      '/api/v1/releases/r2/changes.csv?from=r1&indicator=inwoners&kind=changed',
    );
    expect(res.headers['content-disposition']).toBe(
      'attachment; filename="samenzicht-r2-changes-from-r1-inwoners-changed.csv"',
    );
    expect(res.body.trim().split('\r\n')).toHaveLength(2);
  });

  it('a not-applicable side is blank, not confidential', async () => {
    // r0 (published last) against r1: the not-applicable cell of r1 is removed.
    const res = await app.inject(`/api/v1/releases/r0/changes.csv?from=r1&indicator=${DRUGS}`);
    const line = res.body.split('\r\n').find((l) => l.includes(`,${gm[0]},`))!;
    expect(line).toBe(
      `r0,r1,removed,${DRUGS},2023,gemeente,${gm[0]},${vr},,not-applicable,,,,,,,,`,
    );
  });
});
