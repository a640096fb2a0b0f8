/**
 * Peer conformance: the tables and expectations of sdcTable, τ-Argus (checkTauArgus) and
 * GaussSuppression, read from the fixtures in test/fixtures/sdc-peers (see its README).
 */
import { describe, expect, it } from 'vitest';
import type { ComputedCell } from '../../src/contracts/index.js';
import { audit, protect, type PublishedCell } from '../../src/disclosure/index.js';
import { csv, peerText, profile, publishedAs, table, withTotals, type Spec } from './helpers.js';

const label = (c: PublishedCell): string =>
  `${c.indicator_id === 'ind' ? '' : c.indicator_id + ':'}${c.region_code === 'NL01' ? 'Total' : c.region_code}/${c.breakdown ? c.breakdown.split('=')[1] : 'Total'}`;
const withStatus = (cells: PublishedCell[], s: PublishedCell['status']): string[] =>
  cells
    .filter((c) => c.status === s)
    .map(label)
    .sort();

function microdata1(): Spec[] {
  return csv('sdctable-microdata1/table_region_x_gender.csv').map((r) => ({
    region: r.region === 'total' ? 'Total' : (r.region as string),
    group: r.gender === 'total' ? 'Total' : (r.gender as string),
    n: Number(r.freq),
    val: Number(r.val),
    top1: Number(r.top1),
    top2: Number(r.top2),
  }));
}

describe('sdcTable microdata1 (region × gender)', () => {
  it('primary rules give the patterns sdcTable asserts: freq maxN=2 → 6; nk(2,75) and p=70 → 6, 14', async () => {
    const rows = microdata1();
    const freq = await protect({
      cells: table(rows),
      profiles: { ind: profile({ minFrequency: 3 }) },
    });
    expect(withStatus(freq.cells, 'suppressed-primary')).toEqual(['A/female']);
    const mag = { kind: 'magnitude' as const, minFrequency: 0 };
    const nk = await protect({
      cells: table(rows, { magnitude: true }),
      profiles: { ind: profile({ ...mag, nk: { n: 2, k: 75 } }) },
    });
    expect(withStatus(nk.cells, 'suppressed-primary')).toEqual(['A/female', 'D/male']);
    const p = await protect({
      cells: table(rows, { magnitude: true }),
      profiles: { ind: profile({ ...mag, pPercent: 70 }) },
    });
    expect(withStatus(p.cells, 'suppressed-primary')).toEqual(['A/female', 'D/male']);
  });

  it('secondary suppression matches OPT (cells 5, 6, 11, 12) with cost = val', async () => {
    const r = await protect({
      cells: table(microdata1(), { magnitude: true }),
      profiles: { ind: profile({ kind: 'magnitude', minFrequency: 3 }) },
    });
    expect(withStatus(r.cells, 'suppressed-primary')).toEqual(['A/female']);
    expect(withStatus(r.cells, 'suppressed-secondary')).toEqual(['A/male', 'C/female', 'C/male']);
    expect(r.stats.secondaryCost).toBe(178 + 118 + 106);
    expect(r.audit.passed).toBe(true);
  });

  it('with no primaries nothing is suppressed', async () => {
    const r = await protect({
      cells: table(microdata1()),
      profiles: { ind: profile({ minFrequency: 2 }) },
    });
    expect(r.cells.every((c) => c.status === 'published')).toBe(true);
  });
});

function tauEx1(): Spec[] {
  return peerText('checktauargus-batch-ex1/tabdata_ex1.tab')
    .split(/\r?\n/)
    .filter((l) => l.trim())
    .map((l) => {
      const [region, gender, freq] = l.split(',').map((x) => x.trim());
      return { region: region as string, group: gender as string, n: Number(freq) };
    });
}
const TAU_ORDER = ['Total', 'A', 'B', 'C', 'D'].flatMap((r) =>
  ['Total', 'male', 'female'].map((g) => `${r}/${g}`),
);
const tauStatus = (cells: PublishedCell[]): string[] => {
  const by = new Map(cells.map((c) => [label(c), c.status]));
  return TAU_ORDER.map((k) => {
    const s = by.get(k);
    return s === 'suppressed-primary' ? 'u' : s === 'suppressed-secondary' ? 'x' : 's';
  });
};
const TAU_EXPECTED = ['s', 's', 's', 's', 'x', 'u', 's', 's', 's', 's', 'x', 'x', 's', 's', 's'];

