/**
 * "Onverklaarbare woningaankoop": price − (incomeMultiple × household income + household wealth)
 * exceeds the threshold. The household is the buyer's BRP household (same huishoudnummer, peiljaar =
 * year); income and wealth are the members' bd_inkomen of that year, in whole cents.
 */
import { z } from 'zod';
import { datasetContract } from '../../ingest/contracts.js';
import { agg, and, bin, call, join, param, scalar, select, table } from '../../engine/nodes.js';
import { columnName } from '../names.js';
import type { NamedPredicate } from './named.js';

export interface UnexplainedPurchase {
  price: string;
  buyer: string;
  incomeMultiple: number;
  threshold: number;
}

export const UNEXPLAINED_PURCHASE: NamedPredicate<UnexplainedPurchase> = {
  schema: z
    .object({
      price: columnName,
      buyer: columnName,
      incomeMultiple: z.number().positive(),
      threshold: z.number().min(0),
    })
    .strict(),

  check(u, field, ctx) {
    ctx.column(u.price, `${field}.price`, ['DOUBLE', 'INTEGER', 'BIGINT']);
    ctx.column(u.buyer, `${field}.buyer`);
    if (ctx.dataset.columns.find((c) => c.name === u.buyer)?.identifier !== 'bsn') {
      ctx.fail(`${field}.buyer`, `field '${u.buyer}' is not a BSN`);
    }
    ctx.uses('brp_personen', field);
    ctx.uses('bd_inkomen', field);
  },

  compile(u, ctx) {
    const brp = datasetContract('brp_personen');
    const inc = datasetContract('bd_inkomen');
    // hb: the buyer's BRP row, hm: the members of that household, hi: their income and wealth.
    const hb = (c: string) => ctx.column('hb', brp, c);
    const hm = (c: string) => ctx.column('hm', brp, c);
    const hi = (c: string) => ctx.column('hi', inc, c);
    const means = bin(
      '+',
      bin('*', ctx.cents(hi('verzamelinkomen')), param(u.incomeMultiple)),
      ctx.cents(hi('vermogen')),
    );
    const budget = select({
      columns: [{ expr: call('coalesce', agg('sum', [means]), param(0)), alias: 'budget' }],
      from: table('brp_personen', 'hb'),
      joins: [
        join(
          'INNER',
          table('brp_personen', 'hm'),
          and(
            bin('=', hm('peiljaar'), hb('peiljaar')),
            bin('=', hm('huishoudnummer'), hb('huishoudnummer')),
          )!,
        ),
        join(
          'INNER',
          table('bd_inkomen', 'hi'),
          and(bin('=', hi('jaar'), hm('peiljaar')), bin('=', hi('bsn'), hm('bsn')))!,
        ),
      ],
      where: and(bin('=', hb('peiljaar'), ctx.year), bin('=', hb('bsn'), ctx.row(u.buyer))),
    });
    const price = ctx.cents(ctx.row(u.price));
    return bin('>', bin('-', price, scalar(budget)), param(Math.round(u.threshold * 100)));
  },

  // The household lookup: members by (peiljaar, huishoudnummer).
  lookups: { brp_personen: [['peiljaar', 'huishoudnummer']] },
};
