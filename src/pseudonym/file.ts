/**
 * The provider-side tool: reads the provider's CSV (semicolon) or Parquet, replaces each
 * identifier column `x` by `x_pseudonym` (stage-1 pseudonyms), drops declared direct identifiers,
 * quarantines rows with a missing or invalid identifier into a reject file the provider keeps,
 * and refuses to write anything when an undeclared column still looks like a BSN or KvK-nummer.
 *
 * DuckDB reads and writes (so a semicolon CSV comes out as a semicolon CSV with the same text,
 * Parquet as Parquet with the same column types); JS computes the pseudonyms chunk by chunk and
 * appends them to a table joined back on rowid.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { datasetsOfProvider, type ProviderId } from '../ingest/contracts.js';
import { detectIdentifierColumns, UndeclaredIdentifierError } from './detect.js';
import { PseudonymiseError } from './errors.js';
import { normaliseIdentifier, type IdentifierKind } from './identifiers.js';
import { buildIdMap, IDMAP_TABLE } from './idmap.js';
import type { KeyholderApi } from './keyholder.js';
import type { Scheme } from './labels.js';
import { sha256File } from '../ingest/sha256.js';
import { lit, q, rows } from './sql.js';
import { stage1For } from './stage1.js';

export type FileFormat = 'csv-semicolon' | 'parquet';

export interface PseudonymiseOptions {
  inFile: string;
  outFile: string;
  scheme: Scheme;
  /** Identifier columns to replace by `<name>_pseudonym`. */
  idColumns: string[];
  /** Kind per id column; default: 'kvk' when the name contains "kvk", else 'bsn'. */
  idKinds?: Record<string, IdentifierKind>;
  /** Direct identifiers (name, address, e-mail, phone) that must not leave the provider. */
  dropColumns?: string[];
  /** Id columns that the dataset contract declares nullable: an empty value stays empty. */
  nullableColumns?: string[];
  /** Rows with a missing or invalid identifier, with their reason: stays with the provider. */
  rejectFile: string;
  keys: KeyholderApi;
  /** K1 version to use (keyed); default the key holder's current version. */
  keyVersion?: number;
  /** Default: from the extension (.parquet, else semicolon CSV). */
  format?: FileFormat;
  /** pep: the broker domain version to pseudonymise into (public; default 1). */
  brokerDomainVersion?: number;
  /**
   * DuckDB's memory cap while pseudonymising (default PSEUDONYMISE_MEMORY_LIMIT); beyond it
   * DuckDB spills next to the output file (`<outFile>.spill/`, removed afterwards).
   */
  memoryLimit?: string;
}

/**
 * Without a cap DuckDB takes up to 80 % of the machine's memory per file: two BRP years of
 * 17.5 M rows pseudonymised at once took the national bench's process to 17.5 GB, and beside
 * another job the kernel killed it (docs/performance.md).
 */
export const PSEUDONYMISE_MEMORY_LIMIT = '3GB';

export interface PseudonymiseManifest {
  tool: 'samenzicht pseudonymise';
  inFile: string;
  outFile: string;
  format: FileFormat;
  scheme: Scheme;
  /** K1 version (keyed) or PEP key set version (pep). */
  keyVersion: number;
  /** pep only: the broker domain version the values were pseudonymised into. */
  brokerDomainVersion?: number;
  idColumns: { column: string; kind: IdentifierKind; outColumn: string; nullable: boolean }[];
  droppedColumns: string[];
  rowsIn: number;
  rowsOut: number;
  rowsRejected: number;
  /** Distinct identifier values pseudonymised (each once, whatever the number of rows it is in). */
  distinctIds: number;
  /** Rejected rows per "<column>: <reason>" (the first failing id column of the row). */
  rejectReasons: Record<string, number>;
  /** sha256 (hex) of the output file. */
  sha256: string;
  createdAt: string;
}

export { PseudonymiseError } from './errors.js';

export function formatOf(file: string): FileFormat {
  return file.toLowerCase().endsWith('.parquet') ? 'parquet' : 'csv-semicolon';
}

function reader(file: string, format: FileFormat): string {
  return format === 'parquet'
    ? `read_parquet(${lit(file)})`
    : `read_csv(${lit(file)}, delim = ';', header = true, all_varchar = true, quote = '"', escape = '"')`;
}

