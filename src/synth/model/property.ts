/**
 * Property: a dwelling per household, purchases when households move and by others, and their
 * prices and mortgages (Kadaster); a few purchases are out of the buyer's means.
 */
import { step, type ModelContext, type ModelStep } from './context.js';

/** Dwellings and transactions. */
export function propertyStep(ctx: ModelContext): ModelStep {
  return step('property', [
    dwellings(ctx),
    kadasterWoningen(),
    householdMeans(),
    purchases(ctx),
    investors(),
    kadasterTransacties(ctx),
  ]);
}

/** A dwelling per household, with its build year. */
function dwellings(ctx: ModelContext): string {
  return `
CREATE TABLE dwelling AS
SELECT hh.hh_id, hh.gm_code, coalesce(hh.buurt23, hh.origin_buurt) AS buurt_code, hh.move_year, hh.resident,
  substr(hh.gm_code, 3) || '01' || lpad(hh.hh_id::VARCHAR, 10, '0') AS object_id,
  CASE WHEN rnd('bj', hh.hh_id) < 0.2 THEN 1850 + pick('bj2', hh.hh_id, 95)
       WHEN rnd('bj', hh.hh_id) < 0.7 THEN 1945 + pick('bj2', hh.hh_id, 46)
       ELSE 1991 + pick('bj2', hh.hh_id, ${ctx.lastYear - 1991 + 1}) END::INTEGER AS bouwjaar
FROM hh;
`;
}

/** The dwelling register. */
function kadasterWoningen(): string {
  return `
CREATE TABLE kadaster_woningen AS SELECT object_id, buurt_code AS buurtcode, bouwjaar FROM dwelling;
`;
}

/** Income and wealth per household and year, and the head of each household. */
function householdMeans(): string {
  return `
CREATE TABLE hh_money AS
SELECT hh_id, year, sum(income)::BIGINT AS hh_income, sum(wealth)::BIGINT AS hh_wealth FROM inc GROUP BY ALL;
CREATE TABLE heads AS SELECT hh_id, pid, bsn, prop FROM persons WHERE m = 1;
`;
}

/** Purchases: by households moving in (owners), and by others of any dwelling in any year. */
function purchases(ctx: ModelContext): string {
  return `
CREATE TABLE tx AS
WITH own AS (
  SELECT d.hh_id, d.object_id, d.buurt_code, d.gm_code, d.move_year AS year, h.bsn AS koper_bsn, CAST(NULL AS VARCHAR) AS koper_kvk_nummer,
    h.prop, 1 AS kind
  FROM dwelling d JOIN heads h USING (hh_id)
  WHERE d.move_year IS NOT NULL AND rnd('owner', d.hh_id) < 0.55
), other AS (
  SELECT d.hh_id, d.object_id, d.buurt_code, d.gm_code, y.year::INTEGER AS year, CAST(NULL AS VARCHAR), CAST(NULL AS VARCHAR), 'low', 2
  FROM dwelling d CROSS JOIN ${ctx.years} y
  WHERE (d.move_year IS NULL OR d.move_year <> y.year) AND rnd3('otx', d.hh_id, y.year) < 0.015
)
SELECT * FROM own UNION ALL SELECT * FROM other;
`;
}

/** BVs and stichtingen numbered per gemeente, to draw investing buyers from. */
function investors(): string {
  return `
CREATE TABLE invest_gm AS
SELECT kvk_nummer, gm_code, row_number() OVER (PARTITION BY gm_code ORDER BY bid) - 1 AS idx
FROM biz WHERE rechtsvorm IN ('bv', 'stichting');
CREATE TABLE invest_n AS SELECT gm_code, count(*) AS n FROM invest_gm GROUP BY gm_code;
`;
}

/** The transaction register: buyer, price within (or beyond) the means, mortgage. */
function kadasterTransacties(ctx: ModelContext): string {
  return `
CREATE TABLE kadaster_transacties AS
WITH t AS (
  SELECT tx.*, b.price_2019, m.hh_income, m.hh_wealth,
    rnd3('sus', tx.hh_id, tx.year) < (CASE WHEN tx.prop = 'high' THEN 0.5 WHEN tx.prop = 'mid' THEN 0.05 ELSE 0.012 END) AS unexplained,
    round(b.price_2019 * pow(1.08, tx.year - ${ctx.firstYear}) * exp(0.25 * nrm3('psz', tx.hh_id, tx.year)) / 1000)::BIGINT * 1000 AS market
  FROM tx JOIN buurt b USING (buurt_code)
  LEFT JOIN hh_money m ON m.hh_id = tx.hh_id AND m.year = tx.year
), o AS (
  SELECT t.*, rnd3('buyer', hh_id, year) AS ub,
    pick3('bpick', hh_id, year, coalesce(an.n, 1)) AS aidx, pick3('ipick', hh_id, year, coalesce(iv.n, 1)) AS iidx
  FROM t LEFT JOIN adults_n an USING (gm_code) LEFT JOIN invest_n iv USING (gm_code)
), b AS (
  SELECT o.*, a.bsn AS adult_bsn, i.kvk_nummer AS invest_kvk
  FROM o LEFT JOIN adults_gm a ON a.gm_code = o.gm_code AND a.idx = o.aidx
  LEFT JOIN invest_gm i ON i.gm_code = o.gm_code AND i.idx = o.iidx
), f AS (
  SELECT b.*,
    CASE WHEN kind = 1 THEN koper_bsn WHEN ub < 0.85 OR invest_kvk IS NULL THEN adult_bsn END AS k_bsn,
    CASE WHEN kind = 2 AND ub >= 0.85 THEN invest_kvk END AS k_kvk,
    5 * coalesce(hh_income, 0) + coalesce(hh_wealth, 0) AS budget
  FROM b
), p AS (
  SELECT f.*,
    CASE WHEN k_kvk IS NOT NULL OR kind = 2 OR unexplained THEN market
      ELSE greatest(50000, least(market, round(budget * (0.8 + 0.2 * rnd3('bf', hh_id, year)) / 1000)::BIGINT * 1000)) END AS koopsom
  FROM f WHERE k_bsn IS NOT NULL OR k_kvk IS NOT NULL
)
SELECT 'KAD-' || year || '-' || lpad(row_number() OVER (PARTITION BY year ORDER BY d, object_id)::VARCHAR, 8, '0') AS transactie_id,
  object_id, coalesce(c.former_code, x.buurt_code) AS buurtcode, koopsom::DOUBLE AS koopsom, d AS transactiedatum, k_bsn AS koper_bsn, k_kvk AS koper_kvk_nummer,
  (CASE WHEN k_kvk IS NOT NULL THEN round(koopsom * 0.6 * rnd3('hyk', hh_id, year) / 1000) * 1000
        WHEN unexplained THEN round(koopsom * 0.3 * rnd3('hyu', hh_id, year) / 1000) * 1000
        ELSE least(koopsom, round(4.5 * coalesce(hh_income, 0) / 1000) * 1000) END)::DOUBLE AS hypotheekbedrag
FROM (SELECT p.*, day_in('txd', hh_id, year, year) AS d FROM p) x
LEFT JOIN buurt_conv c ON c.buurt_code = x.buurt_code AND x.year <= c.last_year;
`;
}
