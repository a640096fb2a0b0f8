/** The regions cells are assembled for, and the breakdown strings of an indicator. */
import type { DuckDBConnection } from '@duckdb/node-api';
import { AGE_GROUPS, SEXES, type Breakdown, type RegionLevel } from '../indicators/index.js';
import { NATIONAL_CODE, levelRank } from '../contracts/index.js';
import { executorOf, type Executor } from './executor.js';
import { BREAKDOWN_LABEL } from './plan.js';

export interface Region {
  level: RegionLevel;
  code: string;
  parentCode: string | null;
}

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
