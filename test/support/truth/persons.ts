/** Residents and their person-based indicators (BRP with police, tax and benefit registers). */
import { AGE_GROUPS } from '../../../src/indicators/schema.js';
import { str, yearOf, type Row } from './registers.js';
import type { TallyContext } from './tally.js';

function ageGroup(age: number): string | null {
  for (const [label, min, max] of AGE_GROUPS) if (age >= min && age <= max) return label;
  return null;
}

/** The breakdowns a resident counts in: sex and age group. */
export function personBreakdowns(p: Row, year: number): string[] {
  const out = [`geslacht=${str(p.geslacht)}`];
  const g = ageGroup(year - yearOf(str(p.geboortedatum)));
  if (g) out.push(`leeftijd=${g}`);
  return out;
}

export function tallyResidents({ registers, lookups, series }: TallyContext, y: number): void {
  for (const p of registers.brp) {
    if (p.peiljaar !== y) continue;
    const bsn = str(p.bsn);
    const buurt = str(p.buurtcode);
    const bds = personBreakdowns(p, y);
    const age = y - yearOf(str(p.geboortedatum));
    const youth = age >= 12 && age <= 23;
    const adult = age >= 18;
    const working = age >= 18 && age <= 66;
    series.of('residents').add(y, buurt, bds);
    series.of('households').add(y, buurt, [], { distinct: str(p.huishoudnummer) });
    if (lookups.suspectIn(bsn, y, true)) series.of('drug_suspects').add(y, buurt, bds);
    if (youth) {
      series.of('youth').add(y, buurt, bds);
      if (lookups.suspectIn(bsn, y, true)) series.of('youth_drug_suspects').add(y, buurt, bds);
      if (!lookups.suspectBefore(bsn, y)) {
        if (lookups.suspectIn(bsn, y, false)) series.of('first_offenders').add(y, buurt, bds);
        if (lookups.suspectIn(bsn, y, true)) series.of('first_drug_offenders').add(y, buurt, bds);
      }
    }
    if (adult) {
      series.of('adults').add(y, buurt, bds);
      const debt = lookups.debtOf.get(`${y}|${bsn}`);
      if (debt && debt.dwanginvordering === true && Number(debt.openstaand_bedrag) > 0)
        series.of('problem_debt').add(y, buurt, bds);
    }
    if (working) {
      series.of('working_age').add(y, buurt, bds);
      if (lookups.benefitIn(bsn, y, ['bijstand'])) series.of('bijstand').add(y, buurt, bds);
      if (lookups.benefitIn(bsn, y, ['ww', 'bijstand', 'wia', 'wajong']))
        series.of('benefits').add(y, buurt, bds);
    }
    if (age >= 18 && age <= 26) {
      series.of('young_adults').add(y, buurt, bds);
      if (lookups.benefitIn(bsn, y, ['ww'])) series.of('youth_ww').add(y, buurt, bds);
    }
  }
}
