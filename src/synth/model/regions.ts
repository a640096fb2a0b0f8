/**
 * Regions: a weight, a socio-economic score and planted hotspots (hemp buurten, cash-intensive
 * wijken) per buurt, and the cumulative weights that households are drawn from.
 */
import { step, type ModelStep } from './context.js';

/** The buurten with their weights and prices, per gemeente and nationally. */
export function regionsStep(): ModelStep {
  return step('regions', [buurten()]);
}

/** Per buurt: weight, SES, hemp and cash hotspots, cumulative weight in its gemeente, 2019 price. */
function buurten(): string {
  return `
CREATE TABLE buurt AS
WITH b AS (
  SELECT bi.buurt_code, bi.wijk_code, bi.gm_code, g.vr_code, g.inhabitants AS gm_inh, g.target,
    greatest(1, round(1000 * exp(0.6 * nrm('bw', bi.buurt_code))))::BIGINT AS w,
    nrm('bses', bi.buurt_code) AS ses,
    (g.inhabitants < 60000 AND rnd('hemp', bi.buurt_code) < 0.05) AS hemp,
    (g.inhabitants >= 150000 AND rnd('cash', bi.wijk_code) < 0.12) AS cash
  FROM buurt_in bi JOIN gm g USING (gm_code)
)
SELECT *,
  (coalesce(sum(w) OVER (PARTITION BY gm_code ORDER BY buurt_code ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0))::BIGINT AS cum_lo,
  round(250000 * exp(0.3 * ses + 0.15 * nrm('price', buurt_code)))::BIGINT AS price_2019
FROM b;
CREATE TABLE gm_w AS SELECT gm_code, sum(w)::BIGINT AS total_w FROM buurt GROUP BY gm_code;
CREATE TABLE buurt_nat AS
  SELECT buurt_code, (coalesce(sum(p) OVER (ORDER BY buurt_code ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0))::BIGINT AS cum_lo, p
  FROM (SELECT b.buurt_code, b.w * b.target AS p FROM buurt b WHERE b.target > 0);
CREATE TABLE nat_w AS SELECT sum(p)::BIGINT AS total FROM buurt_nat;
`;
}
