/**
 * The synthetic population and its registers as DuckDB SQL. All randomness is `hash(seed, stream,
 * key...)`: a pure function of the seed and the row's identity, so a run is reproducible however
 * DuckDB schedules its threads. Weights and prices are integers wherever they feed a cumulative
 * sum, so no floating-point summation order can change a result.
 */
import { FIRST_YEAR, LAST_YEAR } from './params.js';

export interface ModelStep {
  stage: string;
  sql: string;
}

/** SBI 2008 codes of cash-intensive ("witwasgevoelige") branches; see docs/synthetic-data.md. */
export const CASH_INTENSIVE_SBI = [
  '4511', // car trade
  '45205', // car washes
  '96021', // barbers and hairdressers
  '96022', // beauty and nail salons
  '47421', // phone shops
  '56302', // cafés and shisha lounges
  '96042', // massage parlours
  '96041', // tanning studios
  '6810', // real estate trade
  '6820', // real estate rental
  '66192', // money transfer and currency exchange
  '5520', // holiday parks
] as const;

const OTHER_SBI = [
  '0111',
  '1071',
  '4120',
  '4321',
  '4332',
  '4399',
  '4711',
  '4719',
  '4778',
  '4932',
  '4941',
  '5610',
  '6201',
  '6202',
  '6920',
  '7022',
  '7111',
  '7311',
  '7490',
  '8559',
  '8621',
  '8690',
  '8810',
  '9001',
  '9311',
  '9499',
] as const;

const sqlList = (xs: readonly string[]) => `[${xs.map((x) => `'${x}'`).join(', ')}]`;

/** Offset of the BSN and KvK permutations, derived from the seed. */
function offset(seed: number, mod: number): number {
  return Number((BigInt(seed) * 2654435761n + 12345n) % BigInt(mod));
}

export function macros(seed: number): string {
  const s = String(seed);
  return `
CREATE OR REPLACE MACRO rnd(k, i) AS ((hash(${s}, k, i) >> 11)::DOUBLE / 9007199254740992.0);
CREATE OR REPLACE MACRO rnd3(k, i, j) AS ((hash(${s}, k, i, j) >> 11)::DOUBLE / 9007199254740992.0);
CREATE OR REPLACE MACRO rnd4(k, i, j, l) AS ((hash(${s}, k, i, j, l) >> 11)::DOUBLE / 9007199254740992.0);
CREATE OR REPLACE MACRO pick(k, i, n) AS ((hash(${s}, k, i) % n::UBIGINT)::BIGINT);
CREATE OR REPLACE MACRO pick3(k, i, j, n) AS ((hash(${s}, k, i, j) % n::UBIGINT)::BIGINT);
CREATE OR REPLACE MACRO nrm(k, i) AS (sqrt(-2 * ln(1 - rnd(k || '.a', i))) * cos(2 * pi() * rnd(k || '.b', i)));
CREATE OR REPLACE MACRO nrm3(k, i, j) AS (sqrt(-2 * ln(1 - rnd3(k || '.a', i, j))) * cos(2 * pi() * rnd3(k || '.b', i, j)));
-- BSN from an index k in [0, 81e6): 7 digits q, an 8th digit chosen among the nine that leave a
-- valid check digit, and the check digit itself (11-proef).
CREATE OR REPLACE MACRO bsn_s7(q) AS (9 * (q // 1000000 % 10) + 8 * (q // 100000 % 10) + 7 * (q // 10000 % 10) + 6 * (q // 1000 % 10) + 5 * (q // 100 % 10) + 4 * (q // 10 % 10) + 3 * (q % 10));
CREATE OR REPLACE MACRO bsn_d(q, s7, d8) AS (q::VARCHAR || d8::VARCHAR || ((s7 + 2 * d8) % 11)::VARCHAR);
CREATE OR REPLACE MACRO bsn_j(q, s7, j) AS bsn_d(q, s7, j + CASE WHEN (6 * (10 - s7 % 11 + 11)) % 11 <= j THEN 1 ELSE 0 END);
CREATE OR REPLACE MACRO bsn_q(q, j) AS bsn_j(q, bsn_s7(q), j);
CREATE OR REPLACE MACRO bsn_of(pid) AS bsn_q(1000000 + ((pid * 7919 + ${offset(seed, 81_000_000)}) % 81000000) // 9, ((pid * 7919 + ${offset(seed, 81_000_000)}) % 81000000) % 9);
CREATE OR REPLACE MACRO kvk_of(bid) AS ((10000000 + (bid * 7919 + ${offset(seed, 90_000_000)}) % 90000000)::VARCHAR);
CREATE OR REPLACE MACRO vestiging_of(vid) AS lpad(((vid * 104729 + ${offset(seed, 100_000_000)}) % 100000000)::VARCHAR, 12, '0');
CREATE OR REPLACE MACRO day_in(k, i, j, yr) AS (make_date(yr::BIGINT, 1, 1) + pick3(k, i, j, 365)::INTEGER);
`;
}

