import { geoArea } from 'd3-geo';
import type {
  Feature,
  FeatureCollection,
  Geometry,
  MultiPolygon,
  Polygon,
  Position,
} from 'geojson';
import {
  NATIONAL_CODE,
  type Region,
  type RegionLevel,
  type RegionSet,
  type RegionSource,
} from './types.js';

/** Lazily built geometry of one level: code → geometry (only regions that have one). */
export type GeometryProvider = () => Map<string, Geometry>;

/** The country, the root of every region set, with the inhabitants of its gemeenten. */
export function nederland(inhabitants: number, synthetic = false): Region {
  return {
    code: NATIONAL_CODE,
    name: synthetic ? 'Nederland (synthetisch)' : 'Nederland',
    level: 'nederland',
    parentCode: null,
    synthetic,
    inhabitants,
  };
}

/**
 * d3-geo wants clockwise outer rings (the opposite of RFC 7946). A polygon whose outer ring
 * covers more than a hemisphere is wound the wrong way: reverse all its rings.
 */
export function rewindForD3(geometry: Geometry): Geometry {
  const fixPolygon = (rings: Position[][]): Position[][] => {
    const outer = rings[0];
    if (!outer) return rings;
    const area = geoArea({ type: 'Polygon', coordinates: [outer] });
    return area > 2 * Math.PI ? rings.map((r) => [...r].reverse()) : rings;
  };
  if (geometry.type === 'Polygon') {
    return { type: 'Polygon', coordinates: fixPolygon(geometry.coordinates) } satisfies Polygon;
  }
  if (geometry.type === 'MultiPolygon') {
    return {
      type: 'MultiPolygon',
      coordinates: geometry.coordinates.map(fixPolygon),
    } satisfies MultiPolygon;
  }
  return geometry;
}

class IndexedRegionSet implements RegionSet {
  private readonly byCode = new Map<string, Region>();
  private readonly byLevel = new Map<RegionLevel, Region[]>();
  private readonly children = new Map<string, Region[]>();
  private readonly geometryCache = new Map<RegionLevel, Map<string, Geometry>>();

  constructor(
    readonly year: number,
    readonly source: RegionSource,
    readonly regions: readonly Region[],
    private readonly geometry: Partial<Record<RegionLevel, GeometryProvider>>,
  ) {
    for (const r of regions) {
      if (this.byCode.has(r.code)) throw new Error(`region set: duplicate region code ${r.code}`);
      this.byCode.set(r.code, r);
      const lv = this.byLevel.get(r.level) ?? [];
      lv.push(r);
      this.byLevel.set(r.level, lv);
      if (r.parentCode !== null) {
        const ch = this.children.get(r.parentCode) ?? [];
        ch.push(r);
        this.children.set(r.parentCode, ch);
      }
    }
    for (const r of regions) {
      if (r.parentCode !== null && !this.byCode.has(r.parentCode)) {
        throw new Error(`region set: ${r.code} has unknown parent ${r.parentCode}`);
      }
    }
  }

  get(code: string): Region | undefined {
    return this.byCode.get(code);
  }

  ofLevel(level: RegionLevel): Region[] {
    return [...(this.byLevel.get(level) ?? [])];
  }

  childrenOf(code: string): Region[] {
    return [...(this.children.get(code) ?? [])];
  }

  ancestors(code: string): Region[] {
    const out: Region[] = [];
    let cur = this.byCode.get(code);
    while (cur && cur.parentCode !== null) {
      const parent = this.byCode.get(cur.parentCode);
      if (!parent) break;
      out.push(parent);
      cur = parent;
    }
    return out;
  }

  geoJson(level: RegionLevel, within?: string): FeatureCollection | null {
    const provider = this.geometry[level];
    if (!provider) return null;
    let geoms = this.geometryCache.get(level);
    if (!geoms) {
      geoms = new Map([...provider()].map(([code, g]) => [code, rewindForD3(g)]));
      this.geometryCache.set(level, geoms);
    }
    const features: Feature[] = [];
    for (const r of this.byLevel.get(level) ?? []) {
      const g = geoms.get(r.code);
      if (!g) continue;
      if (within !== undefined && r.code !== within) {
        if (!this.ancestors(r.code).some((a) => a.code === within)) continue;
      }
      features.push({
        type: 'Feature',
        id: r.code,
        properties: { code: r.code, name: r.name },
        geometry: g,
      });
    }
    return { type: 'FeatureCollection', features };
  }
}

export function buildRegionSet(
  year: number,
  source: RegionSource,
  regions: readonly Region[],
  geometry: Partial<Record<RegionLevel, GeometryProvider>>,
): RegionSet {
  return new IndexedRegionSet(year, source, regions, geometry);
}
