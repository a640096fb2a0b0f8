/** Places of crime: dismantled plantations and drug offences by the buurt where they happened. */
import { DRUGS, str, yearOf } from './registers.js';
import type { TallyContext } from './tally.js';

export function tallyPlantations({ registers, series }: TallyContext, y: number): void {
  for (const o of registers.ontmantelingen)
    if (yearOf(str(o.ontmantelingsdatum)) === y)
      series.of('plantations').add(y, str(o.buurtcode), []);
}

export function tallyDrugOffences({ registers, series }: TallyContext, y: number): void {
  for (const r of registers.verdachten) {
    if (yearOf(str(r.pleegdatum)) === y && DRUGS.has(str(r.delictklasse)))
      series.of('drug_offences').add(y, str(r.pleeg_buurtcode), []);
  }
}
