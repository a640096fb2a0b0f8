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
import { FeatureErrors, readFeature, type DivisionFeature } from './division-feature.js';
import { RegionImportError } from './types.js';

export {
  CODE_FIELDS,
  CODE_PATTERN,
  INHABITANT_FIELDS,
  type DivisionFeature,
  type DivisionLevel,
} from './division-feature.js';

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

/** Longitude/latitude box around the Netherlands including its sea gemeenten. */
const NL_BOX = { lon: [2.5, 7.6], lat: [50.5, 55.9] } as const;

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
