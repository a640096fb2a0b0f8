import { formatNumber, useI18n } from '../i18n.js';

const W = 120;
const H = 32;
const PAD = 3;

/**
 * A tiny trend line, drawn as plain SVG so that the profile page needs no chart library; the
 * numbers themselves are the accessible name.
 */
export function Sparkline({ points }: { points: { year: number; value: number }[] }) {
  const { t, lang } = useI18n();
  if (points.length === 0) return <span>{t('statusmissing')}</span>;
  const label = t('trendLabel', {
    from: points[0]?.year ?? '',
    to: points[points.length - 1]?.year ?? '',
    values: points.map((p) => formatNumber(lang, p.value)).join(' → '),
  });
  const years = points.map((p) => p.year);
  const values = points.map((p) => p.value);
  const [x0, x1] = [Math.min(...years), Math.max(...years)];
  const [y0, y1] = [Math.min(...values), Math.max(...values)];
  const x = (v: number): number =>
    x1 === x0 ? W / 2 : PAD + ((v - x0) / (x1 - x0)) * (W - 2 * PAD);
  const y = (v: number): number =>
    y1 === y0 ? H / 2 : H - PAD - ((v - y0) / (y1 - y0)) * (H - 2 * PAD);
  const last = points[points.length - 1] as { year: number; value: number };
  return (
    <svg
      className="sz-sparkline"
      width={W}
      height={H}
      viewBox={`0 0 ${W} ${H}`}
      role="img"
      aria-label={label}
    >
      <polyline
        points={points.map((p) => `${x(p.year).toFixed(1)},${y(p.value).toFixed(1)}`).join(' ')}
        fill="none"
        stroke="#01689b"
        strokeWidth="2"
      />
      <circle cx={x(last.year)} cy={y(last.value)} r="2.5" fill="#01689b" />
    </svg>
  );
}
