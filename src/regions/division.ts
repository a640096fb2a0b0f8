/**
 * A CBS division (gemeenten, wijken, buurten of one year) read from GeoJSON or TopoJSON, with
 * the property names of the CBS/PDOK files: `statcode`/`statnaam`/`rubriek` (CBS
 * gebiedsindelingen), `gemeentecode`/`gemeentenaam`, `wijkcode`/`wijknaam`,
 * `buurtcode`/`buurtnaam`, `aantal_inwoners`, `water` (PDOK wijk- en buurtkaart), their
 * upper-case shapefile forms `GM_CODE`/`WK_CODE`/`BU_CODE`/`GM_NAAM`/…/`AANT_INW`, and the
 * normalised `code`/`name`/`parent`/`veiligheidsregiocode`/`inwoners` that Samenzicht stores.
 * Every error names the file, the feature (`features[i]` or `objects.<name>.geometries[i]`)
 * and the field.
 */
import type { Feature, FeatureCollection, Geometry, Position } from 'geojson';
import type { GeometryObject, Topology } from 'topojson-specification';
import { RegionImportError } from './types.js';

export type DivisionLevel = 'gemeente' | 'wijk' | 'buurt';

export interface DivisionFeature {
  /** Where the feature sits in the file: `features[3]` or `objects.buurten.geometries[3]`. */
  ref: string;
  code: string;
  codeField: string;
  level: DivisionLevel;
  name: string;
  /** The gemeente of a wijk, the wijk of a buurt; null for a gemeente. */
  parent: string | null;
  /** The field the parent came from; null when derived from the code (CBS codes nest). */
  parentField: string | null;
  veiligheidsregio: string | null;
  veiligheidsregioName: string | null;
  inhabitants: number | null;
  /** Year from a `jrstatcode` such as `2023GM0363`, when the file has one. */
  statYear: number | null;
  /** GeoJSON geometry (kind 'geo') or the TopoJSON geometry object (kind 'topo'); null = none. */
  geometry: Geometry | GeometryObject | null;
}

export interface Division {
  file: string;
  kind: 'geo' | 'topo';
  topology: Topology | null;
  features: DivisionFeature[];
  /** Features marked `water: JA` (the water part of a CBS area), left out. */
  skippedWater: number;
  /** The file's `samenzicht` member (set by `regions import`), if any. */
  meta: unknown;
}

export const CODE_PATTERN: Record<DivisionLevel, RegExp> = {
  gemeente: /^GM\d{4}$/,
  wijk: /^WK\d{6}$/,
  buurt: /^BU\d{8}$/,
};
const PREFIX_LEVEL: Record<string, DivisionLevel> = { GM: 'gemeente', WK: 'wijk', BU: 'buurt' };
const LEVEL_WORDS: Record<DivisionLevel, string> = {
  gemeente: 'GM + 4 digits',
  wijk: 'WK + 6 digits',
  buurt: 'BU + 8 digits',
};

/** Generic code fields (level from the prefix), then level-specific ones, most specific first. */
const GENERIC_CODE_FIELDS = ['code', 'statcode'];
const LEVEL_CODE_FIELDS: [DivisionLevel, string[]][] = [
  ['buurt', ['buurtcode', 'bu_code']],
  ['wijk', ['wijkcode', 'wk_code']],
  ['gemeente', ['gemeentecode', 'gm_code']],
];
export const CODE_FIELDS = [
  ...GENERIC_CODE_FIELDS,
  ...LEVEL_CODE_FIELDS.flatMap(([, f]) => f),
] as const;
const NAME_FIELDS: Record<DivisionLevel, string[]> = {
  buurt: ['name', 'buurtnaam', 'bu_naam', 'statnaam', 'naam'],
  wijk: ['name', 'wijknaam', 'wk_naam', 'statnaam', 'naam'],
  gemeente: ['name', 'gemeentenaam', 'gm_naam', 'statnaam', 'naam'],
};
const PARENT_FIELDS: Record<DivisionLevel, string[]> = {
  buurt: ['parent', 'wijkcode', 'wk_code'],
  wijk: ['parent', 'gemeentecode', 'gm_code'],
  gemeente: [],
};
const LEVEL_FIELDS = ['rubriek', 'level', 'niveau'];
const VR_FIELDS = ['veiligheidsregiocode', 'vr_code'];
const VR_NAME_FIELDS = ['veiligheidsregionaam', 'vr_naam'];
export const INHABITANT_FIELDS = ['inwoners', 'aantal_inwoners', 'aant_inw'];

