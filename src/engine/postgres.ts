/**
 * The engine on PostgreSQL (or Citus, which distributes PostgreSQL over many nodes): the broker
 * tables copied out of DuckDB, and the same compiled definitions run in the `postgres` dialect.
 * DuckDB stays the default; see docs/operations.md ("Past one machine: PostgreSQL / Citus").
 *
 * The copy reads each table from DuckDB as a stream, has DuckDB write every row as a line of
 * PostgreSQL's COPY text format, and sends the lines in bounded batches with `COPY … FROM STDIN`
 * over the `pg` client (no DuckDB `postgres` extension: it is not available offline).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import pg, { type ClientBase } from 'pg';
import { DATASETS, brokerColumnName, datasetContract } from '../ingest/contracts.js';
import { computeIndicators, type ComputeOptions } from './compute.js';
import type { ComputedCell } from '../contracts/index.js';
import { postgresExecutor } from './executor.js';
import { namedPredicateLookups } from '../indicators/predicates/index.js';

/** The region tables the engine reads besides the datasets (src/engine/division.ts). */
const REGION_TABLES = ['region_hierarchy', 'region_conversion'] as const;
const REGION_KEYS: Record<string, string> = {
  region_hierarchy: 'buurt_code',
  region_conversion: 'former_buurt_code',
};

/** The column types of broker tables, DuckDB → PostgreSQL. */
const PG_TYPE: Record<string, string> = {
  VARCHAR: 'VARCHAR',
  INTEGER: 'INTEGER',
  BIGINT: 'BIGINT',
  SMALLINT: 'SMALLINT',
  DOUBLE: 'DOUBLE PRECISION',
  FLOAT: 'REAL',
  DATE: 'DATE',
  BOOLEAN: 'BOOLEAN',
  TIMESTAMP: 'TIMESTAMP',
};

/** Beyond each dataset's key and identifier columns: the lookups of the named predicates. */
const EXTRA_INDEXES: Record<string, string[][]> = namedPredicateLookups();

const IDENT = /^[a-z_][a-z0-9_]*$/;
function q(name: string): string {
  if (!IDENT.test(name)) throw new Error(`invalid SQL identifier '${name}'`);
  return `"${name}"`;
}

/** `COPY … FROM STDIN` with one buffer of COPY text: a `pg` query that answers CopyInResponse. */
class CopyIn extends pg.Query {
  constructor(
    text: string,
    private readonly data: Buffer,
    callback: (err: Error | undefined) => void,
  ) {
    super(text, [], callback);
  }

  handleCopyInResponse(connection: {
    sendCopyFromChunk(chunk: Buffer): void;
    endCopyFrom(): void;
  }): void {
    connection.sendCopyFromChunk(this.data);
    connection.endCopyFrom();
  }
}

function copyIn(client: ClientBase, text: string, data: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    client.query(new CopyIn(text, data, (err) => (err ? reject(err) : resolve())));
  });
}

/** A DuckDB expression giving a column's field in COPY text format (`\N` for NULL). */
function copyField(column: string, type: string): string {
  const c = q(column);
  // DuckDB string literals take a backslash as it is.
  if (type === 'VARCHAR')
    return `coalesce(replace(replace(replace(replace(${c}, '\\', '\\\\'), chr(9), '\\t'), chr(10), '\\n'), chr(13), '\\r'), '\\N')`;
  // Numbers (shortest round-trip text for DOUBLE), ISO dates and true/false need no escaping.
  return `coalesce(CAST(${c} AS VARCHAR), '\\N')`;
}

export interface CopyReport {
  table: string;
  rows: number;
}

export interface CopyOptions {
  /** Rows per COPY batch (default 50,000): what JavaScript holds at a time. */
  batchRows?: number;
}

/**
 * Copies the broker tables (every dataset table present in DuckDB, `region_hierarchy` and, when
 * present, `region_conversion`) from `duck` into the current schema of `client`, replacing tables
 * of the same names, in one transaction; then indexes them for the engine's joins and links (each
 * dataset's key, each pseudonym column, the region codes) and ANALYZEs them.
 */
