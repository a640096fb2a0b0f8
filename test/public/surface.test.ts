/**
 * Public means public: a real demo release (every kind of indicator, wijk and buurt detail,
 * breakdowns) served by the real routes, then
 *  - a crawler over every public route (OpenAPI paths, OData entity sets, downloads) that finds
 *    no truth, interval, rule name, primary/secondary status or unrounded count of a cell, and no
 *    list beyond its page limit;
 *  - non-interference: whatever the confidential truths, rules, statuses, audit intervals and
 *    exact input counts are, every public response is byte-identical;
 *  - both with the demo release alone and beside an earlier release that it revises, so that the
 *    release comparison (`/releases/{id}/changes`) has every kind of change to report;
 *  - the restricted report is not reachable anonymously, and a tampered release is not served.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDemo, type DemoResult } from '../../src/demo/index.js';
import { RecordingProgress } from '../../src/pipeline/progress.js';
import { buildPublicServer, createApp } from '../../src/pipeline/serve.js';
import { loadRegionSet, type RegionSet } from '../../src/regions/index.js';
import { openBrokerDatabase } from '../../src/engine/session.js';
import {
  readAudit,
  readManifest,
  readReleaseRows,
  releaseDigest,
  releasesDir,
  writeRelease,
  type ReleaseContent,
  type ReleaseRow,
} from '../../src/release/index.js';
import {
  cellKey,
  PUBLIC_CELL_COLUMNS,
  PUBLIC_STATUSES,
  toPublicCell,
  type CellChange,
} from '../../src/public/index.js';
import type { RuleProfile } from '../../src/disclosure/index.js';
import { rng } from '../pseudonym/helpers.js';
import { crawlPublic, type CrawlContext, type Fetched } from './crawl.js';

const BASE = 'https://samenzicht.example.nl';
let demo: DemoResult;
let dataDir: string;
let regions: RegionSet;
let content: ReleaseContent;
let ctx: CrawlContext;
let app: FastifyInstance;
let close: () => Promise<void>;
let pages: Fetched[];
/** The earlier release, and the crawl of the world with both (also in `pages`). */
let earlier: ReleaseContent;
let comparedCtx: CrawlContext;
let comparedPages: Fetched[];

const INDICATORS = [
  'inwoners',
  'huishoudens',
  'woningen',
  'vestigingen',
  'drugsverdachten_per_1000',
  'jeugdige_drugsverdachten_pct',
  'fiu_gemeld_bedrag',
  'fiu_gemiddeld_bedrag',
  'mediaan_verzamelinkomen',
];

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'samenzicht-public-'));
  regions = await loadRegionSet(null);
  demo = await runDemo({
    scale: 0.01,
    seed: 11,
    dataDir,
    regions,
    progress: new RecordingProgress(),
    scope: { indicators: INDICATORS, detail: ['drugsverdachten_per_1000'], breakdowns: true },
  });
  content = {
    manifest: readManifest(dataDir, demo.releaseId),
    rows: readReleaseRows(dataDir, demo.releaseId),
    audit: readAudit(dataDir, demo.releaseId) as ReleaseContent['audit'],
  };
  const gemeente = content.rows.find(
    (r) =>
      r.region_level === 'gemeente' && r.status === 'published' && r.indicator_id === 'inwoners',
  )!;
  ctx = {
    releaseId: demo.releaseId,
    gemeente: gemeente.region_code,
    indicator: 'inwoners',
    year: gemeente.year,
  };
  ({ app, close } = await createApp({ dataDir, regions, publicBaseUrl: BASE }));
  await app.ready();
  pages = await crawlPublic(app, ctx);
  // The world of two releases: the demo's, and an earlier one it is compared with by default.
  earlier = earlierRelease(content);
  comparedCtx = { ...ctx, fromReleaseId: earlier.manifest.id };
  const world = await serveContent([earlier, content]);
  try {
    comparedPages = await crawlPublic(world.app, comparedCtx);
  } finally {
    await world.app.close();
    rmSync(world.dir, { recursive: true, force: true });
  }
  pages = [...pages, ...comparedPages];
}, 600_000);

afterAll(async () => {
  await close?.();
  rmSync(dataDir, { recursive: true, force: true });
});