function writer(format: FileFormat): string {
  return format === 'parquet'
    ? `(FORMAT parquet)`
    : `(FORMAT csv, DELIMITER ';', HEADER true, QUOTE '"', ESCAPE '"')`;
}

/** Rows sampled per column by the identifier detector (all rows for smaller files). */
export const DETECTOR_SAMPLE_ROWS = 50_000;

/** One provider file being pseudonymised: the options resolved, and the in-memory database. */
interface Job {
  opts: PseudonymiseOptions;
  file: string;
  format: FileFormat;
  drop: string[];
  nullable: Set<string>;
  kinds: IdentifierKind[];
  conn: DuckDBConnection;
}

/** Reads the file into table `src`; its column names. */
async function readSource(job: Job): Promise<string[]> {
  const { conn, file, format } = job;
  try {
    await conn.run(`CREATE TABLE src AS SELECT * FROM ${reader(file, format)}`);
  } catch (e) {
    throw new PseudonymiseError(
      `${file}: cannot read as ${format}: ${(e as Error).message.split('\n')[0]}`,
    );
  }
  return (await rows<{ column_name: string }>(conn, 'DESCRIBE src')).map((r) => r.column_name);
}

function checkColumns(job: Job, columns: string[]): void {
  const { file, drop, opts } = job;
  for (const c of [...opts.idColumns, ...drop]) {
    if (!columns.includes(c)) {
      throw new PseudonymiseError(
        `${file}: column '${c}' not found (columns: ${columns.join(', ')})`,
      );
    }
  }
  for (const c of opts.idColumns) {
    if (drop.includes(c))
      throw new PseudonymiseError(`${file}: column '${c}' is both an id column and dropped`);
    if (columns.includes(`${c}_pseudonym`)) {
      throw new PseudonymiseError(
        `${file}: column '${c}_pseudonym' already exists next to id column '${c}'`,
      );
    }
  }
}

/** Refuse before writing anything when an undeclared column still holds identifiers. */
async function refuseUndeclaredIdentifiers(job: Job, columns: string[]): Promise<void> {
  const { opts, drop } = job;
  const undeclared = columns.filter((c) => !opts.idColumns.includes(c) && !drop.includes(c));
  if (undeclared.length === 0) return;
  const sample = await job.conn.runAndReadAll(
    `SELECT ${undeclared.map((c) => `CAST(${q(c)} AS VARCHAR)`).join(', ')} FROM src ` +
      `USING SAMPLE reservoir(${DETECTOR_SAMPLE_ROWS} ROWS) REPEATABLE (7)`,
  );
  const cols = sample.getColumnsJS() as (string | null)[][];
  const findings = detectIdentifierColumns(
    undeclared.map((name, i) => ({ name, values: cols[i] ?? [] })),
  );
  if (findings.length > 0) throw new UndeclaredIdentifierError(job.file, findings);
}

/**
 * Table `ps`: per row of `src`, the pseudonym of each id column, and the reason of the first
 * failing id column; returns the rejected rows per reason.
 */
async function mapRows(job: Job): Promise<Record<string, number>> {
  const { opts, kinds, nullable, conn } = job;
  const joins = opts.idColumns.map(
    (c, i) =>
      `LEFT JOIN ${IDMAP_TABLE} m${i} ON m${i}.kind = ${lit(kinds[i] as string)} AND m${i}.raw = CAST(src.${q(c)} AS VARCHAR)`,
  );
  const reasonOf = (c: string, i: number): string => {
    const raw = `CAST(src.${q(c)} AS VARCHAR)`;
    const empty = nullable.has(c) ? `${raw} IS NULL OR m${i}.blank` : 'false';
    const missing = nullable.has(c)
      ? 'NULL'
      : lit(
          `${c}: ${(normaliseIdentifier(kinds[i] as IdentifierKind, null) as { reason: string }).reason}`,
        );
    return `CASE WHEN ${empty} THEN NULL WHEN ${raw} IS NULL THEN ${missing} WHEN m${i}.reason IS NOT NULL THEN ${lit(`${c}: `)} || m${i}.reason END`;
  };
  const reason = opts.idColumns.length
    ? `COALESCE(${opts.idColumns.map(reasonOf).join(', ')})`
    : 'CAST(NULL AS VARCHAR)';
  await conn.run(
    `CREATE TABLE ps AS SELECT src.rowid AS rid, ${opts.idColumns
      .map((_, i) => `m${i}.pseudonym AS p${i}, `)
      .join('')}${reason} AS reason FROM src ${joins.join(' ')}`,
  );
  return Object.fromEntries(
    (
      await rows<{ reason: string; n: bigint }>(
        conn,
        'SELECT reason, count(*) AS n FROM ps WHERE reason IS NOT NULL GROUP BY reason ORDER BY reason',
      )
    ).map((r) => [r.reason, Number(r.n)]),
  );
}