describe('τ-Argus batch ex1 and ex2 (OPT)', () => {
  it('ex1: MAN(20) on the unsafe A/female, cost = freq, gives the exact OPT status vector', async () => {
    // The a-priori unsafe cell (137) is the only one below 138: a frequency rule reproduces it.
    const rows = tauEx1();
    expect(rows[0]?.n).toBe(5146);
    const r = await protect({
      cells: table(rows),
      profiles: { ind: profile({ minFrequency: 138, safetyRange: 20 }) },
    });
    expect(tauStatus(r.cells)).toEqual(TAU_EXPECTED);
    expect(r.audit.passed).toBe(true);
    const af = r.audit.rules.find((x) => x.rule === 'frequency')?.intervals[0];
    expect(af?.required).toBeCloseTo(0.2 * 137, 9);
    expect(af && af.upper - af.lower).toBeGreaterThanOrEqual(0.2 * 137);
  });

  it('ex2: FREQ(5,20) and P(20,5) on num1, cost = num1, gives the exact OPT status vector', async () => {
    const rows = csv('checktauargus-batch-ex2/table_region_x_gender_computed.csv').map((r) => ({
      region: r.region as string,
      group: r.gender as string,
      n: Number(r.n_records),
      val: Number(r.num1),
      top1: Number(r.top1),
      top2: Number(r.top2),
    }));
    const r = await protect({
      cells: table(rows, { magnitude: true }),
      profiles: {
        ind: profile({ kind: 'magnitude', minFrequency: 5, safetyRange: 20, pPercent: 20 }),
      },
    });
    expect(r.cells[0]?.numerator).toBeCloseTo(10484.95, 6);
    expect(tauStatus(r.cells)).toEqual(TAU_EXPECTED);
    expect(r.audit.passed).toBe(true);
  });
});

describe('sdcTable linked tables (UserSupport #136)', () => {
  const data = csv('sdctable-linked-tables/data.csv');
  const counties = Object.fromEntries(data.map((r) => [r.region as string, r.county as string]));
  const sizes = Object.fromEntries(
    data.map((r) => [r.region as string, r.group === 'BIG' ? 'big' : 'small']),
  );
  const side = (id: string, parents: Record<string, string>): ComputedCell[] => {
    const inner: Spec[] = data.map((r) => ({
      region: r.region as string,
      group: 'Total',
      n: Number(r.n),
    }));
    const groups = [...new Set(Object.values(parents))].sort();
    const mid: Spec[] = groups.map((g) => ({
      region: g,
      group: 'Total',
      n: inner.filter((x) => parents[x.region] === g).reduce((s, x) => s + x.n, 0),
    }));
    const total: Spec = { region: 'Total', group: 'Total', n: inner.reduce((s, x) => s + x.n, 0) };
    return table([total, ...mid, ...inner], { indicatorId: id, key: 'n', parents });
  };
  const profiles = { t1: profile({ minFrequency: 4 }), t2: profile({ minFrequency: 4 }) };

  it('each table alone needs no secondary; each passes its own audit', async () => {
    for (const [id, parents] of [
      ['t1', counties],
      ['t2', sizes],
    ] as const) {
      const r = await protect({ cells: side(id, parents), profiles });
      expect(r.stats.primaryCells).toBe(5);
      expect(r.stats.secondaryCells).toBe(0);
      expect(r.audit.passed).toBe(true);
    }
  });

  it('one-table-at-a-time patterns fail the joint audit: K = 3 is revealed exactly', async () => {
    const a = await protect({ cells: side('t1', counties), profiles });
    const b = await protect({ cells: side('t2', sizes), profiles });
    const joint = await audit({
      cells: [...side('t1', counties), ...side('t2', sizes)],
      published: [...a.cells, ...b.cells],
      profiles,
    });
    expect(joint.passed).toBe(false);
    const k = joint.failing.find((f) => f.variable === 'n|2023|K|');
    expect(k).toMatchObject({ lower: 3, upper: 3 });
  });

  it('linked protection adds exactly one secondary per table, cell N, and passes the joint audit', async () => {
    const r = await protect({
      cells: [...side('t1', counties), ...side('t2', sizes)],
      profiles,
      exactIntervals: true,
    });
    expect(withStatus(r.cells, 'suppressed-primary')).toEqual([
      't1:A/Total',
      't1:B/Total',
      't1:K/Total',
      't1:L/Total',
      't1:M/Total',
      't2:A/Total',
      't2:B/Total',
      't2:K/Total',
      't2:L/Total',
      't2:M/Total',
    ]);
    expect(withStatus(r.cells, 'suppressed-secondary')).toEqual(['t1:N/Total', 't2:N/Total']);
    expect(r.audit.passed).toBe(true);
    const k = r.audit.rules.flatMap((x) => x.intervals).find((i) => i.variable === 'n|2023|K|');
    expect(k).toMatchObject({ lower: 0, upper: 10 });
  });
});