const FORBIDDEN_KEYS = new Set([
  'truth',
  'interval',
  'intervals',
  'lower',
  'upper',
  'required',
  'margin',
  'contributors',
  'largest',
  'secondLargest',
  'failing',
  'publishedUnsafe',
  'variable',
  'quarantined',
  'loaded',
  'linkage',
  'sha256Inputs',
]);
const FORBIDDEN_TEXT = [
  'suppressed-primary',
  'suppressed-secondary',
  'linked-denominator',
  'earlier-release',
  'restricted/',
];
/** A list in a public JSON response and its page limit. */
const LIST_LIMITS: Record<string, number> = {
  cells: 10_000,
  regions: 5_000,
  releases: 1_000,
  indicators: 100,
  changes: 10_000,
  value: 10_000,
};
/** OData metadata sets (code lists, groups) are sent whole, bounded by the region set. */
const ODATA_METADATA_LIMIT = 50_000;
const isObservationSet = (url: string) =>
  /\/(Observations|TypedDataSet|UntypedDataSet)(\?|$)/.test(url);

function isJson(f: Fetched): boolean {
  return (f.headers['content-type'] ?? '').includes('json');
}

/** Every key path of a JSON value, with the offending ones. */
function walk(
  v: unknown,
  path: string,
  visit: (path: string, key: string, value: unknown) => void,
) {
  if (Array.isArray(v)) v.forEach((x) => walk(x, `${path}[]`, visit));
  else if (v !== null && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      visit(path, k, x);
      walk(x, `${path}.${k}`, visit);
    }
  }
}

function isMultiple(x: number, base: number): boolean {
  return Math.abs(x / base - Math.round(x / base)) < 1e-9;
}

