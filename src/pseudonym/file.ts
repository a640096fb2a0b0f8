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
import { normaliseIdentifier, type IdentifierKind, type Normalised } from './identifiers.js';
import { keyedStage1Batch } from './keyed.js';
import type { KeyholderApi } from './keyholder.js';
import type { Scheme } from './labels.js';
import { sha256File } from '../ingest/sha256.js';
import { pepEncrypter, pepStage1 } from './pep.js';

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
}

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

export class PseudonymiseError extends Error {
  override name = 'PseudonymiseError';
}

const q = (name: string): string => `"${name.replaceAll('"', '""')}"`;
const lit = (s: string): string => `'${s.replaceAll("'", "''")}'`;

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

async function rows<T>(conn: DuckDBConnection, sql: string): Promise<T[]> {
  return (await conn.runAndReadAll(sql)).getRowObjectsJS() as T[];
}

export async function pseudonymiseFile(opts: PseudonymiseOptions): Promise<PseudonymiseManifest> {
  const format = opts.format ?? formatOf(opts.inFile);
  const file = opts.inFile;
  if (!existsSync(file)) throw new PseudonymiseError(`${file}: input file not found`);
  const drop = opts.dropColumns ?? [];
  const nullable = new Set(opts.nullableColumns ?? []);
  const kinds = opts.idColumns.map((c) => opts.idKinds?.[c] ?? (/kvk/i.test(c) ? 'kvk' : 'bsn'));

  const instance = await DuckDBInstance.create(':memory:', { preserve_insertion_order: 'true' });
  const conn = await instance.connect();
  try {
    try {
      await conn.run(`CREATE TABLE src AS SELECT * FROM ${reader(file, format)}`);
    } catch (e) {
      throw new PseudonymiseError(
        `${file}: cannot read as ${format}: ${(e as Error).message.split('\n')[0]}`,
      );
    }
    const columns = (await rows<{ column_name: string }>(conn, 'DESCRIBE src')).map(
      (r) => r.column_name,
    );
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

    // Refuse before writing anything when an undeclared column still holds identifiers.
    const undeclared = columns.filter((c) => !opts.idColumns.includes(c) && !drop.includes(c));
    if (undeclared.length > 0) {
      const sample = await conn.runAndReadAll(
        `SELECT ${undeclared.map((c) => `CAST(${q(c)} AS VARCHAR)`).join(', ')} FROM src ` +
          `USING SAMPLE reservoir(${DETECTOR_SAMPLE_ROWS} ROWS) REPEATABLE (7)`,
      );
      const cols = sample.getColumnsJS() as (string | null)[][];
      const findings = detectIdentifierColumns(
        undeclared.map((name, i) => ({ name, values: cols[i] ?? [] })),
      );
      if (findings.length > 0) throw new UndeclaredIdentifierError(file, findings);
    }

    // A batch of normalised ids to stage-1 values (PEP needs a round trip through the
    // transcryptors; keyed is a local HMAC).
    let keyVersion: number;
    let batch: (kind: IdentifierKind, ids: string[]) => Promise<string[]>;
    if (opts.scheme === 'keyed') {
      const k1 = await opts.keys.k1(opts.keyVersion);
      keyVersion = k1.version;
      const s1 = keyedStage1Batch(k1);
      batch = async (kind, ids) => s1(kind, ids);
    } else {
      const pub = await opts.keys.pepPublic();
      if (opts.keyVersion !== undefined && opts.keyVersion !== pub.version) {
        throw new PseudonymiseError(
          `PEP key set version ${opts.keyVersion} requested, the key holder has version ${pub.version}`,
        );
      }
      keyVersion = pub.version;
      const domain = opts.brokerDomainVersion ?? 1;
      const encrypt = await pepEncrypter(pub);
      batch = async (kind, ids) => {
        const out = await opts.keys.pepTranscrypt(
          ids.map((id) => encrypt(kind, id)),
          pub.version,
          'source',
          domain,
        );
        return out.map((ct) => pepStage1(pub.version, domain, ct));
      };
    }

    // Each distinct raw value is normalised and pseudonymised once per file: registers repeat
    // their identifiers (the BRP holds a person once per year), and the crypto is the cost.
    // idmap holds raw values and stays in this in-memory database at the provider.
    await conn.run(
      'CREATE TABLE idmap (kind VARCHAR, raw VARCHAR, pseudonym VARCHAR, reason VARCHAR, blank BOOLEAN)',
    );
    // The appender lives on its own connection: its automatic flushes would otherwise end the
    // streaming read below on the shared connection after ~200k rows, silently losing the rest.
    const appendConn = await instance.connect();
    const appender = await appendConn.createAppender('idmap');
    let distinctIds = 0;
    for (const kind of [...new Set(kinds)]) {
      const cols = opts.idColumns.filter((_, i) => kinds[i] === kind);
      // Materialised once: counted, then streamed (the count guards the stream).
      await conn.run(
        `CREATE OR REPLACE TEMP TABLE distinct_ids AS SELECT DISTINCT v FROM (${cols
          .map((c) => `SELECT CAST(${q(c)} AS VARCHAR) AS v FROM src`)
          .join(' UNION ALL ')}) WHERE v IS NOT NULL`,
      );
      const expected = Number(
        (await conn.runAndReadAll('SELECT count(*) FROM distinct_ids')).getColumnsJS()[0]?.[0],
      );
      const stream = await conn.stream('SELECT v FROM distinct_ids');
      let appended = 0;
      for (;;) {
        const chunk = await stream.fetchChunk();
        if (!chunk || chunk.rowCount === 0) break;
        const raw = chunk.getColumnValues(0) as string[];
        const norm = raw.map((v) => normaliseIdentifier(kind, v));
        const valid = norm.flatMap((nv) => (nv.ok ? [nv.value] : []));
        const made = valid.length > 0 ? await batch(kind, valid) : [];
        let j = 0;
        for (let r = 0; r < raw.length; r++) {
          const nv = norm[r] as Normalised;
          appender.appendVarchar(kind);
          appender.appendVarchar(raw[r] as string);
          if (nv.ok) {
            appender.appendVarchar(made[j++] as string);
            appender.appendNull();
          } else {
            appender.appendNull();
            appender.appendVarchar(nv.reason);
          }
          appender.appendBoolean((raw[r] as string).trim() === '');
          appender.endRow();
        }
        appended += raw.length;
      }
      if (appended !== expected) {
        throw new PseudonymiseError(
          `${file}: ${expected} distinct ${kind} values but ${appended} pseudonymised; nothing written`,
        );
      }
      distinctIds += appended;
    }
    appender.closeSync();
    appendConn.closeSync();

    // Per row: the pseudonym of each id column, and the reason of the first failing id column.
    const joins = opts.idColumns.map(
      (c, i) =>
        `LEFT JOIN idmap m${i} ON m${i}.kind = ${lit(kinds[i] as string)} AND m${i}.raw = CAST(src.${q(c)} AS VARCHAR)`,
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
    const reasons: Record<string, number> = Object.fromEntries(
      (
        await rows<{ reason: string; n: bigint }>(
          conn,
          'SELECT reason, count(*) AS n FROM ps WHERE reason IS NOT NULL GROUP BY reason ORDER BY reason',
        )
      ).map((r) => [r.reason, Number(r.n)]),
    );

    const [counts] = await rows<{ rows_in: bigint; mapped: bigint; rejected: bigint }>(
      conn,
      `SELECT (SELECT count(*) FROM src) AS rows_in, (SELECT count(*) FROM ps) AS mapped, (SELECT count(*) FROM ps WHERE reason IS NOT NULL) AS rejected`,
    );
    const rowsIn = Number(counts?.rows_in ?? 0);
    const rowsRejected = Number(counts?.rejected ?? 0);
    if (Number(counts?.mapped ?? 0) !== rowsIn) {
      throw new PseudonymiseError(
        `${file}: ${rowsIn} rows read but ${Number(counts?.mapped ?? 0)} mapped to pseudonyms; nothing written`,
      );
    }

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
