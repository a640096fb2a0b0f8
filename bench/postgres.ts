/**
 * `npm run bench -- postgres [--scale=S] [--synthetic] [--database-url=URL]`: the same indicators
 * on DuckDB and on PostgreSQL, side by side. Generates the registers at scale S (default 0.01, not
 * timed), loads the broker tables into DuckDB, copies them into PostgreSQL (timed), computes the
 * whole catalogue for 2019–2023 one indicator at a time on each back end (best of 2 per indicator),
 * checks that the cells are identical, and prints each indicator's times and the PostgreSQL/DuckDB
 * ratio. PostgreSQL: `--database-url` (a database is created in it and dropped afterwards), else
 * an embedded PostgreSQL started for the run (the tests' one).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { loadRegionSet, resolveRegionsDir } from '../src/regions/index.js';
import { synthesise } from '../src/synth/index.js';
import { openBrokerDatabase } from '../src/engine/session.js';
import type { ComputedCell } from '../src/contracts/index.js';
import { CATALOGUE, computeIndicators } from '../src/engine/index.js';
import { computeIndicatorsOnPostgres, copyBrokerTablesToPostgres } from '../src/engine/postgres.js';
import { startEmbeddedPostgres, type PostgresServer } from '../test/store/postgres-server.js';
import { positiveFlag } from './_flags.js';
import { hierarchyOf, loadSynthAsBroker } from '../test/support/engine-fixture.js';

const YEARS = [2019, 2020, 2021, 2022, 2023];

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const r = await fn();
  return [r, performance.now() - t];
}

async function best<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const [r, a] = await timed(fn);
  const [, b] = await timed(fn);
  return [r, Math.min(a, b)];
}

export async function run(flags: string[]): Promise<void> {
  const scale = positiveFlag('postgres', flags, 'scale', 0.01);
  if (scale > 1) throw new Error('bench postgres: --scale must be at most 1');
  const given = flags.find((f) => f.startsWith('--database-url='))?.slice('--database-url='.length);
  const where = flags.includes('--synthetic') ? { dir: null } : resolveRegionsDir({});
  const regions = await loadRegionSet(where.dir, { seed: 1 });
  const hierarchy = hierarchyOf(regions);
  const work = mkdtempSync(join(tmpdir(), 'samenzicht-bench-postgres-'));
  let server: PostgresServer | undefined;
  let database: string | undefined;
  let serverUrl = given;
  const admin = async (sql: string) => {
    const c = new pg.Client({ connectionString: serverUrl });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  const db = await openBrokerDatabase(':memory:');
  let client: pg.Client | undefined;
  try {
    console.log(`regions: ${regions.source.description} (${hierarchy.length} buurten)`);
    const [, tSynth] = await timed(() =>
      synthesise({ scale, seed: 1, outDir: join(work, 'synth'), regions }),
    );
    console.log(`synth scale ${scale}: ${(tSynth / 1000).toFixed(1)} s (not compared)`);
    const [, tLoad] = await timed(() => loadSynthAsBroker(db.conn, join(work, 'synth'), hierarchy));
    console.log(`DuckDB broker tables (quarantine + hashing): ${(tLoad / 1000).toFixed(1)} s`);

    if (!serverUrl) {
      server = await startEmbeddedPostgres();
      serverUrl = server.url;
      console.log(`embedded PostgreSQL started in ${(server.startMs / 1000).toFixed(1)} s`);
    }
    database = `samenzicht_bench_${randomBytes(6).toString('hex')}`;
    await admin(`CREATE DATABASE ${database}`);
    const u = new URL(serverUrl);
    u.pathname = `/${database}`;
    client = new pg.Client({ connectionString: u.href });
    await client.connect();
    const version = (await client.query<{ server_version: string }>('SHOW server_version')).rows[0]
      ?.server_version;
    const [report, tCopy] = await timed(() => copyBrokerTablesToPostgres(db.conn, client!));
    const rows = report.reduce((a, r) => a + r.rows, 0);
    console.log(
      `copy into PostgreSQL ${version}: ${rows.toLocaleString('en')} rows of ${report.length} tables in ${(tCopy / 1000).toFixed(1)} s (with indexes and ANALYZE)`,
    );

    console.log('\nindicator                                     duckdb ms  postgres ms   ratio');
    let totalDuck = 0;
    let totalPg = 0;
    let cells = 0;
    const differ: string[] = [];
    for (const ind of CATALOGUE) {
      const opts = { years: YEARS, indicators: [ind.id] };
      const [a, tDuck] = await best(() => computeIndicators(db.conn, opts));
      const [b, tPg] = await best(() => computeIndicatorsOnPostgres(client!, opts));
      totalDuck += tDuck;
      totalPg += tPg;
      cells += a.length;
      if (!sameCells(a, b)) differ.push(ind.id);
      console.log(
        `${ind.id.padEnd(44)} ${tDuck.toFixed(0).padStart(10)} ${tPg.toFixed(0).padStart(12)} ${(tPg / tDuck).toFixed(2).padStart(7)}`,
      );
    }
    console.log(
      `\nall ${CATALOGUE.length} indicators × ${YEARS.length} years (${cells.toLocaleString('en')} cells): DuckDB ${(totalDuck / 1000).toFixed(2)} s, PostgreSQL ${(totalPg / 1000).toFixed(2)} s, ratio ${(totalPg / totalDuck).toFixed(2)} (PostgreSQL / DuckDB); cells ${differ.length === 0 ? 'identical' : `DIFFER for ${differ.join(', ')}`}`,
    );
    if (differ.length > 0) process.exitCode = 1;
  } finally {
    await client?.end().catch(() => undefined);
    db.close();
    if (database) await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await server?.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

function sameCells(a: ComputedCell[], b: ComputedCell[]): boolean {
  return a.length === b.length && JSON.stringify(a) === JSON.stringify(b);
}