describe('sdcTable 4×4 with 9 primaries (SIMPLEHEURISTIC)', () => {
  const rows = csv('sdctable-simpleheuristic-4x4/full_table.csv').map((r) => ({
    region: r.v1 === 'tot' ? 'Total' : (r.v1 as string),
    group: r.v2 === 'tot' ? 'Total' : (r.v2 as string),
    n: Number(r.freq),
    primary: r.primary === 'TRUE',
  }));
  const cells = table(rows);
  const publish = (suppressed: Set<string>): PublishedCell[] =>
    publishedAs(cells, (i) => {
      const r = rows[i] as (typeof rows)[number];
      if (!suppressed.has(`${r.region}/${r.group}`)) return null;
      return {
        status: r.primary ? 'suppressed-primary' : 'suppressed-secondary',
        rule: 'secondary',
      };
    });
  const primaries = new Set(rows.filter((r) => r.primary).map((r) => `${r.region}/${r.group}`));
  const wb = (rep: Awaited<ReturnType<typeof audit>>) =>
    rep.rules.flatMap((x) => x.intervals).find((i) => i.variable === 'ind|2023|w|group=b');

  it('with only the 9 primaries, the audit finds w/b exactly (47)', async () => {
    expect(primaries.size).toBe(9);
    const rep = await audit({
      cells,
      published: publish(primaries),
      profiles: { ind: profile({}) },
    });
    expect(wb(rep)).toMatchObject({ lower: 47, upper: 47 });
  });

  it('one more suppression (x/b, as the test comment says) opens w/b', async () => {
    const rep = await audit({
      cells,
      published: publish(new Set([...primaries, 'x/b'])),
      profiles: { ind: profile({}) },
      exactIntervals: true,
    });
    const i = wb(rep);
    expect(i?.lower).toBe(0);
    expect(i && i.upper).toBeGreaterThan(47);
  });
});

