import { basename } from 'node:path';
import type { Feature, FeatureCollection, Geometry } from 'geojson';
import { feature, merge } from 'topojson-client';
import type { GeometryCollection, GeometryObject, Topology } from 'topojson-specification';
import { field, parseCsv } from './csv.js';
import { findRegionFile, readRegionJson, readRegionText } from './files.js';
import { BASE_YEAR, BUURT_FILE, REQUIRED_FILES, WIJK_FILE, describeDir } from './resolve.js';
import { nederland, type GeometryProvider } from './set.js';
import { syntheticSubAreas } from './synthetic.js';
import { NATIONAL_CODE, type Region, type RegionLevel } from './types.js';

export interface CbsRegions {
  regions: Region[];
  geometry: GeometryProviders;
  description: string;
  /** The stored files read. */
  files: string[];
}

export async function readTopology(path: string): Promise<Topology> {
  const t = (await readRegionJson(path)) as Partial<Topology> | null;
  if (t?.type !== 'Topology' || typeof t.objects !== 'object' || t.objects === null) {
    throw new Error(`${path}: not a TopoJSON topology`);
  }
  return t as Topology;
}

/** The stored path of a required file, or an error naming it. */
function requireFile(dir: string, name: string): string {
  const path = findRegionFile(dir, name);
  if (path === null) throw new Error(`regions directory ${dir} lacks ${name} (plain, .br or .gz)`);
  return path;
}

function collection(topology: Topology, name: string, path: string): GeometryCollection {
  const obj = topology.objects[name];
  if (!obj || obj.type !== 'GeometryCollection') {
    throw new Error(`${path}: object '${name}' missing or not a GeometryCollection`);
  }
  return obj as GeometryCollection;
}

function geometryOf(topology: Topology, g: GeometryObject): Geometry | null {
  const f = feature(topology, g) as Feature | FeatureCollection;
  return f.type === 'Feature' ? f.geometry : null;
}

type Props = Record<string, unknown> | null | undefined;
const prop = (p: Props, key: string): string | undefined => {
  const v = p?.[key];
  return typeof v === 'string' ? v : undefined;
};

/** code → geometry for the features of one TopoJSON object, keyed by property `codeKey`. */
function geometriesByCode(
  topology: Topology,
  coll: GeometryCollection,
  codeKey: string,
  keep?: Set<string>,
) {
  const out = new Map<string, Geometry>();
  for (const g of coll.geometries) {
    const code = prop(g.properties as Props, codeKey);
    if (!code || (keep && !keep.has(code)) || !g.type) continue;
    const geom = geometryOf(topology, g);
    if (geom) out.set(code, geom);
  }
  return out;
}

/** The located files, read and decompressed in parallel; the 2014 pair only when both exist. */
interface CbsFiles {
  gmFile: string;
  vrFile: string;
  topoFile: string;
  gmText: string;
  vrText: string;
  topo: Topology;
  subAreas: SubAreaFiles | null;
}

interface SubAreaFiles {
  wijkPath: string;
  buurtPath: string;
  wijkTopo: Topology;
  buurtTopo: Topology;
}

async function readCbsFiles(dir: string): Promise<CbsFiles> {
  const [gmFile, vrFile, topoFile] = REQUIRED_FILES.map((f) => requireFile(dir, f)) as [
    string,
    string,
    string,
  ];
  const wijkPath = findRegionFile(dir, WIJK_FILE);
  const buurtPath = findRegionFile(dir, BUURT_FILE);
  const withSub = wijkPath !== null && buurtPath !== null;
  const [vrText, gmText, topo, wijkTopo, buurtTopo] = await Promise.all([
    readRegionText(vrFile),
    readRegionText(gmFile),
    readTopology(topoFile),
    withSub ? readTopology(wijkPath) : null,
    withSub ? readTopology(buurtPath) : null,
  ]);
  const subAreas =
    withSub && wijkTopo && buurtTopo ? { wijkPath, buurtPath, wijkTopo, buurtTopo } : null;
  return { gmFile, vrFile, topoFile, gmText, vrText, topo, subAreas };
}

/** The veiligheidsregio's of the 2023 table; their inhabitants are summed from the gemeenten. */
function readVeiligheidsregios(vrText: string, vrFile: string): Region[] {
  return parseCsv(vrText, vrFile).map((r, i) => {
    const code = field(r, 'veiligheidsregiocode', vrFile, i + 2);
    if (!/^VR\d{2}$/.test(code))
      throw new Error(
        `${vrFile}: row ${i + 2}: veiligheidsregiocode '${code}' is not VR + 2 digits`,
      );
    return {
      code,
      name: field(r, 'veiligheidsregionaam', vrFile, i + 2),
      level: 'veiligheidsregio',
      parentCode: NATIONAL_CODE,
      synthetic: false,
      inhabitants: 0,
    };
  });
}