/** Longitude/latitude box around the Netherlands including its sea gemeenten. */
const NL_BOX = { lon: [2.5, 7.6], lat: [50.5, 55.9] } as const;

type Props = Map<string, { key: string; value: unknown }>;

function propsOf(p: unknown): Props {
  const m: Props = new Map();
  if (p && typeof p === 'object') {
    for (const [key, value] of Object.entries(p as Record<string, unknown>)) {
      m.set(key.toLowerCase(), { key, value });
    }
  }
  return m;
}

function text(v: unknown): string | undefined {
  if (typeof v === 'string') return v.trim() === '' ? undefined : v.trim();
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

/** The first of `fields` with a value: its value and the field name as spelt in the file. */
function pick(p: Props, fields: readonly string[]): { key: string; value: string } | undefined {
  for (const f of fields) {
    const e = p.get(f);
    const v = e ? text(e.value) : undefined;
    if (e && v !== undefined) return { key: e.key, value: v };
  }
  return undefined;
}

class FeatureErrors {
  constructor(readonly file: string) {}
  at(ref: string, message: string): RegionImportError {
    return new RegionImportError(`${this.file}: ${ref}: ${message}`);
  }
}

function checkPosition(pos: Position | undefined, err: () => RegionImportError): void {
  if (!pos) return;
  const [lon, lat] = pos;
  if (
    typeof lon !== 'number' ||
    typeof lat !== 'number' ||
    lon < NL_BOX.lon[0] ||
    lon > NL_BOX.lon[1] ||
    lat < NL_BOX.lat[0] ||
    lat > NL_BOX.lat[1]
  ) {
    throw err();
  }
}

const crsHint = (pos: unknown) =>
  `coordinates ${JSON.stringify(pos)} are not longitude/latitude in the Netherlands; ` +
  'the file must be WGS84 (EPSG:4326): reproject RD New (EPSG:28992) first, e.g. ' +
  '`ogr2ogr -t_srs EPSG:4326 out.geojson in.gpkg`';

function firstPosition(g: Geometry): Position | undefined {
  if (g.type === 'Polygon') return g.coordinates[0]?.[0];
  if (g.type === 'MultiPolygon') return g.coordinates[0]?.[0]?.[0];
  return undefined;
}

function readFeature(
  errors: FeatureErrors,
  ref: string,
  properties: unknown,
): DivisionFeature | 'water' {
  const p = propsOf(properties);
  if (properties === null || properties === undefined || typeof properties !== 'object') {
    throw errors.at(
      ref,
      `no properties, so no region code (expected one of the fields ${CODE_FIELDS.join(', ')})`,
    );
  }
  const water = p.get('water')?.value;
  if (water === true || (typeof water === 'string' && water.trim().toUpperCase() === 'JA')) {
    return 'water';
  }
  let level: DivisionLevel | undefined;
  let found = pick(p, GENERIC_CODE_FIELDS);
  if (found) {
    level = PREFIX_LEVEL[found.value.slice(0, 2).toUpperCase()];
    if (!level) {
      throw errors.at(
        ref,
        `field '${found.key}' = '${found.value}' is not a gemeente (GM + 4 digits), wijk (WK + 6) or buurt (BU + 8) code`,
      );
    }
  } else {
    for (const [lv, fields] of LEVEL_CODE_FIELDS) {
      found = pick(p, fields);
      if (found) {
        level = lv;
        break;
      }
    }
  }
  if (!found || !level) {
    throw errors.at(
      ref,
      `no region code: none of the fields ${CODE_FIELDS.join(', ')} (any case) has a value`,
    );
  }
  const code = found.value.toUpperCase();
  if (!CODE_PATTERN[level].test(code)) {
    throw errors.at(
      ref,
      `field '${found.key}' = '${found.value}' is not a ${level} code (${LEVEL_WORDS[level]})`,
    );
  }
  const declared = pick(p, LEVEL_FIELDS);
  if (declared && declared.value.toLowerCase() !== level) {
    throw errors.at(
      ref,
      `field '${declared.key}' = '${declared.value}' does not match the ${level} code ${code} (field '${found.key}')`,
    );
  }
  const name = pick(p, NAME_FIELDS[level]);
  if (!name) {
    throw errors.at(
      ref,
      `${level} ${code} has no name: none of the fields ${NAME_FIELDS[level].join(', ')} has a value`,
    );
  }
  let parent: string | null = null;
  let parentField: string | null = null;
  if (level !== 'gemeente') {
    const parentLevel: DivisionLevel = level === 'buurt' ? 'wijk' : 'gemeente';
    const given = pick(p, PARENT_FIELDS[level]);
    if (given) {
      parent = given.value.toUpperCase();
      parentField = given.key;
      if (!CODE_PATTERN[parentLevel].test(parent)) {
        throw errors.at(
          ref,
          `field '${given.key}' = '${given.value}' is not a ${parentLevel} code (${LEVEL_WORDS[parentLevel]})`,
        );
      }
    } else {
      parent = level === 'buurt' ? `WK${code.slice(2, 8)}` : `GM${code.slice(2, 6)}`;
    }
  }
  let veiligheidsregio: string | null = null;
  let veiligheidsregioName: string | null = null;
  if (level === 'gemeente') {
    const vr = pick(p, VR_FIELDS);
    if (vr) {
      veiligheidsregio = vr.value.toUpperCase();
      if (!/^VR\d{2}$/.test(veiligheidsregio)) {
        throw errors.at(ref, `field '${vr.key}' = '${vr.value}' is not VR + 2 digits`);
      }
    }
    veiligheidsregioName = pick(p, VR_NAME_FIELDS)?.value ?? null;
  }
  let inhabitants: number | null = null;
  const inh = pick(p, INHABITANT_FIELDS);
  if (inh) {
    const n = Number(inh.value);
    if (!Number.isFinite(n)) {
      throw errors.at(ref, `field '${inh.key}' = '${inh.value}' is not a number`);
    }
    // CBS writes -99999999 (and other negatives) for "secret" or "not available".
    if (n >= 0) inhabitants = Math.round(n);
  }
  let statYear: number | null = null;
  const jr = pick(p, ['jrstatcode']);
  if (jr && /^\d{4}/.test(jr.value)) statYear = Number(jr.value.slice(0, 4));
  return {
    ref,
    code,
    codeField: found.key,
    level,
    name: name.value,
    parent,
    parentField,
    veiligheidsregio,
    veiligheidsregioName,
    inhabitants,
    statYear,
    geometry: null,
  };
}

function parseGeoJson(json: FeatureCollection, file: string, errors: FeatureErrors): Division {
  const crs = (json as { crs?: { properties?: { name?: unknown } } }).crs?.properties?.name;
  if (typeof crs === 'string' && !/4326|CRS84/i.test(crs)) {
    throw new RegionImportError(
      `${file}: field 'crs' = '${crs}': the file must be WGS84 longitude/latitude (EPSG:4326); reproject it first, e.g. \`ogr2ogr -t_srs EPSG:4326 out.geojson in.gpkg\``,
    );
  }
  if (!Array.isArray(json.features)) {
    throw new RegionImportError(`${file}: a FeatureCollection without a 'features' array`);
  }
  const features: DivisionFeature[] = [];
  let skippedWater = 0;
  json.features.forEach((f: Feature, i) => {
    const ref = `features[${i}]`;
    if (!f || f.type !== 'Feature') throw errors.at(ref, `field 'type' is not 'Feature'`);
    const d = readFeature(errors, ref, f.properties);
    if (d === 'water') {
      skippedWater++;
      return;
    }
    const g = f.geometry;
    if (g !== null && g !== undefined) {
      if (g.type !== 'Polygon' && g.type !== 'MultiPolygon') {
        throw errors.at(
          ref,
          `field 'geometry' has type ${String(g.type)}, expected Polygon or MultiPolygon`,
        );
      }
      const pos = firstPosition(g);
      checkPosition(pos, () => errors.at(ref, crsHint(pos)));
      d.geometry = g;
    }
    features.push(d);
  });
  return {
    file,
    kind: 'geo',
    topology: null,
    features,
    skippedWater,
    meta: (json as { samenzicht?: unknown }).samenzicht,
  };
}

function parseTopoJson(json: Topology, file: string, errors: FeatureErrors): Division {
  if (typeof json.objects !== 'object' || json.objects === null || !Array.isArray(json.arcs)) {
    throw new RegionImportError(`${file}: a Topology without 'objects' or 'arcs'`);
  }
  const t = json.transform;
  json.arcs.forEach((arc, i) => {
    const first = arc[0];
    if (!first) return;
    const pos: Position = t
      ? [first[0]! * t.scale[0] + t.translate[0], first[1]! * t.scale[1] + t.translate[1]]
      : first;
    checkPosition(pos, () => errors.at(`arcs[${i}]`, crsHint(pos)));
  });
  const features: DivisionFeature[] = [];
  let skippedWater = 0;
  for (const [name, obj] of Object.entries(json.objects)) {
    if (!obj || obj.type !== 'GeometryCollection') {
      throw new RegionImportError(
        `${file}: objects.${name}: field 'type' = '${String(obj?.type)}', expected a GeometryCollection of gemeenten, wijken or buurten`,
      );
    }
    obj.geometries.forEach((g, i) => {
      const ref = `objects.${name}.geometries[${i}]`;
      const d = readFeature(errors, ref, (g as { properties?: unknown }).properties);
      if (d === 'water') {
        skippedWater++;
        return;
      }
      const type = (g as { type: string | null }).type;
      if (type !== null && type !== undefined) {
        if (type !== 'Polygon' && type !== 'MultiPolygon') {
          throw errors.at(ref, `field 'type' = ${type}, expected Polygon or MultiPolygon`);
        }
        d.geometry = g as GeometryObject;
      }
      features.push(d);
    });
  }
  return {
    file,
    kind: 'topo',
    topology: json,
    features,
    skippedWater,
    meta: (json as { samenzicht?: unknown }).samenzicht,
  };
}

/**
 * Reads a GeoJSON FeatureCollection or TopoJSON Topology of gemeenten, wijken and buurten and
 * checks the hierarchy: codes well-formed and unique, every wijk's gemeente and every buurt's
 * wijk present, at least one gemeente. With `year`, a `jrstatcode` of another year is an error.
 */
export function parseDivision(json: unknown, file: string, year?: number): Division {
  const errors = new FeatureErrors(file);
  const type = (json as { type?: unknown } | null)?.type;
  let d: Division;
  if (type === 'FeatureCollection') d = parseGeoJson(json as FeatureCollection, file, errors);
  else if (type === 'Topology') d = parseTopoJson(json as Topology, file, errors);
  else {
    throw new RegionImportError(
      `${file}: field 'type' = ${JSON.stringify(type)}: expected a GeoJSON FeatureCollection or a TopoJSON Topology`,
    );
  }
  const byCode = new Map<string, DivisionFeature>();
  for (const f of d.features) {
    const dup = byCode.get(f.code);
    if (dup) {
      throw errors.at(f.ref, `code ${f.code} (field '${f.codeField}') also at ${dup.ref}`);
    }
    byCode.set(f.code, f);
    if (year !== undefined && f.statYear !== null && f.statYear !== year) {
      throw errors.at(
        f.ref,
        `field 'jrstatcode' says ${f.statYear}, but the division is imported as ${year}`,
      );
    }
  }
  if (!d.features.some((f) => f.level === 'gemeente')) {
    throw new RegionImportError(
      `${file}: no gemeenten (features with a GM code); a division needs its gemeenten, wijken and buurten`,
    );
  }
  return checkParents(d, byCode, errors);
}

function checkParents(
  d: Division,
  byCode: Map<string, DivisionFeature>,
  errors: FeatureErrors,
): Division {
  for (const f of d.features) {
    if (f.parent === null) continue;
    const parentLevel = f.level === 'buurt' ? 'wijk' : 'gemeente';
    const parent = byCode.get(f.parent);
    const from =
      f.parentField === null ? `derived from field '${f.codeField}'` : `field '${f.parentField}'`;
    if (!parent) {
      throw errors.at(
        f.ref,
        `${f.level} ${f.code}: its ${parentLevel} ${f.parent} (${from}) is not in the file`,
      );
    }
    if (parent.level !== parentLevel) {
      throw errors.at(
        f.ref,
        `${f.level} ${f.code}: its parent ${f.parent} (${from}) is a ${parent.level}, not a ${parentLevel}`,
      );
    }
  }
  return d;
}
