/** Dwellings and purchases (Kadaster), with the buyer's conviction and means. */
import { cents, maybe, str, yearOf, type Row } from './registers.js';
import type { TallyContext } from './tally.js';

export function tallyDwellings({ registers, series }: TallyContext, y: number): void {
  for (const w of registers.woningen)
    if (Number(w.bouwjaar) <= y) series.of('dwellings').add(y, str(w.buurtcode), []);
}

/** Income × 4.5 plus wealth of the buyer's household, in cents. */
function householdBudget({ lookups }: TallyContext, y: number, buyer: Row): number {
  let budget = 0;
  for (const member of lookups.household.get(`${y}|${str(buyer.huishoudnummer)}`) ?? []) {
    const inc = lookups.income.get(`${y}|${member}`);
    if (inc) budget += cents(Number(inc.verzamelinkomen)) * 4.5 + cents(Number(inc.vermogen));
  }
  return budget;
}

export function tallyPurchases(ctx: TallyContext, y: number): void {
  const { registers, lookups, series } = ctx;
  for (const t of registers.transacties) {
    const date = str(t.transactiedatum);
    if (yearOf(date) !== y) continue;
    const buurt = str(t.buurtcode);
    const buyer = maybe(t.koper_bsn);
    series.of('purchases').add(y, buurt, []);
    if (t.koper_kvk_nummer !== null && lookups.stichtingen.has(str(t.koper_kvk_nummer)))
      series.of('purchases_stichting').add(y, buurt, []);
    if (buyer === null) continue;
    series.of('purchases_person').add(y, buurt, []);
    if (lookups.convictedBy(buyer, date)) series.of('purchases_convicted').add(y, buurt, []);
    const self = lookups.resident.get(`${y}|${buyer}`);
    if (!self) continue;
    series.of('purchases_resident').add(y, buurt, []);
    if (cents(Number(t.koopsom)) - householdBudget(ctx, y, self) > 100000 * 100)
      series.of('purchases_unexplained').add(y, buurt, []);
  }
}
