/**
 * The area of a synthetic run: one part of the Netherlands (a veiligheidsregio, a few gemeenten)
 * or the whole country. The generator only produces people, businesses, dwellings and registers
 * inside the area, so a figure of a region that lies partly outside it would be made of a part of
 * its population: such regions get no figure at all, never a zero.
 *
 * - `NL`: every gemeente; every level is whole and published (Nederland, veiligheidsregio's, …).
 * - `VRxx`: the gemeenten of that veiligheidsregio; the veiligheidsregio itself is whole and
 *   published, Nederland is not.
 * - `GMxxxx,GMxxxx,…` (codes may be mixed with `VRxx`): those gemeenten; a veiligheidsregio is
 *   published only when all its gemeenten are in the area.
 *
 * Gemeenten, wijken and buurten of the area are always published (subject to disclosure control).
 */
import type { Geometry } from 'geojson';
import { buildRegionSet, type GeometryProvider } from '../regions/set.js';
import { REGION_LEVELS } from '../contracts/index.js';
import type { Region, RegionLevel, RegionSet } from '../regions/index.js';

export class AreaError extends Error {
  override name = 'AreaError';
}

/** `NL`, or the region codes asked for (each `VRxx` or `GMxxxx`), deduplicated, in order. */
export type AreaSpec = 'NL' | readonly string[];

export const NATIONWIDE = 'NL';

export function parseAreaSpec(text: string): AreaSpec {
  const parts = text
    .split(',')
    .map((s) => s.trim().toUpperCase())
    .filter(Boolean);
  if (parts.length === 0) {
    throw new AreaError(`area '${text}' is empty; use NL, VRxx or GMxxxx,GMxxxx,…`);
  }
  if (parts.includes(NATIONWIDE)) {
    if (parts.length > 1) throw new AreaError(`area '${text}': NL stands alone (it is everything)`);
    return NATIONWIDE;
  }
  const bad = parts.filter((p) => !/^(VR\d{2}|GM\d{4})$/.test(p));
  if (bad.length > 0) {
    throw new AreaError(
      `area '${text}': ${bad.map((b) => `'${b}'`).join(', ')} is not NL, VR + 2 digits or GM + 4 digits`,
    );
  }
  return [...new Set(parts)];
}

export interface Area {
  /** The area as asked for, normalised: `NL`, `VR11`, `GM0363,GM0362`. */
  spec: string;
  /** In words: `Nederland`, `Zaanstreek-Waterland (VR11)`, `Amsterdam, Amstelveen`. */
  name: string;
  nationwide: boolean;
  /** The area's gemeenten, by code. */
  gemeenten: readonly Region[];
  /** Veiligheidsregio's all of whose gemeenten are in the area: their figures are whole. */
  wholeRegions: readonly Region[];
  /** Veiligheidsregio's only partly in the area: they get no figures. */
  partialRegions: readonly Region[];
  /** Gemeenten of the area whose wijken and buurten are generated (no CBS division shipped). */
  syntheticSubAreas: readonly Region[];
  /** Real inhabitants of the area (the region set's gemeente figures). */
  inhabitants: number;
  /**
   * The region set the run uses: Nederland, the area's veiligheidsregio's (whole or partial, for
   * the hierarchy), its gemeenten, wijken and buurten. Nothing outside the area.
   */
  regions: RegionSet;
  /** Codes of the regions that get figures: see the module comment. */
  published: ReadonlySet<string>;
  /** Levels with at least one published region, top down. */
  publishedLevels: readonly RegionLevel[];
}

const LEVELS = REGION_LEVELS;

const hasSyntheticSubAreas = (regions: RegionSet, gm: Region): boolean =>
  regions.childrenOf(gm.code).some((w) => w.synthetic);
const syntheticOf = (regions: RegionSet, gms: readonly Region[]) =>
  gms.filter((g) => hasSyntheticSubAreas(regions, g));
const inhabitantsOf = (gms: readonly Region[]) => gms.reduce((s, g) => s + (g.inhabitants ?? 0), 0);

