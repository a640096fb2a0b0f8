/**
 * Formula injection through the real public routes: an instance whose region set (as an operator
 * supplies it) names its gemeente, wijken and buurten `=cmd|…`, `+…`, `-…`, `@…`, TAB… and
 * CR…, and whose catalogue titles start with `=`. Every CSV the public server sends (the
 * zoekgebieden with area names, the cells, the cells by Accept header and the changes between
 * two releases) is read back with an RFC 4180 reader: a text cell never starts with a formula
 * character (the area names arrive with one single quote in front), while the figures, also the
 * negative differences, stay plain numbers. The JSON keeps the names as they are.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IndicatorMeta } from '../../src/contracts/index.js';
import { ZOEKGEBIEDEN_CSV_COLUMNS } from '../../src/api/releases/zoekgebieden.js';
import { DEFAULT_PROFILES } from '../../src/disclosure/index.js';
import { buildPublicServer } from '../../src/pipeline/serve.js';
import type { ReleaseRow } from '../../src/release/index.js';
import type { Region, RegionSet } from '../../src/regions/index.js';
import { buildRegionSet } from '../../src/regions/set.js';
import { stateLookup, textIndicator, writeTestRelease, type TestState } from './helpers.js';
import { parseRfc4180 } from '../support/csv.js';

const FORMULA = /^[=+\-@\t\r]/;
const GM = 'GM0001';
const NAMES = {
  [GM]: "=cmd|' /C calc'!A0",
  WK000101: '+SUM(1+1)*cmd|/C calc',
  WK000102: '@SUM(A1)',
  BU00010101: "=cmd|' /C notepad'!A0",
  BU00010102: '-2+3+cmd|/C calc',
  BU00010201: '\t=1+1',
  BU00010202: '\r=1+1',
} as const;

function regions(): Region[] {
  const r = (code: string, name: string, level: Region['level'], parentCode: string | null) => ({
    code,
    name,
    level,
    parentCode,
    synthetic: true,
  });
  return [
    r('NL01', 'Nederland', 'nederland', null),
    r('VR01', '=Regio', 'veiligheidsregio', 'NL01'),
    r(GM, NAMES[GM], 'gemeente', 'VR01'),
    r('WK000101', NAMES.WK000101, 'wijk', GM),
    r('WK000102', NAMES.WK000102, 'wijk', GM),
    r('BU00010101', NAMES.BU00010101, 'buurt', 'WK000101'),
    r('BU00010102', NAMES.BU00010102, 'buurt', 'WK000101'),
    r('BU00010201', NAMES.BU00010201, 'buurt', 'WK000102'),
    r('BU00010202', NAMES.BU00010202, 'buurt', 'WK000102'),
  ];
}

const REGIONS = regions();
const REGION_SET: RegionSet = buildRegionSet(
  2023,
  { kind: 'synthetic', dir: null, description: 'formula names' },
  REGIONS,
  {},
);

/** One share per region (numerators and denominators on base 5), buurten summed upwards. */
function rows(buurtCounts: Record<string, number>): ReleaseRow[] {
  const out: ReleaseRow[] = [];
  const push = (r: Region, x: number, n: number) =>
    out.push({
      indicator_id: 'drugs_a',
      year: 2023,
      region_level: r.level,
      region_code: r.code,
      parent_code: r.parentCode,
      breakdown: '',
      value: Math.round(((100 * x) / n) * 100) / 100,
      numerator: x,
      denominator: n,
      status: 'published',
      rule: null,
    });
  const sums = new Map<string, { x: number; n: number }>();
  for (const b of REGIONS.filter((r) => r.level === 'buurt')) {
    const x = buurtCounts[b.code]!;
    push(b, x, 1000);
    for (const up of [b.parentCode!, GM]) {
      const s = sums.get(up) ?? { x: 0, n: 0 };
      sums.set(up, { x: s.x + x, n: s.n + 1000 });
    }
  }
  for (const [code, s] of sums) push(REGION_SET.get(code)!, s.x, s.n);
  push(REGION_SET.get('NL01')!, 340_000, 17_000_000);
  return out;
}

function meta(id: string): IndicatorMeta {
  const t = { nl: `=HYPERLINK("http://x";"${id}")`, en: `+${id}` };
  return textIndicator(id, t, {
    theme: 'drugs',
    kind: 'percentage',
    unit: '%',
    units: { nl: '%', en: '%' },
    years: [2023],
  });
}

/** The records of a CSV answer, header first, after checking the BOM. */
function table(body: string): string[][] {
  expect(body.startsWith('\uFEFF')).toBe(true);
  return parseRfc4180(body.slice(1));
}

/** No cell of the named text columns starts with a formula character. */
function expectNeutral(t: string[][], textColumns: readonly string[]): void {
  const header = t[0]!;
  for (const name of textColumns) {
    const at = header.indexOf(name);
    expect(at, name).toBeGreaterThanOrEqual(0);
    for (const row of t.slice(1)) expect(row[at], `${name}: ${row[at]}`).not.toMatch(FORMULA);
  }
}

