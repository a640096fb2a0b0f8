import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { countFigures, type ComputedCell } from '../../src/contracts/index.js';
import type {
  CellStatus,
  PublishedCell,
  RuleName,
  RuleProfile,
} from '../../src/disclosure/index.js';
import { DEFAULT_PROFILES } from '../../src/disclosure/index.js';
import { releaseRow } from '../../src/disclosure/publish.js';

/** The peer conformance sets, test fixtures of the project (see their README). */
export const PEERS = fileURLToPath(new URL('../fixtures/sdc-peers/', import.meta.url));

/** A file of a peer set as text, by its path in PEERS; a `.gz` file is gunzipped. */
export function peerText(path: string): string {
  const bytes = readFileSync(join(PEERS, path));
  return (path.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
}

/** A CSV file of a peer set (by its path in PEERS) as rows keyed by the header. */
export function csv(path: string): Record<string, string>[] {
  const lines = peerText(path)
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  const split = (l: string): string[] => l.split(',').map((x) => x.trim().replace(/^"|"$/g, ''));
  const head = split(lines[0] as string);
  return lines.slice(1).map((l) => {
    const f = split(l);
    return Object.fromEntries(head.map((h, i) => [h, f[i] ?? '']));
  });
}

export function profile(over: Partial<RuleProfile>): RuleProfile {
  return {
    ...DEFAULT_PROFILES.count,
    minFrequency: 0,
    safetyRange: 0,
    minRange: 0,
    roundingBase: 1,
    ...over,
  };
}

/** A frequency cell of indicator (and series) 'x': value, numerator and contributors are `n`. */
export function countCell(
  where: Pick<ComputedCell, 'year' | 'regionLevel' | 'regionCode' | 'parentCode' | 'breakdown'>,
  n: number,
): ComputedCell {
  return {
    indicatorId: 'x',
    ...where,
    ...countFigures(n, n),
    numeratorKey: 'x',
    denominatorKey: null,
  };
}

export interface Spec {
  region: string; // 'Total' for the grand total
  group: string; // 'Total' for the breakdown total
  n: number;
  val?: number;
  contributors?: number;
  top1?: number;
  top2?: number;
}

/** The inner cells `rows` (region × group) after their grand total and margins, as a table. */
export function withTotals(rows: readonly Spec[]): Spec[] {
  const regions = [...new Set(rows.map((r) => r.region))];
  const groups = [...new Set(rows.map((r) => r.group))];
  const sum = (f: (r: Spec) => boolean): number => rows.filter(f).reduce((s, r) => s + r.n, 0);
  return [
    { region: 'Total', group: 'Total', n: sum(() => true) },
    ...groups.map((g) => ({ region: 'Total', group: g, n: sum((r) => r.group === g) })),
    ...regions.map((x) => ({ region: x, group: 'Total', n: sum((r) => r.region === x) })),
    ...rows,
  ];
}

/**
 * A region × group table as cells: 'Total' → NL01 (nederland), other regions → gemeenten
 * under NL01 (or under `parents[region]`), groups → breakdown `group=<g>`.
 */
export function table(
  rows: Spec[],
  opts: {
    indicatorId?: string;
    key?: string;
    magnitude?: boolean;
    parents?: Record<string, string>;
  } = {},
): ComputedCell[] {
  const id = opts.indicatorId ?? 'ind';
  return rows.map((r) => {
    const total = r.region === 'Total';
    const parent = total ? null : (opts.parents?.[r.region] ?? 'NL01');
    const num = opts.magnitude ? (r.val ?? 0) : r.n;
    return {
      indicatorId: id,
      year: 2023,
      regionLevel: total ? 'nederland' : parent === 'NL01' ? 'veiligheidsregio' : 'gemeente',
      regionCode: total ? 'NL01' : r.region,
      parentCode: parent,
      breakdown: r.group === 'Total' ? '' : `group=${r.group}`,
      value: num,
      numerator: num,
      denominator: null,
      contributors: r.contributors ?? r.n,
      largest: r.top1 ?? null,
      secondLargest: r.top2 ?? null,
      numeratorKey: opts.key ?? id,
      denominatorKey: null,
    };
  });
}

export const statusOf = (cells: { region_code: string; breakdown: string; status: string }[]) =>
  cells.map(
    (c) =>
      `${c.region_code}${c.breakdown ? '/' + c.breakdown.split('=')[1] : ''}:${c.status[0] === 'p' ? 's' : c.status === 'suppressed-primary' ? 'u' : c.status === 'suppressed-secondary' ? 'x' : '-'}`,
  );

/**
 * `cells` as a test publishes them by hand: `hidden(i)` gives the status and rule of a hidden
 * cell (its figures go), or null to publish it as computed.
 */
export function publishedAs(
  cells: readonly ComputedCell[],
  hidden: (i: number) => { status: CellStatus; rule: RuleName } | null,
): PublishedCell[] {
  return cells.map((c, i) => {
    const h = hidden(i);
    return releaseRow(c, {
      value: h ? null : c.value,
      numerator: h ? null : c.numerator,
      denominator: null,
      status: h ? h.status : 'published',
      rule: h ? h.rule : null,
    });
  });
}

/**
 * The range fields of an audited interval in a table of counts only: no status bounds a count, so
 * the prior range is the rule's own range [lower, upper], and the requirement inside it is that
 * range's whole width (not the stop-gap's half).
 */
export function countOnlyRange(lower: number, upper: number) {
  return {
    ruleRange: { lower, upper },
    priorRange: { lower, upper },
    rangeRequired: upper - lower,
  };
}

/**
 * A random region hierarchy of counts 'x' in `year`: `shape[v][g]` wijken in gemeente g of
 * veiligheidsregio v, each wijk's count the next of `counts` (by geslacht when `byGeslacht`), the
 * higher levels their sums.
 */
export function randomTable(
  shape: number[][],
  counts: number[],
  byGeslacht: boolean,
  year = 2021,
): ComputedCell[] {
  const cells: ComputedCell[] = [];
  let k = 0;
  const next = (): number => counts[k++ % counts.length] as number;
  const groups = byGeslacht ? ['geslacht=M', 'geslacht=V'] : [];
  const add = (
    code: string,
    level: ComputedCell['regionLevel'],
    parent: string | null,
    v: Record<string, number>,
  ): void => {
    for (const b of ['', ...groups]) {
      cells.push(
        countCell(
          { year, regionLevel: level, regionCode: code, parentCode: parent, breakdown: b },
          v[b] as number,
        ),
      );
    }
  };
  const sum = (xs: Record<string, number>[]): Record<string, number> => {
    const o: Record<string, number> = {};
    for (const x of xs) for (const [b, n] of Object.entries(x)) o[b] = (o[b] ?? 0) + n;
    return o;
  };
  const vrs = shape.map((gms, vi) => {
    const vr = `VR${String(vi + 1).padStart(2, '0')}`;
    const gmv = gms.map((nWk, gi) => {
      const gm = `GM${vi}${String(gi).padStart(3, '0')}`;
      const wks = Array.from({ length: nWk }, (_, wi) => {
        const wk = `WK${vi}${String(gi).padStart(3, '0')}${wi}0`;
        const v: Record<string, number> = byGeslacht
          ? { 'geslacht=M': next(), 'geslacht=V': next() }
          : { '': next() };
        if (byGeslacht) v[''] = (v['geslacht=M'] as number) + (v['geslacht=V'] as number);
        add(wk, 'wijk', gm, v);
        return v;
      });
      const v = sum(wks);
      add(gm, 'gemeente', vr, v);
      return v;
    });
    const v = sum(gmv);
    add(vr, 'veiligheidsregio', 'NL01', v);
    return v;
  });
  add('NL01', 'nederland', null, sum(vrs));
  return cells;
}
