import * as Plot from '@observablehq/plot';
import { useEffect, useRef } from 'react';

/** A line chart with dots per year; the table next to it carries the same numbers. */
export function TrendChart({
  points,
  label,
  unit,
}: {
  points: { year: number; value: number }[];
  label: string;
  unit: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el || points.length === 0) return;
    const chart = Plot.plot({
      width: 640,
      height: 260,
      marginLeft: 56,
      style: { fontSize: '14px', color: '#1a1a1a' },
      x: { label: null, tickFormat: 'd', ticks: points.map((p) => p.year) },
      y: { label: unit, grid: true, zero: true },
      marks: [
        Plot.lineY(points, { x: 'year', y: 'value', stroke: '#01689b', strokeWidth: 2.5 }),
        Plot.dot(points, { x: 'year', y: 'value', fill: '#01689b', r: 4 }),
      ],
    });
    chart.setAttribute('aria-hidden', 'true');
    el.replaceChildren(chart);
    return () => el.replaceChildren();
  }, [points, unit]);
  return (
    <figure role="img" aria-label={label} style={{ margin: 0 }}>
      <div ref={ref} />
    </figure>
  );
}
