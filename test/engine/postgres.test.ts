/**
 * The second back end: the whole catalogue computed on DuckDB and, from the same broker tables
 * copied into PostgreSQL, on PostgreSQL with the `postgres` dialect; every cell must agree. The
 * PostgreSQL is the one the vitest global setup starts (or SAMENZICHT_TEST_DATABASE_URL), in a
 * database of this file's own. Never skipped: without a server, postgresUrl() fails the test.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { capture } from '../support/cli.js';
import { buurtConversion, loadRegionSet, projectRegionsDir } from '../../src/regions/index.js';
import { selectArea, synthesise } from '../../src/synth/index.js';
import type { ComputedCell } from '../../src/contracts/index.js';
import { CATALOGUE, computeIndicators, explain } from '../../src/engine/index.js';
import { openBrokerDatabase, type BrokerDatabase } from '../../src/engine/session.js';
import {
  computeIndicatorsOnPostgres,
  copyBrokerTablesToPostgres,
} from '../../src/engine/postgres.js';
import { compileSelect } from '../../src/engine/sql.js';
import { DUCKDB, POSTGRES } from '../../src/engine/dialect.js';
import { duckdbExecutor, postgresExecutor } from '../../src/engine/executor.js';
import { bin, call, cast, col, param, select, table } from '../../src/engine/nodes.js';
import { postgresAdmin, postgresUrl } from '../store/backends.js';
import { tinyBroker } from './tiny.js';
import { hierarchyOf, loadSynthAsBroker } from '../support/engine-fixture.js';
import { CELL_FIGURES, expectEveryIndicatorNonZero } from './checks.js';
import { type RegionHierarchyRow } from '../support/truth/index.js';

const YEARS = [2019, 2020, 2021, 2022, 2023];
const dirs: string[] = [];
let database: string;
let url: string;
const clients: pg.Client[] = [];

const admin = postgresAdmin;

/** A fresh client on this file's database, in a schema of its own. */
async function client(): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  clients.push(c);
  const schema = `s_${randomBytes(6).toString('hex')}`;
  await c.query(`CREATE SCHEMA ${schema}`);
  await c.query(`SET search_path TO ${schema}`);
  return c;
}

beforeAll(async () => {
  database = `samenzicht_t_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${database}`));
  const u = new URL(postgresUrl());
  u.pathname = `/${database}`;
  url = u.href;
});

