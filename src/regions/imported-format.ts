/**
 * The stored form of an imported division: GeoJSON/TopoJSON with normalised properties (`code`,
 * `name`, `parent`, `veiligheidsregiocode`, `inwoners`) and a `samenzicht` member (ImportMeta).
 */
import type { GeometryObject } from 'topojson-specification';
import type { Division, DivisionFeature } from './division.js';

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

export function isImportMeta(m: unknown): m is ImportMeta {
  const o = m as Partial<ImportMeta> | null;
  return (
    !!o &&
    o.format === IMPORT_FORMAT &&
    typeof o.year === 'number' &&
    Array.isArray(o.veiligheidsregios) &&
    typeof o.source === 'object'
  );
}

function normalisedProperties(f: DivisionFeature): Record<string, string | number> {
  const p: Record<string, string | number> = { code: f.code, name: f.name };
  if (f.parent !== null) p.parent = f.parent;
  if (f.veiligheidsregio !== null) p.veiligheidsregiocode = f.veiligheidsregio;
  if (f.inhabitants !== null) p.inwoners = f.inhabitants;
  return p;
}
/** The division as stored: features ordered by level and code, `samenzicht` member set. */
export function storedJson(d: Division, meta: ImportMeta): unknown {
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
