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
import { basename, dirname, join } from 'node:path';
import type { Feature, FeatureCollection, Geometry, MultiPolygon, Polygon } from 'geojson';
import { feature, merge } from 'topojson-client';
import type { GeometryObject, Topology } from 'topojson-specification';
import { field, parseCsv } from './csv.js';
import { parseDivision, type Division, type DivisionFeature } from './division.js';
import { findRegionFile, readRegionJson, readRegionText, writeBrotli } from './files.js';
import {
  describeDir,
  findImportFiles,
  importFileName,
  projectRegionsDir,
  type ImportedFile,
} from './resolve.js';
import { nederland, type GeometryProvider } from './set.js';
import { syntheticSubAreas } from './synthetic.js';
import { NATIONAL_CODE, RegionImportError, type Region, type RegionLevel } from './types.js';

export const IMPORT_FORMAT = 'samenzicht-region-import';
export const ATTRIBUTION = 'Bron: CBS, Kadaster';

export interface ImportMeta {
  format: typeof IMPORT_FORMAT;
  version: 1;
  year: number;
  attribution: string;
  source: { file: string; bytes: number; sha256: string };
  veiligheidsregios: { code: string; name: string }[];
  counts: { gemeente: number; wijk: number; buurt: number };
  skippedWater: number;
  /** How many gemeenten took their veiligheidsregio / inhabitants from the 2023 table. */
  fromTable: { veiligheidsregio: number; inhabitants: number; table: string | null };
}

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

function normalisedProperties(f: DivisionFeature): Record<string, string | number> {
  const p: Record<string, string | number> = { code: f.code, name: f.name };
  if (f.parent !== null) p.parent = f.parent;
  if (f.veiligheidsregio !== null) p.veiligheidsregiocode = f.veiligheidsregio;
  if (f.inhabitants !== null) p.inwoners = f.inhabitants;
  return p;
}

