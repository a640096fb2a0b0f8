/**
 * Households: sizes drawn per gemeente until the scaled population is reached, a few more that
 * leave during the run, and each household's buurt, move and type.
 */
import { step, type ModelContext, type ModelStep } from './context.js';

/** Households of every gemeente. */
export function householdsStep(ctx: ModelContext): ModelStep {
  return step('households', [householdSizes(), households(ctx)]);
}

/** Household sizes per gemeente: residents up to the target, plus about 5% leavers. */
function householdSizes(): string {
  return `
-- Materialised in steps: one window per statement keeps DuckDB's plans simple and fast.
CREATE TABLE hh_c AS
SELECT gm_code, target, k,
  CASE WHEN u < 0.39 THEN 1 WHEN u < 0.74 THEN 2 WHEN u < 0.865 THEN 3 WHEN u < 0.965 THEN 4 ELSE 5 END AS size0
FROM (SELECT gm_code, target, k, rnd('hsize', gm_code || ':' || k) AS u
      FROM (SELECT gm_code, target, unnest(generate_series(1, (target * 0.6 + 20)::BIGINT)) AS k FROM gm WHERE target > 0));
CREATE TABLE hh_cum AS
SELECT *, (sum(size0) OVER (PARTITION BY gm_code ORDER BY k ROWS UNBOUNDED PRECEDING) - size0)::BIGINT AS cum_prev FROM hh_c;
CREATE TABLE hh_n AS SELECT gm_code, count(*) AS n_res FROM hh_cum WHERE cum_prev < target GROUP BY gm_code;
CREATE TABLE hh_all AS
SELECT c.gm_code, c.k, least(c.size0, c.target - c.cum_prev)::INTEGER AS size, true AS resident
FROM hh_cum c WHERE c.cum_prev < c.target
UNION ALL
SELECT c.gm_code, c.k, c.size0::INTEGER, false
FROM hh_cum c JOIN hh_n n USING (gm_code)
WHERE c.cum_prev >= c.target
  AND c.k <= (SELECT max(k) FROM hh_cum m WHERE m.gm_code = c.gm_code AND m.cum_prev < m.target) + ceil(0.05 * n.n_res);
DROP TABLE hh_c; DROP TABLE hh_cum; DROP TABLE hh_n;
`;
}

/** Each household with its buurt, where it came from (if it moved), when it left and its type. */
function households(ctx: ModelContext): string {
  return `
CREATE TABLE hh AS
WITH h AS (
  SELECT row_number() OVER (ORDER BY gm_code, k) AS hh_id, gm_code, size, resident FROM hh_all
), u AS (
  SELECT h.*, pick('hb', hh_id, w.total_w) AS ub, pick('ob', hh_id, w.total_w) AS uo,
    pick('nb', hh_id, (SELECT total FROM nat_w)) AS un,
    resident AND rnd('mv', hh_id) < 0.30 AS moved,
    rnd('mi', hh_id) < 0.45 AS inter
  FROM h JOIN gm_w w USING (gm_code)
), b1 AS (
  SELECT u.*, b.buurt_code AS buurt23 FROM u ASOF JOIN buurt b ON u.gm_code = b.gm_code AND u.ub >= b.cum_lo
), b2 AS (
  SELECT b1.*, b.buurt_code AS intra_buurt FROM b1 ASOF JOIN buurt b ON b1.gm_code = b.gm_code AND b1.uo >= b.cum_lo
), b3 AS (
  SELECT b2.*, n.buurt_code AS inter_buurt FROM b2 ASOF JOIN buurt_nat n ON b2.un >= n.cum_lo
)
SELECT hh_id, gm_code, size, resident, buurt23,
  CASE WHEN moved THEN (${ctx.firstYear + 1} + pick('my', hh_id, 4))::INTEGER END AS move_year,
  CASE WHEN moved AND inter THEN inter_buurt WHEN moved THEN intra_buurt END AS origin_buurt,
  CASE WHEN NOT resident THEN (${ctx.firstYear + 1} + pick('ly', hh_id, 4))::INTEGER END AS leave_year,
  CASE WHEN size = 1 THEN 'single'
       WHEN size = 2 AND rnd('htype', hh_id) < 0.72 THEN 'couple'
       WHEN size = 2 THEN 'parent'
       WHEN rnd('htype', hh_id) < 0.85 THEN 'family' ELSE 'parent' END AS htype
FROM b3;
`;
}
