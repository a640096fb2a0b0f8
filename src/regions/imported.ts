/**
 * Imported CBS divisions (`samenzicht regions import`): a newer year's gemeenten, wijken and
 * buurten from GeoJSON or TopoJSON, validated, normalised and stored Brotli-compressed next to
 * the other region files as `nl-<year>-import.{geo,topo}.json.br`. The stored file is itself
 * GeoJSON/TopoJSON (properties `code`, `name`, `parent`, `veiligheidsregiocode`, `inwoners`)
 * with a `samenzicht` member holding the year, the source file and the veiligheidsregio names.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { field, parseCsv } from './csv.js';
import { parseDivision, type Division, type DivisionFeature } from './division.js';
import { findRegionFile, readRegionJson, readRegionText, writeBrotli } from './files.js';
import { ATTRIBUTION, IMPORT_FORMAT, storedJson, type ImportMeta } from './imported-format.js';
import { loadImportedRegions } from './imported-load.js';
import { findImportFiles, importFileName, projectRegionsDir } from './resolve.js';
import { RegionImportError } from './types.js';

export { ATTRIBUTION, IMPORT_FORMAT, type ImportMeta } from './imported-format.js';
export { loadImportedRegions, type ImportedRegions } from './imported-load.js';

export interface ImportOptions {
  /** GeoJSON or TopoJSON (may itself be `.gz`/`.br`). */
  file: string;
  year: number;
  /** Region directory to store into; created when missing. */
  dataDir: string;
  /** Replace an earlier import of the same year. */
  force?: boolean;
}

export interface ImportResult {
  path: string;
  bytes: number;
  inputBytes: number;
  meta: ImportMeta;
  /** Gemeenten without wijken in the file (they get synthetic wijken and buurten). */
  gemeentenWithoutWijken: string[];
}

export const MIN_YEAR = 1990;
export const MAX_YEAR = 2100;

interface GemeenteRow {
  vr: string;
  inhabitants: number;
}

/** The 2023 gemeente and veiligheidsregio tables of `dirs[0]`, else `dirs[1]`, … (or none). */
async function baseTables(dirs: string[]): Promise<{
  file: string | null;
  gemeenten: Map<string, GemeenteRow>;
  vrNames: Map<string, string>;
}> {
  for (const dir of dirs) {
    const gmFile = findRegionFile(dir, 'gemeenten-2023.csv');
    const vrFile = findRegionFile(dir, 'veiligheidsregios-2023.csv');
    if (!gmFile || !vrFile) continue;
    const gemeenten = new Map<string, GemeenteRow>();
    parseCsv(await readRegionText(gmFile), gmFile).forEach((r, i) => {
      gemeenten.set(field(r, 'gemeentecode', gmFile, i + 2), {
        vr: field(r, 'veiligheidsregiocode', gmFile, i + 2),
        inhabitants: Number(field(r, 'inwoners', gmFile, i + 2)),
      });
    });
    const vrNames = new Map<string, string>();
    parseCsv(await readRegionText(vrFile), vrFile).forEach((r, i) => {
      vrNames.set(
        field(r, 'veiligheidsregiocode', vrFile, i + 2),
        field(r, 'veiligheidsregionaam', vrFile, i + 2),
      );
    });
    return { file: basename(gmFile), gemeenten, vrNames };
  }
  return { file: null, gemeenten: new Map(), vrNames: new Map() };
}

type BaseTables = Awaited<ReturnType<typeof baseTables>>;

/** What the gemeenten took from the 2023 table, and the veiligheidsregio names they use. */
interface Filled {
  vrNames: Map<string, string>;
  vrFromTable: number;
  inhFromTable: number;
  tableName: string;
}

/**
 * Gives every gemeente a veiligheidsregio (with a name) and inhabitants: from its own fields,
 * else from the 2023 table; a gemeente found in neither is an error naming the feature.
 */
