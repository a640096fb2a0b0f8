/**
 * `npm run bench -- sdc [--scale S] [--years N] [--indicators N]`: a synthetic national
 * buurt-level table set (25 veiligheidsregio's, 342 gemeenten, ~3,000 wijken, ~13,000 buurten;
 * 25 indicators × 5 years at scale 1.0) through primary rules, secondary suppression and the
 * audit, once with the optimiser and once with the smallest-sibling baseline. Prints the time
 * per stage, suppressed cells per rule and the information loss of both.
 *
 * Indicators (generated with realistic small counts, seeded, so every run is the same):
 * - 1 population count (the denominator of the ratios);
 * - 15 counts of incidents/registrations (3 of them also by geslacht, a 2-D table);
 * - 6 percentages whose numerators are 6 of those counts (linked tables: same numeratorKey);
 * - 3 sums of amounts (magnitude: contributors, largest, second largest).
 * Each year is protected separately (no relation crosses a year), as the pipeline may do.
 */
import { DEFAULT_MAX_COMPONENT_COLUMNS } from '../src/disclosure/audit.js';
import { mulberry32 } from '../src/regions/prng.js';
import { countFigures, type ComputedCell } from '../src/contracts/index.js';
import { DEFAULT_PROFILES, protect, type RuleProfile } from '../src/disclosure/index.js';

/** The same PRNG as the synthetic regions, so bench tables are reproducible. */
export const rng = mulberry32;

function poisson(r: () => number, lambda: number): number {
  if (lambda > 40) {
    const u = Math.max(1e-12, r());
    const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r());
    return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * z));
  }
  const l = Math.exp(-lambda);
  let k = 0;
  let p = 1;
  do {
    k++;
    p *= r();
  } while (p > l);
  return k - 1;
}

interface Region {
  code: string;
  level: ComputedCell['regionLevel'];
  parent: string | null;
}

export function geography(
  scale: number,
  r: () => number,
): { regions: Region[]; buurten: Region[] } {
  const regions: Region[] = [{ code: 'NL01', level: 'nederland', parent: null }];
  const buurten: Region[] = [];
  const nGm = Math.max(25, Math.round(342 * scale));
  for (let v = 1; v <= 25; v++)
    regions.push({
      code: `VR${String(v).padStart(2, '0')}`,
      level: 'veiligheidsregio',
      parent: 'NL01',
    });
  for (let g = 0; g < nGm; g++) {
    const gm = String(g + 1).padStart(4, '0');
    const vr = `VR${String((g % 25) + 1).padStart(2, '0')}`;
    regions.push({ code: `GM${gm}`, level: 'gemeente', parent: vr });
    const nWk = 1 + Math.floor(r() * 16); // mean ≈ 8.8 → ~3,000 wijken
    for (let w = 0; w < nWk; w++) {
      const wk = `WK${gm}${String(w).padStart(2, '0')}`;
      regions.push({ code: wk, level: 'wijk', parent: `GM${gm}` });
      const nBu = 1 + Math.floor(r() * 7.6); // mean ≈ 4.3 → ~13,000 buurten
      for (let b = 0; b < nBu; b++) {
        const bu = {
          code: `BU${gm}${String(w).padStart(2, '0')}${String(b).padStart(2, '0')}`,
          level: 'buurt' as const,
          parent: wk,
        };
        regions.push(bu);
        buurten.push(bu);
      }
    }
  }
  return { regions, buurten };
}

interface Series {
  id: string;
  kind: 'count' | 'ratio' | 'magnitude';
  key: string;
  rate: number;
  byGeslacht: boolean;
}

export function catalogue(n: number): Series[] {
  const out: Series[] = [
    { id: 'bevolking', kind: 'count', key: 'pop', rate: 1, byGeslacht: false },
  ];
  for (let i = 0; i < 15; i++) {
    out.push({
      id: `telling_${i + 1}`,
      kind: 'count',
      key: `cnt${i + 1}`,
      rate: 0.0008 * 1.45 ** i,
      byGeslacht: i < 3,
    });
  }
  for (let i = 0; i < 6; i++)
    out.push({
      id: `aandeel_${i + 1}`,
      kind: 'ratio',
      key: `cnt${i + 4}`,
      rate: 0,
      byGeslacht: false,
    });
  for (let i = 0; i < 3; i++)
    out.push({
      id: `bedrag_${i + 1}`,
      kind: 'magnitude',
      key: `amt${i + 1}`,
      rate: 0.01 * (i + 1),
      byGeslacht: false,
    });
  return out.slice(0, n);
}

