/** Establishments active in a year, by branch, churn, FIU reports and convicted directors (KvK). */
import { WITWASGEVOELIGE_SBI, ZORG_SBI } from '../../../src/indicators/sbi.js';
import { activeIn, sbiIn, str, yearOf } from './registers.js';
import type { TallyContext } from './tally.js';

export function tallyEstablishments({ registers, lookups, series }: TallyContext, y: number): void {
  for (const v of registers.vestigingen) {
    if (!activeIn(v.startdatum, v.einddatum, y)) continue;
    const buurt = str(v.buurtcode);
    const kvk = str(v.kvk_nummer);
    series.of('establishments').add(y, buurt, []);
    const director = lookups.convictedDirector(kvk, y);
    if ((lookups.fiuOfKvk.get(kvk) ?? []).some((f) => yearOf(str(f.meldingsdatum)) === y))
      series.of('est_fiu').add(y, buurt, []);
    if (sbiIn(v.sbi_code, WITWASGEVOELIGE_SBI)) {
      series.of('witwas').add(y, buurt, []);
      if (director) series.of('witwas_director').add(y, buurt, []);
    }
    if (yearOf(str(v.startdatum)) === y || (v.einddatum !== null && yearOf(str(v.einddatum)) === y))
      series.of('churn').add(y, buurt, []);
    if (director) series.of('est_director').add(y, buurt, []);
    if (sbiIn(v.sbi_code, ZORG_SBI)) {
      series.of('zorg').add(y, buurt, []);
      if (director) series.of('zorg_director').add(y, buurt, []);
    }
  }
}
