/**
 * Unusual transactions reported to the FIU: of persons (more with high propensity) and of
 * enterprises (more in cash-intensive branches).
 */
import { sqlList, step, type ModelContext, type ModelStep } from './context.js';
import { CASH_INTENSIVE_SBI } from './sbi.js';

/** FIU reports. */
export function fiuStep(ctx: ModelContext): ModelStep {
  return step('fiu', [fiuCandidates(ctx), fiuMeldingen()]);
}

/** Who is reported in which year: persons up to three times, enterprises once. */
function fiuCandidates(ctx: ModelContext): string {
  return `
CREATE TABLE fiu_raw AS
SELECT i.bsn, CAST(NULL AS VARCHAR) AS kvk_nummer, i.year, i.pid AS k1, 1 AS k2, slot
FROM inc i, (SELECT unnest(generate_series(1, 3)) AS slot)
WHERE rnd4('fiu', i.pid, i.year, slot) < 0.002 * (CASE i.prop WHEN 'high' THEN 30 WHEN 'mid' THEN 3 ELSE 1 END) * (1 + 0.1 * (i.year - ${ctx.firstYear}))
UNION ALL
SELECT NULL, b.kvk_nummer, y.year::INTEGER, b.bid, 2, 1
FROM biz b CROSS JOIN ${ctx.years} y
WHERE b.startdatum <= make_date(y.year, 12, 31) AND (b.end0 IS NULL OR b.end0 >= make_date(y.year, 1, 1))
  AND rnd3('fiub', b.bid, y.year) < 0.004 * (CASE WHEN list_contains(${sqlList(CASH_INTENSIVE_SBI)}, b.sbi_code) THEN 6 ELSE 1 END);
`;
}

/** The reports with date and amount. */
function fiuMeldingen(): string {
  return `
CREATE TABLE fiu_meldingen AS
WITH d AS (
  SELECT f.*, day_in('fd', k1 * 10 + k2, year * 10 + slot, year) AS meldingsdatum,
    round(exp(8.5 + 1.4 * nrm3('fa', k1 * 10 + k2, year * 10 + slot)), 2) AS bedrag
  FROM fiu_raw f
)
SELECT 'FIU' || year || lpad(row_number() OVER (PARTITION BY year ORDER BY meldingsdatum, k2, k1, slot)::VARCHAR, 7, '0') AS melding_id,
  bsn, kvk_nummer, meldingsdatum, bedrag::DOUBLE AS bedrag
FROM d;
`;
}