function fillGemeenten(division: Division, tables: BaseTables, file: string): Filled {
  const vrNames = new Map<string, string>();
  let vrFromTable = 0;
  let inhFromTable = 0;
  const tableName = tables.file ?? 'gemeenten-2023.csv';
  for (const f of division.features) {
    if (f.level !== 'gemeente') continue;
    const row = tables.gemeenten.get(f.code);
    if (f.veiligheidsregio === null) {
      if (!row) {
        throw new RegionImportError(
          `${file}: ${f.ref}: gemeente ${f.code} (${f.name}) has no veiligheidsregio: no field 'veiligheidsregiocode' and not in ${tableName}; add that field to the gemeente features`,
        );
      }
      f.veiligheidsregio = row.vr;
      vrFromTable++;
    }
    if (f.inhabitants === null) {
      if (!row) {
        throw new RegionImportError(
          `${file}: ${f.ref}: gemeente ${f.code} (${f.name}) has no inhabitants: no field 'aantal_inwoners' or 'inwoners' and not in ${tableName}`,
        );
      }
      f.inhabitants = row.inhabitants;
      inhFromTable++;
    }
    const vrName = f.veiligheidsregioName ?? tables.vrNames.get(f.veiligheidsregio);
    if (vrName === undefined) {
      throw new RegionImportError(
        `${file}: ${f.ref}: field 'veiligheidsregiocode' = '${f.veiligheidsregio}' is not a known veiligheidsregio; add 'veiligheidsregionaam'`,
      );
    }
    if (!vrNames.has(f.veiligheidsregio)) vrNames.set(f.veiligheidsregio, vrName);
  }
  return { vrNames, vrFromTable, inhFromTable, tableName };
}

function importMeta(
  division: Division,
  filled: Filled,
  source: { file: string; raw: Buffer; year: number },
): ImportMeta {
  const { vrNames, vrFromTable, inhFromTable, tableName } = filled;
  const count = (lv: DivisionFeature['level']) =>
    division.features.filter((f) => f.level === lv).length;
  return {
    format: IMPORT_FORMAT,
    version: 1,
    year: source.year,
    attribution: ATTRIBUTION,
    source: {
      file: basename(source.file),
      bytes: source.raw.length,
      sha256: createHash('sha256').update(source.raw).digest('hex'),
    },
    veiligheidsregios: [...vrNames]
      .map(([code, name]) => ({ code, name }))
      .sort((a, b) => a.code.localeCompare(b.code)),
    counts: { gemeente: count('gemeente'), wijk: count('wijk'), buurt: count('buurt') },
    skippedWater: division.skippedWater,
    fromTable: {
      veiligheidsregio: vrFromTable,
      inhabitants: inhFromTable,
      table: vrFromTable + inhFromTable > 0 ? tableName : null,
    },
  };
}

/**
 * Writes the division into `opts.dataDir`, replacing an earlier import of the year only with
 * `force`, and reads it back: the gemeenten that have no wijken.
 */
async function storeDivision(
  division: Division,
  meta: ImportMeta,
  opts: ImportOptions,
): Promise<{ path: string; bytes: number; withoutWijken: string[] }> {
  const { year, dataDir } = opts;
  mkdirSync(dataDir, { recursive: true });
  const earlier = findImportFiles(dataDir).filter((f) => f.year === year);
  if (earlier.length > 0 && !opts.force) {
    throw new RegionImportError(
      `${earlier[0]!.path} already holds a ${year} division; use --force to replace it`,
    );
  }
  const path = join(dataDir, importFileName(year, division.kind));
  const bytes = await writeBrotli(path, JSON.stringify(storedJson(division, meta)));
  for (const e of earlier) if (e.path !== path) rmSync(e.path, { force: true });
  // Read it back the way the loader will: a stored set that does not load is never left behind.
  try {
    const loaded = await loadImportedRegions({ year, kind: division.kind, path });
    return { path, bytes, withoutWijken: loaded.withoutWijken };
  } catch (err) {
    rmSync(path, { force: true });
    throw err;
  }
}

/**
 * Validates a CBS/PDOK division and stores it, compressed, in `opts.dataDir`. Gemeenten take
 * their veiligheidsregio from a `veiligheidsregiocode` field, else from gemeenten-2023.csv (of
 * `dataDir`, else the project's data); inhabitants from `aantal_inwoners`/`inwoners`, else that
 * table. A gemeente found in neither is an error naming the feature and the field.
 */
export async function importRegionDivision(opts: ImportOptions): Promise<ImportResult> {
  const { file, year, dataDir } = opts;
  if (!Number.isInteger(year) || year < MIN_YEAR || year > MAX_YEAR) {
    throw new RegionImportError(`year ${year} is not a year from ${MIN_YEAR} to ${MAX_YEAR}`);
  }
  const raw = await readFile(file).catch((err: Error) => {
    throw new RegionImportError(`${file}: cannot read (${err.message})`);
  });
  const division = parseDivision(await readRegionJson(file), file, year);
  const tables = await baseTables([dataDir, projectRegionsDir()]);
  const filled = fillGemeenten(division, tables, file);
  const meta = importMeta(division, filled, { file, raw, year });
  const stored = await storeDivision(division, meta, opts);
  return {
    path: stored.path,
    bytes: stored.bytes,
    inputBytes: raw.length,
    meta,
    gemeentenWithoutWijken: stored.withoutWijken,
  };
}