type Leaf = { n: number; sum: number; top: [number, number] };

export function cellsForYear(
  year: number,
  geo: { regions: Region[]; buurten: Region[] },
  series: Series[],
): ComputedCell[] {
  const r = rng(1000 + year);
  const pop = new Map<string, number>();
  for (const b of geo.buurten)
    pop.set(b.code, Math.max(0, Math.round(Math.exp(6.6 + 1.0 * (r() + r() + r() - 1.5)))));
  const children = new Map<string, Region[]>();
  for (const x of geo.regions)
    if (x.parent) children.set(x.parent, [...(children.get(x.parent) ?? []), x]);
  // Bottom-up aggregation order: deepest levels first.
  const depth: Record<string, number> = {
    buurt: 4,
    wijk: 3,
    gemeente: 2,
    veiligheidsregio: 1,
    nederland: 0,
  };
  const order = [...geo.regions].sort((a, b) => depth[b.level]! - depth[a.level]!);
  const aggregate = (leaf: (b: Region) => Leaf): Map<string, Leaf> => {
    const m = new Map<string, Leaf>();
    for (const x of order) {
      if (x.level === 'buurt') m.set(x.code, leaf(x));
      else {
        const acc: Leaf = { n: 0, sum: 0, top: [0, 0] };
        for (const c of children.get(x.code) ?? []) {
          const l = m.get(c.code)!;
          acc.n += l.n;
          acc.sum += l.sum;
          const t = [...acc.top, ...l.top].sort((p, q) => q - p);
          acc.top = [t[0]!, t[1]!];
        }
        m.set(x.code, acc);
      }
    }
    return m;
  };
  const tables = new Map<string, Map<string, Leaf>>();
  const gTables = new Map<string, Map<string, Leaf>>();
  tables.set(
    'pop',
    aggregate((b) => ({ n: pop.get(b.code)!, sum: pop.get(b.code)!, top: [0, 0] })),
  );
  for (const s of series) {
    if (s.kind === 'count' && s.key !== 'pop') {
      const men = new Map<string, number>();
      const t = aggregate((b) => {
        const n = poisson(r, pop.get(b.code)! * s.rate);
        let m = 0;
        for (let i = 0; i < n; i++) if (r() < 0.55) m++;
        men.set(b.code, m);
        return { n, sum: n, top: [0, 0] };
      });
      tables.set(s.key, t);
      if (s.byGeslacht) {
        gTables.set(
          `${s.key}|M`,
          aggregate((b) => ({ n: men.get(b.code)!, sum: men.get(b.code)!, top: [0, 0] })),
        );
        gTables.set(
          `${s.key}|V`,
          aggregate((b) => ({
            n: t.get(b.code)!.n - men.get(b.code)!,
            sum: t.get(b.code)!.n - men.get(b.code)!,
            top: [0, 0],
          })),
        );
      }
    } else if (s.kind === 'magnitude') {
      tables.set(
        s.key,
        aggregate((b) => {
          const n = poisson(r, pop.get(b.code)! * s.rate);
          const xs: number[] = [];
          for (let i = 0; i < n; i++)
            xs.push(Math.round(Math.exp(8 + 1.2 * (r() + r() + r() - 1.5))));
          xs.sort((p, q) => q - p);
          return { n, sum: xs.reduce((a, x) => a + x, 0), top: [xs[0] ?? 0, xs[1] ?? 0] };
        }),
      );
    }
  }
  const cells: ComputedCell[] = [];
  const popT = tables.get('pop')!;
  for (const s of series) {
    for (const x of geo.regions) {
      const base = {
        indicatorId: s.id,
        year,
        regionLevel: x.level,
        regionCode: x.code,
        parentCode: x.parent,
      };
      if (s.kind === 'count') {
        const l = tables.get(s.key)!.get(x.code)!;
        const cell = (breakdown: string, n: number): ComputedCell => ({
          ...base,
          breakdown,
          ...countFigures(n, n),
          numeratorKey: s.key,
          denominatorKey: null,
        });
        cells.push(cell('', l.n));
        if (s.byGeslacht) {
          cells.push(cell('geslacht=M', gTables.get(`${s.key}|M`)!.get(x.code)!.n));
          cells.push(cell('geslacht=V', gTables.get(`${s.key}|V`)!.get(x.code)!.n));
        }
      } else if (s.kind === 'ratio') {
        const n = tables.get(s.key)!.get(x.code)!.n;
        const d = popT.get(x.code)!.n;
        cells.push({
          ...base,
          breakdown: '',
          value: d > 0 ? (100 * n) / d : null,
          numerator: n,
          denominator: d,
          contributors: n,
          largest: null,
          secondLargest: null,
          numeratorKey: s.key,
          denominatorKey: 'pop',
        });
      } else {
        const l = tables.get(s.key)!.get(x.code)!;
        cells.push({
          ...base,
          breakdown: '',
          value: l.sum,
          numerator: l.sum,
          denominator: null,
          contributors: l.n,
          largest: l.top[0],
          secondLargest: l.top[1],
          numeratorKey: s.key,
          denominatorKey: null,
        });
      }
    }
  }
  return cells;
}