/** Rows read and rejected; every row read must have been mapped. */
async function countRows(job: Job): Promise<{ rowsIn: number; rowsRejected: number }> {
  const [counts] = await rows<{ rows_in: bigint; mapped: bigint; rejected: bigint }>(
    job.conn,
    `SELECT (SELECT count(*) FROM src) AS rows_in, (SELECT count(*) FROM ps) AS mapped, (SELECT count(*) FROM ps WHERE reason IS NOT NULL) AS rejected`,
  );
  const rowsIn = Number(counts?.rows_in ?? 0);
  const rowsRejected = Number(counts?.rejected ?? 0);
  if (Number(counts?.mapped ?? 0) !== rowsIn) {
    throw new PseudonymiseError(
      `${job.file}: ${rowsIn} rows read but ${Number(counts?.mapped ?? 0)} mapped to pseudonyms; nothing written`,
    );
  }
  return { rowsIn, rowsRejected };
}

/** The output without dropped columns and with pseudonyms for ids; the rejects as read. */
async function writeOutputs(job: Job, columns: string[]): Promise<void> {
  const { opts, drop, conn, format } = job;
  const select = columns
    .filter((c) => !drop.includes(c))
    .map((c) => {
      const i = opts.idColumns.indexOf(c);
      return i >= 0 ? `ps.p${i} AS ${q(`${c}_pseudonym`)}` : `src.${q(c)}`;
    });
  mkdirSync(dirname(opts.outFile), { recursive: true });
  mkdirSync(dirname(opts.rejectFile), { recursive: true });
  try {
    await conn.run(
      `COPY (SELECT ${select.join(', ')} FROM src JOIN ps ON src.rowid = ps.rid WHERE ps.reason IS NULL ORDER BY src.rowid) ` +
        `TO ${lit(opts.outFile)} ${writer(format)}`,
    );
    await conn.run(
      `COPY (SELECT src.*, ps.reason AS reject_reason FROM src JOIN ps ON src.rowid = ps.rid WHERE ps.reason IS NOT NULL ORDER BY src.rowid) ` +
        `TO ${lit(opts.rejectFile)} ${writer(format)}`,
    );
  } catch (e) {
    rmSync(opts.outFile, { force: true });
    throw e;
  }
}

