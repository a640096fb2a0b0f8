/** GeoJSON helpers for d3-geo, which wants clockwise outer rings (the opposite of RFC 7946). */
import { geoArea } from 'd3-geo';
import type { Feature, FeatureCollection, Geometry, MultiPolygon, Polygon } from 'geojson';

function reversed(g: Polygon | MultiPolygon): Polygon | MultiPolygon {
  if (g.type === 'Polygon')
    return { type: 'Polygon', coordinates: g.coordinates.map((r) => [...r].reverse()) };
  return {
    type: 'MultiPolygon',
    coordinates: g.coordinates.map((p) => p.map((r) => [...r].reverse())),
  };
}

/** A feature covering more than a hemisphere was wound the RFC way: reverse its rings. */
export function rewind<P>(
  fc: FeatureCollection<Geometry, P>,
): FeatureCollection<Polygon | MultiPolygon, P> {
  const features: Feature<Polygon | MultiPolygon, P>[] = [];
  for (const f of fc.features) {
    const g = f.geometry;
    if (!g || (g.type !== 'Polygon' && g.type !== 'MultiPolygon')) continue;
    const fixed = geoArea(g) > 2 * Math.PI ? reversed(g) : g;
    features.push({ ...f, geometry: fixed });
  }
  return { type: 'FeatureCollection', features };
}
