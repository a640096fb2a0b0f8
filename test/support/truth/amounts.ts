/**
 * Amounts of residents, in cents: FIU reports, tax debts (summed per contributor) and incomes
 * (each a value, for the median).
 */
import { cents, str, yearOf } from './registers.js';
import { personBreakdowns } from './persons.js';
import type { TallyContext } from './tally.js';

export function tallyFiuReports({ registers, lookups, series }: TallyContext, y: number): void {
  for (const f of registers.fiu) {
    if (yearOf(str(f.meldingsdatum)) !== y || f.bsn === null) continue;
    const p = lookups.resident.get(`${y}|${str(f.bsn)}`);
    if (!p) continue;
    const bds = personBreakdowns(p, y);
    series.of('fiu_reports').add(y, str(p.buurtcode), bds);
    series.of('fiu_amount').add(y, str(p.buurtcode), bds, {
      amount: cents(Number(f.bedrag)),
      contributor: str(f.bsn),
    });
  }
}

export function tallyDebts({ registers, lookups, series }: TallyContext, y: number): void {
  for (const d of registers.schulden) {
    if (d.jaar !== y || !(Number(d.openstaand_bedrag) > 0)) continue;
    const p = lookups.resident.get(`${y}|${str(d.bsn)}`);
    if (p)
      series.of('debt_amount').add(y, str(p.buurtcode), personBreakdowns(p, y), {
        amount: cents(Number(d.openstaand_bedrag)),
        contributor: str(d.bsn),
      });
  }
}

export function tallyIncomes({ registers, lookups, series }: TallyContext, y: number): void {
  for (const i of registers.inkomen) {
    if (i.jaar !== y) continue;
    const p = lookups.resident.get(`${y}|${str(i.bsn)}`);
    if (p)
      series.of('income').add(y, str(p.buurtcode), personBreakdowns(p, y), {
        amount: cents(Number(i.verzamelinkomen)),
      });
  }
}
