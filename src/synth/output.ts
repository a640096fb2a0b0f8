/**
 * Writing the provider files: contract columns in contract order and format, injected defects
 * (each listed in ground-truth/defects.csv), a duplicated delivery, manifests with SHA-256.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { ColumnContract, DatasetContract } from '../ingest/contracts.js';
import { countRows, q } from './sql.js';

export const DEFECT_KINDS = [
  'unknown_region_code',
  'missing_field',
  'impossible_date',
  'invalid_bsn',
  'duplicate_row',
] as const;
export type DefectKind = (typeof DEFECT_KINDS)[number];

export interface DefectSpec {
  kind: Exclude<DefectKind, 'duplicate_row'>;
  field: string;
  /** Share of the file's rows that get this defect. */
  rate: number;
}

export interface OutputSpec {
  /** Source table: contract columns (typed) plus helper columns starting with `_`. */
  table: string;
  /** The source is a view (dropped as such after writing). */
  view?: boolean;
  orderBy: string;
  defects: DefectSpec[];
  /** SQL predicate on the source rows that are delivered a second time at the end of the file. */
  duplicateWhere?: string;
  /** Keep the source rows (with their 1-based file row `_rn`) under this table name. */
  keepAs?: string;
}

/** Last digit changed by one: the weighted sum moves by 1 or 9, never a multiple of 11. */
const BREAK_BSN = (v: string) =>
  `substr(${v}, 1, 8) || ((substr(${v}, 9, 1)::INTEGER + 1) % 10)::VARCHAR`;
/** Keeps the gemeente digits, so the row still tells which gemeente delivered it. */
const UNKNOWN_BUURT = (v: string) => `'BU' || substr(${v}, 3, 4) || '9999'`;

function formatted(c: ColumnContract, csv: boolean): string {
  const v = `"${c.name}"`;
  if (!csv) return `${v}::${c.type}`;
  switch (c.type) {
    case 'DATE':
      return `strftime(${v}, '${c.dateFormat === 'dutch' ? '%d-%m-%Y' : '%Y-%m-%d'}')`;
    case 'DOUBLE':
      return `CAST(${v} AS DECIMAL(18, 2))::VARCHAR`;
    case 'BOOLEAN':
      return `CASE WHEN ${v} THEN 'true' WHEN NOT ${v} THEN 'false' END`;
    default:
      return `${v}::VARCHAR`;
  }
}

function corrupted(kind: DefectSpec['kind'], c: ColumnContract, csv: boolean): string {
  const v = `"${c.name}"`;
  switch (kind) {
    case 'missing_field':
      return 'NULL';
    case 'invalid_bsn':
      return BREAK_BSN(v);
    case 'unknown_region_code':
      return UNKNOWN_BUURT(v);
    case 'impossible_date':
      if (!csv)
        throw new Error(`impossible_date needs a CSV column, ${c.name} is in a Parquet file`);
      return c.dateFormat === 'dutch'
        ? `'30-02-' || strftime(${v}, '%Y')`
        : `strftime(${v}, '%Y') || '-02-30'`;
  }
}

/**
 * Writes one dataset to `path` (relative name `file` in defects.csv) and records its defects in
 * the table `defects`. Returns the number of data rows in the file.
 */