afterAll(async () => {
  for (const c of clients) await c.end().catch(() => undefined);
  if (database) await admin((c) => c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const key = (c: ComputedCell) => `${c.indicatorId}|${c.year}|${c.regionCode}|${c.breakdown}`;
/** Fields that are amounts in euros (sums, means and their parts): equal within 1e-6 relative. */
const AMOUNT_FIELDS = ['value', 'numerator', 'largest', 'secondLargest'] as const;
const FIELDS = [
  'regionLevel',
  'parentCode',
  ...CELL_FIGURES,
  'numeratorKey',
  'denominatorKey',
] as const;

/** Both back ends over the same broker tables; every cell compared. */
async function compareBackEnds(
  setup: () => Promise<{
    dir: string;
    hierarchy: RegionHierarchyRow[];
    conversion?: { formerBuurtCode: string; currentBuurtCode: string; lastYear?: number }[];
  }>,
  opts: { everyIndicatorNonZero: boolean },
): Promise<{ cells: number; conversionRows: number }> {
  const { dir, hierarchy, conversion } = await setup();
  const db = await openBrokerDatabase(':memory:', { threads: 2 });
  try {
    await loadSynthAsBroker(db.conn, dir, hierarchy, conversion);
    const duck = await computeIndicators(db.conn, { years: YEARS });

    const c = await client();
    const report = await copyBrokerTablesToPostgres(db.conn, c, { batchRows: 10_000 });
    // Every broker table and both region tables, each with all its rows.
    expect(report.map((r) => r.table)).toEqual(
      expect.arrayContaining(['brp_personen', 'region_hierarchy', 'region_conversion']),
    );
    for (const r of report) {
      const n = await db.conn.runAndReadAll(`SELECT count(*) FROM "${r.table}"`);
      expect(r.rows, r.table).toBe(Number(n.getRowsJS()[0]![0]));
      const m = await c.query<{ n: string }>(`SELECT count(*) AS n FROM "${r.table}"`);
      expect(Number(m.rows[0]!.n), r.table).toBe(r.rows);
    }
    expect(report.find((r) => r.table === 'brp_personen')!.rows).toBeGreaterThan(10_000);

    const onPg = await computeIndicatorsOnPostgres(c, { years: YEARS });

    // Same cells, in the same order.
    expect(onPg.length).toBe(duck.length);
    expect(onPg.map(key)).toEqual(duck.map(key));
    const kinds = new Map(CATALOGUE.map((d) => [d.id, d.kind]));
    const mismatches: string[] = [];
    let exact = 0;
    duck.forEach((d, i) => {
      const p = onPg[i]!;
      const amounts = kinds.get(d.indicatorId) === 'sum' || kinds.get(d.indicatorId) === 'mean';
      let same = true;
      for (const f of FIELDS) {
        const a = d[f];
        const b = p[f];
        if (a === b) continue;
        same = false;
        const close =
          amounts &&
          (AMOUNT_FIELDS as readonly string[]).includes(f) &&
          typeof a === 'number' &&
          typeof b === 'number' &&
          Math.abs(a - b) <= 1e-6 * Math.max(Math.abs(a), Math.abs(b));
        if (!close) mismatches.push(`${key(d)}.${f}: duckdb ${a} postgres ${b}`);
      }
      if (same) exact++;
    });
    expect(mismatches.slice(0, 10)).toEqual([]);
    // Amounts are whole cents on both back ends, so not even a sum or a mean needed the tolerance.
    expect(exact).toBe(duck.length);
    // Not degenerate: every indicator has a non-zero national value in some year, so every kind
    // (counts, rates, sums, means, medians) was compared on real figures.
    if (opts.everyIndicatorNonZero) expectEveryIndicatorNonZero(onPg);
    return {
      cells: duck.length,
      conversionRows: report.find((r) => r.table === 'region_conversion')!.rows,
    };
  } finally {
    db.close();
  }
}

describe('the catalogue on PostgreSQL equals the catalogue on DuckDB', () => {
  it('in the synthetic country: every indicator, level, year (2019–2023) and breakdown', async () => {
    const r = await compareBackEnds(
      async () => {
        const dir = mkdtempSync(join(tmpdir(), 'samenzicht-engine-pg-'));
        dirs.push(dir);
        const regions = await loadRegionSet(null, { seed: 1 });
        await synthesise({ scale: 0.003, seed: 11, outDir: dir, regions });
        return { dir, hierarchy: hierarchyOf(regions) };
      },
      { everyIndicatorNonZero: true },
    );
    expect(new Set(CATALOGUE.map((d) => d.kind))).toEqual(
      new Set(['count', 'percentage', 'rate_per_1000', 'rate_per_10000', 'sum', 'mean', 'median']),
    );
    console.log(`postgres.test: synthetic country, ${r.cells} cells compared, all identical`);
  });

  it('across herindelingen (former buurt codes through region_conversion)', async () => {
    const r = await compareBackEnds(
      async () => {
        const dir = mkdtempSync(join(tmpdir(), 'samenzicht-engine-pg-'));
        dirs.push(dir);
        const area = selectArea(await loadRegionSet(projectRegionsDir()), 'GM0439,GM1979');
        await synthesise({ scale: 0.03, seed: 5, outDir: dir, regions: area.regions });
        return {
          dir,
          hierarchy: hierarchyOf(area.regions),
          conversion: buurtConversion(area.regions),
        };
      },
      { everyIndicatorNonZero: false },
    );
    expect(r.conversionRows).toBeGreaterThan(0);
    console.log(`postgres.test: Purmerend and Eemsdelta, ${r.cells} cells compared, all identical`);
  });
});

describe('the postgres dialect', () => {
  let tiny: BrokerDatabase;
  let c: pg.Client;
  beforeAll(async () => {
    tiny = await tinyBroker();
    // Strings that COPY's text format must escape, and amounts at the edges of rounding to cents.
    await tiny.conn.run(`INSERT INTO brp_personen VALUES
      (2021, 'tab', 'BU00010101', DATE '1990-01-01', 'V', 'a' || chr(9) || 'b'),
      (2021, 'nl', 'BU00010101', DATE '1990-01-01', 'V', 'c' || chr(10) || 'd' || chr(13)),
      (2021, 'bs', 'BU00010101', DATE '1990-01-01', 'M', 'e\\f\\'),
      (2021, 'null-text', 'BU00010101', DATE '1990-01-01', 'M', '\\N'),
      (2021, 'utf8', 'BU00010102', DATE '1900-01-01', 'M', 'é € ''"')`);
    await tiny.conn.run(`INSERT INTO kadaster_transacties VALUES
      ('t1', 'o1', 'BU00010101', 1.005, DATE '2023-01-01', NULL, 'k1', 0),
      ('t2', 'o2', 'BU00010101', 2.675, DATE '2023-01-01', 'p1', NULL, 0.125),
      ('t3', 'o3', 'BU00010101', 0.125, DATE '2023-01-01', 'p2', NULL, -0.125),
      ('t4', 'o4', 'BU00010101', 0.375, DATE '2023-01-01', 'p3', NULL, 28.499999999999996),
      ('t5', 'o5', 'BU00010101', 0.1, DATE '2023-01-01', 'p4', NULL, 1e15 + 0.5),
      ('t6', 'o6', 'BU00010101', 0.3333333333333333, DATE '2023-01-01', 'p4', NULL, -2.5)`);
    c = await client();
    await copyBrokerTablesToPostgres(tiny.conn, c, { batchRows: 2 });
  });
  afterAll(() => tiny.close());

  it('copies every value exactly (escapes, NULLs, doubles, dates)', async () => {
    for (const t of ['brp_personen', 'kadaster_transacties']) {
      const order = t === 'brp_personen' ? 'bsn_pseudonym' : 'transactie_id';
      const d = await tiny.conn.runAndReadAll(`SELECT * FROM ${t} ORDER BY ${order}, 1`);
      // Byte order, whatever the server's locale (DuckDB orders strings by bytes).
      const p = await c.query({
        text: `SELECT * FROM ${t} ORDER BY ${order} COLLATE "C", 1`,
        rowMode: 'array',
      });
      const norm = (v: unknown) =>
        v === null ? null : typeof v === 'number' ? v : v instanceof Date ? v : String(v);
      const duckRows = d
        .getRowsJS()
        .map((r) => r.map((v) => (v instanceof Date ? v.toISOString().slice(0, 10) : norm(v))));
      const pgRows = (p.rows as unknown[][]).map((r) =>
        r.map((v) =>
          v instanceof Date
            ? `${v.getFullYear()}-${String(v.getMonth() + 1).padStart(2, '0')}-${String(v.getDate()).padStart(2, '0')}`
            : norm(v),
        ),
      );
      expect(pgRows, t).toEqual(duckRows);
    }
  });

  it('rounds to cents as DuckDB does: half away from zero, on the exact double', async () => {
    const cents = (x: string) => cast(call('round', bin('*', col('t', x), param(100))), 'BIGINT');
    const node = select({
      columns: [
        { expr: col('t', 'transactie_id'), alias: 'id' },
        { expr: cents('koopsom'), alias: 'koopsom' },
        { expr: cents('hypotheekbedrag'), alias: 'hypotheek' },
      ],
      from: table('kadaster_transacties', 't'),
    });
    const d = compileSelect(node, [], DUCKDB);
    const p = compileSelect(node, [], POSTGRES);
    expect(p.params).toEqual(d.params);
    const onDuck = await duckdbExecutor(tiny.conn).query(d.sql, d.params);
    const onPg = await postgresExecutor(c).query(p.sql, p.params);
    const asRows = (m: Map<string, unknown[]>) =>
      m
        .get('id')!
        .map((id, i) => [String(id), Number(m.get('koopsom')![i]), Number(m.get('hypotheek')![i])]);
    expect(asRows(onPg)).toEqual(asRows(onDuck));
    // The edges: 1.005 × 100 is the double 100.49999999999999 → 100 (a cast to numeric would
    // make it 100.5 → 101); 12.5 → 13 and −12.5 → −13 (round(double precision) would give 12
    // and −12); 37.5 → 38.
    const byId = new Map(asRows(onPg).map((r) => [r[0], r]));
    expect(byId.get('t1')).toEqual(['t1', 100, 0]);
    expect(byId.get('t3')).toEqual(['t3', 13, -13]);
    expect(byId.get('t4')![1]).toBe(38);
  });

  it('explains every indicator in both dialects with the same parameters', () => {
    for (const d of CATALOGUE) {
      const duck = explain(d.id);
      const onPg = explain(d.id, undefined, POSTGRES);
      expect(onPg.queries.map((q) => q.params)).toEqual(duck.queries.map((q) => q.params));
      for (const q of onPg.queries) {
        // No DuckDB-only construct survives in the PostgreSQL text.
        expect(q.sql).not.toMatch(
          /unnest\(\[|\bmedian\(|\byear\(|::DOUBLE\b(?! PRECISION)|AS DOUBLE\)|max\([^()]*, \$/,
        );
      }
    }
  });
});

describe('samenzicht indicators explain --dialect', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });
  const run = async (...args: string[]) => {
    const c = capture();
    const code = await main(['node', 'samenzicht', 'indicators', 'explain', ...args]);
    vi.restoreAllMocks();
    return { code, out: c.out(), err: c.err() };
  };

  it('prints the PostgreSQL SQL with postgres, and the DuckDB SQL by default', async () => {
    const byDefault = await run('mediaan_verzamelinkomen');
    const duck = await run('mediaan_verzamelinkomen', '--dialect', 'duckdb');
    const onPg = await run('mediaan_verzamelinkomen', '--dialect', 'postgres');
    expect([byDefault.code, duck.code, onPg.code]).toEqual([0, 0, 0]);
    expect(duck.out).toBe(byDefault.out);
    expect(byDefault.out).toContain('median("a"."amount")');
    expect(onPg.out).toContain('percentile_cont(0.5) WITHIN GROUP (ORDER BY "a"."amount")');
    expect(onPg.out).toContain('CAST(unnest(ARRAY[$');
    expect(onPg.out).not.toContain('median(');
    // The same parameters in both.
    const params = (out: string) => out.split('\n').filter((l) => l.startsWith('-- parameters'));
    expect(params(onPg.out)).toEqual(params(duck.out));
  });

  it('refuses an unknown dialect (exit 2)', async () => {
    const r = await run('inwoners', '--dialect', 'oracle');
    expect(r.code).toBe(2);
    expect(r.err).toContain("--dialect must be duckdb or postgres, got 'oracle'");
  });
});
