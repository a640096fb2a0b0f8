/**
 * The ground truth of every indicator, written out by hand in plain TypeScript over the cleaned raw
 * rows (real BSNs and KvK-nummers). It shares nothing with the engine's compiler: each indicator is
 * a loop over the rows as its methodology text says. The engine must agree with it exactly.
 *
 * One tally per concern adds each year's units to named series (persons.ts, businesses.ts,
 * property.ts, crime.ts, amounts.ts); cells.ts turns the series into the catalogue's cells.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { NATIONAL_CODE, type ComputedCell } from '../../../src/contracts/index.js';
import { Lookups, readRegisters } from './registers.js';
import { SeriesSet } from './series.js';
import type { Tally } from './tally.js';
import { tallyResidents } from './persons.js';
import { tallyEstablishments } from './businesses.js';
import { tallyDwellings, tallyPurchases } from './property.js';
import { tallyDrugOffences, tallyPlantations } from './crime.js';
import { tallyDebts, tallyFiuReports, tallyIncomes } from './amounts.js';
import { catalogueCells } from './cells.js';

export interface RegionHierarchyRow {
  buurt_code: string;
  wijk_code: string;
  gemeente_code: string;
  veiligheidsregio_code: string;
}

/** A true cell: the engine's computed cell without its place in the hierarchy and its keys. */
export type TruthCell = Omit<ComputedCell, 'parentCode' | 'numeratorKey' | 'denominatorKey'>;

const TALLIES: readonly Tally[] = [
  tallyResidents,
  tallyEstablishments,
  tallyDwellings,
  tallyPlantations,
  tallyDrugOffences,
  tallyPurchases,
  tallyFiuReports,
  tallyDebts,
  tallyIncomes,
];

/** Buurt code → the codes of every region containing it, Nederland first. */
function regionCodesOf(
  hierarchy: readonly RegionHierarchyRow[],
  formerBuurten: ReadonlyMap<string, string>,
): Map<string, string[]> {
  const codesOf = new Map<string, string[]>();
  for (const h of hierarchy)
    codesOf.set(h.buurt_code, [
      NATIONAL_CODE,
      h.veiligheidsregio_code,
      h.gemeente_code,
      h.wijk_code,
      h.buurt_code,
    ]);
  for (const [former, current] of formerBuurten) {
    const codes = codesOf.get(current);
    if (!codes) throw new Error(`ground truth: former buurt ${former} maps to unknown ${current}`);
    codesOf.set(former, codes);
  }
  return codesOf;
}

/**
 * `formerBuurten`: buurt codes of an earlier division (before a gemeentelijke herindeling) →
 * the buurt of `hierarchy` that holds that area now. Their units count there: every year on the
 * one division of the hierarchy.
 */
export async function computeGroundTruth(
  conn: DuckDBConnection,
  hierarchy: readonly RegionHierarchyRow[],
  years: readonly number[],
  formerBuurten: ReadonlyMap<string, string> = new Map(),
): Promise<TruthCell[]> {
  const series = new SeriesSet(regionCodesOf(hierarchy, formerBuurten));
  const registers = await readRegisters(conn);
  const ctx = { registers, lookups: new Lookups(registers), series };
  for (const y of years) for (const tally of TALLIES) tally(ctx, y);
  return catalogueCells(series, hierarchy, years);
}
