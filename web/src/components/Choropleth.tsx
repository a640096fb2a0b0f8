import { geoMercator, geoPath } from 'd3-geo';
import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { useId, useMemo } from 'react';
import { isConfidential, type Cell, type GeoProps } from '../api.js';
import { colourOf } from '../scale.js';

const W = 640;
const H = 720;

export const NO_DATA = '#d9d9d9';

export type Shapes = FeatureCollection<Polygon | MultiPolygon, GeoProps>;

export interface ChoroplethProps {
  title: string;
  shapes: Shapes;
  outlines?: Shapes | null;
  cells: Map<string, Cell>;
  breaks: number[];
  /** A fill per region instead of the value classes (a map of something other than one figure). */
  fillOf?: (code: string) => string;
  /** Regions drawn with a thick border (the chosen area, the zoekgebieden). */
  emphasised?: ReadonlySet<string>;
  /** Accessible name of a region, including its figure. */
  labelFor: (f: Feature<Polygon | MultiPolygon, GeoProps>) => string;
  /** Where activating a region leads (zoom into it), if anywhere. */
  hrefFor?: (code: string) => string | undefined;
}

/** Hatch pattern for confidential cells; the legend draws the same pattern. */
export function HatchDefs({ id }: { id: string }) {
  return (
    <defs>
      <pattern
        id={id}
        patternUnits="userSpaceOnUse"
        width="6"
        height="6"
        patternTransform="rotate(45)"
      >
        <rect width="6" height="6" fill="#ffffff" />
        <line x1="0" y1="0" x2="0" y2="6" stroke="#4d4d4d" strokeWidth="2.5" />
      </pattern>
    </defs>
  );
}

export function fillFor(cell: Cell | undefined, breaks: number[], hatchId: string): string {
  if (!cell) return NO_DATA;
  if (isConfidential(cell.status)) return `url(#${hatchId})`;
  if (cell.status === 'not-applicable' || cell.value === null) return '#ffffff';
  return colourOf(cell.value, breaks);
}

export function Choropleth({
  title,
  shapes,
  outlines,
  cells,
  breaks,
  fillOf,
  emphasised,
  labelFor,
  hrefFor,
}: ChoroplethProps) {
  const hatchId = `hatch-${useId().replace(/[^A-Za-z0-9_-]/g, '')}`;
  const path = useMemo(() => {
    const projection = geoMercator().fitExtent(
      [
        [8, 8],
        [W - 8, H - 8],
      ],
      shapes,
    );
    return geoPath(projection);
  }, [shapes]);

  return (
    <svg className="sz-map" viewBox={`0 0 ${W} ${H}`} role="group" aria-label={title}>
      <HatchDefs id={hatchId} />
      {shapes.features.map((f) => {
        const code = f.properties.code;
        const d = path(f) ?? '';
        const fill = fillOf ? fillOf(code) : fillFor(cells.get(code), breaks, hatchId);
        const label = labelFor(f);
        const target = hrefFor?.(code);
        return target ? (
          <a key={code} href={target} aria-label={label} data-code={code}>
            <path className="region" d={d} fill={fill} />
          </a>
        ) : (
          <path
            key={code}
            className="region"
            d={d}
            fill={fill}
            tabIndex={0}
            role="img"
            aria-label={label}
            data-code={code}
          />
        );
      })}
      {/* Emphasised borders on top, so that neighbours do not draw over them. */}
      {shapes.features
        .filter((f) => emphasised?.has(f.properties.code))
        .map((f) => (
          <path
            key={`emph-${f.properties.code}`}
            className="emph"
            d={path(f) ?? ''}
            aria-hidden="true"
          />
        ))}
      {outlines?.features.map((f) => (
        <path key={f.properties.code} className="vr" d={path(f) ?? ''} aria-hidden="true" />
      ))}
    </svg>
  );
}
