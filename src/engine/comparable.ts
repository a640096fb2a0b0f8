/**
 * Comparable gemeenten: for each gemeente, the gemeenten most like it, so a figure can be read
 * against its peers as well as against the national value.
 *
 * Method (from the broker tables, latest BRP peiljaar):
 *  1. size class: quintile of the number of residents among all gemeenten (scale-free, so the
 *     synthetic demo at any scale gets five classes);
 *  2. urbanity: tercile of dwellings per buurt. The data hold no surface areas, and buurten are
 *     drawn so that each holds a walkable neighbourhood, so more dwellings per buurt means a denser,
 *     more urban address pattern;
 *  3. profile distance: Euclidean distance of z-scores of the share aged 0–17, the share aged 65+,
 *     the median taxable income and establishments per 1,000 residents, plus 1 per step of urbanity
 *     class difference.
 * Peers: the (up to) 10 nearest gemeenten of the same size class; when the class holds fewer than 6
 * others, the nearest of the adjacent classes fill the list up to 5.
 */
import type { DuckDBConnection } from '@duckdb/node-api';

export const COMPARABLE_METHOD =
  'size class (quintile of residents) + urbanity (tercile of dwellings per buurt) + profile distance (z-scores of share 0–17, share 65+, median taxable income, establishments per 1,000 residents); 10 nearest of the same size class';

interface Profile {
  code: string;
  residents: number;
  dwellingsPerBuurt: number;
  features: number[];
  size: number;
  urbanity: number;
}

function classes(values: number[], k: number): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const out = new Array<number>(values.length).fill(0);
  order.forEach(([, i], rank) => {
    out[i] = Math.min(k - 1, Math.floor((rank * k) / values.length));
  });
  return out;
}

export async function comparableGemeenten(
  conn: DuckDBConnection,
): Promise<Map<string, { peers: string[]; method: string }>> {
  const yr = await conn.runAndReadAll('SELECT max(peiljaar) AS y FROM brp_personen');
  const year = Number(yr.getRowObjectsJS()[0]?.y ?? 0);
  const reader = await conn.runAndReadAll(
    `WITH g AS (SELECT DISTINCT gemeente_code FROM region_hierarchy),
     buurten AS (SELECT gemeente_code, count(*) AS n FROM region_hierarchy GROUP BY ALL),
     res AS (
       SELECT h.gemeente_code, count(*) AS n,
         count(*) FILTER (WHERE $1::INTEGER - year(p.geboortedatum) <= 17) AS young,
         count(*) FILTER (WHERE $1::INTEGER - year(p.geboortedatum) >= 65) AS old
       FROM brp_personen p JOIN region_hierarchy h ON h.buurt_code = p.buurtcode
       WHERE p.peiljaar = $1::INTEGER GROUP BY ALL),
     inc AS (
       SELECT h.gemeente_code, median(i.verzamelinkomen) AS med
       FROM bd_inkomen i
       JOIN brp_personen p ON p.peiljaar = i.jaar AND p.bsn_pseudonym = i.bsn_pseudonym
       JOIN region_hierarchy h ON h.buurt_code = p.buurtcode
       WHERE i.jaar = $1::INTEGER GROUP BY ALL),
     dw AS (
       SELECT h.gemeente_code, count(*) AS n FROM kadaster_woningen w
       JOIN region_hierarchy h ON h.buurt_code = w.buurtcode WHERE w.bouwjaar <= $1::INTEGER GROUP BY ALL),
     est AS (
       SELECT h.gemeente_code, count(*) AS n FROM kvk_vestigingen v
       JOIN region_hierarchy h ON h.buurt_code = v.buurtcode
       WHERE v.startdatum <= make_date($1::INTEGER, 12, 31) AND (v.einddatum IS NULL OR v.einddatum >= make_date($1::INTEGER, 1, 1))
       GROUP BY ALL)
     SELECT g.gemeente_code AS code, coalesce(res.n, 0) AS residents, coalesce(res.young, 0) AS young,
       coalesce(res.old, 0) AS old, coalesce(inc.med, 0) AS med, coalesce(dw.n, 0) AS dwellings,
       buurten.n AS buurten, coalesce(est.n, 0) AS establishments
     FROM g JOIN buurten USING (gemeente_code) LEFT JOIN res USING (gemeente_code) LEFT JOIN inc USING (gemeente_code)
     LEFT JOIN dw USING (gemeente_code) LEFT JOIN est USING (gemeente_code)
     ORDER BY code`,
    [year],
  );
  const raw = reader.getRowObjectsJS().map((r) => {
    const residents = Number(r.residents);
    const per = (x: unknown) => (residents > 0 ? Number(x) / residents : 0);
    return {
      code: String(r.code),
      residents,
      dwellingsPerBuurt: Number(r.dwellings) / Math.max(1, Number(r.buurten)),
      features: [per(r.young), per(r.old), Number(r.med), per(r.establishments) * 1000],
    };
  });
  if (raw.length === 0) return new Map();
  // z-scores per feature (a constant feature contributes nothing).
  const dims = raw[0]!.features.length;
  for (let d = 0; d < dims; d++) {
    const xs = raw.map((r) => r.features[d]!);
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length);
    for (const r of raw) r.features[d] = sd > 0 ? (r.features[d]! - mean) / sd : 0;
  }
  const size = classes(
    raw.map((r) => r.residents),
    5,
  );
  const urb = classes(
    raw.map((r) => r.dwellingsPerBuurt),
    3,
  );
  const profiles: Profile[] = raw.map((r, i) => ({ ...r, size: size[i]!, urbanity: urb[i]! }));
  const distance = (a: Profile, b: Profile) =>
    Math.sqrt(a.features.reduce((s, x, d) => s + (x - b.features[d]!) ** 2, 0)) +
    Math.abs(a.urbanity - b.urbanity);

  const out = new Map<string, { peers: string[]; method: string }>();
  for (const p of profiles) {
    const ranked = profiles
      .filter((q) => q.code !== p.code)
      .map((q) => ({ q, d: distance(p, q) }))
      .sort((a, b) => a.d - b.d || (a.q.code < b.q.code ? -1 : 1));
    let peers = ranked.filter((x) => x.q.size === p.size).slice(0, 10);
    if (peers.length < 5) {
      const extra = ranked
        .filter((x) => Math.abs(x.q.size - p.size) === 1)
        .slice(0, 5 - peers.length);
      peers = [...peers, ...extra].sort((a, b) => a.d - b.d || (a.q.code < b.q.code ? -1 : 1));
    }
    out.set(p.code, { peers: peers.map((x) => x.q.code), method: COMPARABLE_METHOD });
  }
  return out;
}
