/**
 * `npm run bench -- engine [--scale=S] [--synthetic] [--synth-dir=DIR]`: the indicator engine on synthetic data.
 * Prints the total time for all indicators × 5 years × all levels, the engine against hand-written
 * DuckDB SQL for three indicators (same run, same database), and peak memory.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { ComputedCell } from '../src/contracts/index.js';
import { loadRegionSet, resolveRegionsDir } from '../src/regions/index.js';
import { synthesise } from '../src/synth/index.js';
import { openBrokerDatabase } from '../src/engine/session.js';
import { CATALOGUE, computeIndicators } from '../src/engine/index.js';
import { hierarchyOf, loadSynthAsBroker } from '../test/support/engine-fixture.js';

const YEARS = [2019, 2020, 2021, 2022, 2023];

const LEVELS_SETS = `GROUPING SETS ((p.year), (p.year, h.veiligheidsregio_code), (p.year, h.gemeente_code), (p.year, h.wijk_code), (p.year, h.buurt_code))`;
const LEVEL_COLS = `p.year, h.veiligheidsregio_code, h.gemeente_code, h.wijk_code, h.buurt_code,
  grouping(h.veiligheidsregio_code) AS g_vr, grouping(h.gemeente_code) AS g_gm, grouping(h.wijk_code) AS g_wk, grouping(h.buurt_code) AS g_bu`;
const YEARS_CTE = `y AS (SELECT unnest([2019, 2020, 2021, 2022, 2023]) AS year)`;

/**
 * Hand-written SQL for three indicators: what an analyst would write directly. Written on the
 * broker tables (identifiers as `<col>_pseudonym`); bench/national.ts runs it on a run's database.
 */
export const HAND: Record<string, string> = {
  jeugdwerkloosheid: `
WITH ${YEARS_CTE},
p AS (
  SELECT y.year, b.buurtcode,
    EXISTS (SELECT 1 FROM uwv_uitkeringen u WHERE u.bsn_pseudonym = b.bsn_pseudonym AND u.uitkeringssoort = 'ww'
      AND u.startdatum <= make_date(y.year, 12, 31) AND (u.einddatum IS NULL OR u.einddatum >= make_date(y.year, 1, 1))) AS ww
  FROM y JOIN brp_personen b ON b.peiljaar = y.year
  WHERE y.year - year(b.geboortedatum) BETWEEN 18 AND 26)
SELECT ${LEVEL_COLS}, count(*) FILTER (WHERE ww) AS num, count(*) AS den
FROM p JOIN region_hierarchy h ON h.buurt_code = p.buurtcode
GROUP BY ${LEVELS_SETS}`,
  vestigingen_met_veroordeelde_bestuurder: `
WITH ${YEARS_CTE},
p AS (
  SELECT y.year, e.buurtcode,
    EXISTS (SELECT 1 FROM kvk_bestuurders d
      WHERE d.kvk_nummer_pseudonym = e.kvk_nummer_pseudonym
        AND d.startdatum <= make_date(y.year, 12, 31) AND (d.einddatum IS NULL OR d.einddatum >= make_date(y.year, 1, 1))
        AND EXISTS (SELECT 1 FROM om_veroordelingen o WHERE o.bsn_pseudonym = d.bsn_pseudonym AND o.vonnisdatum <= make_date(y.year, 12, 31))) AS conv
  FROM y JOIN kvk_vestigingen e
    ON e.startdatum <= make_date(y.year, 12, 31) AND (e.einddatum IS NULL OR e.einddatum >= make_date(y.year, 1, 1)))
SELECT ${LEVEL_COLS}, count(*) FILTER (WHERE conv) AS num, count(*) AS den
FROM p JOIN region_hierarchy h ON h.buurt_code = p.buurtcode
GROUP BY ${LEVELS_SETS}`,
  fiu_gemeld_bedrag: `
WITH p AS (
  SELECT year(f.meldingsdatum) AS year, b.buurtcode, f.bsn_pseudonym, sum(CAST(round(f.bedrag * 100) AS BIGINT)) AS amount
  FROM fiu_meldingen f JOIN brp_personen b ON b.peiljaar = year(f.meldingsdatum) AND b.bsn_pseudonym = f.bsn_pseudonym
  WHERE year(f.meldingsdatum) BETWEEN 2019 AND 2023
  GROUP BY ALL)
SELECT ${LEVEL_COLS}, sum(amount) AS num, count(*) AS contributors, max(amount, 2) AS top
FROM p JOIN region_hierarchy h ON h.buurt_code = p.buurtcode
GROUP BY ${LEVELS_SETS}`,
};