describe('the public surface of a demo release', () => {
  it('the crawler reached every kind of public route', () => {
    const ok = pages.filter((p) => p.status === 200).map((p) => p.url);
    for (const prefix of [
      '/api/v1/health',
      '/api/v1/indicators',
      '/api/v1/regions',
      '/api/v1/regions/geo',
      `/api/v1/regions/${ctx.gemeente}/comparable`,
      '/api/v1/releases',
      `/api/v1/releases/${ctx.releaseId}`,
      `/api/v1/releases/${ctx.releaseId}/cells`,
      `/api/v1/releases/${ctx.releaseId}/cells.csv`,
      `/api/v1/releases/${ctx.releaseId}/cells.parquet`,
      `/api/v1/releases/${ctx.releaseId}/zoekgebieden?gemeente=`,
      `/api/v1/releases/${ctx.releaseId}/zoekgebieden.csv?gemeente=`,
      `/api/v1/releases/${ctx.releaseId}/changes?from=`,
      `/api/v1/releases/${ctx.releaseId}/changes.csv?from=`,
      '/odata/v4/Observations',
      '/odata/v4/MeasureCodes',
      '/odata/v4/$metadata',
      `/odata/v1/Samenzicht/${ctx.releaseId}/Observations`,
      `/odata/v1/Samenzicht/${ctx.releaseId}/Properties`,
      `/odata/v1/Samenzicht/${ctx.releaseId}/RegioSGroups`,
      '/odata/v1/Datasets',
      '/ODataCatalog/Tables',
      `/ODataFeed/OData/${ctx.releaseId}/TypedDataSet`,
      `/ODataFeed/OData/${ctx.releaseId}/UntypedDataSet`,
      `/ODataApi/OData/${ctx.releaseId}/DataProperties`,
    ]) {
      expect(
        ok.some((u) => u.startsWith(prefix)),
        prefix,
      ).toBe(true);
    }
    expect(pages.length).toBeGreaterThan(60);
    for (const p of pages) expect(p.status, p.url).toBeLessThan(500);
  });

  it('no response holds a truth, an interval, a rule or a primary/secondary status', () => {
    // The OpenAPI document describes the restricted routes too: schemas, not data.
    for (const p of pages.filter((x) => x.url !== '/api/v1/openapi.json')) {
      const text = p.body.toString('utf8');
      for (const t of FORBIDDEN_TEXT)
        expect(text.includes(t), `${p.url} contains '${t}'`).toBe(false);
      // No server path either (data directory, working copy).
      for (const t of [dataDir, process.cwd()])
        expect(text.includes(t), `${p.url} names ${t}`).toBe(false);
      for (const [h, v] of Object.entries(p.headers)) {
        for (const t of FORBIDDEN_TEXT) expect(v.includes(t), `${p.url} header ${h}`).toBe(false);
      }
      if (!isJson(p)) continue;
      walk(JSON.parse(text), '', (path, key) => {
        expect(FORBIDDEN_KEYS.has(key), `${p.url}: ${path}.${key}`).toBe(false);
        // `rule` names a rule only in the release's aggregate audit summary.
        if (key === 'rule') expect(path, p.url).toBe('.manifest.disclosure.rules[]');
      });
    }
  });

  it('cells have the public columns only; a confidential cell has no figures', () => {
    let confidential = 0;
    for (const p of pages.filter(isJson)) {
      walk(JSON.parse(p.body.toString('utf8')), '', (_path, _key, v) => {
        if (!Array.isArray(v)) return;
        for (const c of v as Record<string, unknown>[]) {
          if (c === null || typeof c !== 'object' || !('region_code' in c) || !('status' in c))
            continue;
          expect(Object.keys(c).sort(), p.url).toEqual([...PUBLIC_CELL_COLUMNS].sort());
          expect(PUBLIC_STATUSES, p.url).toContain(c.status);
          if (c.status === 'confidential') {
            confidential++;
            expect([c.value, c.numerator, c.denominator], p.url).toEqual([null, null, null]);
          }
        }
      });
      const body = JSON.parse(p.body.toString('utf8')) as { value?: Record<string, unknown>[] };
      for (const o of body.value ?? []) {
        if (o['ValueAttribute'] === 'Confidential') expect(o['Value'], p.url).toBeNull();
      }
    }
    expect(confidential).toBeGreaterThan(0);
    const csv = pages.find((p) => p.url === `/api/v1/releases/${ctx.releaseId}/cells.csv`)!;
    const header = csv.body
      .toString('utf8')
      .replace(/^\uFEFF/, '')
      .split(/\r?\n/)[0];
    expect(header).toBe(PUBLIC_CELL_COLUMNS.join(','));
  });

  it('every published count is rounded as its profile says, in every public cell', () => {
    const rules = content.manifest.rules as Record<
      string,
      RuleProfile & { countRoundingBase?: number }
    >;
    let checked = 0;
    for (const p of pages.filter((x) => isJson(x) && x.url.includes('/cells'))) {
      const body = JSON.parse(p.body.toString('utf8')) as { cells?: Record<string, unknown>[] };
      for (const c of body.cells ?? []) {
        if (c['status'] !== 'published') continue;
        const prof = rules[c['indicator_id'] as string]!;
        const num = c['numerator'] as number | null;
        const den = c['denominator'] as number | null;
        const countBase =
          prof.kind === 'frequency' || prof.kind === 'ratio'
            ? prof.roundingBase
            : (prof.countRoundingBase ?? 5);
        if (prof.kind === 'frequency' || prof.kind === 'ratio') {
          if (num !== null)
            expect(isMultiple(num, countBase), `${p.url} ${JSON.stringify(c)}`).toBe(true);
        }
        // The count of a mean (its denominator), of a ratio, and of a median (its numerator).
        if (den !== null)
          expect(isMultiple(den, countBase), `${p.url} ${JSON.stringify(c)}`).toBe(true);
        if ((prof.kind as string) === 'median' && num !== null) {
          expect(isMultiple(num, countBase), `${p.url} ${JSON.stringify(c)}`).toBe(true);
        }
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(100);
  });

  it('no list is longer than its page limit, and next links use the public base URL', () => {
    for (const p of pages.filter(isJson)) {
      const body = JSON.parse(p.body.toString('utf8')) as Record<string, unknown>;
      for (const [key, pageLimit] of Object.entries(LIST_LIMITS)) {
        const odataMetadata = key === 'value' && !isObservationSet(p.url);
        const limit = odataMetadata ? ODATA_METADATA_LIMIT : pageLimit;
        const list = body[key];
        if (Array.isArray(list)) expect(list.length, `${p.url} ${key}`).toBeLessThanOrEqual(limit);
      }
      const page = body['page'] as { limit: number; next: string | null } | undefined;
      if (page?.next) expect(page.next.startsWith(`${BASE}/`), p.url).toBe(true);
      for (const k of ['@odata.context', '@odata.nextLink', 'odata.metadata', 'odata.nextLink']) {
        const v = body[k];
        if (typeof v === 'string') expect(v.startsWith(`${BASE}/`), `${p.url} ${k}`).toBe(true);
      }
      expect(p.body.length, p.url).toBeLessThan(4 * 1024 * 1024);
    }
  });

  it('latest is a redirect or revalidated; id URLs are cached as immutable', () => {
    for (const p of pages) {
      const cc = p.headers['cache-control'] ?? '';
      if (
        p.url.includes('latest') ||
        p.url.startsWith('/odata/v4/') ||
        p.url.startsWith('/odata/v1/Datasets') ||
        p.url.startsWith('/ODataCatalog/')
      ) {
        expect(cc.includes('immutable'), `${p.url}: ${cc}`).toBe(false);
      }
    }
    const latest = pages.find((p) => p.url === '/api/v1/releases/latest/cells')!;
    expect(latest.status).toBe(307);
    expect(latest.headers['location']).toBe(`/api/v1/releases/${ctx.releaseId}/cells`);
  });

  it('the release detail is small and carries the public audit summary', () => {
    const detail = pages.find((p) => p.url === `/api/v1/releases/${ctx.releaseId}`)!;
    expect(detail.body.length).toBeLessThan(64 * 1024);
    const { manifest } = JSON.parse(detail.body.toString('utf8'));
    expect(manifest.disclosure.passed).toBe(true);
    expect(manifest.disclosure.rules.length).toBeGreaterThan(0);
    for (const r of manifest.disclosure.rules) {
      expect(Object.keys(r).sort()).toEqual(['cells', 'parameters', 'passed', 'rule']);
    }
    expect(
      manifest.inputs.every((i: object) => Object.keys(i).sort().join() === 'dataset,provider'),
    ).toBe(true);
  });

  it('the restricted report is not public', async () => {
    const res = await app.inject(`/api/v1/airlock/releases/${ctx.releaseId}/report`);
    expect(res.statusCode).toBe(401);
    expect(res.body).not.toContain('truth');
  });

  it('the release comparison reports every kind of change, from published figures only', () => {
    const url = `/api/v1/releases/${ctx.releaseId}/changes`;
    // Alone, the demo release has nothing before it; beside the earlier one, that is its default.
    expect(pages.find((p) => p.url === url)?.status).toBe(404);
    const byDefault = comparedPages.find((p) => p.url === url)!;
    expect(byDefault.status).toBe(200);
    const body = JSON.parse(byDefault.body.toString('utf8'));
    expect(body.from).toBe(earlier.manifest.id);
    for (const k of ['changed', 'now-published', 'now-confidential', 'added', 'removed']) {
      expect(body.summary.total[k], k).toBeGreaterThan(0);
    }
    // Every side of every change is the public cell of its release, and nothing else.
    const publicOf = (c: ReleaseContent) =>
      new Map(c.rows.map((r) => [cellKey(r), toPublicCell(r)] as const));
    const cells = { from: publicOf(earlier), to: publicOf(content) };
    let sides = 0;
    for (const p of comparedPages.filter((x) => isJson(x) && x.url.includes('/changes'))) {
      const b = JSON.parse(p.body.toString('utf8')) as { changes?: CellChange[] };
      for (const c of b.changes ?? []) {
        for (const which of ['from', 'to'] as const) {
          const s = c[which];
          const cell = cells[which].get(cellKey(c));
          if (!s) {
            expect(cell, p.url).toBeUndefined();
            continue;
          }
          const { status, value, numerator, denominator } = cell!;
          expect(s, `${p.url} ${cellKey(c)}`).toEqual({ status, value, numerator, denominator });
          if (s.status !== 'published') {
            expect([s.value, s.numerator, s.denominator]).toEqual([null, null, null]);
            sides++;
          }
        }
      }
    }
    expect(sides).toBeGreaterThan(0);
    const csv = comparedPages.find(
      (p) =>
        p.url ===
        `${url}.csv?from=${encodeURIComponent(earlier.manifest.id)}&kind=now-confidential`,
    )!;
    const lines = csv.body.toString('utf8').trim().split('\r\n').slice(1);
    expect(lines.length).toBe(body.summary.total['now-confidential']);
    for (const l of lines)
      expect(l.split(',').slice(13, 17), l).toEqual(['confidential', '.', '.', '.']);
  });

  it('comparable gemeenten come from the published release', () => {
    const p = pages.find((x) => x.url === `/api/v1/regions/${ctx.gemeente}/comparable`)!;
    const body = JSON.parse(p.body.toString('utf8'));
    expect(body.release).toBe(ctx.releaseId);
    expect(body.peers.length).toBeGreaterThan(0);
    expect(body.peers).not.toContain(ctx.gemeente);
  });
});

const CONFIDENTIAL_RULES = [
  'frequency',
  'zero',
  'nk-dominance',
  'p-percent',
  'min-denominator',
  'group-disclosure',
  'secondary',
  'linked-denominator',
];

/**
 * Another world that the public must not be able to tell apart: other truths, intervals and
 * margins of every suppressed figure, other rules and primary/secondary statuses, other exact
 * input and linkage counts. Published cells and the aggregate audit summary stay as they are.
 */
function perturb(c: ReleaseContent, seed: number): ReleaseContent {
  const r = rng(seed);
  const num = (x: unknown): unknown => (typeof x === 'number' ? Math.round(r() * 1000) / 10 : x);
  const deep = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(deep)
      : v !== null && typeof v === 'object'
        ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, deep(x)]))
        : num(v);
  const rows: ReleaseRow[] = c.rows.map((row) =>
    row.status === 'suppressed-primary' || row.status === 'suppressed-secondary'
      ? {
          ...row,
          status: r() < 0.5 ? 'suppressed-primary' : 'suppressed-secondary',
          rule: CONFIDENTIAL_RULES[Math.floor(r() * CONFIDENTIAL_RULES.length)]!,
        }
      : row,
  );
  const audit = c.audit as unknown as Record<string, unknown> & {
    rules: Record<string, unknown>[];
  };
  return {
    manifest: {
      ...c.manifest,
      inputs: c.manifest.inputs.map((i) => ({
        ...i,
        rows: Math.floor(r() * 1e6),
        loaded: Math.floor(r() * 1e6),
        quarantined: Math.floor(r() * 100),
        sha256: String(seed),
      })),
      linkage: deep(c.manifest.linkage),
    },
    rows,
    audit: {
      ...audit,
      checkedVariables: Math.floor(r() * 1e5),
      lpSolves: Math.floor(r() * 1e5),
      stats: deep(audit['stats']),
      failing: [],
      rules: audit.rules.map((rule) => ({
        ...rule,
        narrowestMargin: num(rule['narrowestMargin']),
        intervals: deep(rule['intervals']),
      })),
    } as unknown as ReleaseContent['audit'],
  };
}

