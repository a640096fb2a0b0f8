/**
 * The linkage report: for every dataset at the broker, how its records link to the population
 * register (`brp_personen`, per peiljaar) and, for KvK-nummers, to the business register
 * (`kvk_vestigingen`, registered in that year). Every row is accounted for: per identifier column
 * matched + unmatched + missing = rows.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { brokerColumnName, datasetContract, type DatasetContract } from '../ingest/contracts.js';
import { q } from './sql.js';

/** The year a row belongs to, per dataset (a SQL expression over the dataset's columns). */
export const DATASET_YEAR: Record<string, string> = {
  brp_personen: 'peiljaar',
  bd_inkomen: 'jaar',
  bd_schulden: 'jaar',
  politie_verdachten: 'year(pleegdatum)',
  politie_ontmantelingen: 'year(ontmantelingsdatum)',
  om_veroordelingen: 'year(vonnisdatum)',
  kvk_vestigingen: 'year(startdatum)',
  kvk_bestuurders: 'year(startdatum)',
  kadaster_transacties: 'year(transactiedatum)',
  kadaster_woningen: 'bouwjaar',
  fiu_meldingen: 'year(meldingsdatum)',
  uwv_uitkeringen: 'year(startdatum)',
};

export const POPULATION_REGISTER = 'brp_personen';
export const BUSINESS_REGISTER = 'kvk_vestigingen';

export interface ColumnLinkage {
  column: string;
  kind: 'bsn' | 'kvk';
  /** Register matched against, with the rule. */
  register: string;
  /** Rows with a pseudonym / without (nullable columns). */
  withPseudonym: number;
  missing: number;
  distinctPseudonyms: number;
  matchedRows: number;
  unmatchedRows: number;
  matchedDistinct: number;
  unmatchedDistinct: number;
  /** Years (of this dataset's rows) for which the register has no record at all. */
  yearsWithoutRegister: number[];
}

export interface DatasetLinkage {
  dataset: string;
  unit: string;
  rows: number;
  /** Rows repeating the contract key of an earlier row (rows − distinct keys). */
  duplicates: number;
  columns: ColumnLinkage[];
}

export interface LinkageReport {
  generatedAt: string;
  populationRegister: string;
  businessRegister: string;
  datasets: DatasetLinkage[];
}

async function one(conn: DuckDBConnection, sql: string): Promise<Record<string, unknown>> {
  const rows = (await conn.runAndReadAll(sql)).getRowObjectsJS();
  return (rows[0] ?? {}) as Record<string, unknown>;
}

async function tableExists(conn: DuckDBConnection, t: string): Promise<boolean> {
  const r = await one(
    conn,
    `SELECT count(*) AS n FROM duckdb_tables() WHERE table_name = '${t.replaceAll("'", "''")}'`,
  );
  return Number(r.n) > 0;
}

/** Which registers the broker holds: a missing one makes every row of its kind unmatched. */
interface Registers {
  hasBrp: boolean;
  hasKvk: boolean;
}

const NO_REGISTER = `SELECT NULL::VARCHAR AS p, NULL::INTEGER AS y0, NULL::INTEGER AS y1 WHERE false`;

/**
 * The register for an identifier kind as intervals of years (y0..y1) per pseudonym, and its
 * name with the matching rule.
 */
function registerFor(kind: 'bsn' | 'kvk', registers: Registers): { sql: string; name: string } {
  if (kind === 'bsn') {
    return {
      name: `${POPULATION_REGISTER} (same peiljaar)`,
      sql: registers.hasBrp
        ? `SELECT DISTINCT bsn_pseudonym AS p, peiljaar AS y0, peiljaar AS y1 FROM ${POPULATION_REGISTER}`
        : NO_REGISTER,
    };
  }
  return {
    name: `${BUSINESS_REGISTER} (registered in that year)`,
    sql: registers.hasKvk
      ? `SELECT DISTINCT kvk_nummer_pseudonym AS p, year(startdatum) AS y0, coalesce(year(einddatum), 9999) AS y1 FROM ${BUSINESS_REGISTER}`
      : NO_REGISTER,
  };
}