function flag(flags: string[], name: string): string | undefined {
  const i = flags.findIndex((f) => f === name || f.startsWith(`${name}=`));
  if (i < 0) return undefined;
  const f = flags[i]!;
  return f.includes('=') ? f.slice(f.indexOf('=') + 1) : flags[i + 1];
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t = process.hrtime.bigint();
  const r = await fn();
  return [r, Number(process.hrtime.bigint() - t) / 1e6];
}

/**
 * Whether the engine's national figure (breakdown total) equals the HAND query's in every year.
 * The hand query sums amounts in cents (exact integers); the engine reports euros.
 */
export function sameNationalValues(
  id: string,
  years: readonly number[],
  cells: readonly ComputedCell[],
  hand: ReadonlyMap<number, number>,
): boolean {
  return years.every((y) => {
    const e = cells.find(
      (c) => c.regionLevel === 'nederland' && c.year === y && c.breakdown === '',
    );
    const h = hand.get(y) ?? 0;
    return id === 'fiu_gemeld_bedrag' ? e?.numerator === h / 100 : e?.numerator === h;
  });
}

/** The Nederland row (every level rolled up) per year of a HAND query: year → num. */
export async function nationalFromHand(
  conn: DuckDBConnection,
  sql: string,
): Promise<Map<number, number>> {
  const reader = await conn.runAndReadAll(sql);
  const out = new Map<number, number>();
  for (const r of reader.getRowObjectsJS()) {
    if (
      Number(r.g_vr) === 1 &&
      Number(r.g_gm) === 1 &&
      Number(r.g_wk) === 1 &&
      Number(r.g_bu) === 1
    ) {
      out.set(Number(r.year), Number(r.num));
    }
  }
  return out;
}

