/**
 * Income, wealth and tax debts of adults, per year (Belastingdienst).
 */
import { step, type ModelContext, type ModelStep } from './context.js';

/** Incomes, the income register and the debt register. */
export function incomeStep(ctx: ModelContext): ModelStep {
  return step('income', [incomes(ctx), bdInkomen(), bdSchulden()]);
}

/** Income and wealth per adult person-year. */
function incomes(ctx: ModelContext): string {
  return `
CREATE VIEW inc AS
SELECT pid, year, hh_id, age, bsn, prop,
  CASE WHEN rnd3('inc0', pid, year) < (CASE WHEN age < 23 THEN 0.15 WHEN age < 67 THEN 0.05 ELSE 0.01 END) THEN 0
    ELSE round(exp(CASE WHEN age < 23 THEN 9.3 WHEN age < 30 THEN 10.2 WHEN age < 60 THEN 10.5 WHEN age < 67 THEN 10.3 ELSE 9.95 END
      + 0.55 * ses + 0.3 * nrm3('incn', pid, year)) * pow(1.025, year - ${ctx.firstYear}))::BIGINT END AS income,
  CASE WHEN rnd('w0', pid) < (CASE WHEN age < 30 THEN 0.15 WHEN age < 50 THEN 0.3 WHEN age < 67 THEN 0.45 ELSE 0.55 END)
    THEN round(exp(10.3 + 1.2 * nrm('wz', pid) + 0.3 * ses) * pow(1.05, year - ${ctx.firstYear}))::BIGINT ELSE 0 END AS wealth
FROM py WHERE age >= 18;
`;
}

/** The income register. */
function bdInkomen(): string {
  return `
CREATE VIEW bd_inkomen AS
SELECT year AS jaar, bsn, income::DOUBLE AS verzamelinkomen, wealth::DOUBLE AS vermogen, pid AS _pid
FROM inc;
`;
}

/** Tax debts: mostly of low-SES adults, not every year. */
function bdSchulden(): string {
  return `
CREATE TABLE bd_schulden AS
SELECT py.year AS jaar, py.bsn,
  round(exp(7.6 + 1.1 * nrm3('da', py.pid, py.year)))::DOUBLE AS openstaand_bedrag,
  rnd3('dw', py.pid, py.year) < 0.5 AS dwanginvordering, py.pid AS _pid
FROM py
WHERE py.age >= 18 AND rnd('dp', py.pid) < (CASE WHEN py.ses < -0.8 THEN 0.15 ELSE 0.03 END)
  AND rnd3('dy', py.pid, py.year) < 0.7;
`;
}