/** How one identifier column of dataset `id` links to its register; checks every row counts. */
async function columnLinkage(
  conn: DuckDBConnection,
  id: string,
  c: DatasetContract['columns'][number],
  yearExpr: string,
  registers: Registers,
  rows: number,
): Promise<ColumnLinkage> {
  const col = q(brokerColumnName(c));
  const kind = c.identifier as 'bsn' | 'kvk';
  // EXISTS keeps one verdict per row however many register records cover it (a KvK-nummer with
  // several vestigingen).
  const register = registerFor(kind, registers);
  const r = await one(
    conn,
    `WITH reg AS (${register.sql}),
     regyears AS (SELECT DISTINCT y0, y1 FROM reg),
     t AS (SELECT ${col} AS p, CAST(${yearExpr} AS INTEGER) AS y FROM ${q(id)}),
     m AS (SELECT t.p, t.y,
             EXISTS (SELECT 1 FROM reg WHERE reg.p = t.p AND t.y BETWEEN reg.y0 AND reg.y1) AS matched,
             EXISTS (SELECT 1 FROM regyears WHERE t.y BETWEEN regyears.y0 AND regyears.y1) AS year_covered
           FROM t)
     SELECT
       count(*) FILTER (WHERE p IS NOT NULL) AS with_p,
       count(*) FILTER (WHERE p IS NULL) AS missing,
       count(DISTINCT p) AS distinct_p,
       count(*) FILTER (WHERE p IS NOT NULL AND matched) AS matched_rows,
       count(*) FILTER (WHERE p IS NOT NULL AND NOT matched) AS unmatched_rows,
       count(DISTINCT p) FILTER (WHERE p IS NOT NULL AND matched) AS matched_distinct,
       count(DISTINCT p) FILTER (WHERE p IS NOT NULL AND NOT matched) AS unmatched_distinct,
       list(DISTINCT y ORDER BY y) FILTER (WHERE p IS NOT NULL AND NOT year_covered) AS years_without
     FROM m`,
  );
  const lin: ColumnLinkage = {
    column: brokerColumnName(c),
    kind,
    register: register.name,
    withPseudonym: Number(r.with_p),
    missing: Number(r.missing),
    distinctPseudonyms: Number(r.distinct_p),
    matchedRows: Number(r.matched_rows),
    unmatchedRows: Number(r.unmatched_rows),
    matchedDistinct: Number(r.matched_distinct),
    unmatchedDistinct: Number(r.unmatched_distinct),
    yearsWithoutRegister: ((r.years_without as (number | null)[] | null) ?? []).filter(
      (y): y is number => y !== null,
    ),
  };
  if (lin.matchedRows + lin.unmatchedRows + lin.missing !== rows) {
    throw new Error(
      `linkage report: ${id}.${lin.column} accounts for ${lin.matchedRows + lin.unmatchedRows + lin.missing} of ${rows} rows`,
    );
  }
  return lin;
}

async function datasetLinkage(
  conn: DuckDBConnection,
  id: string,
  yearExpr: string | undefined,
  registers: Registers,
): Promise<DatasetLinkage> {
  const d: DatasetContract = datasetContract(id);
  if (!(await tableExists(conn, id)))
    throw new Error(`linkage report: broker table '${id}' does not exist`);
  if (!yearExpr) throw new Error(`linkage report: no year expression for dataset '${id}'`);
  const keyCols = d.key.map((k) =>
    q(brokerColumnName(d.columns.find((c) => c.name === k) as DatasetContract['columns'][number])),
  );
  const base = await one(
    conn,
    `SELECT count(*) AS rows, count(DISTINCT (${keyCols.join(', ')})) AS keys FROM ${q(id)}`,
  );
  const rows = Number(base.rows);
  const columns: ColumnLinkage[] = [];
  for (const c of d.columns.filter((x) => x.identifier)) {
    columns.push(await columnLinkage(conn, id, c, yearExpr, registers, rows));
  }
  return { dataset: id, unit: d.unit, rows, duplicates: rows - Number(base.keys), columns };
}

export async function linkageReport(
  conn: DuckDBConnection,
  datasets: string[],
  opts: { yearExpressions?: Record<string, string> } = {},
): Promise<LinkageReport> {
  const years = { ...DATASET_YEAR, ...opts.yearExpressions };
  const registers: Registers = {
    hasBrp: await tableExists(conn, POPULATION_REGISTER),
    hasKvk: await tableExists(conn, BUSINESS_REGISTER),
  };
  const out: DatasetLinkage[] = [];
  for (const id of datasets) out.push(await datasetLinkage(conn, id, years[id], registers));
  return {
    generatedAt: new Date().toISOString(),
    populationRegister: POPULATION_REGISTER,
    businessRegister: BUSINESS_REGISTER,
    datasets: out,
  };
}
