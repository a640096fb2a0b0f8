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
import { RELEASE_COLUMNS, RELEASE_FILES, type ReleaseManifest, type ReleaseRow } from './format.js';

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,80}$/;

export function isReleaseId(id: string): boolean {
  return ID_PATTERN.test(id);
}

export function releasesDir(dataDir: string): string {
  return join(dataDir, 'releases');
}

function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const s = String(value);
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** cells.csv as the architecture guide defines it: empty fields where nothing is published. */
export function rowsToCsv(rows: readonly ReleaseRow[]): string {
  const lines = [RELEASE_COLUMNS.join(',')];
  for (const row of rows) lines.push(RELEASE_COLUMNS.map((c) => csvField(row[c])).join(','));
  return `${lines.join('\n')}\n`;
}

export function hashRows(rows: readonly ReleaseRow[]): string {
  return createHash('sha256').update(rowsToCsv(rows)).digest('hex');
}

/** A release id: time of creation plus the first characters of the cells' hash. */
export function newReleaseId(createdAt: Date, cellsHash: string): string {
  const stamp = createdAt
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${cellsHash.slice(0, 8)}`;
}

export interface WrittenRelease {
  id: string;
  dir: string;
  files: string[];
}

/**
 * Writes a release atomically: into a temporary folder first, renamed into place when complete,
 * so a crash never leaves a half-written release that the API would serve.
 */
export async function writeRelease(
  conn: DuckDBConnection,
  dataDir: string,
  manifest: ReleaseManifest,
  rows: readonly ReleaseRow[],
  audit: unknown,
): Promise<WrittenRelease> {
  if (!isReleaseId(manifest.id)) throw new Error(`invalid release id '${manifest.id}'`);
  const root = releasesDir(dataDir);
  const dir = join(root, manifest.id);
  if (existsSync(dir))
    throw new Error(`release ${manifest.id} exists already; releases are immutable`);
  mkdirSync(root, { recursive: true });
  const tmp = join(root, `.tmp-${manifest.id}-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);
  try {
    const csvPath = join(tmp, RELEASE_FILES.cellsCsv);
    writeFileSync(csvPath, rowsToCsv(rows));
    const parquetPath = join(tmp, RELEASE_FILES.cellsParquet);
    await conn.run(
      `COPY (SELECT * FROM read_csv(${quoteLiteral(csvPath)}, header = true, auto_detect = false, columns = {
        'indicator_id': 'VARCHAR', 'year': 'INTEGER', 'region_level': 'VARCHAR', 'region_code': 'VARCHAR',
        'parent_code': 'VARCHAR', 'breakdown': 'VARCHAR', 'value': 'DOUBLE', 'numerator': 'DOUBLE',
        'denominator': 'DOUBLE', 'status': 'VARCHAR', 'rule': 'VARCHAR'})) TO ${quoteLiteral(parquetPath)} (FORMAT parquet, COMPRESSION zstd)`,
    );
    writeFileSync(join(tmp, RELEASE_FILES.manifest), `${JSON.stringify(manifest, null, 2)}\n`);
    writeFileSync(join(tmp, RELEASE_FILES.audit), `${JSON.stringify(audit, null, 2)}\n`);
    renameSync(tmp, dir);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  return { id: manifest.id, dir, files: Object.values(RELEASE_FILES).map((f) => join(dir, f)) };
}

export function listReleaseIds(dataDir: string): string[] {
  const root = releasesDir(dataDir);
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith('.') && isReleaseId(d.name))
    .map((d) => d.name)
    .sort();
}

export function readManifest(dataDir: string, id: string): ReleaseManifest {
  return JSON.parse(readFileSync(join(releasesDir(dataDir), id, RELEASE_FILES.manifest), 'utf8'));
}

export function readAudit(dataDir: string, id: string): unknown {
  return JSON.parse(readFileSync(join(releasesDir(dataDir), id, RELEASE_FILES.audit), 'utf8'));
}

function parseNumber(s: string): number | null {
  return s === '' ? null : Number(s);
}

function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(field);
      field = '';
    } else field += ch;
  }
  out.push(field);
  return out;
}

/** Reads cells.csv back into rows (the CSV is the canonical text; Parquet is derived from it). */
export function readReleaseRows(dataDir: string, id: string): ReleaseRow[] {
  const text = readFileSync(join(releasesDir(dataDir), id, RELEASE_FILES.cellsCsv), 'utf8');
  const lines = text.split('\n').filter((l) => l.length > 0);
  const header = splitCsvLine(lines[0] ?? '');
  if (header.join(',') !== RELEASE_COLUMNS.join(',')) {
    throw new Error(`release ${id}: cells.csv has an unexpected header`);
  }
  return lines.slice(1).map((line) => {
    const f = splitCsvLine(line);
    return {
      indicator_id: f[0]!,
      year: Number(f[1]),
      region_level: f[2] as ReleaseRow['region_level'],
      region_code: f[3]!,
      parent_code: f[4] === '' ? null : f[4]!,
      breakdown: f[5] ?? '',
      value: parseNumber(f[6]!),
      numerator: parseNumber(f[7]!),
      denominator: parseNumber(f[8]!),
      status: f[9] as ReleaseRow['status'],
      rule: f[10] === '' ? null : (f[10] ?? null),
    };
  });
}
