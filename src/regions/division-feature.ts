/**
 * One feature of a CBS division: its properties read into a DivisionFeature, with the property
 * names of the CBS/PDOK files and their shapefile forms (see division.ts). Every error names the
 * file, the feature and the field.
 */
import type { Geometry } from 'geojson';
import type { GeometryObject } from 'topojson-specification';
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

/** Errors that name the file and the feature. */
export class FeatureErrors {
  constructor(readonly file: string) {}
  at(ref: string, message: string): RegionImportError {
    return new RegionImportError(`${this.file}: ${ref}: ${message}`);
  }
}

/** An error about the feature being read, naming the file and the feature. */
type Fail = (message: string) => RegionImportError;

function isWater(p: Props): boolean {
  const water = p.get('water')?.value;
  return water === true || (typeof water === 'string' && water.trim().toUpperCase() === 'JA');
}

/** The region code and its level: from a generic field by its prefix, else a level's own field. */
function readCode(p: Props, fail: Fail): { level: DivisionLevel; code: string; key: string } {
  let level: DivisionLevel | undefined;
  let found = pick(p, GENERIC_CODE_FIELDS);
  if (found) {
    level = PREFIX_LEVEL[found.value.slice(0, 2).toUpperCase()];
    if (!level) {
      throw fail(
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
    throw fail(
      `no region code: none of the fields ${CODE_FIELDS.join(', ')} (any case) has a value`,
    );
  }
  const code = found.value.toUpperCase();
  if (!CODE_PATTERN[level].test(code)) {
    throw fail(
      `field '${found.key}' = '${found.value}' is not a ${level} code (${LEVEL_WORDS[level]})`,
    );
  }
  return { level, code, key: found.key };
}

/** A declared level (`rubriek`, …) must agree with the code. */
function checkDeclaredLevel(
  p: Props,
  level: DivisionLevel,
  code: string,
  codeKey: string,
  fail: Fail,
): void {
  const declared = pick(p, LEVEL_FIELDS);
  if (declared && declared.value.toLowerCase() !== level) {
    throw fail(
      `field '${declared.key}' = '${declared.value}' does not match the ${level} code ${code} (field '${codeKey}')`,
    );
  }
}

function readName(p: Props, level: DivisionLevel, code: string, fail: Fail): string {
  const name = pick(p, NAME_FIELDS[level]);
  if (!name) {
    throw fail(
      `${level} ${code} has no name: none of the fields ${NAME_FIELDS[level].join(', ')} has a value`,
    );
  }
  return name.value;
}

/** The parent of a wijk or buurt: a parent field, else derived from the code (CBS codes nest). */
function readParent(
  p: Props,
  level: DivisionLevel,
  code: string,
  fail: Fail,
): Pick<DivisionFeature, 'parent' | 'parentField'> {
  if (level === 'gemeente') return { parent: null, parentField: null };
  const parentLevel: DivisionLevel = level === 'buurt' ? 'wijk' : 'gemeente';
  const given = pick(p, PARENT_FIELDS[level]);
  if (!given) {
    const parent = level === 'buurt' ? `WK${code.slice(2, 8)}` : `GM${code.slice(2, 6)}`;
    return { parent, parentField: null };
  }
  const parent = given.value.toUpperCase();
  if (!CODE_PATTERN[parentLevel].test(parent)) {
    throw fail(
      `field '${given.key}' = '${given.value}' is not a ${parentLevel} code (${LEVEL_WORDS[parentLevel]})`,
    );
  }
  return { parent, parentField: given.key };
}

function readVeiligheidsregio(
  p: Props,
  fail: Fail,
): Pick<DivisionFeature, 'veiligheidsregio' | 'veiligheidsregioName'> {
  let veiligheidsregio: string | null = null;
  const vr = pick(p, VR_FIELDS);
  if (vr) {
    veiligheidsregio = vr.value.toUpperCase();
    if (!/^VR\d{2}$/.test(veiligheidsregio)) {
      throw fail(`field '${vr.key}' = '${vr.value}' is not VR + 2 digits`);
    }
  }
  return { veiligheidsregio, veiligheidsregioName: pick(p, VR_NAME_FIELDS)?.value ?? null };
}

function readInhabitants(p: Props, fail: Fail): number | null {
  const inh = pick(p, INHABITANT_FIELDS);
  if (!inh) return null;
  const n = Number(inh.value);
  if (!Number.isFinite(n)) {
    throw fail(`field '${inh.key}' = '${inh.value}' is not a number`);
  }
  // CBS writes -99999999 (and other negatives) for "secret" or "not available".
  return n >= 0 ? Math.round(n) : null;
}

function readStatYear(p: Props): number | null {
  const jr = pick(p, ['jrstatcode']);
  return jr && /^\d{4}/.test(jr.value) ? Number(jr.value.slice(0, 4)) : null;
}

/** The feature at `ref` (its geometry left to the caller), or 'water' for a water part. */
export function readFeature(
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
  if (isWater(p)) return 'water';
  const fail: Fail = (message) => errors.at(ref, message);
  const { level, code, key } = readCode(p, fail);
  checkDeclaredLevel(p, level, code, key, fail);
  const name = readName(p, level, code, fail);
  const { parent, parentField } = readParent(p, level, code, fail);
  const { veiligheidsregio, veiligheidsregioName } =
    level === 'gemeente'
      ? readVeiligheidsregio(p, fail)
      : { veiligheidsregio: null, veiligheidsregioName: null };
  return {
    ref,
    code,
    codeField: key,
    level,
    name,
    parent,
    parentField,
    veiligheidsregio,
    veiligheidsregioName,
    inhabitants: readInhabitants(p, fail),
    statYear: readStatYear(p),
    geometry: null,
  };
}
