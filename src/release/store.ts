/**
 * Release files under `<dataDir>/releases/<id>/`: written once (immutable), read by the API and
 * the re-audit. Parquet is written by DuckDB from the same rows as the CSV.
 */
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { quoteLiteral } from '../engine/session.js';
import type { AuditReport } from '../disclosure/index.js';
import {
  countByStatus,
  PUBLIC_CELL_COLUMNS,
  PUBLIC_STATUSES,
  publicAuditSummary,
  publicManifest,
  toPublicCell,
  type PublicCell,
  type PublicManifest,
  type PublicStatus,
} from '../public/index.js';
import {
  RELEASE_COLUMNS,
  RELEASE_FILES,
  RESTRICTED_DIR,
  type ReleaseManifest,
  type ReleaseRow,
} from './format.js';
import { csvDocument, splitCsvLine, textFromCsv, type CsvValue } from './csv.js';

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,80}$/;

export function isReleaseId(id: string): boolean {
  return ID_PATTERN.test(id);
}

export function releasesDir(dataDir: string): string {
  return join(dataDir, 'releases');
}

/** Comma-separated, LF line ends, no byte order mark; text cells neutralised (./csv.ts). */
function toCsv<T extends object>(
  columns: readonly (keyof T & string)[],
  rows: readonly T[],
): string {
  return csvDocument(
    columns,
    rows.map((row) => columns.map((c) => row[c] as CsvValue)),
    { eol: '\n' },
  );
}

/** The restricted cells.csv: internal rows with status and rule. */
export function rowsToCsv(rows: readonly ReleaseRow[]): string {
  return toCsv(RELEASE_COLUMNS, rows);
}

/** The public cells.csv as the architecture guide defines it: empty fields where nothing is published. */
export function publicCellsToCsv(cells: readonly PublicCell[]): string {
  return toCsv(PUBLIC_CELL_COLUMNS, cells);
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/**
 * The public cells of a release's rows, their cells.csv and its sha256, made once: at national
 * scale (2.26 M rows) each pass costs seconds, and the release id, the public manifest and the
 * file all need them.
 */
export interface PublicCellsFile {
  cells: PublicCell[];
  csv: string;
  sha256: string;
}

export function publicCellsFile(rows: readonly ReleaseRow[]): PublicCellsFile {
  const cells = rows.map(toPublicCell);
  const csv = publicCellsToCsv(cells);
  return { cells, csv, sha256: sha256(csv) };
}

/** A release id: time of creation plus the first characters of the public cells' hash. */
export function newReleaseId(createdAt: Date, publicCellsHash: string): string {
  const stamp = createdAt
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${publicCellsHash.slice(0, 8)}`;
}

export interface WrittenRelease {
  id: string;
  dir: string;
  files: string[];
  publicManifest: PublicManifest;
}

export interface ReleaseContent {
  /** The full manifest; `cells` is filled in here. */
  manifest: Omit<ReleaseManifest, 'cells'>;
  rows: readonly ReleaseRow[];
  /** The audit report (with its stats), for reviewers. */
  audit: Pick<AuditReport, 'passed' | 'rules'> & Record<string, unknown>;
  /** `publicCellsFile(rows)`, when the caller has made it already (for the release id). */
  publicCells?: PublicCellsFile;
}

/** The public side of a release, from its internal rows and audit: a pure function. */
export function publicSide(
  content: ReleaseContent,
): PublicCellsFile & { manifest: PublicManifest } {
  const file = content.publicCells ?? publicCellsFile(content.rows);
  const manifest = publicManifest(
    content.manifest,
    { count: file.cells.length, sha256: file.sha256, byStatus: countByStatus(file.cells) },
    publicAuditSummary(content.audit, content.manifest.rules),
  );
  return { ...file, manifest };
}

const PUBLIC_PARQUET_COLUMNS = `{
  'indicator_id': 'VARCHAR', 'year': 'INTEGER', 'region_level': 'VARCHAR', 'region_code': 'VARCHAR',
  'parent_code': 'VARCHAR', 'breakdown': 'VARCHAR', 'value': 'DOUBLE', 'numerator': 'DOUBLE',
  'denominator': 'DOUBLE', 'status': 'VARCHAR'}`;

/**
 * Writes a release atomically: into a temporary folder first, renamed into place when complete,
 * so a crash never leaves a half-written release that the API would serve. The restricted folder
 * and its files are readable by the broker's user only.
 */
export async function writeRelease(
  conn: DuckDBConnection,
  dataDir: string,
  content: ReleaseContent,
): Promise<WrittenRelease> {
  const id = content.manifest.id;
  if (!isReleaseId(id)) throw new Error(`invalid release id '${id}'`);
  const root = releasesDir(dataDir);
  const dir = join(root, id);
  if (existsSync(dir)) throw new Error(`release ${id} exists already; releases are immutable`);
  mkdirSync(root, { recursive: true });
  const tmp = join(root, `.tmp-${id}-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);
  mkdirSync(join(tmp, RESTRICTED_DIR), { mode: 0o700 });
  const restricted = (name: string, text: string) =>
    writeFileSync(join(tmp, name), text, { mode: 0o600 });
  try {
    const pub = publicSide(content);
    const csvPath = join(tmp, RELEASE_FILES.cellsCsv);
    writeFileSync(csvPath, pub.csv);
    const parquetPath = join(tmp, RELEASE_FILES.cellsParquet);
    await conn.run(
      `COPY (SELECT * FROM read_csv(${quoteLiteral(csvPath)}, header = true, auto_detect = false, columns = ${PUBLIC_PARQUET_COLUMNS}))
       TO ${quoteLiteral(parquetPath)} (FORMAT parquet, COMPRESSION zstd)`,
    );
    writeFileSync(join(tmp, RELEASE_FILES.manifest), `${JSON.stringify(pub.manifest, null, 2)}\n`);
    const byStatus: Record<string, number> = {};
    for (const r of content.rows) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
    const restrictedCsv = rowsToCsv(content.rows);
    const full: ReleaseManifest = {
      ...content.manifest,
      cells: { count: content.rows.length, sha256: sha256(restrictedCsv), byStatus },
    };
    restricted(RELEASE_FILES.restrictedCells, restrictedCsv);
    restricted(RELEASE_FILES.restrictedManifest, `${JSON.stringify(full, null, 2)}\n`);
    restricted(RELEASE_FILES.audit, `${JSON.stringify(content.audit)}\n`);
    renameSync(tmp, dir);
    return {
      id,
      dir,
      files: Object.values(RELEASE_FILES).map((f) => join(dir, f)),
      publicManifest: pub.manifest,
    };
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}

export function listReleaseIds(dataDir: string): string[] {
  const root = releasesDir(dataDir);
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith('.') && isReleaseId(d.name))
    .map((d) => d.name)
    .sort();
}