export function modelSteps(): ModelStep[] {
  const years = `(SELECT unnest(range(${FIRST_YEAR}, ${LAST_YEAR + 1})) AS year)`;
  return [
    {
      stage: 'regions',
      sql: `
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
`,
    },
    {
      stage: 'households',
      sql: `
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
  CASE WHEN moved THEN (${FIRST_YEAR + 1} + pick('my', hh_id, 4))::INTEGER END AS move_year,
  CASE WHEN moved AND inter THEN inter_buurt WHEN moved THEN intra_buurt END AS origin_buurt,
  CASE WHEN NOT resident THEN (${FIRST_YEAR + 1} + pick('ly', hh_id, 4))::INTEGER END AS leave_year,
  CASE WHEN size = 1 THEN 'single'
       WHEN size = 2 AND rnd('htype', hh_id) < 0.72 THEN 'couple'
       WHEN size = 2 THEN 'parent'
       WHEN rnd('htype', hh_id) < 0.85 THEN 'family' ELSE 'parent' END AS htype
FROM b3;
`,
    },
    {
      stage: 'persons',
      sql: `
CREATE TABLE persons AS
WITH m AS (
  SELECT hh.*, unnest(generate_series(1, size)) AS m FROM hh
), h AS (
  SELECT m.*, rnd('hage', hh_id) AS u1, rnd('hage2', hh_id) AS u2 FROM m
), ha AS (
  SELECT h.*,
    CASE htype
      WHEN 'single' THEN CASE WHEN u1 < 0.30 THEN 19 + 16 * u2 WHEN u1 < 0.68 THEN 35 + 30 * u2 ELSE 65 + 27 * pow(u2, 1.5) END
      WHEN 'couple' THEN CASE WHEN u1 < 0.25 THEN 23 + 22 * u2 WHEN u1 < 0.68 THEN 45 + 22 * u2 ELSE 67 + 22 * pow(u2, 1.5) END
      WHEN 'parent' THEN 28 + 34 * u2
      ELSE 30 + 28 * u2 END AS head_age
  FROM h
), a AS (
  SELECT ha.*,
    CASE WHEN m = 1 THEN 'head' WHEN m = 2 AND htype IN ('couple', 'family') THEN 'partner' ELSE 'child' END AS role
  FROM ha
), ag AS (
  SELECT a.*,
    CASE role
      WHEN 'head' THEN head_age
      WHEN 'partner' THEN greatest(18.2, head_age + 3 * nrm3('pa', hh_id, m))
      ELSE rnd3('ca', hh_id, m) * least(head_age - 20, 24) END AS age
  FROM a
), p AS (
  SELECT row_number() OVER (ORDER BY hh_id, m) AS pid, ag.*,
    (DATE '${LAST_YEAR}-01-01' - (1 + floor(age * 365.25))::INTEGER) AS birth_date,
    CASE role
      WHEN 'head' THEN CASE WHEN htype = 'single' AND age >= 70 THEN rnd('sx', hh_id) < 0.35
                            WHEN htype = 'parent' THEN rnd('sx', hh_id) < 0.2 ELSE rnd('sx', hh_id) < 0.5 END
      WHEN 'partner' THEN (rnd('sx', hh_id) < 0.5) = (rnd3('sxp', hh_id, m) < 0.05)
      ELSE rnd3('sxc', hh_id, m) < 0.51 END AS male
  FROM ag
)
SELECT p.pid, p.hh_id, p.m, p.role, p.gm_code, p.buurt23, p.origin_buurt, p.move_year, p.leave_year,
  p.birth_date, CASE WHEN p.male THEN 'M' ELSE 'V' END AS sex, bsn_of(p.pid) AS bsn,
  0.5 * b.ses + 0.5 * nrm('hses', p.hh_id) + 0.7 * nrm('pses', p.pid) AS ses,
  CASE WHEN rnd('prop', p.pid) < 0.005 * (CASE WHEN p.male THEN 1.6 ELSE 0.4 END) THEN 'high'
       WHEN rnd('prop', p.pid) < 0.04 * (CASE WHEN p.male THEN 1.5 ELSE 0.5 END) THEN 'mid'
       ELSE 'low' END AS prop
FROM p JOIN buurt b ON b.buurt_code = p.buurt23;

-- Person-years and incomes are views, recomputed where used: cheaper than holding ~88 M rows.
CREATE VIEW py AS
SELECT p.pid, y.year::INTEGER AS year, p.hh_id,
  CASE WHEN p.move_year IS NOT NULL AND y.year < p.move_year THEN p.origin_buurt ELSE p.buurt23 END AS buurt_code,
  (y.year - year(p.birth_date) - CASE WHEN month(p.birth_date) = 1 AND day(p.birth_date) = 1 THEN 0 ELSE 1 END)::INTEGER AS age,
  p.sex, p.ses, p.prop, p.bsn, p.birth_date
FROM persons p CROSS JOIN ${years} y
WHERE p.birth_date < make_date(y.year, 1, 1) AND (p.leave_year IS NULL OR y.year < p.leave_year);

-- Views: the writer materialises them once, in file order.
-- Registers follow each year's division: before a herindeling a buurt of the merged area carries
-- its former code (buurt_conv, at most one row per buurt).
CREATE VIEW brp_personen AS
SELECT year AS peiljaar, bsn, coalesce(c.former_code, py.buurt_code) AS buurtcode, birth_date AS geboortedatum, sex AS geslacht,
  'HH' || lpad(hh_id::VARCHAR, 10, '0') AS huishoudnummer, pid AS _pid
FROM py LEFT JOIN buurt_conv c ON c.buurt_code = py.buurt_code AND py.year <= c.last_year;
`,
    },
    {
      stage: 'income',
      sql: `
CREATE VIEW inc AS
SELECT pid, year, hh_id, age, bsn, prop,
  CASE WHEN rnd3('inc0', pid, year) < (CASE WHEN age < 23 THEN 0.15 WHEN age < 67 THEN 0.05 ELSE 0.01 END) THEN 0
    ELSE round(exp(CASE WHEN age < 23 THEN 9.3 WHEN age < 30 THEN 10.2 WHEN age < 60 THEN 10.5 WHEN age < 67 THEN 10.3 ELSE 9.95 END
      + 0.55 * ses + 0.3 * nrm3('incn', pid, year)) * pow(1.025, year - ${FIRST_YEAR}))::BIGINT END AS income,
  CASE WHEN rnd('w0', pid) < (CASE WHEN age < 30 THEN 0.15 WHEN age < 50 THEN 0.3 WHEN age < 67 THEN 0.45 ELSE 0.55 END)
    THEN round(exp(10.3 + 1.2 * nrm('wz', pid) + 0.3 * ses) * pow(1.05, year - ${FIRST_YEAR}))::BIGINT ELSE 0 END AS wealth
FROM py WHERE age >= 18;

CREATE VIEW bd_inkomen AS
SELECT year AS jaar, bsn, income::DOUBLE AS verzamelinkomen, wealth::DOUBLE AS vermogen, pid AS _pid
FROM inc;

CREATE TABLE bd_schulden AS
SELECT py.year AS jaar, py.bsn,
  round(exp(7.6 + 1.1 * nrm3('da', py.pid, py.year)))::DOUBLE AS openstaand_bedrag,
  rnd3('dw', py.pid, py.year) < 0.5 AS dwanginvordering, py.pid AS _pid
FROM py
WHERE py.age >= 18 AND rnd('dp', py.pid) < (CASE WHEN py.ses < -0.8 THEN 0.15 ELSE 0.03 END)
  AND rnd3('dy', py.pid, py.year) < 0.7;
`,
    },
    {
      stage: 'crime',
      sql: `
CREATE TABLE crime_py AS
SELECT py.pid, py.year, py.buurt_code, py.age, py.prop, b.gm_code, b.hemp,
  py.age BETWEEN 12 AND 23 AS youth,
  CASE py.prop WHEN 'high' THEN 0.75 WHEN 'mid' THEN 0.3 ELSE 0.08 END AS p_repeat
FROM py JOIN buurt b USING (buurt_code)
WHERE py.age >= 12 AND rnd3('c1', py.pid, py.year) < least(0.9,
  (CASE WHEN py.age < 18 THEN 0.035 WHEN py.age < 25 THEN 0.05 WHEN py.age < 35 THEN 0.03 WHEN py.age < 50 THEN 0.017 ELSE 0.006 END)
  * (CASE WHEN py.sex = 'M' THEN 1.0 ELSE 0.25 END)
  * (CASE py.prop WHEN 'high' THEN 25 WHEN 'mid' THEN 4 ELSE 0.5 END)
  * (1 + (CASE WHEN py.ses < -0.8 THEN 0.5 ELSE 0 END)));

CREATE TABLE reg AS
WITH s AS (
  SELECT c.*, unnest(generate_series(1, 4)) AS slot FROM crime_py c
), k AS (
  SELECT s.*, rnd4('cls', pid, year, slot) AS uc, year - ${FIRST_YEAR} AS t FROM s
  WHERE slot = 1 OR rnd4('c2', pid, year, slot) < p_repeat
), cl AS (
  SELECT k.*,
    CASE
      WHEN hemp AND uc < 0.25 THEN 'drugs_productie'
      WHEN youth THEN CASE
        WHEN uc < 0.01 THEN 'drugs_productie'
        WHEN uc < 0.11 + 0.03 * t THEN 'drugs_handel'
        WHEN uc < 0.12 + 0.03 * t THEN 'witwassen'
        WHEN uc < 0.123 + 0.03 * t THEN 'mensenhandel'
        WHEN uc < 0.423 + 0.03 * t THEN 'geweld'
        WHEN uc < 0.77 THEN 'vermogen'
        ELSE 'overig' END
      ELSE CASE
        WHEN uc < 0.02 THEN 'drugs_productie'
        WHEN uc < 0.10 THEN 'drugs_handel'
        WHEN uc < 0.13 + 0.006 * t THEN 'witwassen'
        WHEN uc < 0.14 + 0.006 * t THEN 'mensenhandel'
        WHEN uc < 0.44 + 0.006 * t THEN 'geweld'
        WHEN uc < 0.78 - 0.012 * t THEN 'vermogen'
        ELSE 'overig' END
    END AS delictklasse,
    day_in('cd', pid, year * 10 + slot, year) AS pleegdatum
  FROM k
), pl AS (
  SELECT cl.*, (delictklasse = 'drugs_productie' AND hemp) OR rnd4('po', pid, year, slot) < 0.7 AS at_home,
    pick3('pb', pid, year * 10 + slot, w.total_w) AS ub
  FROM cl JOIN gm_w w USING (gm_code)
), pb AS (
  SELECT pl.*, b.buurt_code AS other_buurt FROM pl ASOF JOIN buurt b ON pl.gm_code = b.gm_code AND pl.ub >= b.cum_lo
)
SELECT pid, year, slot, delictklasse, pleegdatum, coalesce(c.former_code, CASE WHEN at_home THEN pb.buurt_code ELSE other_buurt END) AS pleeg_buurtcode, prop
FROM pb LEFT JOIN buurt_conv c ON c.buurt_code = (CASE WHEN at_home THEN pb.buurt_code ELSE other_buurt END) AND pb.year <= c.last_year;

CREATE TABLE politie_verdachten AS
SELECT 'PL' || year(r.pleegdatum) || '-' || lpad(row_number() OVER (PARTITION BY year(r.pleegdatum) ORDER BY r.pleegdatum, r.pid, r.year, r.slot)::VARCHAR, 8, '0') AS registratienummer,
  p.bsn, r.pleegdatum, r.delictklasse, r.pleeg_buurtcode, r.pid AS _pid, r.year AS _year, r.slot AS _slot, r.prop AS _prop
FROM reg r JOIN persons p USING (pid);

CREATE TABLE om_veroordelingen AS
WITH c AS (
  SELECT v.*, v.pleegdatum + (120 + pick3('vd', _pid, _year * 10 + _slot, 500))::INTEGER AS vonnisdatum
  FROM politie_verdachten v
  WHERE rnd4('conv', _pid, _year, _slot) < (CASE WHEN _prop = 'high' THEN 0.6 ELSE 0.4 END)
)
SELECT lpad((10 + pick('arr', _pid, 9))::VARCHAR, 2, '0') || '/' || lpad(row_number() OVER (ORDER BY vonnisdatum, registratienummer)::VARCHAR, 6, '0') || '-' || strftime(vonnisdatum, '%y') AS parketnummer,
  bsn, vonnisdatum, delictklasse
FROM c WHERE vonnisdatum <= DATE '${LAST_YEAR}-12-31';

CREATE TABLE politie_ontmantelingen AS
WITH bp AS (
  SELECT buurt_code, year, count(*) AS pop FROM py GROUP BY ALL
), l AS (
  SELECT bp.*, b.hemp, pop * 2.2e-4 * (CASE WHEN b.hemp THEN 25 ELSE 1 END) * (1 - 0.05 * (year - ${FIRST_YEAR})) AS lam
  FROM bp JOIN buurt b USING (buurt_code)
), s AS (
  SELECT l.*, unnest(generate_series(1, (ceil(2 * lam) + 1)::BIGINT)) AS slot FROM l
), k AS (
  SELECT * FROM s WHERE rnd4('ont', buurt_code, year, slot) < lam / (ceil(2 * lam) + 1)
), d AS (
  SELECT k.*, day_in('ontd', buurt_code, year * 100 + slot, year) AS ontmantelingsdatum FROM k
)
SELECT 'ONT-' || year || '-' || lpad(row_number() OVER (PARTITION BY year ORDER BY ontmantelingsdatum, d.buurt_code, slot)::VARCHAR, 6, '0') AS zaaknummer,
  ontmantelingsdatum, coalesce(c.former_code, d.buurt_code) AS buurtcode,
  greatest(10, round(exp(5.7 + 0.8 * nrm3('plants', d.buurt_code, year * 100 + slot))))::INTEGER AS aantal_planten
FROM d LEFT JOIN buurt_conv c ON c.buurt_code = d.buurt_code AND d.year <= c.last_year;
`,
    },
    {
      stage: 'businesses',
      sql: `
CREATE TABLE biz AS
WITH f AS (
  SELECT p.pid, p.bsn, p.birth_date, p.buurt23 AS buurt_code, p.prop, b.gm_code, b.cash, 1 AS nr
  FROM persons p JOIN buurt b ON b.buurt_code = p.buurt23
  WHERE p.leave_year IS NULL AND p.birth_date <= DATE '${LAST_YEAR - 18}-01-01' AND rnd('biz', p.pid) < 0.15
  UNION ALL
  SELECT p.pid, p.bsn, p.birth_date, p.buurt23, p.prop, b.gm_code, b.cash, 2 AS nr
  FROM persons p JOIN buurt b ON b.buurt_code = p.buurt23
  WHERE p.leave_year IS NULL AND p.birth_date <= DATE '${LAST_YEAR - 18}-01-01'
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
    greatest(birth_date + INTERVAL 18 YEAR, DATE '${LAST_YEAR}-12-31' - floor(pow(rnd('sd', bid), 1.8) * 14000)::INTEGER)::DATE AS startdatum
  FROM r
)
SELECT s.*,
  CASE WHEN rechtsvorm IN ('stichting', 'vereniging') AND NOT cash_branch THEN (CASE WHEN rnd('sbi', bid) < 0.5 THEN '9499' ELSE '8810' END)
       WHEN cash_branch THEN list_extract(${sqlList(CASH_INTENSIVE_SBI)}, 1 + pick('sbi', bid, ${CASH_INTENSIVE_SBI.length}))
       ELSE list_extract(${sqlList(OTHER_SBI)}, 1 + pick('sbi', bid, ${OTHER_SBI.length})) END AS sbi_code,
  CASE WHEN rnd('end', bid) < 0.25 THEN startdatum + (30 + pick('endd', bid, 6000))::INTEGER END AS end0,
  kvk_of(bid) AS kvk_nummer
FROM s;

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
  CASE WHEN end0 <= DATE '${LAST_YEAR}-12-31' AND end0 > startdatum THEN end0 END AS einddatum
FROM o WHERE startdatum <= DATE '${LAST_YEAR}-12-31';

CREATE TABLE adults_gm AS
SELECT p.pid, p.bsn, p.buurt23, b.gm_code, row_number() OVER (PARTITION BY b.gm_code ORDER BY p.pid) - 1 AS idx
FROM persons p JOIN buurt b ON b.buurt_code = p.buurt23
WHERE p.leave_year IS NULL AND p.birth_date <= DATE '${LAST_YEAR - 18}-01-01';
CREATE TABLE adults_n AS SELECT gm_code, count(*) AS n FROM adults_gm GROUP BY gm_code;

CREATE TABLE kvk_bestuurders AS
WITH d AS (
  SELECT kvk_nummer, bsn, CASE rechtsvorm WHEN 'eenmanszaak' THEN 'eigenaar' WHEN 'vof' THEN 'vennoot' ELSE 'bestuurder' END AS functie,
    startdatum, CASE WHEN end0 <= DATE '${LAST_YEAR}-12-31' AND end0 > startdatum THEN end0 END AS einddatum
  FROM biz WHERE startdatum <= DATE '${LAST_YEAR}-12-31'
  UNION ALL
  SELECT b.kvk_nummer, a.bsn, CASE b.rechtsvorm WHEN 'vof' THEN 'vennoot' ELSE 'bestuurder' END,
    b.startdatum + pick('d2s', b.bid, 400)::INTEGER,
    CASE WHEN b.end0 <= DATE '${LAST_YEAR}-12-31' AND b.end0 > b.startdatum + pick('d2s', b.bid, 400)::INTEGER THEN b.end0 END
  FROM biz b JOIN adults_n n USING (gm_code)
  JOIN adults_gm a ON a.gm_code = b.gm_code AND a.idx = pick('d2', b.bid, n.n)
  WHERE (b.rechtsvorm = 'vof' OR (b.rechtsvorm NOT IN ('eenmanszaak') AND rnd('d2p', b.bid) < 0.4))
    AND a.bsn <> b.bsn AND b.startdatum + pick('d2s', b.bid, 400)::INTEGER <= DATE '${LAST_YEAR}-12-31'
)
SELECT * FROM d;
`,
    },
    {
      stage: 'property',
      sql: `
CREATE TABLE dwelling AS
SELECT hh.hh_id, hh.gm_code, coalesce(hh.buurt23, hh.origin_buurt) AS buurt_code, hh.move_year, hh.resident,
  substr(hh.gm_code, 3) || '01' || lpad(hh.hh_id::VARCHAR, 10, '0') AS object_id,
  CASE WHEN rnd('bj', hh.hh_id) < 0.2 THEN 1850 + pick('bj2', hh.hh_id, 95)
       WHEN rnd('bj', hh.hh_id) < 0.7 THEN 1945 + pick('bj2', hh.hh_id, 46)
       ELSE 1991 + pick('bj2', hh.hh_id, ${LAST_YEAR - 1991 + 1}) END::INTEGER AS bouwjaar
FROM hh;

CREATE TABLE kadaster_woningen AS SELECT object_id, buurt_code AS buurtcode, bouwjaar FROM dwelling;

CREATE TABLE hh_money AS
SELECT hh_id, year, sum(income)::BIGINT AS hh_income, sum(wealth)::BIGINT AS hh_wealth FROM inc GROUP BY ALL;
CREATE TABLE heads AS SELECT hh_id, pid, bsn, prop FROM persons WHERE m = 1;

CREATE TABLE tx AS
WITH own AS (
  SELECT d.hh_id, d.object_id, d.buurt_code, d.gm_code, d.move_year AS year, h.bsn AS koper_bsn, CAST(NULL AS VARCHAR) AS koper_kvk_nummer,
    h.prop, 1 AS kind
  FROM dwelling d JOIN heads h USING (hh_id)
  WHERE d.move_year IS NOT NULL AND rnd('owner', d.hh_id) < 0.55
), other AS (
  SELECT d.hh_id, d.object_id, d.buurt_code, d.gm_code, y.year::INTEGER AS year, CAST(NULL AS VARCHAR), CAST(NULL AS VARCHAR), 'low', 2
  FROM dwelling d CROSS JOIN ${years} y
  WHERE (d.move_year IS NULL OR d.move_year <> y.year) AND rnd3('otx', d.hh_id, y.year) < 0.015
)
SELECT * FROM own UNION ALL SELECT * FROM other;

CREATE TABLE invest_gm AS
SELECT kvk_nummer, gm_code, row_number() OVER (PARTITION BY gm_code ORDER BY bid) - 1 AS idx
FROM biz WHERE rechtsvorm IN ('bv', 'stichting');
CREATE TABLE invest_n AS SELECT gm_code, count(*) AS n FROM invest_gm GROUP BY gm_code;

CREATE TABLE kadaster_transacties AS
WITH t AS (
  SELECT tx.*, b.price_2019, m.hh_income, m.hh_wealth,
    rnd3('sus', tx.hh_id, tx.year) < (CASE WHEN tx.prop = 'high' THEN 0.5 WHEN tx.prop = 'mid' THEN 0.05 ELSE 0.012 END) AS unexplained,
    round(b.price_2019 * pow(1.08, tx.year - ${FIRST_YEAR}) * exp(0.25 * nrm3('psz', tx.hh_id, tx.year)) / 1000)::BIGINT * 1000 AS market
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
`,
    },
    {
      stage: 'fiu',
      sql: `
CREATE TABLE fiu_raw AS
SELECT i.bsn, CAST(NULL AS VARCHAR) AS kvk_nummer, i.year, i.pid AS k1, 1 AS k2, slot
FROM inc i, (SELECT unnest(generate_series(1, 3)) AS slot)
WHERE rnd4('fiu', i.pid, i.year, slot) < 0.002 * (CASE i.prop WHEN 'high' THEN 30 WHEN 'mid' THEN 3 ELSE 1 END) * (1 + 0.1 * (i.year - ${FIRST_YEAR}))
UNION ALL
SELECT NULL, b.kvk_nummer, y.year::INTEGER, b.bid, 2, 1
FROM biz b CROSS JOIN ${years} y
WHERE b.startdatum <= make_date(y.year, 12, 31) AND (b.end0 IS NULL OR b.end0 >= make_date(y.year, 1, 1))
  AND rnd3('fiub', b.bid, y.year) < 0.004 * (CASE WHEN list_contains(${sqlList(CASH_INTENSIVE_SBI)}, b.sbi_code) THEN 6 ELSE 1 END);

CREATE TABLE fiu_meldingen AS
WITH d AS (
  SELECT f.*, day_in('fd', k1 * 10 + k2, year * 10 + slot, year) AS meldingsdatum,
    round(exp(8.5 + 1.4 * nrm3('fa', k1 * 10 + k2, year * 10 + slot)), 2) AS bedrag
  FROM fiu_raw f
)
SELECT 'FIU' || year || lpad(row_number() OVER (PARTITION BY year ORDER BY meldingsdatum, k2, k1, slot)::VARCHAR, 7, '0') AS melding_id,
  bsn, kvk_nummer, meldingsdatum, bedrag::DOUBLE AS bedrag
FROM d;
`,
    },
    {
      stage: 'benefits',
      sql: `
CREATE TABLE uwv_uitkeringen AS
WITH base AS (
  SELECT p.*, p.birth_date + INTERVAL 66 YEAR + INTERVAL 4 MONTH AS aow_start,
    CASE WHEN p.leave_year IS NOT NULL THEN day_in('leave', p.pid, 0, p.leave_year - 1) END AS leave_date
  FROM persons p
), aow AS (
  SELECT bsn, 'aow' AS uitkeringssoort, aow_start::DATE AS startdatum, leave_date AS einddatum
  FROM base WHERE aow_start <= DATE '${LAST_YEAR}-12-31' AND (leave_date IS NULL OR aow_start < leave_date)
), bij AS (
  SELECT bsn, 'bijstand', greatest(birth_date + INTERVAL 18 YEAR, DATE '2012-01-01' + pick('bs', pid, 4380)::INTEGER)::DATE AS s,
    CASE WHEN rnd('be', pid) < 0.4 THEN greatest(birth_date + INTERVAL 18 YEAR, DATE '2012-01-01' + pick('bs', pid, 4380)::INTEGER)::DATE + (60 + pick('bed', pid, 1500))::INTEGER END AS e
  FROM base WHERE ses < -1.3 AND rnd('bij', pid) < 0.45 AND birth_date <= DATE '${LAST_YEAR - 18}-12-31'
    AND birth_date > DATE '${LAST_YEAR - 66}-01-01'
), ww AS (
  SELECT py.bsn, 'ww', day_in('wws', py.pid, 0, py.year) AS s, day_in('wws', py.pid, 0, py.year) + (60 + pick3('wwd', py.pid, py.year, 480))::INTEGER AS e
  FROM py
  WHERE py.age BETWEEN 18 AND 66 AND rnd3('ww', py.pid, py.year) < 0.025
), wia AS (
  SELECT bsn, 'wia', greatest(birth_date + INTERVAL 25 YEAR, DATE '2006-01-01' + pick('wis', pid, 6500)::INTEGER)::DATE AS s, CAST(NULL AS DATE) AS e
  FROM base WHERE rnd('wia', pid) < 0.035 AND birth_date <= DATE '${LAST_YEAR - 30}-01-01' AND birth_date > DATE '${LAST_YEAR - 66}-01-01'
), wajong AS (
  SELECT bsn, 'wajong', (birth_date + INTERVAL 18 YEAR)::DATE, CAST(NULL AS DATE)
  FROM base WHERE rnd('wj', pid) < 0.012 AND birth_date > DATE '1975-01-01' AND birth_date + INTERVAL 18 YEAR <= DATE '${LAST_YEAR}-12-31'
), u AS (
  SELECT * FROM aow
  UNION ALL SELECT * FROM bij WHERE s <= DATE '${LAST_YEAR}-12-31'
  UNION ALL SELECT * FROM ww
  UNION ALL SELECT * FROM wia WHERE s <= DATE '${LAST_YEAR}-12-31'
  UNION ALL SELECT * FROM wajong
)
SELECT bsn, uitkeringssoort, startdatum::DATE AS startdatum,
  CASE WHEN einddatum <= DATE '${LAST_YEAR}-12-31' THEN einddatum::DATE END AS einddatum
FROM u;
`,
    },
  ];
}