const flag = (flags: string[], name: string, dflt: number): number => {
  const f = flags.find((x) => x.startsWith(`--${name}=`));
  return f ? Number(f.split('=')[1]) : dflt;
};

export async function run(flags: string[]): Promise<void> {
  const scale = flag(flags, 'scale', 1);
  const years = flag(flags, 'years', 5);
  const nInd = flag(flags, 'indicators', 25);
  const geo = geography(scale, rng(42));
  const series = catalogue(nInd);
  const profiles: Record<string, RuleProfile> = {};
  for (const s of series)
    profiles[s.id] =
      s.kind === 'count'
        ? DEFAULT_PROFILES.count
        : s.kind === 'ratio'
          ? DEFAULT_PROFILES.ratio
          : DEFAULT_PROFILES.magnitude;
  const counts: Record<string, number> = {};
  for (const x of geo.regions) counts[x.level] = (counts[x.level] ?? 0) + 1;
  console.log(
    `regions: ${JSON.stringify(counts)}; indicators ${series.length}; years ${years}; scale ${scale}`,
  );

  for (const strategy of ['optimal', 'smallest-sibling'] as const) {
    const tot = {
      cells: 0,
      gen: 0,
      primary: 0,
      secondary: 0,
      audit: 0,
      publish: 0,
      primaryCells: 0,
      secondaryCells: 0,
      cost: 0,
      value: 0,
      rounds: 0,
      lp: 0,
      closed: 0,
      witness: 0,
      passed: true,
    };
    const byRule: Record<string, number> = {};
    for (let y = 0; y < years; y++) {
      const tg = performance.now();
      const cells = cellsForYear(2019 + y, geo, series);
      tot.gen += performance.now() - tg;
      const res = await protect({
        cells,
        profiles,
        strategy,
        maxComponentColumns: flag(flags, 'cap', DEFAULT_MAX_COMPONENT_COLUMNS),
      });
      tot.cells += cells.length;
      tot.primary += res.stats.timings.primaryMs;
      tot.secondary += res.stats.timings.secondaryMs;
      tot.audit += res.stats.timings.auditMs;
      tot.publish += res.stats.timings.publishMs;
      tot.primaryCells += res.stats.primaryCells;
      tot.secondaryCells += res.stats.secondaryCells;
      tot.cost += res.stats.secondaryCost;
      tot.value += res.stats.secondaryValue;
      tot.rounds = Math.max(tot.rounds, res.stats.auditRounds);
      tot.lp += res.audit.lpSolves;
      tot.closed += res.audit.closedFormSolves;
      tot.witness += res.audit.witnessIntervals;
      tot.passed &&= res.audit.passed;
      for (const [k, v] of Object.entries(res.stats.suppressedByRule))
        byRule[k] = (byRule[k] ?? 0) + v;
    }
    const s = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
    console.log(`\n[${strategy}] ${tot.cells} cells`);
    console.log(
      `  time: generate ${s(tot.gen)}, primary ${s(tot.primary)}, secondary ${s(tot.secondary)}, audit ${s(tot.audit)} (${tot.lp} LP solves, ${tot.closed} closed-form, ${tot.witness} by witness points), publish ${s(tot.publish)}; total protect ${s(tot.primary + tot.secondary + tot.audit + tot.publish)}`,
    );
    console.log(
      `  suppressed cells: primary ${tot.primaryCells}, secondary ${tot.secondaryCells}; by rule ${JSON.stringify(byRule)}`,
    );
    console.log(
      `  information loss: secondary cost ${tot.cost.toFixed(0)} (value of secondarily suppressed counts/amounts ${tot.value.toFixed(0)}); audit rounds ≤ ${tot.rounds}; audit passed ${tot.passed}`,
    );
  }
}