const releaseFile = (dataDir: string, id: string, file: string): string =>
  join(releasesDir(dataDir), id, file);

/** The full (restricted) manifest. */
export function readManifest(dataDir: string, id: string): ReleaseManifest {
  return JSON.parse(
    readFileSync(releaseFile(dataDir, id, RELEASE_FILES.restrictedManifest), 'utf8'),
  );
}

export function readPublicManifest(dataDir: string, id: string): PublicManifest {
  return JSON.parse(readFileSync(releaseFile(dataDir, id, RELEASE_FILES.manifest), 'utf8'));
}

/** The restricted audit report. */
export function readAudit(dataDir: string, id: string): unknown {
  return JSON.parse(readFileSync(releaseFile(dataDir, id, RELEASE_FILES.audit), 'utf8'));
}

function parseNumber(s: string): number | null {
  return s === '' ? null : Number(s);
}

/** The data lines of a release CSV, after checking its header. */
function readCsvLines(dataDir: string, id: string, file: string, columns: readonly string[]) {
  const text = readFileSync(releaseFile(dataDir, id, file), 'utf8');
  const lines = text.split('\n').filter((l) => l.length > 0);
  if (splitCsvLine(lines[0] ?? '').join(',') !== columns.join(',')) {
    throw new Error(`release ${id}: ${file} has an unexpected header`);
  }
  return lines.slice(1);
}

/** The columns both row shapes share, from the fields of one CSV line. */
function cellFields(f: readonly string[]): Omit<PublicCell, 'status'> {
  return {
    indicator_id: textFromCsv(f[0]!),
    year: Number(f[1]),
    region_level: textFromCsv(f[2]!) as PublicCell['region_level'],
    region_code: textFromCsv(f[3]!),
    parent_code: f[4] === '' || f[4] === undefined ? null : textFromCsv(f[4]),
    breakdown: textFromCsv(f[5] ?? ''),
    value: parseNumber(f[6] ?? ''),
    numerator: parseNumber(f[7] ?? ''),
    denominator: parseNumber(f[8] ?? ''),
  };
}

/** One data line of restricted/cells.csv (CRLF tolerated). */
export function releaseRowFromCsvLine(line: string): ReleaseRow {
  const f = splitCsvLine(line.endsWith('\r') ? line.slice(0, -1) : line);
  return {
    ...cellFields(f),
    status: textFromCsv(f[9] ?? '') as ReleaseRow['status'],
    rule: f[10] === '' || f[10] === undefined ? null : textFromCsv(f[10]),
  };
}

/** The internal rows (restricted/cells.csv), for the broker's audits of later releases. */
export function readReleaseRows(dataDir: string, id: string): ReleaseRow[] {
  return readCsvLines(dataDir, id, RELEASE_FILES.restrictedCells, RELEASE_COLUMNS).map(
    releaseRowFromCsvLine,
  );
}

/** The public cells (cells.csv): what every public route serves. */
export function readPublicCells(dataDir: string, id: string): PublicCell[] {
  return readCsvLines(dataDir, id, RELEASE_FILES.cellsCsv, PUBLIC_CELL_COLUMNS).map((line) => {
    const f = splitCsvLine(line);
    const status = textFromCsv(f[9] ?? '') as PublicStatus;
    if (!PUBLIC_STATUSES.includes(status)) {
      throw new Error(`release ${id}: cells.csv has a status '${status}' that is not public`);
    }
    return { ...cellFields(f), status };
  });
}
