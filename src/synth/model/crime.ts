/**
 * Crime: offences by person-year (driven by age, sex, propensity and SES), their police
 * registrations, convictions, and dismantled hemp plantations per buurt.
 */
import { step, type ModelContext, type ModelStep } from './context.js';

/** Suspects, convictions and dismantlings. */
export function crimeStep(ctx: ModelContext): ModelStep {
  return step('crime', [
    offenderYears(),
    registrations(ctx),
    politieVerdachten(),
    omVeroordelingen(ctx),
    politieOntmantelingen(ctx),
  ]);
}

/** Person-years with at least one offence. */
function offenderYears(): string {
  return `
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
`;
}

/** Up to four offences per offender-year: class, date and buurt where it was committed. */
function registrations(ctx: ModelContext): string {
  return `
CREATE TABLE reg AS
WITH s AS (
  SELECT c.*, unnest(generate_series(1, 4)) AS slot FROM crime_py c
), k AS (
  SELECT s.*, rnd4('cls', pid, year, slot) AS uc, year - ${ctx.firstYear} AS t FROM s
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
`;
}

/** The police register of suspects. */
function politieVerdachten(): string {
  return `
CREATE TABLE politie_verdachten AS
SELECT 'PL' || year(r.pleegdatum) || '-' || lpad(row_number() OVER (PARTITION BY year(r.pleegdatum) ORDER BY r.pleegdatum, r.pid, r.year, r.slot)::VARCHAR, 8, '0') AS registratienummer,
  p.bsn, r.pleegdatum, r.delictklasse, r.pleeg_buurtcode, r.pid AS _pid, r.year AS _year, r.slot AS _slot, r.prop AS _prop
FROM reg r JOIN persons p USING (pid);
`;
}

/** Convictions of part of the suspects, within the run. */
function omVeroordelingen(ctx: ModelContext): string {
  return `
CREATE TABLE om_veroordelingen AS
WITH c AS (
  SELECT v.*, v.pleegdatum + (120 + pick3('vd', _pid, _year * 10 + _slot, 500))::INTEGER AS vonnisdatum
  FROM politie_verdachten v
  WHERE rnd4('conv', _pid, _year, _slot) < (CASE WHEN _prop = 'high' THEN 0.6 ELSE 0.4 END)
)
SELECT lpad((10 + pick('arr', _pid, 9))::VARCHAR, 2, '0') || '/' || lpad(row_number() OVER (ORDER BY vonnisdatum, registratienummer)::VARCHAR, 6, '0') || '-' || strftime(vonnisdatum, '%y') AS parketnummer,
  bsn, vonnisdatum, delictklasse
FROM c WHERE vonnisdatum <= ${ctx.lastDay};
`;
}

/** Dismantled plantations: a Poisson-like count per buurt and year, hemp buurten far above. */
function politieOntmantelingen(ctx: ModelContext): string {
  return `
CREATE TABLE politie_ontmantelingen AS
WITH bp AS (
  SELECT buurt_code, year, count(*) AS pop FROM py GROUP BY ALL
), l AS (
  SELECT bp.*, b.hemp, pop * 2.2e-4 * (CASE WHEN b.hemp THEN 25 ELSE 1 END) * (1 - 0.05 * (year - ${ctx.firstYear})) AS lam
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
`;
}