/**
 * An earlier release that the demo's revises, for the release comparison: the demo's rows with
 * some figures revised, some confidential that the demo publishes and some published that it
 * keeps confidential, some cells that the demo adds, and a year that it no longer has. Its
 * figures are the demo's published ones, shifted, or a fixed 5: never a confidential truth.
 */
function earlierRelease(c: ReleaseContent): ReleaseContent {
  const rows: ReleaseRow[] = [];
  const plus5 = (x: number | null) => (x === null ? null : x + 5);
  c.rows.forEach((row, i) => {
    const suppressed = row.status === 'suppressed-primary' || row.status === 'suppressed-secondary';
    if (i % 11 === 0) return;
    if (row.status === 'published' && i % 7 === 1) {
      rows.push({ ...row, value: plus5(row.value), numerator: plus5(row.numerator) });
    } else if (row.status === 'published' && i % 7 === 2) {
      rows.push({ ...row, status: 'suppressed-primary', rule: 'frequency' });
    } else if (suppressed && i % 3 === 0) {
      rows.push({
        ...row,
        status: 'published',
        rule: null,
        value: 5,
        numerator: 5,
        denominator: null,
      });
    } else rows.push(row);
  });
  const first = Math.min(...c.manifest.years);
  for (const row of c.rows) {
    if (row.year === first && row.status === 'published' && row.region_level === 'gemeente') {
      rows.push({ ...row, year: first - 1 });
    }
  }
  return {
    manifest: {
      ...c.manifest,
      id: `${c.manifest.id}-vorige`,
      createdAt: new Date(Date.parse(c.manifest.createdAt) - 86_400_000).toISOString(),
      years: [first - 1, ...c.manifest.years],
    },
    rows,
    audit: c.audit,
  };
}

