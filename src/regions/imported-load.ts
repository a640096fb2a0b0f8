/** Loading a stored import (as written by importRegionDivision) into regions and geometry. */
import { basename, dirname } from 'node:path';
import type { Feature, FeatureCollection, Geometry, MultiPolygon, Polygon } from 'geojson';
import { feature, merge } from 'topojson-client';
import type { GeometryObject, Topology } from 'topojson-specification';
import { parseDivision, type Division, type DivisionFeature } from './division.js';
import { readRegionJson } from './files.js';
import { IMPORT_FORMAT, isImportMeta, type ImportMeta } from './imported-format.js';
import { describeDir, type ImportedFile } from './resolve.js';
import { nederland, type GeometryProvider } from './set.js';
import { syntheticSubAreas } from './synthetic.js';
import { NATIONAL_CODE, RegionImportError, type Region, type RegionLevel } from './types.js';

export interface ImportedRegions {
  year: number;
  regions: Region[];
  geometry: Partial<Record<RegionLevel, GeometryProvider>>;
  description: string;
  files: string[];
  meta: ImportMeta;
  withoutWijken: string[];
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

/** The `samenzicht` member of a stored import, checked against the file name's year. */
function storedMeta(json: unknown, entry: ImportedFile): ImportMeta {
  const { path } = entry;
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
  return meta;
}

interface ImportedLevels {
  gemeenten: Region[];
  wijken: Region[];
  buurten: Region[];
  /** Sorted by code; inhabitants summed from their gemeenten. */
  veiligheidsregios: Region[];
}

/** The regions of the division, each gemeente under a veiligheidsregio named in `meta`. */
function importedLevels(d: Division, meta: ImportMeta, path: string): ImportedLevels {
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
    byLevel[f.level].push({
      code: f.code,
      name: f.name,
      level: f.level,
      parentCode,
      synthetic: false,
      ...(f.inhabitants !== null ? { inhabitants: f.inhabitants } : {}),
    });
  }
  const veiligheidsregios = [...vrs.values()].sort((a, b) => a.code.localeCompare(b.code));
  return { gemeenten, wijken, buurten, veiligheidsregios };
}

/**
 * Geometry of every level: gemeenten, wijken and buurten as stored; veiligheidsregio's and
 * Nederland as the union of their gemeenten (merged along shared arcs for TopoJSON).
 */
function importedGeometry(d: Division): Partial<Record<RegionLevel, GeometryProvider>> {
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
  return {
    nederland: () => new Map([[NATIONAL_CODE, union([...gmOfVr.values()].flat())]]),
    veiligheidsregio: () => new Map([...gmOfVr].map(([vr, parts]) => [vr, union(parts)])),
    gemeente: levelGeometry('gemeente'),
    wijk: levelGeometry('wijk'),
    buurt: levelGeometry('buurt'),
  };
}

function describeImport(
  meta: ImportMeta,
  path: string,
  levels: ImportedLevels,
  withoutWijken: Region[],
): string {
  const { gemeenten, wijken, buurten, veiligheidsregios } = levels;
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
  return (
    `CBS/Kadaster division of ${meta.year} imported from ${meta.source.file} (${basename(path)} in ${describeDir(dirname(path))}): ${gemeenten.length} gemeenten, ${wijken.length} wijken, ${buurten.length} buurten in ${veiligheidsregios.length} veiligheidsregio's` +
    fill +
    missing
  );
}

/** Loads a stored import (as written by importRegionDivision). Errors name the file. */
export async function loadImportedRegions(entry: ImportedFile): Promise<ImportedRegions> {
  const { path } = entry;
  const json = await readRegionJson(path);
  const meta = storedMeta(json, entry);
  const d = parseDivision(json, path, meta.year);
  const levels = importedLevels(d, meta, path);
  const { gemeenten, wijken, buurten, veiligheidsregios } = levels;
  const hasWijk = new Set(wijken.map((w) => w.parentCode));
  const withoutWijken = gemeenten.filter((g) => !hasWijk.has(g.code));
  const synthetic = withoutWijken.flatMap(syntheticSubAreas);
  const total = gemeenten.reduce((s, g) => s + (g.inhabitants ?? 0), 0);
  const nl = nederland(total);
  return {
    year: meta.year,
    regions: [nl, ...veiligheidsregios, ...gemeenten, ...wijken, ...buurten, ...synthetic],
    geometry: importedGeometry(d),
    files: [path],
    meta,
    withoutWijken: withoutWijken.map((g) => g.code),
    description: describeImport(meta, path, levels, withoutWijken),
  };
}