function listNames(names: readonly string[], max = 4): string {
  return names.length <= max
    ? names.join(', ')
    : `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

/** Resolves an area against a region set; unknown codes are an AreaError naming them. */
export function selectArea(regions: RegionSet, spec: AreaSpec | string): Area {
  const parsed = typeof spec === 'string' ? parseAreaSpec(spec) : spec;
  if (parsed === NATIONWIDE) return nationwideArea(regions);
  const chosen = chosenGemeenten(regions, parsed);
  const gemeenten = [...chosen.values()].sort((a, b) => a.code.localeCompare(b.code));
  if (gemeenten.length === regions.ofLevel('gemeente').length) return nationwideArea(regions);

  const vrCodes = [...new Set(gemeenten.map((g) => g.parentCode!))].sort();
  const vrs = vrCodes.map((c) => regions.get(c)!);
  const whole = vrs.filter((v) => regions.childrenOf(v.code).every((g) => chosen.has(g.code)));
  const partial = vrs.filter((v) => !whole.includes(v));
  const own = ownRegions(regions, gemeenten);
  const name =
    whole.length === vrs.length && gemeenten.length === sumChildren(regions, whole)
      ? whole.map((v) => `${v.name} (${v.code})`).join(', ')
      : listNames(gemeenten.map((g) => g.name));
  const syn = syntheticOf(regions, gemeenten);
  const inhabitants = inhabitantsOf(gemeenten);
  const description =
    `area ${name}: ${gemeenten.length} gemeente${gemeenten.length === 1 ? '' : 'n'}, ` +
    `${inhabitants.toLocaleString('en')} inhabitants` +
    (syn.length > 0
      ? `; synthetic wijken and buurten in ${listNames(syn.map((g) => g.name))}`
      : '') +
    ` — of the ${regions.source.description}`;
  const subset = subsetOf(regions, [...regions.ofLevel('nederland'), ...vrs, ...own], description);

  const published = new Set([...whole.map((v) => v.code), ...own.map((r) => r.code)]);
  return {
    spec: [...parsed].join(','),
    name,
    nationwide: false,
    gemeenten,
    wholeRegions: whole,
    partialRegions: partial,
    syntheticSubAreas: syn,
    inhabitants,
    regions: subset,
    published,
    publishedLevels: LEVELS.filter((l) => subset.ofLevel(l).some((r) => published.has(r.code))),
  };
}

/** The whole region set: every level whole and published. */
function nationwideArea(regions: RegionSet): Area {
  const allGemeenten = regions.ofLevel('gemeente');
  return {
    spec: NATIONWIDE,
    name: 'Nederland',
    nationwide: true,
    gemeenten: allGemeenten,
    wholeRegions: regions.ofLevel('veiligheidsregio'),
    partialRegions: [],
    syntheticSubAreas: syntheticOf(regions, allGemeenten),
    inhabitants: inhabitantsOf(allGemeenten),
    regions,
    published: new Set(regions.regions.map((r) => r.code)),
    publishedLevels: LEVELS.filter((l) => regions.ofLevel(l).length > 0),
  };
}

/** The gemeenten of the codes (a veiligheidsregio stands for its gemeenten), by code. */
function chosenGemeenten(regions: RegionSet, codes: readonly string[]): Map<string, Region> {
  const chosen = new Map<string, Region>();
  const unknown: string[] = [];
  for (const code of codes) {
    const r = regions.get(code);
    if (!r || (r.level !== 'gemeente' && r.level !== 'veiligheidsregio')) {
      unknown.push(code);
      continue;
    }
    const gms = r.level === 'gemeente' ? [r] : regions.childrenOf(r.code);
    for (const g of gms) chosen.set(g.code, g);
  }
  if (unknown.length > 0) {
    throw new AreaError(
      `area: ${unknown.join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not a gemeente or veiligheidsregio of the region set (${regions.year}); see \`samenzicht regions list\` or the CBS codes`,
    );
  }
  return chosen;
}

/** The area's own regions: its gemeenten with their wijken and buurten. */
function ownRegions(regions: RegionSet, gemeenten: readonly Region[]): Region[] {
  const own: Region[] = [];
  for (const g of gemeenten) {
    own.push(g);
    for (const w of regions.childrenOf(g.code)) {
      own.push(w, ...regions.childrenOf(w.code));
    }
  }
  return own;
}

/** A region set of the `kept` regions only, geometry included. */
function subsetOf(regions: RegionSet, kept: Region[], description: string): RegionSet {
  const keep = new Set(kept.map((r) => r.code));
  const geometry: Partial<Record<RegionLevel, GeometryProvider>> = {};
  for (const level of LEVELS) {
    geometry[level] = () => {
      const m = new Map<string, Geometry>();
      for (const f of regions.geoJson(level)?.features ?? []) {
        const code = String(f.id ?? f.properties?.code);
        if (keep.has(code)) m.set(code, f.geometry);
      }
      return m;
    };
  }
  return buildRegionSet(regions.year, { ...regions.source, description }, kept, geometry);
}

function sumChildren(regions: RegionSet, vrs: readonly Region[]): number {
  return vrs.reduce((s, v) => s + regions.childrenOf(v.code).length, 0);
}

/** Lines for the progress output: what the run covers and what it does not publish. */
export function describeArea(area: Area, scale: number): string[] {
  const persons = Math.round(area.inhabitants * scale);
  const lines = [
    `area ${area.name}: ${area.gemeenten.length} gemeente${area.gemeenten.length === 1 ? '' : 'n'}, ` +
      `${area.regions.ofLevel('wijk').filter((w) => area.published.has(w.code)).length} wijken, ` +
      `${area.regions.ofLevel('buurt').filter((b) => area.published.has(b.code)).length} buurten; ` +
      `${persons.toLocaleString('en')} synthetic residents (scale ${scale} of ${area.inhabitants.toLocaleString('en')})`,
  ];
  if (!area.nationwide) {
    const vr =
      area.wholeRegions.length > 0
        ? `veiligheidsregio ${area.wholeRegions.map((v) => v.name).join(', ')} published (whole); `
        : '';
    const partial =
      area.partialRegions.length > 0
        ? `no figure for ${area.partialRegions.map((v) => v.name).join(', ')} (only partly in the area) nor `
        : 'no figure for ';
    lines.push(`${vr}${partial}Nederland: regions outside the area have no data`);
  }
  if (area.syntheticSubAreas.length > 0) {
    lines.push(
      `no CBS wijken/buurten ship for ${area.syntheticSubAreas.length} gemeente(n) of the area ` +
        `(${listNames(
          area.syntheticSubAreas.map((g) => `${g.name} ${g.code}`),
          6,
        )}): their wijken and buurten are synthetic, without a map`,
    );
  }
  return lines;
}
