/**
 * Businesses: enterprises of adult residents (more in cash-intensive wijken and of high
 * propensity), their establishments and directors (KvK).
 */
import { sqlList, step, type ModelContext, type ModelStep } from './context.js';
import { CASH_INTENSIVE_SBI, OTHER_SBI } from './sbi.js';

/** Enterprises, establishments and directors. */
export function businessesStep(ctx: ModelContext): ModelStep {
  return step('businesses', [
    enterprises(ctx),
    kvkVestigingen(ctx),
    adultsByGemeente(ctx),
    kvkBestuurders(ctx),
  ]);
}

/** Enterprises with legal form, branch, start and end. */
function enterprises(ctx: ModelContext): string {
  return `
CREATE TABLE biz AS
WITH f AS (
  SELECT p.pid, p.bsn, p.birth_date, p.buurt23 AS buurt_code, p.prop, b.gm_code, b.cash, 1 AS nr
  FROM persons p JOIN buurt b ON b.buurt_code = p.buurt23
  WHERE p.leave_year IS NULL AND p.birth_date <= DATE '${ctx.lastYear - 18}-01-01' AND rnd('biz', p.pid) < 0.15
  UNION ALL
  SELECT p.pid, p.bsn, p.birth_date, p.buurt23, p.prop, b.gm_code, b.cash, 2 AS nr
  FROM persons p JOIN buurt b ON b.buurt_code = p.buurt23
  WHERE p.leave_year IS NULL AND p.birth_date <= DATE '${ctx.lastYear - 18}-01-01'
    AND rnd('biz2', p.pid) < (CASE WHEN b.cash THEN 0.06 ELSE 0 END + CASE WHEN p.prop = 'high' THEN 0.15 ELSE 0 END)
), n AS (
  SELECT row_number() OVER (ORDER BY pid, nr) AS bid, f.* FROM f
), r AS (
  SELECT n.*, rnd('rv', bid) AS ur,
    (nr = 2) OR rnd('cashb', bid) < (CASE WHEN cash THEN 0.3 ELSE 0.08 END) AS cash_branch
  FROM n
), s AS (
  SELECT r.*,
    CASE WHEN ur < 0.58 THEN 'eenmanszaak' WHEN ur < 0.65 THEN 'vof' WHEN ur < 0.87 THEN 'bv' WHEN ur < 0.875 THEN 'nv'
         WHEN ur < 0.945 THEN 'stichting' WHEN ur < 0.99 THEN 'vereniging' ELSE 'cooperatie' END AS rechtsvorm,
    greatest(birth_date + INTERVAL 18 YEAR, ${ctx.lastDay} - floor(pow(rnd('sd', bid), 1.8) * 14000)::INTEGER)::DATE AS startdatum
  FROM r
)
SELECT s.*,
  CASE WHEN rechtsvorm IN ('stichting', 'vereniging') AND NOT cash_branch THEN (CASE WHEN rnd('sbi', bid) < 0.5 THEN '9499' ELSE '8810' END)
       WHEN cash_branch THEN list_extract(${sqlList(CASH_INTENSIVE_SBI)}, 1 + pick('sbi', bid, ${CASH_INTENSIVE_SBI.length}))
       ELSE list_extract(${sqlList(OTHER_SBI)}, 1 + pick('sbi', bid, ${OTHER_SBI.length})) END AS sbi_code,
  CASE WHEN rnd('end', bid) < 0.25 THEN startdatum + (30 + pick('endd', bid, 6000))::INTEGER END AS end0,
  kvk_of(bid) AS kvk_nummer
FROM s;
`;
}

/** Establishments: one per enterprise, a second for some BVs and NVs elsewhere in the gemeente. */
function kvkVestigingen(ctx: ModelContext): string {
  return `
CREATE TABLE kvk_vestigingen AS
WITH v AS (
  SELECT bid, 1 AS vnr, kvk_nummer, sbi_code, rechtsvorm, buurt_code, startdatum, end0, gm_code FROM biz
  UNION ALL
  SELECT bid, 2, kvk_nummer, sbi_code, rechtsvorm, NULL, startdatum + (pick('v2', bid, 3000))::INTEGER, end0, gm_code FROM biz
  WHERE rechtsvorm IN ('bv', 'nv') AND rnd('v2', bid) < 0.1
), b AS (
  SELECT v.*, pick('vb', bid, w.total_w) AS ub FROM v JOIN gm_w w USING (gm_code)
), o AS (
  SELECT b.*, bb.buurt_code AS other FROM b ASOF JOIN buurt bb ON b.gm_code = bb.gm_code AND b.ub >= bb.cum_lo
)
SELECT vestiging_of(bid + (vnr - 1) * 50000000) AS vestigingsnummer, kvk_nummer, sbi_code, rechtsvorm,
  coalesce(buurt_code, other) AS buurtcode, startdatum,
  CASE WHEN end0 <= ${ctx.lastDay} AND end0 > startdatum THEN end0 END AS einddatum
FROM o WHERE startdatum <= ${ctx.lastDay};
`;
}

/** Adult residents numbered per gemeente, to draw co-directors and buyers from. */
function adultsByGemeente(ctx: ModelContext): string {
  return `
CREATE TABLE adults_gm AS
SELECT p.pid, p.bsn, p.buurt23, b.gm_code, row_number() OVER (PARTITION BY b.gm_code ORDER BY p.pid) - 1 AS idx
FROM persons p JOIN buurt b ON b.buurt_code = p.buurt23
WHERE p.leave_year IS NULL AND p.birth_date <= DATE '${ctx.lastYear - 18}-01-01';
CREATE TABLE adults_n AS SELECT gm_code, count(*) AS n FROM adults_gm GROUP BY gm_code;
`;
}

/** Directors: the founder, and for some enterprises a second adult of the gemeente. */
function kvkBestuurders(ctx: ModelContext): string {
  return `
CREATE TABLE kvk_bestuurders AS
WITH d AS (
  SELECT kvk_nummer, bsn, CASE rechtsvorm WHEN 'eenmanszaak' THEN 'eigenaar' WHEN 'vof' THEN 'vennoot' ELSE 'bestuurder' END AS functie,
    startdatum, CASE WHEN end0 <= ${ctx.lastDay} AND end0 > startdatum THEN end0 END AS einddatum
  FROM biz WHERE startdatum <= ${ctx.lastDay}
  UNION ALL
  SELECT b.kvk_nummer, a.bsn, CASE b.rechtsvorm WHEN 'vof' THEN 'vennoot' ELSE 'bestuurder' END,
    b.startdatum + pick('d2s', b.bid, 400)::INTEGER,
    CASE WHEN b.end0 <= ${ctx.lastDay} AND b.end0 > b.startdatum + pick('d2s', b.bid, 400)::INTEGER THEN b.end0 END
  FROM biz b JOIN adults_n n USING (gm_code)
  JOIN adults_gm a ON a.gm_code = b.gm_code AND a.idx = pick('d2', b.bid, n.n)
  WHERE (b.rechtsvorm = 'vof' OR (b.rechtsvorm NOT IN ('eenmanszaak') AND rnd('d2p', b.bid) < 0.4))
    AND a.bsn <> b.bsn AND b.startdatum + pick('d2s', b.bid, 400)::INTEGER <= ${ctx.lastDay}
)
SELECT * FROM d;
`;
}