describe('GaussSuppression (SSBtools)', () => {
  it('z1: maxN=3 with protectZeros gives the 3 primaries; our secondary cost ≤ Gauss (29)', async () => {
    const rows: Spec[] = csv('gauss-z1/z1.csv').map((r) => ({
      region: r.region as string,
      group: r.hovedint as string,
      n: Number(r.ant),
    }));
    const full = withTotals(rows);
    const r = await protect({
      cells: table(full),
      profiles: { ind: profile({ minFrequency: 4, zeroPolicy: 'unsafe' }) },
    });
    expect(withStatus(r.cells, 'suppressed-primary')).toEqual(['B/arbeid', 'D/arbeid', 'H/arbeid']);
    expect(r.stats.secondaryCost).toBeLessThanOrEqual(7 + 13 + 9);
    expect(r.audit.passed).toBe(true);
  });

  it('example1 (2014): maxN=1 with protectZeros suppresses the zero and the rest of a 2×2 rectangle', async () => {
    const rows: Spec[] = csv('gauss-example1/example1.csv')
      .filter((r) => r.year === '2014')
      .map((r) => ({ region: r.age as string, group: r.geo as string, n: Number(r.freq) }));
    // Ages as regions, countries as groups.
    const full = withTotals(rows);
    const r = await protect({
      cells: table(full),
      profiles: { ind: profile({ minFrequency: 2, zeroPolicy: 'unsafe' }) },
    });
    expect(withStatus(r.cells, 'suppressed-primary')).toEqual(['young/Portugal']);
    expect(withStatus(r.cells, 'suppressed-secondary')).toEqual([
      'old/Iceland',
      'old/Portugal',
      'young/Iceland',
    ]);
  });
});

describe('τ-Argus GUI Simple2D (tau_testW, Size × Region, p% p=15)', () => {
  it('the 9 primaries match exactly; our pattern passes the audit at a cost ≤ Modular (2,524,351)', async () => {
    const dir = 'checktauargus-gui-simple2d';
    const groupOf: Record<string, string> = {};
    let group = '';
    for (const line of peerText(`${dir}/region2.hrc`).split(/\r?\n/)) {
      if (!line.trim()) continue;
      if (line.startsWith('@')) groupOf[line.slice(1).trim()] = group;
      else group = line.trim();
    }
    type Acc = { n: number; val: number; top: number[] };
    const acc = new Map<string, Acc>();
    const addTo = (k: string, x: number): void => {
      let a = acc.get(k);
      if (!a) acc.set(k, (a = { n: 0, val: 0, top: [] }));
      a.n++;
      a.val += x;
      a.top.push(x);
      a.top.sort((p, q) => q - p);
      a.top.length = Math.min(a.top.length, 2);
    };
    for (const line of peerText(`${dir}/tau_testW.asc.gz`).split(/\r?\n/)) {
      if (line.length < 37) continue;
      const size = line.slice(8, 10).trim();
      const region = line.slice(11, 13).trim();
      const x = Math.round(Number(line.slice(27, 37)) * 100); // cents: exact sums
      for (const s of ['Total', size])
        for (const r of ['Total', groupOf[region] as string, region]) addTo(`${r}/${s}`, x);
    }
    const specs: Spec[] = [...acc.entries()].sort().map(([k, a]) => {
      const [region, size] = k.split('/') as [string, string];
      return {
        region,
        group: size,
        n: a.n,
        val: a.val / 100,
        top1: (a.top[0] ?? 0) / 100,
        top2: (a.top[1] ?? 0) / 100,
      };
    });
    const parents: Record<string, string> = { ...groupOf };
    for (const g of new Set(Object.values(groupOf))) parents[g] = 'NL01';
    const cells = table(specs, { magnitude: true, parents });
    const r = await protect({
      cells,
      profiles: { ind: profile({ kind: 'magnitude', pPercent: 15, minFrequency: 0 }) },
    });
    const expected = peerText(`${dir}/expected_Simple2D.txt`)
      .split(/\r?\n/)
      .filter((l) => l.trim())
      .map((l) => l.split(',').map((x) => x.replace(/"/g, '').trim()))
      .filter((f) => f[3] === '3')
      .map(([size, region]) => `${region}/${size}`)
      .sort();
    expect(expected).toHaveLength(9);
    const ours = withStatus(r.cells, 'suppressed-primary').map((k) => {
      const [region, size] = k.split('/') as [string, string];
      return `${region}/${size}`;
    });
    expect(ours).toEqual(expected);
    expect(r.audit.passed).toBe(true);
    expect(r.stats.secondaryValue).toBeLessThanOrEqual(2_524_351);
  });
});