export async function copyBrokerTablesToPostgres(
  duck: DuckDBConnection,
  client: ClientBase,
  opts: CopyOptions = {},
): Promise<CopyReport[]> {
  const batchRows = opts.batchRows ?? 50_000;
  if (!Number.isInteger(batchRows) || batchRows <= 0)
    throw new Error('copyBrokerTablesToPostgres: batchRows must be a positive integer');
  const present = new Set(
    (
      await (
        await duck.runAndReadAll(
          'SELECT table_name FROM duckdb_tables() WHERE NOT temporary AND schema_name = current_schema()',
        )
      ).getColumnsJS()
    )[0] as string[],
  );
  if (!present.has('region_hierarchy'))
    throw new Error('copyBrokerTablesToPostgres: DuckDB has no region_hierarchy table');
  const tables = [...DATASETS.map((d) => d.id), ...REGION_TABLES].filter((t) => present.has(t));

  const report: CopyReport[] = [];
  await client.query('BEGIN');
  try {
    for (const table of tables) {
      const cols = (
        await duck.runAndReadAll(
          `SELECT column_name, data_type, is_nullable FROM duckdb_columns() WHERE table_name = '${table}' AND schema_name = current_schema() ORDER BY column_index`,
        )
      ).getRowsJS() as [string, string, boolean][];
      const defs = cols.map(([name, type, nullable]) => {
        const pgType = PG_TYPE[type];
        if (!pgType)
          throw new Error(`copyBrokerTablesToPostgres: ${table}.${name} has type ${type}`);
        return `${q(name)} ${pgType}${nullable ? '' : ' NOT NULL'}`;
      });
      await client.query(`DROP TABLE IF EXISTS ${q(table)} CASCADE`);
      await client.query(`CREATE TABLE ${q(table)} (${defs.join(', ')})`);

      const line = cols.map(([name, type]) => copyField(name, type)).join(` || chr(9) || `);
      const copy = `COPY ${q(table)} (${cols.map(([n]) => q(n)).join(', ')}) FROM STDIN`;
      const result = await duck.stream(`SELECT ${line} AS line FROM ${q(table)}`);
      let batch: string[] = [];
      let rows = 0;
      const flush = async () => {
        if (batch.length === 0) return;
        await copyIn(client, copy, Buffer.from(`${batch.join('\n')}\n`, 'utf8'));
        rows += batch.length;
        batch = [];
      };
      for (;;) {
        const chunk = await result.fetchChunk();
        if (!chunk || chunk.rowCount === 0) break;
        for (const v of chunk.getColumnValues(0)) batch.push(v as string);
        if (batch.length >= batchRows) await flush();
      }
      await flush();
      report.push({ table, rows });
    }
    for (const table of tables) {
      for (const [i, index] of indexesOf(table).entries()) {
        await client.query(
          `CREATE INDEX ${q(`${table}_i${i}`)} ON ${q(table)} (${index.map(q).join(', ')})`,
        );
      }
    }
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  }
  for (const table of tables) await client.query(`ANALYZE ${q(table)}`);
  return report;
}

/** The indexes of a broker table in PostgreSQL: the column lists, first one first. */
function indexesOf(table: string): string[][] {
  const region = REGION_KEYS[table];
  if (region) return [[region]];
  const contract = datasetContract(table);
  const name = (col: string) => {
    const c = contract.columns.find((x) => x.name === col);
    if (!c) throw new Error(`dataset ${table} has no column ${col}`);
    return brokerColumnName(c);
  };
  const out: string[][] = [contract.key.map(name)];
  for (const c of contract.columns) {
    if (c.identifier && out[0]![0] !== brokerColumnName(c)) out.push([brokerColumnName(c)]);
  }
  for (const extra of EXTRA_INDEXES[table] ?? []) out.push(extra);
  return out;
}

/**
 * Every requested indicator on PostgreSQL (or Citus) over the broker tables that
 * `copyBrokerTablesToPostgres` (or an operator) put there: the same cells as `computeIndicators`
 * on DuckDB. One client, one session (the engine creates a temporary view).
 */
export function computeIndicatorsOnPostgres(
  client: ClientBase,
  opts: ComputeOptions,
): Promise<ComputedCell[]> {
  return computeIndicators(postgresExecutor(client), opts);
}