/** The gemeenten of the 2023 table; adds each one's inhabitants to its veiligheidsregio. */
function readGemeenten(gmText: string, gmFile: string, vrFile: string, vrs: Region[]): Region[] {
  const vrByCode = new Map(vrs.map((v) => [v.code, v]));
  return parseCsv(gmText, gmFile).map((r, i) => {
    const row = i + 2;
    const code = field(r, 'gemeentecode', gmFile, row);
    if (!/^GM\d{4}$/.test(code))
      throw new Error(`${gmFile}: row ${row}: gemeentecode '${code}' is not GM + 4 digits`);
    const vrCode = field(r, 'veiligheidsregiocode', gmFile, row);
    const vr = vrByCode.get(vrCode);
    if (!vr)
      throw new Error(`${gmFile}: row ${row}: veiligheidsregiocode '${vrCode}' not in ${vrFile}`);
    const inhabitants = Number(field(r, 'inwoners', gmFile, row));
    if (!Number.isInteger(inhabitants) || inhabitants < 0) {
      throw new Error(`${gmFile}: row ${row}: inwoners '${r.inwoners}' is not a whole number`);
    }
    vr.inhabitants = (vr.inhabitants ?? 0) + inhabitants;
    return {
      code,
      name: field(r, 'gemeentenaam', gmFile, row),
      level: 'gemeente',
      parentCode: vrCode,
      synthetic: false,
      inhabitants,
    };
  });
}

type GeometryProviders = Partial<Record<RegionLevel, GeometryProvider>>;

/** Nederland, veiligheidsregio's and gemeenten from the 2023 topology (read when asked for). */
function baseGeometry(topo: Topology, topoFile: string): GeometryProviders {
  return {
    nederland: () => {
      const coll = collection(topo, 'nl_features', topoFile);
      const first = coll.geometries[0];
      const m = new Map<string, Geometry>();
      if (first) {
        const geom = geometryOf(topo, first);
        if (geom) m.set(NATIONAL_CODE, geom);
      }
      return m;
    },
    veiligheidsregio: () =>
      geometriesByCode(topo, collection(topo, 'vr_features', topoFile), 'code'),
    gemeente: () => geometriesByCode(topo, collection(topo, 'gm_features', topoFile), 'code'),
  };
}

interface SubAreas {
  regions: Region[];
  /** Gemeenten with real 2014 wijken and buurten. */
  matched: number;
  geometry: GeometryProviders;
}

type NamedArea = { code: string; name: string };

/** 2014 buurten grouped by the gemeente digits in their code, for the gemeenten in `gmDigits`. */
function buurtenByGemeente(buurtColl: GeometryCollection, gmDigits: Set<string>) {
  const buurtenByGm = new Map<string, NamedArea[]>();
  for (const g of buurtColl.geometries) {
    const p = g.properties as Props;
    const code = prop(p, 'statcode');
    if (!code || !/^BU\d{8}$/.test(code)) continue;
    const digits = code.slice(2, 6);
    if (!gmDigits.has(digits)) continue;
    const list = buurtenByGm.get(digits) ?? [];
    list.push({ code, name: prop(p, 'statnaam') ?? code });
    buurtenByGm.set(digits, list);
  }
  return buurtenByGm;
}

function wijkNamesOf(wijkColl: GeometryCollection): Map<string, string> {
  const wijkNames = new Map<string, string>();
  for (const g of wijkColl.geometries) {
    const p = g.properties as Props;
    const code = prop(p, 'statcode');
    if (code && /^WK\d{6}$/.test(code)) wijkNames.set(code, prop(p, 'statnaam') ?? code);
  }
  return wijkNames;
}

/**
 * Wijken and buurten from the 2014 files for the gemeenten whose code is unchanged since 2014
 * (their buurten carry the gemeente's digits), synthetic for the others.
 */
