/**
 * `npm run bench -- linkage [--scale=S] [--copies=N] [--memory=SIZE] [--datasets=ID,…]`: the
 * linkage report (src/pseudonym/linkage.ts) on national-sized broker tables, within a run's
 * DuckDB memory (default 4768MiB, the share of the national bench's 20GB run budget).
 *
 * Untimed: the synthetic registers at scale S (default 0.1), loaded as broker tables, each then
 * repeated N times (default 10) with the identifiers and text keys salted per copy, so that the
 * tables have the national number of rows and distinct pseudonyms (the BRP 87.5 M rows) while
 * linking as the registers do. Pseudonyms are as long as the broker's (55 characters).
 * Timed, side by side: the report as a run makes it (partitions of ROWS_PER_PARTITION rows) and
 * in one partition, per dataset: wall time and the peak of DuckDB's spill. Both must count the
 * same; the bench fails if they do not.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { brokerColumnName, datasetContract } from '../src/ingest/contracts.js';
import { openBrokerDatabase } from '../src/engine/session.js';
import { DATASET_YEAR, ROWS_PER_PARTITION, linkageReport } from '../src/pseudonym/index.js';
import { loadRegionSet, resolveRegionsDir } from '../src/regions/index.js';
import { synthesise } from '../src/synth/index.js';
import { hierarchyOf, loadSynthAsBroker } from '../test/support/engine-fixture.js';
import { flag, positiveFlag } from './_flags.js';

const GiB = 2 ** 30;
const fmt = (n: number, d = 1) => n.toFixed(d);

/** Bytes in DuckDB's spill directory now. */
function spillBytes(dir: string): number {
  if (!existsSync(dir)) return 0;
  let n = 0;
  for (const f of readdirSync(dir)) {
    try {
      n += statSync(join(dir, f)).size;
    } catch {
      // a spill file removed between the listing and the stat
    }
  }
  return n;
}

/** Each broker table `copies` times, identifiers and text keys salted per copy. */
async function repeatTables(conn: DuckDBConnection, copies: number): Promise<void> {
  for (const id of Object.keys(DATASET_YEAR)) {
    const d = datasetContract(id);
    const salted = d.columns
      .filter((c) => c.identifier || (d.key.includes(c.name) && c.type === 'VARCHAR'))
      .map((c) => {
        const col = `"${brokerColumnName(c)}"`;
        return c.identifier
          ? `CASE WHEN ${col} IS NULL THEN NULL ELSE 'ZS:keyed:v1:' || left(sha256(${col} || k::VARCHAR), 43) END AS ${col}`
          : `${col} || '-' || k::VARCHAR AS ${col}`;
      });
    await conn.run(
      `CREATE OR REPLACE TABLE "${id}" AS SELECT * EXCLUDE (k) REPLACE (${salted.join(', ')}) FROM "${id}", range(${copies}) r(k)`,
    );
  }
}

export async function run(flags: string[]): Promise<void> {
  const scale = positiveFlag('linkage', flags, 'scale', 0.1);
  const copies = positiveFlag('linkage', flags, 'copies', 10);
  const memory = flag(flags, 'memory') ?? '4768MiB';
  const only = flag(flags, 'datasets');
  const dir = mkdtempSync(join(tmpdir(), 'bench-linkage-'));
  const spill = join(dir, 'spill');
  const db = await openBrokerDatabase(join(dir, 'broker.duckdb'), {
    memoryLimit: memory,
    tempDirectory: spill,
  });
  try {
    const regions = await loadRegionSet(resolveRegionsDir({}).dir!);
    const t0 = performance.now();
    const synth = await synthesise({ scale, seed: 2023, outDir: join(dir, 'synth'), regions });
    await loadSynthAsBroker(db.conn, join(dir, 'synth'), hierarchyOf(regions));
    await repeatTables(db.conn, copies);
    rmSync(join(dir, 'synth'), { recursive: true, force: true });
    const datasets = only ? only.split(',') : Object.keys(DATASET_YEAR);
    const sizes = new Map<string, number>();
    for (const id of datasets) {
      const r = await db.conn.runAndReadAll(`SELECT count(*) FROM "${id}"`);
      sizes.set(id, Number(r.getRows()[0]![0]));
    }
    console.log(
      `linkage: scale ${scale} × ${copies} copies (${(synth.persons * copies).toLocaleString('en')} persons, ${[...sizes.values()].reduce((a, b) => a + b, 0).toLocaleString('en')} rows; brp_personen ${(sizes.get('brp_personen') ?? 0).toLocaleString('en')}), DuckDB memory_limit ${memory}, threads 2; prepared in ${fmt((performance.now() - t0) / 1000)} s (untimed)`,
    );

    let peak = 0;
    const timer = setInterval(() => (peak = Math.max(peak, spillBytes(spill))), 100);
    const ways = [
      { name: `partitions of ${ROWS_PER_PARTITION.toLocaleString('en')} rows`, rows: undefined },
      { name: 'one partition', rows: Number.POSITIVE_INFINITY },
    ];
    const totals = ways.map(() => ({ s: 0, peak: 0 }));
    console.log(
      `${'dataset'.padEnd(22)} | ${'rows'.padStart(11)} | ${ways.map((w) => w.name.padEnd(34)).join(' | ')}`,
    );
    for (const id of datasets) {
      const cols: string[] = [];
      const reports: string[] = [];
      for (const [i, way] of ways.entries()) {
        peak = 0;
        const t = performance.now();
        const r = await linkageReport(db.conn, [id], { rowsPerPartition: way.rows });
        const s = (performance.now() - t) / 1000;
        peak = Math.max(peak, spillBytes(spill));
        totals[i]!.s += s;
        totals[i]!.peak = Math.max(totals[i]!.peak, peak);
        cols.push(
          `${fmt(s).padStart(7)} s, spill peak ${fmt(peak / GiB, 2).padStart(5)} GiB`.padEnd(34),
        );
        reports.push(JSON.stringify({ ...r.datasets[0], generatedAt: null }));
      }
      if (reports.some((x) => x !== reports[0]))
        throw new Error(`linkage: ${id} counts differently in partitions and in one`);
      console.log(
        `${id.padEnd(22)} | ${(sizes.get(id) ?? 0).toLocaleString('en').padStart(11)} | ${cols.join(' | ')}`,
      );
    }
    clearInterval(timer);
    console.log(
      `linkage report: ${ways.map((w, i) => `${w.name} ${fmt(totals[i]!.s)} s (spill peak ${fmt(totals[i]!.peak / GiB, 2)} GiB)`).join('; ')}; the same counts`,
    );
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
