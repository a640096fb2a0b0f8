import type { Geometry } from 'geojson';
import { mulberry32 } from './prng.js';
import { nederland, type GeometryProvider } from './set.js';
import { NATIONAL_CODE, type Region, type RegionLevel } from './types.js';

/** About one buurt per this many inhabitants (CBS: ~13,800 buurten for 17.6 M residents). */
const INHABITANTS_PER_BUURT = 1500;
const BUURTEN_PER_WIJK = 8;
/** Codes ending in wijk 99 are left free: the generator plants them as unknown region codes. */
const MAX_INDEX = 98;

/**
 * Synthetic wijken and buurten for a gemeente without CBS sub-municipal areas: codes in the CBS
 * pattern (WKggggww, BUggggwwbb), count scaled to inhabitants, no geometry.
 */
export function syntheticSubAreas(gemeente: Region): Region[] {
  const digits = gemeente.code.slice(2);
  const inhabitants = gemeente.inhabitants ?? INHABITANTS_PER_BUURT * 2;
  const buurten = Math.max(2, Math.round(inhabitants / INHABITANTS_PER_BUURT));
  const wijken = Math.min(MAX_INDEX, Math.max(1, Math.ceil(buurten / BUURTEN_PER_WIJK)));
  const out: Region[] = [];
  const perWijk = new Array<number>(wijken).fill(0);
  for (let b = 0; b < buurten; b++) perWijk[Math.floor((b * wijken) / buurten)]! += 1;
  for (let w = 0; w < wijken; w++) {
    const ww = String(w + 1).padStart(2, '0');
    const wijkCode = `WK${digits}${ww}`;
    out.push({
      code: wijkCode,
      name: `${gemeente.name} wijk ${ww}`,
      level: 'wijk',
      parentCode: gemeente.code,
      synthetic: true,
    });
    const n = Math.min(MAX_INDEX, perWijk[w] ?? 0);
    for (let b = 0; b < n; b++) {
      const bb = String(b + 1).padStart(2, '0');
      out.push({
        code: `BU${digits}${ww}${bb}`,
        name: `${gemeente.name} buurt ${ww}${bb}`,
        level: 'buurt',
        parentCode: wijkCode,
        synthetic: true,
      });
    }
  }
  return out;
}

const SYNTHETIC_VRS = ['Noordkust', 'Middenland', 'Zuiderhoek'] as const;
const SYNTHETIC_GEMEENTEN: readonly (readonly [string, number])[] = [
  ['Havenstad', 310_000],
  ['Hoogveen', 85_000],
  ['Lagedijk', 42_000],
  ['Kleidorp', 18_000],
  ['Rivierwijde', 150_000],
  ['Polderburg', 61_000],
  ['Heideloo', 27_000],
  ['Zandhoven', 12_000],
  ['Bergeind', 220_000],
  ['Duinmond', 95_000],
  ['Beekvliet', 33_000],
  ['Eikenrade', 15_000],
];

export interface SyntheticCountry {
  regions: Region[];
  geometry: Partial<Record<RegionLevel, GeometryProvider>>;
}

const rect = (x0: number, y0: number, x1: number, y1: number): Geometry => ({
  type: 'Polygon',
  // Clockwise in lon/lat as seen on a map (d3-geo winding).
  coordinates: [
    [
      [x0, y0],
      [x0, y1],
      [x1, y1],
      [x1, y0],
      [x0, y0],
    ],
  ],
});

/**
 * A fully synthetic country for when no CBS files are available: 12 gemeenten in 3
 * veiligheidsregio's (codes GM9001.., VR01..VR03), rectangles on a grid as geometry.
 */
export function syntheticCountry(seed: number): SyntheticCountry {
  const rnd = mulberry32(seed);
  const regions: Region[] = [];
  const geo: Record<'nederland' | 'veiligheidsregio' | 'gemeente', Map<string, Geometry>> = {
    nederland: new Map(),
    veiligheidsregio: new Map(),
    gemeente: new Map(),
  };
  const cellW = 0.6;
  const cellH = 0.4;
  const x0 = 4.5;
  const y0 = 51.2;
  let total = 0;
  const vrs: Region[] = [];
  SYNTHETIC_VRS.forEach((name, v) => {
    const code = `VR${String(v + 1).padStart(2, '0')}`;
    const vr: Region = {
      code,
      name,
      level: 'veiligheidsregio',
      parentCode: NATIONAL_CODE,
      synthetic: true,
      inhabitants: 0,
    };
    vrs.push(vr);
    geo.veiligheidsregio.set(code, rect(x0 + v * cellW, y0, x0 + (v + 1) * cellW, y0 + 4 * cellH));
    for (let g = 0; g < 4; g++) {
      const [gname, base] = SYNTHETIC_GEMEENTEN[v * 4 + g]!;
      const inhabitants = Math.round(base * (0.9 + 0.2 * rnd()));
      const gcode = `GM${9001 + v * 4 + g}`;
      regions.push({
        code: gcode,
        name: gname,
        level: 'gemeente',
        parentCode: code,
        synthetic: true,
        inhabitants,
      });
      geo.gemeente.set(
        gcode,
        rect(x0 + v * cellW, y0 + g * cellH, x0 + (v + 1) * cellW, y0 + (g + 1) * cellH),
      );
      vr.inhabitants = (vr.inhabitants ?? 0) + inhabitants;
      total += inhabitants;
    }
  });
  geo.nederland.set(NATIONAL_CODE, rect(x0, y0, x0 + 3 * cellW, y0 + 4 * cellH));
  const nl = nederland(total, true);
  const gemeenten = regions.slice();
  const sub = gemeenten.flatMap(syntheticSubAreas);
  return {
    regions: [nl, ...vrs, ...gemeenten, ...sub],
    geometry: {
      nederland: () => geo.nederland,
      veiligheidsregio: () => geo.veiligheidsregio,
      gemeente: () => geo.gemeente,
    },
  };
}