function storedJson(d: Division, meta: ImportMeta): unknown {
  const order = { gemeente: 0, wijk: 1, buurt: 2 };
  const features = [...d.features].sort(
    (a, b) => order[a.level] - order[b.level] || a.code.localeCompare(b.code),
  );
  if (d.kind === 'geo') {
    return {
      type: 'FeatureCollection',
      samenzicht: meta,
      features: features.map((f) => ({
        type: 'Feature',
        id: f.code,
        properties: normalisedProperties(f),
        geometry: f.geometry,
      })),
    };
  }
  const t = d.topology!;
  const objects: Record<string, { type: 'GeometryCollection'; geometries: unknown[] }> = {
    gemeente: { type: 'GeometryCollection', geometries: [] },
    wijk: { type: 'GeometryCollection', geometries: [] },
    buurt: { type: 'GeometryCollection', geometries: [] },
  };
  for (const f of features) {
    const g = (f.geometry as GeometryObject | null) ?? { type: null };
    const { properties: _p, id: _id, ...shape } = g as GeometryObject & { id?: unknown };
    objects[f.level]!.geometries.push({
      ...shape,
      id: f.code,
      properties: normalisedProperties(f),
    });
  }
  return {
    type: 'Topology',
    ...(t.bbox ? { bbox: t.bbox } : {}),
    ...(t.transform ? { transform: t.transform } : {}),
    samenzicht: meta,
    objects,
    arcs: t.arcs,
  };
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
  const count = (lv: DivisionFeature['level']) =>
    division.features.filter((f) => f.level === lv).length;
  const meta: ImportMeta = {
    format: IMPORT_FORMAT,
    version: 1,
    year,
    attribution: ATTRIBUTION,
    source: {
      file: basename(file),
      bytes: raw.length,
      sha256: createHash('sha256').update(raw).digest('hex'),
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
  let loaded: ImportedRegions;
  try {
    loaded = await loadImportedRegions({ year, kind: division.kind, path });
  } catch (err) {
    rmSync(path, { force: true });
    throw err;
  }
  return {
    path,
    bytes,
    inputBytes: raw.length,
    meta,
    gemeentenWithoutWijken: loaded.withoutWijken,
  };
}

export interface ImportedRegions {
  year: number;
  regions: Region[];
  geometry: Partial<Record<RegionLevel, GeometryProvider>>;
  description: string;
  files: string[];
  meta: ImportMeta;
  withoutWijken: string[];
}

function isImportMeta(m: unknown): m is ImportMeta {
  const o = m as Partial<ImportMeta> | null;
  return (
    !!o &&
    o.format === IMPORT_FORMAT &&
    typeof o.year === 'number' &&
    Array.isArray(o.veiligheidsregios) &&
    typeof o.source === 'object'
  );
}

/** A MultiPolygon of the parts (GeoJSON input: no topology to merge shared borders with). */
function concatPolygons(geoms: Geometry[]): MultiPolygon {
  const coordinates: MultiPolygon['coordinates'] = [];
  for (const g of geoms) {
    if (g.type === 'Polygon') coordinates.push((g as Polygon).coordinates);
    else if (g.type === 'MultiPolygon') coordinates.push(...(g as MultiPolygon).coordinates);
  }
  return { type: 'MultiPolygon', coordinates };
}

/** Loads a stored import (as written by importRegionDivision). Errors name the file. */
export async function loadImportedRegions(entry: ImportedFile): Promise<ImportedRegions> {
  const { path } = entry;
  const json = await readRegionJson(path);
  const meta = (json as { samenzicht?: unknown } | null)?.samenzicht;
  if (!isImportMeta(meta)) {
    throw new RegionImportError(
      `${path}: no '${IMPORT_FORMAT}' member 'samenzicht'; files named nl-<year>-import.* are written by \`samenzicht regions import\`, import the original file with it`,
    );
  }
  if (meta.year !== entry.year) {
    throw new RegionImportError(
      `${path}: field 'samenzicht.year' = ${meta.year} does not match the year ${entry.year} of the file name`,
    );
  }
  const d = parseDivision(json, path, meta.year);
  const vrName = new Map(meta.veiligheidsregios.map((v) => [v.code, v.name]));

  const gemeenten: Region[] = [];
  const wijken: Region[] = [];
  const buurten: Region[] = [];
  const byLevel = { gemeente: gemeenten, wijk: wijken, buurt: buurten };
  const vrs = new Map<string, Region>();
  for (const f of d.features) {
    let parentCode = f.parent;
    if (f.level === 'gemeente') {
      const vr = f.veiligheidsregio;
      if (vr === null || !vrName.has(vr)) {
        throw new RegionImportError(
          `${path}: ${f.ref}: field 'veiligheidsregiocode' = '${vr ?? ''}' is not one of the veiligheidsregio's in 'samenzicht.veiligheidsregios'`,
        );
      }
      if (f.inhabitants === null) {
        throw new RegionImportError(`${path}: ${f.ref}: gemeente ${f.code}: no field 'inwoners'`);
      }
      parentCode = vr;
      let region = vrs.get(vr);
      if (!region) {
        region = {
          code: vr,
          name: vrName.get(vr)!,
          level: 'veiligheidsregio',
          parentCode: NATIONAL_CODE,
          synthetic: false,
          inhabitants: 0,
        };
        vrs.set(vr, region);
      }
      region.inhabitants = (region.inhabitants ?? 0) + f.inhabitants;
    }
    const r: Region = {
      code: f.code,
      name: f.name,
      level: f.level,
      parentCode,
      synthetic: false,
      ...(f.inhabitants !== null ? { inhabitants: f.inhabitants } : {}),
    };
    byLevel[f.level].push(r);
  }
  const hasWijk = new Set(wijken.map((w) => w.parentCode));
  const withoutWijken = gemeenten.filter((g) => !hasWijk.has(g.code));
  const synthetic = withoutWijken.flatMap(syntheticSubAreas);
  const total = gemeenten.reduce((s, g) => s + (g.inhabitants ?? 0), 0);
  const nl = nederland(total);
  const vrList = [...vrs.values()].sort((a, b) => a.code.localeCompare(b.code));

  const gmOfVr = new Map<string, DivisionFeature[]>();
  for (const f of d.features) {
    if (f.level !== 'gemeente' || f.geometry === null) continue;
    const list = gmOfVr.get(f.veiligheidsregio!) ?? [];
    list.push(f);
    gmOfVr.set(f.veiligheidsregio!, list);
  }
  const topo = d.topology;
  const geometryOf = (f: DivisionFeature): Geometry | null => {
    if (f.geometry === null) return null;
    if (!topo) return f.geometry as Geometry;
    const out = feature(topo as Topology, f.geometry as GeometryObject) as
      Feature | FeatureCollection;
    return out.type === 'Feature' ? out.geometry : null;
  };
  const union = (parts: DivisionFeature[]): Geometry =>
    topo
      ? merge(topo as Topology, parts.map((p) => p.geometry) as Parameters<typeof merge>[1])
      : concatPolygons(parts.map(geometryOf).filter((g): g is Geometry => g !== null));
  const levelGeometry = (level: DivisionFeature['level']) => () => {
    const m = new Map<string, Geometry>();
    for (const f of d.features) {
      if (f.level !== level) continue;
      const g = geometryOf(f);
      if (g) m.set(f.code, g);
    }
    return m;
  };
  const geometry: Partial<Record<RegionLevel, GeometryProvider>> = {
    nederland: () => new Map([[NATIONAL_CODE, union([...gmOfVr.values()].flat())]]),
    veiligheidsregio: () => new Map([...gmOfVr].map(([vr, parts]) => [vr, union(parts)])),
    gemeente: levelGeometry('gemeente'),
    wijk: levelGeometry('wijk'),
    buurt: levelGeometry('buurt'),
  };

  const fill =
    meta.fromTable.table && meta.fromTable.veiligheidsregio + meta.fromTable.inhabitants > 0
      ? `; veiligheidsregio's of ${meta.fromTable.veiligheidsregio} and inhabitants of ${meta.fromTable.inhabitants} gemeenten from ${meta.fromTable.table}`
      : '';
  const missing =
    withoutWijken.length > 0
      ? `; ${withoutWijken.length} gemeenten without wijken in the file (${withoutWijken
          .slice(0, 5)
          .map((g) => g.code)
          .join(', ')}${withoutWijken.length > 5 ? ', …' : ''}) have synthetic wijken and buurten`
      : '';
  return {
    year: meta.year,
    regions: [nl, ...vrList, ...gemeenten, ...wijken, ...buurten, ...synthetic],
    geometry,
    files: [path],
    meta,
    withoutWijken: withoutWijken.map((g) => g.code),
    description:
      `CBS/Kadaster division of ${meta.year} imported from ${meta.source.file} (${basename(path)} in ${describeDir(dirname(path))}): ${gemeenten.length} gemeenten, ${wijken.length} wijken, ${buurten.length} buurten in ${vrList.length} veiligheidsregio's` +
      fill +
      missing,
  };
}
