/**
 * The cells of the catalogue from the tallied series: which series is each indicator's numerator
 * and denominator, and the value of a cell by the indicator's kind.
 */
import {
  NATIONAL_CODE,
  cellKey,
  countFigures,
  isRatioKind,
  ratioFigures,
  type CellFigures,
} from '../../../src/contracts/index.js';
import { AGE_GROUPS, BREAKDOWN_LEVELS, type RegionLevel } from '../../../src/indicators/schema.js';
import type { ResolvedIndicator } from '../../../src/indicators/index.js';
import { CATALOGUE } from '../../../src/indicators/catalogue.js';
import type { RegionHierarchyRow, TruthCell } from './compute.js';
import type { Series, SeriesSet } from './series.js';

/** Indicator → [numerator series, denominator series or null]. */
const PARTS: Record<string, [string, string | null]> = {
  inwoners: ['residents', null],
  huishoudens: ['households', null],
  vestigingen: ['establishments', null],
  woningen: ['dwellings', null],
  drugsverdachten_per_1000: ['drug_suspects', 'residents'],
  jeugdige_drugsverdachten: ['youth_drug_suspects', null],
  jeugdige_drugsverdachten_pct: ['youth_drug_suspects', 'youth'],
  hennepkwekerijen: ['plantations', null],
  hennepkwekerijen_per_10000_woningen: ['plantations', 'dwellings'],
  drugsdelicten_pleegbuurt: ['drug_offences', null],
  woningaankopen: ['purchases', null],
  onverklaarbare_woningaankopen: ['purchases_unexplained', 'purchases_resident'],
  aankopen_door_stichtingen: ['purchases_stichting', 'purchases'],
  kopers_met_veroordeling: ['purchases_convicted', 'purchases_person'],
  fiu_meldingen_per_1000_inwoners: ['fiu_reports', 'residents'],
  vestigingen_met_fiu_melding_per_1000: ['est_fiu', 'establishments'],
  fiu_gemeld_bedrag: ['fiu_amount', null],
  fiu_gemiddeld_bedrag: ['fiu_amount', null],
  witwasgevoelige_vestigingen_pct: ['witwas', 'establishments'],
  verloop_vestigingen: ['churn', 'establishments'],
  vestigingen_met_veroordeelde_bestuurder: ['est_director', 'establishments'],
  witwasgevoelig_met_veroordeelde_bestuurder: ['witwas_director', null],
  zorgaanbieders: ['zorg', null],
  zorgaanbieders_met_veroordeelde_bestuurder: ['zorg_director', 'zorg'],
  first_offenders_jeugd: ['first_offenders', null],
  first_offenders_drugs_per_1000_jongeren: ['first_drug_offenders', 'youth'],
  problematische_schulden: ['problem_debt', 'adults'],
  gemiddelde_belastingschuld: ['debt_amount', null],
  bijstandsafhankelijkheid: ['bijstand', 'working_age'],
  uitkeringsafhankelijkheid: ['benefits', 'working_age'],
  jeugdwerkloosheid: ['youth_ww', 'young_adults'],
  mediaan_verzamelinkomen: ['income', null],
};

interface Region {
  level: RegionLevel;
  code: string;
}

/** Every region of the hierarchy, parents first. */
function regionsOf(hierarchy: readonly RegionHierarchyRow[]): Region[] {
  const regions: Region[] = [{ level: 'nederland', code: NATIONAL_CODE }];
  const levelCodes: [RegionLevel, keyof RegionHierarchyRow][] = [
    ['veiligheidsregio', 'veiligheidsregio_code'],
    ['gemeente', 'gemeente_code'],
    ['wijk', 'wijk_code'],
    ['buurt', 'buurt_code'],
  ];
  for (const [level, field] of levelCodes) {
    for (const code of [...new Set(hierarchy.map((h) => h[field]))].sort())
      regions.push({ level, code });
  }
  return regions;
}

