/**
 * computeIndicators: every requested indicator, every level of the region hierarchy, every year.
 * Each distinct count series is computed once (one query over all levels and years) and shared by
 * the indicators that use it; cells are then assembled per region, zero-filled from the region list.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import {
  BREAKDOWN_LEVELS,
  AGE_GROUPS,
  CATALOGUE,
  SEXES,
  type Breakdown,
  type RegionLevel,
  type ResolvedIndicator,
  type Series,
} from '../indicators/index.js';
import { NATIONAL_CODE, cellKey, levelRank, type ComputedCell } from '../contracts/index.js';
import { compileSelect } from './sql.js';
import { prepareRegionLookup } from './division.js';
import { executorOf, type Executor } from './executor.js';
import { BREAKDOWN_LABEL, baseOf, groupCountQuery, seriesKey, seriesQuery } from './plan.js';

export interface Region {
  level: RegionLevel;
  code: string;
  parentCode: string | null;
}

/** Aggregates of one series in one cell; amounts in cents. */
export interface SeriesCell {
  n: number;
  c: number;
  s: number | null;
  top: number[];
  med: number | null;
}

const TOTAL_ONLY = [''];

/** The breakdown strings of an indicator: '' for the total, then each category. */
export function breakdownKeys(breakdowns: readonly Breakdown[]): string[] {
  const keys = [''];
  for (const b of breakdowns) {
    const cats = b === 'geslacht' ? [...SEXES] : AGE_GROUPS.map(([label]) => label);
    for (const c of cats) keys.push(`${BREAKDOWN_LABEL[b]}=${c}`);
  }
  return keys;
}

/** Every region of `region_hierarchy`, parents first, codes sorted within a level. */
export async function loadRegions(conn: DuckDBConnection | Executor): Promise<Region[]> {
  const result = await executorOf(conn).query(
    'SELECT DISTINCT buurt_code, wijk_code, gemeente_code, veiligheidsregio_code FROM region_hierarchy',
  );
  const parents = new Map<string, { level: RegionLevel; parent: string | null }>();
  parents.set(NATIONAL_CODE, { level: 'nederland', parent: null });
  const [bus, wks, gms, vrs] = [...result.values()] as string[][];
  for (let i = 0; i < (bus?.length ?? 0); i++) {
    const bu = bus![i]!;
    const wk = wks![i]!;
    const gm = gms![i]!;
    const vr = vrs![i]!;
    parents.set(vr, { level: 'veiligheidsregio', parent: NATIONAL_CODE });
    parents.set(gm, { level: 'gemeente', parent: vr });
    parents.set(wk, { level: 'wijk', parent: gm });
    parents.set(bu, { level: 'buurt', parent: wk });
  }
  return [...parents.entries()]
    .map(([code, p]) => ({ level: p.level, code, parentCode: p.parent }))
    .sort(
      (a, b) =>
        levelRank(a.level) - levelRank(b.level) || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0),
    );
}

/** A number from a result value: bigint (DuckDB), numeric string (PostgreSQL BIGINT/NUMERIC). */
const num = (v: unknown): number => (typeof v === 'bigint' ? Number(v) : Number(v ?? 0));

/**
 * Runs one series query and indexes its rows by `year|code|breakdown`. Results are read
 * column-wise (much faster than row objects for large results).
 */
export async function computeSeries(
  conn: DuckDBConnection | Executor,
  series: Series,
  breakdowns: readonly Breakdown[],
  yearList: readonly number[],
): Promise<Map<string, SeriesCell>> {
  const db = executorOf(conn);
  await prepareRegionLookup(db);
  const q = compileSelect(seriesQuery(series, breakdowns), yearList, db.dialect);
  const c = await db.query(q.sql, q.params);
  const [k, n, cc, s, top, med] = ['k', 'n', 'c', 's', 'top', 'med'].map((x) => c.get(x));
  const out = new Map<string, SeriesCell>();
  k!.forEach((key, i) => {
    if (key === null) return; // a unit outside every breakdown category has no breakdown cell
    const t = top?.[i];
    out.set(key as string, {
      n: num(n![i]),
      c: num(cc![i]),
      s: s === undefined || s[i] === null ? null : num(s[i]),
      top: Array.isArray(t) ? (t as unknown[]).map(num) : [],
      med: med === undefined || med[i] === null ? null : Number(med[i]),
    });
  });
  return out;
}

/** Runs one query for count series sharing their base; one map per member. */
export async function computeCountGroup(
  conn: DuckDBConnection | Executor,
  members: readonly Series[],
  breakdowns: readonly Breakdown[],
  yearList: readonly number[],
): Promise<Map<string, SeriesCell>[]> {
  const db = executorOf(conn);
  await prepareRegionLookup(db);
  const q = compileSelect(groupCountQuery(members, breakdowns), yearList, db.dialect);
  const c = await db.query(q.sql, q.params);
  const k = c.get('k')!;
  return members.map((_, m) => {
    const ns = c.get(`n_${m}`)!;
    const out = new Map<string, SeriesCell>();
    k.forEach((key, i) => {
      if (key === null) return;
      const n = num(ns[i]);
      out.set(key as string, { n, c: n, s: null, top: [], med: null });
    });
    return out;
  });
}

interface Need {
  series: Series;
  breakdowns: Set<Breakdown>;
}

function countSeries(s: Series): Series {
  return { ...s, measure: { type: 'count' } };
}

/** Value of a cell from its parts; amounts are in cents. The formulas are documented in docs/indicators.md. */
function cellValue(
  def: ResolvedIndicator,
  numCell: SeriesCell | undefined,
  denCell: SeriesCell | undefined,
) {
  const n = numCell?.n ?? 0;
  switch (def.kind) {
    case 'count':
      return {
        value: n,
        numerator: n,
        denominator: null,
        contributors: numCell?.c ?? 0,
        largest: null,
        secondLargest: null,
      };
    case 'percentage':
    case 'rate_per_1000':
    case 'rate_per_10000': {
      const d = denCell?.n ?? 0;
      const factor = def.kind === 'percentage' ? 100 : def.kind === 'rate_per_1000' ? 1000 : 10000;
      return {
        value: d > 0 ? (factor * n) / d : null,
        numerator: n,
        denominator: d,
        contributors: n,
        largest: null,
        secondLargest: null,
      };
    }
    case 'sum':
    case 'mean': {
      const s = (numCell?.s ?? 0) / 100;
      const top = numCell?.top ?? [];
      return {
        value: def.kind === 'sum' ? s : n > 0 ? s / n : null,
        numerator: s,
        denominator: def.kind === 'mean' ? n : null,
        contributors: numCell?.c ?? 0,
        largest: top[0] !== undefined ? top[0] / 100 : null,
        secondLargest: top[1] !== undefined ? top[1] / 100 : null,
      };
    }
    case 'median': {
      const top = numCell?.top ?? [];
      return {
        value: numCell?.med !== null && numCell?.med !== undefined ? numCell.med / 100 : null,
        numerator: n,
        denominator: null,
        contributors: numCell?.c ?? 0,
        largest: top[0] !== undefined ? top[0] / 100 : null,
        secondLargest: top[1] !== undefined ? top[1] / 100 : null,
      };
    }
  }
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

  // Distinct series by key; a sum or median query also yields the count series of its units.
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

  const regions = await loadRegions(db);
  const cells: ComputedCell[] = [];
  for (const d of defs) {
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
  }
  return cells;
}
