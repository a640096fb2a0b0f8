/**
 * computeIndicators: every requested indicator, every level of the region hierarchy, every year.
 * Each distinct count series is computed once (one query over all levels and years) and shared by
 * the indicators that use it; cells are then assembled per region, zero-filled from the region list.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import {
  BREAKDOWN_LEVELS,
  CATALOGUE,
  type Breakdown,
  type ResolvedIndicator,
  type Series,
} from '../indicators/index.js';
import { cellKey, type ComputedCell } from '../contracts/index.js';
import { compileSelect } from './sql.js';
import { prepareRegionLookup } from './division.js';
import { executorOf, type Executor } from './executor.js';
import { baseOf, planCountGroup, planSeries, seriesKey, type QueryPlan } from './plan.js';
import { readSeriesCells, type SeriesCell } from './read.js';
import { breakdownKeys, loadRegions, type Region } from './regions.js';
import { cellValue } from './cell-value.js';

export { breakdownKeys, loadRegions, type Region } from './regions.js';
export type { SeriesCell } from './read.js';

const TOTAL_ONLY = [''];

/** Runs a plan and reads its result by the plan's output description: one map per series. */
async function runPlan(
  db: Executor,
  plan: QueryPlan,
  yearList: readonly number[],
): Promise<Map<string, SeriesCell>[]> {
  await prepareRegionLookup(db);
  const q = compileSelect(plan.query, yearList, db.dialect);
  return readSeriesCells(await db.query(q.sql, q.params), plan);
}

/** Runs one series query; its cells by `year|code|breakdown`. */
export async function computeSeries(
  conn: DuckDBConnection | Executor,
  series: Series,
  breakdowns: readonly Breakdown[],
  yearList: readonly number[],
): Promise<Map<string, SeriesCell>> {
  const [cells] = await runPlan(executorOf(conn), planSeries(series, breakdowns), yearList);
  return cells!;
}

/** Runs one query for count series sharing their base; one map per member. */
export function computeCountGroup(
  conn: DuckDBConnection | Executor,
  members: readonly Series[],
  breakdowns: readonly Breakdown[],
  yearList: readonly number[],
): Promise<Map<string, SeriesCell>[]> {
  return runPlan(executorOf(conn), planCountGroup(members, breakdowns), yearList);
}

interface Need {
  series: Series;
  breakdowns: Set<Breakdown>;
}

/**
 * Distinct series by key, each with every breakdown an indicator asks of it. A sum or median query
 * also yields the count series of its units.
 */
function seriesNeeds(defs: readonly ResolvedIndicator[]): Map<string, Need> {
  const needs = new Map<string, Need>();
  const need = (s: Series, bds: readonly Breakdown[]) => {
    const k = seriesKey(s);
    const e = needs.get(k) ?? { series: s, breakdowns: new Set<Breakdown>() };
    for (const b of bds) e.breakdowns.add(b);
    needs.set(k, e);
  };
  for (const d of defs) {
    need(d.numerator, d.breakdowns);
    if (d.denominator) need(d.denominator, d.breakdowns);
  }
  return needs;
}

/** The cells of every needed series, by series key. */
async function computeNeeds(
  db: Executor,
  needs: Map<string, Need>,
  yearList: readonly number[],
): Promise<Map<string, Map<string, SeriesCell>>> {
  // Count series over the same rows share one query ("one query per group of sources").
  const results = new Map<string, Map<string, SeriesCell>>();
  const groups = new Map<
    string,
    { keys: string[]; series: Series[]; breakdowns: Set<Breakdown> }
  >();
  for (const [k, e] of needs) {
    if (e.series.measure.type !== 'count') {
      results.set(k, await computeSeries(db, e.series, [...e.breakdowns].sort(), yearList));
      continue;
    }
    const b = baseOf(e.series);
    const g = groups.get(b) ?? { keys: [], series: [], breakdowns: new Set<Breakdown>() };
    g.keys.push(k);
    g.series.push(e.series);
    for (const x of e.breakdowns) g.breakdowns.add(x);
    groups.set(b, g);
  }
  for (const g of groups.values()) {
    const maps = await computeCountGroup(db, g.series, [...g.breakdowns].sort(), yearList);
    g.keys.forEach((k, i) => results.set(k, maps[i]!));
  }
  return results;
}

function countSeries(s: Series): Series {
  return { ...s, measure: { type: 'count' } };
}

/** The cells of one indicator: every year, region of its levels and breakdown, zero-filled. */
function indicatorCells(
  d: ResolvedIndicator,
  results: Map<string, Map<string, SeriesCell>>,
  regions: readonly Region[],
  yearList: readonly number[],
): ComputedCell[] {
  const numRes = results.get(seriesKey(d.numerator))!;
  const denRes = d.denominator ? results.get(seriesKey(d.denominator))! : undefined;
  const numeratorKey =
    d.kind === 'median' ? seriesKey(countSeries(d.numerator)) : seriesKey(d.numerator);
  const denominatorKey = d.denominator
    ? seriesKey(d.denominator)
    : d.kind === 'mean'
      ? seriesKey(countSeries(d.numerator))
      : null;
  const levels = new Set(d.levels);
  const years = yearList.filter((y) => d.years.includes(y));
  const bds = breakdownKeys(d.breakdowns);
  const inLevels = regions.filter((r) => levels.has(r.level));
  const cells: ComputedCell[] = [];
  for (const year of years) {
    for (const r of inLevels) {
      for (const bd of BREAKDOWN_LEVELS.includes(r.level) ? bds : TOTAL_ONLY) {
        const key = cellKey(null, year, r.code, bd);
        const v = cellValue(d, numRes.get(key), denRes?.get(key));
        cells.push({
          indicatorId: d.id,
          year,
          regionLevel: r.level,
          regionCode: r.code,
          parentCode: r.parentCode,
          breakdown: bd,
          value: v.value,
          numerator: v.numerator,
          denominator: v.denominator,
          contributors: v.contributors,
          largest: v.largest,
          secondLargest: v.secondLargest,
          numeratorKey,
          denominatorKey,
        });
      }
    }
  }
  return cells;
}

export interface ComputeOptions {
  indicators?: string[];
  years: number[];
  /** Defaults to the validated CATALOGUE; tests pass generated definitions. */
  catalogue?: readonly ResolvedIndicator[];
}

/**
 * On DuckDB (a connection: the default) or on any executor (`postgresExecutor` for PostgreSQL or
 * Citus, see `postgres.ts`): the same queries in its dialect, the same cells.
 */
export async function computeIndicators(
  conn: DuckDBConnection | Executor,
  opts: ComputeOptions,
): Promise<ComputedCell[]> {
  const db = executorOf(conn);
  const catalogue = opts.catalogue ?? CATALOGUE;
  const byId = new Map(catalogue.map((d) => [d.id, d]));
  const defs = (opts.indicators ?? catalogue.map((d) => d.id)).map((id) => {
    const d = byId.get(id);
    if (!d) throw new Error(`unknown indicator '${id}'`);
    return d;
  });
  const yearList = [...new Set(opts.years)].sort((a, b) => a - b);
  const results = await computeNeeds(db, seriesNeeds(defs), yearList);
  const regions = await loadRegions(db);
  return defs.flatMap((d) => indicatorCells(d, results, regions, yearList));
}