/**
 * Serves releases from a fresh data directory through the public routes, approved as written and
 * published in the order given.
 */
async function serveContent(cs: ReleaseContent[]): Promise<{ app: FastifyInstance; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'samenzicht-ni-'));
  const db = await openBrokerDatabase();
  const digests = new Map<string, { digest: string; publishedAt: string }>();
  try {
    for (const [i, c] of cs.entries()) {
      await writeRelease(db.conn, dir, c);
      digests.set(c.manifest.id, {
        digest: releaseDigest(join(releasesDir(dir), c.manifest.id)),
        publishedAt: `2026-06-${String(i + 1).padStart(2, '0')}T00:00:00.000Z`,
      });
    }
  } finally {
    db.close();
  }
  const server = await buildPublicServer({
    dataDir: dir,
    regions,
    publicBaseUrl: BASE,
    webDir: null,
    stateOf: async (id) => {
      const d = digests.get(id);
      return d
        ? {
            status: 'published',
            publishedAt: d.publishedAt,
            withdrawnReason: null,
            reviews: [
              { capacity: 'board', decision: 'approve', createdAt: '2026-05-31T00:00:00.000Z' },
            ],
            digest: d.digest,
          }
        : null;
    },
  });
  await server.ready();
  return { app: server, dir };
}