export async function run(flags: string[]): Promise<void> {
  // The bench runner passes only `--x` flags; accept `--scale=1` and `--scale 1` forms.
  const scale = Number(
    flag(flags, '--scale') ?? flags.find((f) => /^--scale=?/.test(f))?.split('=')[1] ?? '0.1',
  );
  if (!Number.isFinite(scale) || scale <= 0 || scale > 1)
    throw new Error(`bench engine: bad --scale`);
  const synthetic = flags.includes('--synthetic');
  const where = synthetic ? { dir: null } : resolveRegionsDir({});
  const regions = await loadRegionSet(where.dir, { seed: 1 });
  const hierarchy = hierarchyOf(regions);
  let peak = 0;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 50);
  const work = mkdtempSync(join(tmpdir(), 'samenzicht-bench-engine-'));
  // `--synth-dir=DIR` keeps the generated registers for the next run (scale 1.0 takes minutes).
  const keep = flag(flags, '--synth-dir');
  const dir = keep ?? join(work, 'synth');
  try {
    console.log(`regions: ${regions.source.description} (${hierarchy.length} buurten)`);
    if (keep && existsSync(join(keep, 'ground-truth'))) {
      console.log(`synth: reusing ${keep}`);
    } else {
      const [, tSynth] = await timed(() => synthesise({ scale, seed: 1, outDir: dir, regions }));
      console.log(`synth scale ${scale}: ${(tSynth / 1000).toFixed(1)} s`);
    }
    // Above a tenth of the country the broker tables outgrow comfortable RAM: use a database file
    // (as the server does) so DuckDB can spill, with a limit that leaves room for the JS cells,
    // and without insertion order (the engine's results are grouped, so order is not observable).
    const dbPath = keep ? join(keep, 'broker.duckdb') : join(work, 'broker.duckdb');
    const reuseDb = keep !== undefined && existsSync(join(keep, 'broker.ready'));
    const db =
      scale > 0.1
        ? await openBrokerDatabase(dbPath, {
            memoryLimit: '14GB',
            preserveInsertionOrder: false,
          })
        : await openBrokerDatabase(':memory:');
    try {
      // Spilling must not fill the disk that others share.
      await db.conn.run(`SET max_temp_directory_size = '30GB'`);
      if (reuseDb) console.log(`broker tables: reusing ${dbPath}`);
      else {
        const [, tLoad] = await timed(() => loadSynthAsBroker(db.conn, dir, hierarchy));
        if (keep && scale > 0.1) writeFileSync(join(keep, 'broker.ready'), '');
        console.log(`broker tables (quarantine + hashing): ${(tLoad / 1000).toFixed(1)} s`);
      }
      const rows = await db.conn.runAndReadAll('SELECT count(*) AS n FROM brp_personen');
      console.log(`brp_personen ${rows.getRowObjectsJS()[0]?.n} rows`);

      const beforeEngine = peak;
      peak = process.memoryUsage().rss;
      // One indicator at a time, so the slowest are named; the total is their sum.
      const cells: Awaited<ReturnType<typeof computeIndicators>> = [];
      const per: [string, number][] = [];
      for (const ind of CATALOGUE) {
        const [c, t] = await timed(() =>
          computeIndicators(db.conn, { years: YEARS, indicators: [ind.id] }),
        );
        for (const x of c) cells.push(x);
        per.push([ind.id, t]);
        if (flags.includes('--verbose')) console.log(`  ${ind.id}: ${(t / 1000).toFixed(1)} s`);
      }
      const tAll = per.reduce((a, [, t]) => a + t, 0);
      per.sort((a, b) => b[1] - a[1]);
      console.log(
        `slowest: ${per
          .slice(0, 5)
          .map(([id, t]) => `${id} ${(t / 1000).toFixed(1)} s`)
          .join(', ')}`,
      );
      const enginePeak = Math.max(peak, process.memoryUsage().rss);
      peak = Math.max(peak, beforeEngine);
      console.log(
        `engine, all ${CATALOGUE.length} indicators × ${YEARS.length} years × 5 levels: ${(tAll / 1000).toFixed(2)} s, ${cells.length} cells (${Math.round(cells.length / (tAll / 1000))} cells/s), peak RSS during the engine ${(enginePeak / 2 ** 30).toFixed(2)} GiB`,
      );

      console.log(
        '\nengine (cells, zero-filled) vs hand-written SQL (query + rows into JS); best of 3 each, same database:',
      );
      console.log(
        'indicator                                    engine ms   hand ms   ratio  check',
      );
      for (const [id, sql] of Object.entries(HAND)) {
        let best = Infinity;
        let bestHand = Infinity;
        let engineCells = cells;
        for (let i = 0; i < 3; i++) {
          const [c, te] = await timed(() =>
            computeIndicators(db.conn, { years: YEARS, indicators: [id] }),
          );
          engineCells = c;
          best = Math.min(best, te);
          // Query plus fetching the rows into JS, as the engine's figure includes building its cells.
          const [, th] = await timed(async () =>
            (await db.conn.runAndReadAll(sql)).getRowObjectsJS(),
          );
          bestHand = Math.min(bestHand, th);
        }
        const hand = await nationalFromHand(db.conn, sql);
        const same = sameNationalValues(id, YEARS, engineCells, hand);
        console.log(
          `${id.padEnd(44)} ${best.toFixed(0).padStart(9)} ${bestHand.toFixed(0).padStart(9)} ${(best / bestHand).toFixed(2).padStart(7)}  ${same ? 'same national values' : 'MISMATCH'}`,
        );
      }
    } finally {
      db.close();
    }
  } finally {
    clearInterval(sampler);
    rmSync(work, { recursive: true, force: true });
  }
  peak = Math.max(peak, process.memoryUsage().rss);
  const maxRss = process.resourceUsage().maxRSS * 1024;
  console.log(
    `\npeak RSS: ${(Math.max(peak, maxRss) / 2 ** 30).toFixed(2)} GiB (whole run, synth included)`,
  );
}