interface CellInput {
  def: ResolvedIndicator;
  num: Series;
  den: Series | null;
  key: string;
}

function countValues({ def, num, key }: CellInput): CellFigures {
  const n = num.n.get(key) ?? 0;
  const count = def.id === 'huishoudens' ? (num.distinct.get(key)?.size ?? 0) : n;
  return countFigures(count, count);
}

function ratioValues({ def, num, den, key }: CellInput): CellFigures {
  if (!isRatioKind(def.kind)) throw new Error(`${def.id}: not a ratio`);
  return ratioFigures(def.kind, num.n.get(key) ?? 0, den?.n.get(key) ?? 0);
}

/** Sums are per contributor, in cents; the largest contributions go to dominance rules. */
function amountValues({ def, num, key }: CellInput): CellFigures {
  const n = num.n.get(key) ?? 0;
  const per = [...(num.sums.get(key)?.values() ?? [])].sort((a, b) => b - a);
  const s = per.reduce((a, b) => a + b, 0) / 100;
  return {
    value: def.kind === 'sum' ? s : n > 0 ? s / n : null,
    numerator: s,
    denominator: def.kind === 'mean' ? n : null,
    contributors: per.length,
    largest: per[0] !== undefined ? per[0] / 100 : null,
    secondLargest: per[1] !== undefined ? per[1] / 100 : null,
  };
}

function medianValues({ num, key }: CellInput): CellFigures {
  const vals = [...(num.values.get(key) ?? [])].sort((a, b) => a - b);
  const m = vals.length;
  const med =
    m === 0 ? null : m % 2 === 1 ? vals[(m - 1) / 2]! : (vals[m / 2 - 1]! + vals[m / 2]!) / 2;
  const desc = [...vals].reverse();
  return {
    value: med === null ? null : med / 100,
    numerator: m,
    denominator: null,
    contributors: m,
    largest: desc[0] !== undefined ? desc[0] / 100 : null,
    secondLargest: desc[1] !== undefined ? desc[1] / 100 : null,
  };
}

function valuesOf(input: CellInput): CellFigures {
  switch (input.def.kind) {
    case 'count':
      return countValues(input);
    case 'percentage':
    case 'rate_per_1000':
    case 'rate_per_10000':
      return ratioValues(input);
    case 'sum':
    case 'mean':
      return amountValues(input);
    default:
      return medianValues(input);
  }
}

/** The breakdowns of an indicator, the total ('') first. */
function breakdownsOf(def: ResolvedIndicator): string[] {
  const bds = [''];
  for (const b of def.breakdowns) {
    if (b === 'geslacht') bds.push('geslacht=M', 'geslacht=V');
    else for (const [label] of AGE_GROUPS) bds.push(`leeftijd=${label}`);
  }
  return bds;
}

/** Every cell of the catalogue for `years`, in catalogue, year, region and breakdown order. */
export function catalogueCells(
  series: SeriesSet,
  hierarchy: readonly RegionHierarchyRow[],
  years: readonly number[],
): TruthCell[] {
  const regions = regionsOf(hierarchy);
  const cells: TruthCell[] = [];
  for (const def of CATALOGUE) {
    const parts = PARTS[def.id];
    if (!parts) throw new Error(`ground truth: no implementation for indicator ${def.id}`);
    const num = series.of(parts[0]);
    const den = parts[1] ? series.of(parts[1]) : null;
    const bds = breakdownsOf(def);
    for (const year of years) {
      if (!def.years.includes(year)) continue;
      for (const r of regions) {
        if (!def.levels.includes(r.level)) continue;
        for (const bd of BREAKDOWN_LEVELS.includes(r.level) ? bds : ['']) {
          const key = cellKey(null, year, r.code, bd);
          const base = { indicatorId: def.id, year, regionLevel: r.level, regionCode: r.code };
          cells.push({ ...base, breakdown: bd, ...valuesOf({ def, num, den, key }) });
        }
      }
    }
  }
  return cells;
}