describe('non-interference', () => {
  it('public responses do not depend on anything confidential', async () => {
    // The world of both releases as crawled before all tests (the release comparison included).
    const expected = comparedPages;
    expect(expected.filter((p) => p.status === 200).length).toBeGreaterThan(60);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 2 ** 31 - 1 }), async (seed) => {
        const other = perturb(content, seed);
        // The perturbation does change the restricted side.
        expect(JSON.stringify(other.audit)).not.toBe(JSON.stringify(content.audit));
        const world = await serveContent([perturb(earlier, seed + 1), other]);
        try {
          const got = await crawlPublic(world.app, comparedCtx);
          expect(got.map((p) => p.url)).toEqual(expected.map((p) => p.url));
          got.forEach((p, i) => {
            const e = expected[i]!;
            expect(p.status, p.url).toBe(e.status);
            expect(p.headers, p.url).toEqual(e.headers);
            expect(p.body.equals(e.body), p.url).toBe(true);
          });
        } finally {
          await world.app.close();
          rmSync(world.dir, { recursive: true, force: true });
        }
      }),
      { numRuns: 10 },
    );
  }, 600_000);
});

describe('integrity when serving', () => {
  it('a changed cells.parquet under a published id is refused, logged and shown in health', async () => {
    const copy = mkdtempSync(join(tmpdir(), 'samenzicht-tamper-'));
    cpSync(dataDir, copy, { recursive: true });
    writeFileSync(
      join(releasesDir(copy), demo.releaseId, 'cells.parquet'),
      'not the approved file',
    );
    const served = await createApp({ dataDir: copy, regions, publicBaseUrl: BASE });
    try {
      await served.app.ready();
      const health = (await served.app.inject('/api/v1/health')).json();
      expect(health.status).toBe('degraded');
      expect(health.refusedReleases.map((r: { release: string }) => r.release)).toEqual([
        demo.releaseId,
      ]);
      for (const url of [
        `/api/v1/releases/${demo.releaseId}/cells.parquet`,
        `/api/v1/releases/${demo.releaseId}/cells`,
        `/odata/v1/Samenzicht/${demo.releaseId}/Observations`,
        `/ODataFeed/OData/${demo.releaseId}/TypedDataSet`,
      ]) {
        expect((await served.app.inject(url)).statusCode, url).toBe(503);
      }
    } finally {
      await served.close();
      rmSync(copy, { recursive: true, force: true });
    }
  });
});
