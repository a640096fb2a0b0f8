/**
 * Comparable gemeenten, from published figures only: the gemeenten most like one gemeente, so a
 * figure can be read against its peers as well as against the national value.
 *
 * It reads nothing but the published gemeente cells of one release and the public region set,
 * so it adds no disclosure risk and is served only for a published release. Method, for the
 * latest year of the release:
 *  1. size class: quintile of the published number of inwoners among the gemeenten;
 *  2. urbanity: tercile of the published number of woningen per buurt of the region set (the
 *     data hold no surface areas; more dwellings per buurt is a denser address pattern);
 *  3. profile distance: Euclidean distance of z-scores of inwoners per huishouden, vestigingen
 *     per 1,000 inwoners and the median verzamelinkomen, plus 1 per step of urbanity class.
 *     A figure that is confidential counts as the average (z = 0).
 * Peers: the (up to) 10 nearest gemeenten of the same size class; when the class holds fewer
 * than 5 others, the nearest of the adjacent classes fill the list up to 5.
 */
import type { PublicCell } from './surface.js';

export const COMPARABLE_METHOD = {
  nl: 'Grootteklasse (kwintiel van het gepubliceerde aantal inwoners), stedelijkheid (tertiel van woningen per buurt) en profielafstand (inwoners per huishouden, vestigingen per 1.000 inwoners, mediaan verzamelinkomen); de 10 dichtstbijzijnde gemeenten van dezelfde grootteklasse. Alleen uit gepubliceerde cijfers.',
  en: 'Size class (quintile of the published number of residents), urbanity (tercile of dwellings per buurt) and profile distance (residents per household, establishments per 1,000 residents, median taxable income); the 10 nearest gemeenten of the same size class. From published figures only.',
} as const;

export interface ComparableResult {
  peers: string[];
  method: { nl: string; en: string };
  year: number;
}

function classes(values: readonly number[], k: number): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const out = new Array<number>(values.length).fill(0);
  order.forEach(([, i], rank) => {
    out[i] = Math.min(k - 1, Math.floor((rank * k) / values.length));
  });
  return out;
}

/** z-scores; missing values (NaN) become 0, and a constant feature contributes nothing. */
function zScores(xs: readonly number[]): number[] {
  const known = xs.filter((x) => Number.isFinite(x));
  if (known.length === 0) return xs.map(() => 0);
  const mean = known.reduce((a, b) => a + b, 0) / known.length;
  const sd = Math.sqrt(known.reduce((a, b) => a + (b - mean) ** 2, 0) / known.length);
  return xs.map((x) => (Number.isFinite(x) && sd > 0 ? (x - mean) / sd : 0));
}

/**
 * Peers of every gemeente with a published number of inwoners.
 * `buurtenPerGemeente` comes from the public region set.
 */
export function comparableGemeenten(
  cells: readonly PublicCell[],
  buurtenPerGemeente: ReadonlyMap<string, number>,
): Map<string, ComparableResult> {
  const gemeente = cells.filter(
    (c) => c.region_level === 'gemeente' && c.breakdown === '' && c.status === 'published',
  );
  const years = gemeente.filter((c) => c.indicator_id === 'inwoners').map((c) => c.year);
  if (years.length === 0) return new Map();
  const year = Math.max(...years);
  const figure = new Map<string, number>();
  for (const c of gemeente) {
    if (c.year === year && c.value !== null)
      figure.set(`${c.indicator_id}|${c.region_code}`, c.value);
  }
  const get = (id: string, code: string): number => figure.get(`${id}|${code}`) ?? NaN;
  const codes = [
    ...new Set(
      gemeente
        .filter((c) => c.year === year && c.indicator_id === 'inwoners' && (c.value ?? 0) > 0)
        .map((c) => c.region_code),
    ),
  ].sort();
  if (codes.length === 0) return new Map();

  const residents = codes.map((g) => get('inwoners', g));
  const perBuurt = codes.map((g) => {
    const w = get('woningen', g);
    return Number.isFinite(w) ? w / Math.max(1, buurtenPerGemeente.get(g) ?? 1) : 0;
  });
  const features = [
    zScores(codes.map((g, i) => residents[i]! / get('huishoudens', g))),
    zScores(codes.map((g, i) => (1000 * get('vestigingen', g)) / residents[i]!)),
    zScores(codes.map((g) => get('mediaan_verzamelinkomen', g))),
  ];
  const size = classes(residents, 5);
  const urbanity = classes(perBuurt, 3);
  const distance = (a: number, b: number): number =>
    Math.sqrt(features.reduce((s, f) => s + (f[a]! - f[b]!) ** 2, 0)) +
    Math.abs(urbanity[a]! - urbanity[b]!);

  const out = new Map<string, ComparableResult>();
  codes.forEach((code, a) => {
    const ranked = codes
      .map((other, b) => ({ other, b, d: distance(a, b) }))
      .filter((x) => x.b !== a)
      .sort((x, y) => x.d - y.d || (x.other < y.other ? -1 : 1));
    let peers = ranked.filter((x) => size[x.b] === size[a]).slice(0, 10);
    if (peers.length < 5) {
      const extra = ranked
        .filter((x) => Math.abs(size[x.b]! - size[a]!) === 1)
        .slice(0, 5 - peers.length);
      peers = [...peers, ...extra].sort((x, y) => x.d - y.d || (x.other < y.other ? -1 : 1));
    }
    out.set(code, { peers: peers.map((x) => x.other), method: { ...COMPARABLE_METHOD }, year });
  });
  return out;
}