function subAreas2014(gemeenten: Region[], files: SubAreaFiles): SubAreas {
  const { wijkTopo, buurtTopo } = files;
  const wijkColl = collection(wijkTopo, 'layer', files.wijkPath);
  const buurtColl = collection(buurtTopo, 'layer', files.buurtPath);
  const buurtenByGm = buurtenByGemeente(buurtColl, new Set(gemeenten.map((g) => g.code.slice(2))));
  const wijkNames = wijkNamesOf(wijkColl);
  const sub: Region[] = [];
  let matched = 0;
  const realWijken = new Set<string>();
  const wijkWithoutGeometry = new Set<string>();
  const realBuurten = new Set<string>();
  for (const gm of gemeenten) {
    const buurten = (buurtenByGm.get(gm.code.slice(2)) ?? []).sort((a, b) =>
      a.code.localeCompare(b.code),
    );
    if (buurten.length === 0) {
      sub.push(...syntheticSubAreas(gm));
      continue;
    }
    matched++;
    for (const b of buurten) {
      const wijkCode = `WK${b.code.slice(2, 8)}`;
      if (!realWijken.has(wijkCode)) {
        realWijken.add(wijkCode);
        const name = wijkNames.get(wijkCode);
        // A few 2014 buurten name a wijk missing from the wijk file: its shape is their union.
        if (name === undefined) wijkWithoutGeometry.add(wijkCode);
        sub.push({
          code: wijkCode,
          name: name ?? `Wijk ${wijkCode.slice(6)}`,
          level: 'wijk',
          parentCode: gm.code,
          synthetic: false,
        });
      }
      realBuurten.add(b.code);
      sub.push({
        code: b.code,
        name: b.name,
        level: 'buurt',
        parentCode: wijkCode,
        synthetic: false,
      });
    }
  }
  const wijk = () => {
    const m = geometriesByCode(wijkTopo, wijkColl, 'statcode', realWijken);
    for (const wk of wijkWithoutGeometry) {
      const parts = buurtColl.geometries.filter((g) =>
        prop(g.properties as Props, 'statcode')?.startsWith(`BU${wk.slice(2)}`),
      );
      if (parts.length > 0) m.set(wk, merge(buurtTopo, parts as Parameters<typeof merge>[1]));
    }
    return m;
  };
  const buurt = () => geometriesByCode(buurtTopo, buurtColl, 'statcode', realBuurten);
  return { regions: sub, matched, geometry: { wijk, buurt } };
}

function describeCbs(dir: string, files: CbsFiles, gemeenten: number, matched: number): string {
  const names = (paths: string[]) => paths.map((p) => basename(p)).join(', ');
  const synthetic = gemeenten - matched;
  const subDescription = files.subAreas
    ? `wijken and buurten of 2014 (${names([files.subAreas.wijkPath, files.subAreas.buurtPath])}) for the ${matched} of ${gemeenten} gemeenten whose code is unchanged since 2014` +
      (synthetic > 0 ? `, synthetic for the other ${synthetic}` : '')
    : 'wijken and buurten synthetic (no 2014 CBS wijk/buurt files)';
  return (
    `CBS/Kadaster region set from ${describeDir(dir)}: gemeenten and veiligheidsregio's of ${BASE_YEAR} ` +
    `(${names([files.gmFile, files.vrFile, files.topoFile])}); ${subDescription}`
  );
}

/**
 * The CBS region set: 2023 gemeenten and veiligheidsregio's with geometry; wijken and buurten
 * from the 2014 CBS files for gemeenten whose code is unchanged, synthetic for the others. Every
 * file may be plain, `.br` or `.gz`; all are read and decompressed in parallel.
 */
export async function loadCbsRegions(dir: string): Promise<CbsRegions> {
  const files = await readCbsFiles(dir);
  const { vrFile, gmFile, topoFile, topo } = files;
  const vrs = readVeiligheidsregios(files.vrText, vrFile);
  const gemeenten = readGemeenten(files.gmText, gmFile, vrFile, vrs);
  const total = gemeenten.reduce((s, g) => s + (g.inhabitants ?? 0), 0);
  const nl = nederland(total);
  const geometry = baseGeometry(topo, topoFile);
  const sub = files.subAreas
    ? subAreas2014(gemeenten, files.subAreas)
    : { regions: gemeenten.flatMap(syntheticSubAreas), matched: 0, geometry: {} };
  Object.assign(geometry, sub.geometry);
  return {
    regions: [nl, ...vrs, ...gemeenten, ...sub.regions],
    geometry,
    files: [
      gmFile,
      vrFile,
      topoFile,
      ...(files.subAreas ? [files.subAreas.wijkPath, files.subAreas.buurtPath] : []),
    ],
    description: describeCbs(dir, files, gemeenten.length, sub.matched),
  };
}
