/**
 * Benefits (UWV): AOW from the pension age, bijstand for low SES, WW spells, WIA and Wajong.
 */
import { step, type ModelContext, type ModelStep } from './context.js';

/** Benefits. */
export function benefitsStep(ctx: ModelContext): ModelStep {
  return step('benefits', [uwvUitkeringen(ctx)]);
}

/** Every benefit with its period, ended at leaving the area. */
function uwvUitkeringen(ctx: ModelContext): string {
  return `
CREATE TABLE uwv_uitkeringen AS
WITH base AS (
  SELECT p.*, p.birth_date + INTERVAL 66 YEAR + INTERVAL 4 MONTH AS aow_start,
    CASE WHEN p.leave_year IS NOT NULL THEN day_in('leave', p.pid, 0, p.leave_year - 1) END AS leave_date
  FROM persons p
), aow AS (
  SELECT bsn, 'aow' AS uitkeringssoort, aow_start::DATE AS startdatum, leave_date AS einddatum
  FROM base WHERE aow_start <= ${ctx.lastDay} AND (leave_date IS NULL OR aow_start < leave_date)
), bij AS (
  SELECT bsn, 'bijstand', greatest(birth_date + INTERVAL 18 YEAR, DATE '2012-01-01' + pick('bs', pid, 4380)::INTEGER)::DATE AS s,
    CASE WHEN rnd('be', pid) < 0.4 THEN greatest(birth_date + INTERVAL 18 YEAR, DATE '2012-01-01' + pick('bs', pid, 4380)::INTEGER)::DATE + (60 + pick('bed', pid, 1500))::INTEGER END AS e
  FROM base WHERE ses < -1.3 AND rnd('bij', pid) < 0.45 AND birth_date <= DATE '${ctx.lastYear - 18}-12-31'
    AND birth_date > DATE '${ctx.lastYear - 66}-01-01'
), ww AS (
  SELECT py.bsn, 'ww', day_in('wws', py.pid, 0, py.year) AS s, day_in('wws', py.pid, 0, py.year) + (60 + pick3('wwd', py.pid, py.year, 480))::INTEGER AS e
  FROM py
  WHERE py.age BETWEEN 18 AND 66 AND rnd3('ww', py.pid, py.year) < 0.025
), wia AS (
  SELECT bsn, 'wia', greatest(birth_date + INTERVAL 25 YEAR, DATE '2006-01-01' + pick('wis', pid, 6500)::INTEGER)::DATE AS s, CAST(NULL AS DATE) AS e
  FROM base WHERE rnd('wia', pid) < 0.035 AND birth_date <= DATE '${ctx.lastYear - 30}-01-01' AND birth_date > DATE '${ctx.lastYear - 66}-01-01'
), wajong AS (
  SELECT bsn, 'wajong', (birth_date + INTERVAL 18 YEAR)::DATE, CAST(NULL AS DATE)
  FROM base WHERE rnd('wj', pid) < 0.012 AND birth_date > DATE '1975-01-01' AND birth_date + INTERVAL 18 YEAR <= ${ctx.lastDay}
), u AS (
  SELECT * FROM aow
  UNION ALL SELECT * FROM bij WHERE s <= ${ctx.lastDay}
  UNION ALL SELECT * FROM ww
  UNION ALL SELECT * FROM wia WHERE s <= ${ctx.lastDay}
  UNION ALL SELECT * FROM wajong
)
SELECT bsn, uitkeringssoort, startdatum::DATE AS startdatum,
  CASE WHEN einddatum <= ${ctx.lastDay} THEN einddatum::DATE END AS einddatum
FROM u;
`;
}