export async function writeDataset(
  conn: DuckDBConnection,
  contract: DatasetContract,
  spec: OutputSpec,
  path: string,
  file: string,
  seed: number,
): Promise<number> {
  const csv = contract.format === 'csv-semicolon';
  const id = contract.id;
  await conn.run(
    `CREATE OR REPLACE TABLE _o AS SELECT row_number() OVER (ORDER BY ${spec.orderBy}) AS _rn, * FROM ${spec.table}`,
  );
  // The source is not needed again: free it early (national scale keeps several large tables).
  await conn.run(`DROP ${spec.view ? 'VIEW' : 'TABLE'} ${spec.table}`);
  const n = await countRows(conn, '_o');

  // Disjoint defects: rows ranked by a seeded hash, consecutive rank ranges per defect.
  const ranges: { spec: DefectSpec; from: number; to: number }[] = [];
  let next = 0;
  for (const d of spec.defects) {
    const k = n >= 100 ? Math.max(1, Math.round(d.rate * n)) : Math.round(d.rate * n);
    ranges.push({ spec: d, from: next, to: next + k });
    next += k;
  }
  const caseKind = ranges
    .map((r, i) => `WHEN _r > ${r.from} AND _r <= ${r.to} THEN ${i}`)
    .join(' ');
  // Top-k by hash (a heap, not a full sort of the file).
  await conn.run(`CREATE OR REPLACE TABLE _d AS
    SELECT _rn, CASE ${caseKind || 'WHEN false THEN 0'} END AS _k
    FROM (SELECT _rn, row_number() OVER (ORDER BY _h, _rn) AS _r
          FROM (SELECT _rn, hash(${seed}, ${q(id)}, _rn) AS _h FROM _o ORDER BY _h, _rn LIMIT ${next}))`);
  for (const [i, r] of ranges.entries()) {
    await conn.run(
      `INSERT INTO defects SELECT ${q(id)}, ${q(file)}, _rn, ${q(r.spec.field)}, ${q(r.spec.kind)} FROM _d WHERE _k = ${i}`,
    );
  }

  const exprs = contract.columns.map((c) => {
    const hits = ranges.map((r, i) => ({ r, i })).filter(({ r }) => r.spec.field === c.name);
    const base = formatted(c, csv);
    if (hits.length === 0) return `${base} AS "${c.name}"`;
    const whens = hits
      .map(({ r, i }) => `WHEN _d._k = ${i} THEN ${corrupted(r.spec.kind, c, csv)}`)
      .join(' ');
    return `(CASE ${whens} ELSE ${base} END)${csv ? '' : `::${c.type}`} AS "${c.name}"`;
  });

  // File rows: every source row at its rank, then (optionally) a re-delivered batch of clean rows.
  let rows = n;
  await conn.run(`CREATE OR REPLACE TABLE _dup (_src BIGINT, _row BIGINT)`);
  if (spec.duplicateWhere) {
    await conn.run(`INSERT INTO _dup
      SELECT _rn, ${n} + row_number() OVER (ORDER BY _rn) FROM _o
      WHERE (${spec.duplicateWhere}) AND _rn NOT IN (SELECT _rn FROM _d)`);
    await conn.run(
      `INSERT INTO defects SELECT ${q(id)}, ${q(file)}, _row, ${q(contract.key.join('+'))}, 'duplicate_row' FROM _dup`,
    );
    rows += await countRows(conn, '_dup');
  }
  const options = csv
    ? `(FORMAT csv, DELIMITER ';', HEADER true, QUOTE '"')`
    : `(FORMAT parquet, COMPRESSION zstd)`;
  const source = spec.duplicateWhere
    ? `(SELECT _rn AS _src, _rn AS _row FROM _o UNION ALL SELECT _src, _row FROM _dup) _r
       JOIN _o ON _o._rn = _r._src LEFT JOIN _d ON _d._rn = _r._src AND _r._row = _r._src`
    : `(SELECT _rn AS _row, * FROM _o) _o LEFT JOIN _d ON _d._rn = _o._row`;
  await conn.run(
    `COPY (SELECT ${exprs.join(', ')} FROM ${source} ORDER BY _row) TO ${q(path)} ${options}`,
  );
  // Unchanged source rows (with their 1-based file row `_rn`) for ground truth, if asked.
  await conn.run(spec.keepAs ? `ALTER TABLE _o RENAME TO ${spec.keepAs}` : 'DROP TABLE _o');
  await conn.run('DROP TABLE _d; DROP TABLE _dup;');
  return rows;
}