export async function pseudonymiseFile(opts: PseudonymiseOptions): Promise<PseudonymiseManifest> {
  const format = opts.format ?? formatOf(opts.inFile);
  const file = opts.inFile;
  if (!existsSync(file)) throw new PseudonymiseError(`${file}: input file not found`);
  const drop = opts.dropColumns ?? [];
  const nullable = new Set(opts.nullableColumns ?? []);
  const kinds = opts.idColumns.map((c) => opts.idKinds?.[c] ?? (/kvk/i.test(c) ? 'kvk' : 'bsn'));

  // A work database on disk, not in memory: DuckDB can then evict the file's tables to it, where
  // an in-memory one failed to pin its blocks under the cap. It holds raw identifiers, so it
  // stays with the provider, beside the output, and goes when the file is done.
  const spill = `${opts.outFile}.spill`;
  rmSync(spill, { recursive: true, force: true }); // what a killed run of this file left
  mkdirSync(spill, { recursive: true, mode: 0o700 });
  const instance = await DuckDBInstance.create(join(spill, 'work.duckdb'), {
    preserve_insertion_order: 'true',
    memory_limit: opts.memoryLimit ?? PSEUDONYMISE_MEMORY_LIMIT,
    temp_directory: spill,
  }).catch((e: unknown) => {
    rmSync(spill, { recursive: true, force: true });
    throw e;
  });
  const conn = await instance.connect();
  const job: Job = { opts, file, format, drop, nullable, kinds, conn };
  try {
    const columns = await readSource(job);
    checkColumns(job, columns);
    await refuseUndeclaredIdentifiers(job, columns);
    const { keyVersion, batch } = await stage1For(opts);
    const distinctIds = await buildIdMap(instance, conn, {
      file,
      idColumns: opts.idColumns,
      kinds,
      batch,
    });
    const reasons = await mapRows(job);
    const { rowsIn, rowsRejected } = await countRows(job);
    await writeOutputs(job, columns);
    const manifest: PseudonymiseManifest = {
      tool: 'samenzicht pseudonymise',
      inFile: basename(opts.inFile),
      outFile: basename(opts.outFile),
      format,
      scheme: opts.scheme,
      keyVersion,
      ...(opts.scheme === 'pep' ? { brokerDomainVersion: opts.brokerDomainVersion ?? 1 } : {}),
      idColumns: opts.idColumns.map((c, i) => ({
        column: c,
        kind: kinds[i] as IdentifierKind,
        outColumn: `${c}_pseudonym`,
        nullable: nullable.has(c),
      })),
      droppedColumns: drop,
      rowsIn,
      rowsOut: rowsIn - rowsRejected,
      rowsRejected,
      distinctIds,
      rejectReasons: reasons,
      sha256: await sha256File(opts.outFile),
      createdAt: new Date().toISOString(),
    };
    writeFileSync(`${opts.outFile}.manifest.json`, `${JSON.stringify(manifest, null, 2)}\n`);
    return manifest;
  } finally {
    conn.closeSync();
    instance.closeSync();
    rmSync(spill, { recursive: true, force: true });
  }
}

export interface DeliveryManifest {
  provider: ProviderId;
  generatedBy: string;
  scheme: Scheme;
  keyVersion: number;
  files: { dataset: string; file: string; rows: number; rejected: number; sha256: string }[];
}

/**
 * Pseudonymises every dataset of a provider per its contracts into `outDir` (what goes to the
 * broker) and writes `outDir/manifest.json`. Reject files go to `rejectDir` (default
 * `<providerDir>/rejects`), which stays with the provider.
 */
export async function deliverProvider(opts: {
  providerDir: string;
  outDir: string;
  provider: ProviderId;
  scheme: Scheme;
  keys: KeyholderApi;
  rejectDir?: string;
}): Promise<{ manifest: DeliveryManifest; files: PseudonymiseManifest[] }> {
  const rejectDir = opts.rejectDir ?? join(opts.providerDir, 'rejects');
  const manifests: PseudonymiseManifest[] = [];
  for (const d of datasetsOfProvider(opts.provider)) {
    const ids = d.columns.filter((c) => c.identifier);
    const ext = d.format === 'parquet' ? 'parquet' : 'csv';
    manifests.push(
      await pseudonymiseFile({
        inFile: join(opts.providerDir, d.file),
        outFile: join(opts.outDir, d.file),
        format: d.format,
        scheme: opts.scheme,
        idColumns: ids.map((c) => c.name),
        idKinds: Object.fromEntries(ids.map((c) => [c.name, c.identifier as IdentifierKind])),
        nullableColumns: ids.filter((c) => c.nullable).map((c) => c.name),
        rejectFile: join(rejectDir, `${d.id}.rejects.${ext}`),
        keys: opts.keys,
      }),
    );
  }
  const manifest: DeliveryManifest = {
    provider: opts.provider,
    generatedBy: 'samenzicht pseudonymise',
    scheme: opts.scheme,
    keyVersion: manifests[0]?.keyVersion ?? 0,
    files: manifests.map((m, i) => ({
      dataset: datasetsOfProvider(opts.provider)[i]?.id ?? '',
      file: m.outFile,
      rows: m.rowsOut,
      rejected: m.rowsRejected,
      sha256: m.sha256,
    })),
  };
  mkdirSync(opts.outDir, { recursive: true });
  writeFileSync(join(opts.outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return { manifest, files: manifests };
}
