/**
 * Persons: the members of each household with age, sex, BSN, SES and propensity, the person-years
 * they live in the area and the BRP register built on them.
 */
import { step, type ModelContext, type ModelStep } from './context.js';

/** Persons, person-years and the BRP. */
export function personsStep(ctx: ModelContext): ModelStep {
  return step('persons', [persons(ctx), personYears(ctx), brpPersonen()]);
}

/** The members of every household: role, age, sex, BSN, SES and criminal propensity. */
function persons(ctx: ModelContext): string {
  return `
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
    (DATE '${ctx.lastYear}-01-01' - (1 + floor(age * 365.25))::INTEGER) AS birth_date,
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
`;
}

/** One row per person and year of residence, with the buurt of that year. */
function personYears(ctx: ModelContext): string {
  return `
-- Person-years and incomes are views, recomputed where used: cheaper than holding ~88 M rows.
CREATE VIEW py AS
SELECT p.pid, y.year::INTEGER AS year, p.hh_id,
  CASE WHEN p.move_year IS NOT NULL AND y.year < p.move_year THEN p.origin_buurt ELSE p.buurt23 END AS buurt_code,
  (y.year - year(p.birth_date) - CASE WHEN month(p.birth_date) = 1 AND day(p.birth_date) = 1 THEN 0 ELSE 1 END)::INTEGER AS age,
  p.sex, p.ses, p.prop, p.bsn, p.birth_date
FROM persons p CROSS JOIN ${ctx.years} y
WHERE p.birth_date < make_date(y.year, 1, 1) AND (p.leave_year IS NULL OR y.year < p.leave_year);
`;
}

/** The BRP register: one row per resident and peiljaar. */
function brpPersonen(): string {
  return `
-- Views: the writer materialises them once, in file order.
-- Registers follow each year's division: before a herindeling a buurt of the merged area carries
-- its former code (buurt_conv, at most one row per buurt).
CREATE VIEW brp_personen AS
SELECT year AS peiljaar, bsn, coalesce(c.former_code, py.buurt_code) AS buurtcode, birth_date AS geboortedatum, sex AS geslacht,
  'HH' || lpad(hh_id::VARCHAR, 10, '0') AS huishoudnummer, pid AS _pid
FROM py LEFT JOIN buurt_conv c ON c.buurt_code = py.buurt_code AND py.year <= c.last_year;
`;
}