describe('CSV downloads of an instance whose region names look like formulas', () => {
  let dataDir: string;
  let app: FastifyInstance;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'samenzicht-csv-injection-'));
    const states = new Map<string, TestState>();
    const release = async (id: string, createdAt: string, counts: Record<string, number>) => {
      const digest = await writeTestRelease(dataDir, id, rows(counts), {
        createdAt,
        indicators: ['drugs_a'],
        rules: { drugs_a: DEFAULT_PROFILES.ratio },
      });
      states.set(id, { status: 'published', publishedAt: createdAt, digest });
    };
    // One buurt far above the rest; in r2 the figures fall, so the differences are negative.
    await release('r1', '2026-01-01T00:00:00.000Z', {
      BU00010101: 120,
      BU00010102: 25,
      BU00010201: 20,
      BU00010202: 20,
    });
    await release('r2', '2026-02-01T00:00:00.000Z', {
      BU00010101: 100,
      BU00010102: 20,
      BU00010201: 15,
      BU00010202: 20,
    });
    app = await buildPublicServer({
      dataDir,
      regions: REGION_SET,
      stateOf: stateLookup(states),
      publicBaseUrl: 'https://samenzicht.example.nl',
      indicators: [meta('drugs_a')],
      webDir: null,
    });
    await app.ready();
  }, 300_000);

  afterAll(async () => {
    await app?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const get = (url: string, headers: Record<string, string> = {}) =>
    app.inject({ method: 'GET', url, headers });

  it('neutralises the area names in the zoekgebieden CSV; the JSON keeps them', async () => {
    const json = (await get(`/api/v1/releases/r2/zoekgebieden?gemeente=${GM}`)).json();
    expect(json.areas.map((a: { name: string }) => a.name).sort()).toEqual(
      Object.entries(NAMES)
        .filter(([code]) => code !== GM)
        .map(([, name]) => name)
        .sort(),
    );
    for (const lang of ['nl', 'en']) {
      const res = await get(`/api/v1/releases/r2/zoekgebieden.csv?gemeente=${GM}&lang=${lang}`);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toContain('text/csv');
      // Quoted and with the single quote inside the quotes, never a bare formula after a comma.
      expect(res.body).toContain(`"'=cmd|' /C notepad'!A0"`);
      expect(res.body).not.toMatch(/,[=+@\t\r]|,-\D/);
      const t = table(res.body);
      expect(t[0]).toEqual([...ZOEKGEBIEDEN_CSV_COLUMNS]);
      const col = (name: string) => ZOEKGEBIEDEN_CSV_COLUMNS.indexOf(name as never);
      const data = t.slice(1);
      expect(data.length).toBe(json.areas.length);
      for (const row of data) {
        const code = row[col('area_code')] as keyof typeof NAMES;
        expect(row[col('area_name')]).toBe(`'${NAMES[code]}`);
        expect(row.length).toBe(ZOEKGEBIEDEN_CSV_COLUMNS.length);
      }
      expectNeutral(t, [
        'release',
        'scope_code',
        'area_code',
        'area_name',
        'area_level',
        'parent_code',
        'gemeente_code',
        'themes',
        'indicator_id',
        'theme',
        'let_op',
      ]);
      // The figures are numbers, written as they are.
      for (const row of data) {
        for (const name of ['value', 'ratio', 'p_value', 'q_value']) {
          expect(Number.isFinite(Number(row[col(name)])), `${name}: ${row[col(name)]}`).toBe(true);
        }
      }
    }
  });

  it('keeps negative differences as plain numbers in the changes CSV, texts neutral', async () => {
    const res = await get('/api/v1/releases/r2/changes.csv?from=r1');
    expect(res.statusCode).toBe(200);
    const t = table(res.body);
    const at = t[0]!.indexOf('difference');
    const differences = t.slice(1).map((r) => r[at]!);
    expect(differences.some((d) => d.startsWith('-'))).toBe(true);
    for (const d of differences.filter((x) => x !== '')) {
      expect(d).toMatch(/^-?\d+(\.\d+)?$/);
      // Unquoted in the file: a number, not a neutralised text.
      expect(res.body).toContain(`,${d}\r\n`);
    }
    expect(res.body).not.toContain(`'-`);
    expectNeutral(t, ['release', 'from_release', 'indicator_id', 'region_code', 'breakdown']);
  });

  it('writes the cells CSV (download and Accept: text/csv) with neutral texts', async () => {
    for (const res of [
      await get('/api/v1/releases/r2/cells.csv'),
      await get('/api/v1/releases/r2/cells', { accept: 'text/csv' }),
    ]) {
      expect(res.statusCode).toBe(200);
      const t = table(res.body);
      expect(t.length).toBeGreaterThan(1);
      expectNeutral(t, [
        'indicator_id',
        'region_level',
        'region_code',
        'parent_code',
        'breakdown',
        'status',
      ]);
    }
  });
});
