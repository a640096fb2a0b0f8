/**
 * writeIndicatorGroundTruth: the true value of every indicator, for every region, year and level,
 * computed from the raw provider files (real identifiers) by the plain implementation in
 * `compute.ts` after the quarantine rule of `raw.ts`. Output: a semicolon CSV with one row per cell.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { loadRawTables, type RawLoadReport } from './raw.js';
import { computeGroundTruth, type RegionHierarchyRow, type TruthCell } from './compute.js';
import { YEARS, type RegionLevel } from '../../../src/contracts/index.js';

export { loadRawTables, computeGroundTruth };
// readFormerBuurten is exported where it is defined, below.
export type { RawLoadReport, RegionHierarchyRow, TruthCell };

export interface GroundTruthOptions {
  synthDir: string;
  /** The region hierarchy, or a CSV file (`,` or `;`) with buurt_code, wijk_code, gemeente_code, veiligheidsregio_code. */
  regions: readonly RegionHierarchyRow[] | string;
  outFile: string;
  years?: number[];
}

const HEADER = [
  'indicator_id',
  'year',
  'region_level',
  'region_code',
  'breakdown',
  'value',
  'numerator',
  'denominator',
  'contributors',
  'largest',
  'second_largest',
];

function readHierarchyCsv(path: string): RegionHierarchyRow[] {
  const lines = readFileSync(path, 'utf8')
    .split(/\r?\n/)
    .filter((l) => l.length > 0);
  const sep = (lines[0] ?? '').includes(';') ? ';' : ',';
  const head = (lines[0] ?? '').split(sep);
  const idx = (name: string) => {
    const i = head.indexOf(name);
    if (i < 0) throw new Error(`${path}: row 1: missing column ${name}`);
    return i;
  };
  const [b, w, g, v] = [
    idx('buurt_code'),
    idx('wijk_code'),
    idx('gemeente_code'),
    idx('veiligheidsregio_code'),
  ];
  return lines.slice(1).map((l, i) => {
    const f = l.split(sep);
    const get = (k: number, name: string) => {
      const x = f[k];
      if (!x) throw new Error(`${path}: row ${i + 2}: missing ${name}`);
      return x;
    };
    return {
      buurt_code: get(b, 'buurt_code'),
      wijk_code: get(w, 'wijk_code'),
      gemeente_code: get(g, 'gemeente_code'),
      veiligheidsregio_code: get(v, 'veiligheidsregio_code'),
    };
  });
}

const fmt = (v: number | null) => (v === null ? '' : String(v));

/**
 * The herindelingen table the generator writes beside the ground truth
 * (`ground-truth/herindeling-buurten.csv`: former_buurt_code, …, current_buurt_code, …): former
 * buurt code → current buurt code. Read here from the data, not from the engine's mapping.
 */
export function readFormerBuurten(synthDir: string): Map<string, string> {
  const path = join(synthDir, 'ground-truth', 'herindeling-buurten.csv');
  const out = new Map<string, string>();
  if (!existsSync(path)) return out;
  const lines = readFileSync(path, 'utf8')
    .split(/\r?\n/)
    .filter((l) => l.length > 0);
  const head = (lines[0] ?? '').split(',');
  const [f, c] = [head.indexOf('former_buurt_code'), head.indexOf('current_buurt_code')];
  if (f < 0 || c < 0) throw new Error(`${path}: row 1: missing former or current buurt code`);
  lines.slice(1).forEach((l, i) => {
    const cols = l.split(',');
    if (!cols[f] || !cols[c]) throw new Error(`${path}: row ${i + 2}: missing a buurt code`);
    out.set(cols[f], cols[c]);
  });
  return out;
}

export async function writeIndicatorGroundTruth(
  opts: GroundTruthOptions,
): Promise<{ cells: TruthCell[]; quarantine: RawLoadReport[] }> {
  const hierarchy =
    typeof opts.regions === 'string' ? readHierarchyCsv(opts.regions) : opts.regions;
  const instance = await DuckDBInstance.create(':memory:', { preserve_insertion_order: 'true' });
  const conn = await instance.connect();
  try {
    const formerBuurten = readFormerBuurten(opts.synthDir);
    const quarantine = await loadRawTables(conn, opts.synthDir, [
      ...hierarchy.map((h) => h.buurt_code),
      ...formerBuurten.keys(),
    ]);
    const cells = await computeGroundTruth(
      conn,
      hierarchy,
      opts.years ?? [...YEARS],
      formerBuurten,
    );
    mkdirSync(dirname(opts.outFile), { recursive: true });
    const lines = [HEADER.join(';')];
    for (const c of cells) {
      lines.push(
        [
          c.indicatorId,
          c.year,
          c.regionLevel,
          c.regionCode,
          c.breakdown,
          fmt(c.value),
          fmt(c.numerator),
          fmt(c.denominator),
          c.contributors,
          fmt(c.largest),
          fmt(c.secondLargest),
        ].join(';'),
      );
    }
    writeFileSync(opts.outFile, `${lines.join('\n')}\n`);
    return { cells, quarantine };
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

/** Reads a file written by writeIndicatorGroundTruth. */
export function readGroundTruth(file: string): TruthCell[] {
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0);
  if (lines[0] !== HEADER.join(';')) throw new Error(`${file}: row 1: unexpected header`);
  const n = (s: string | undefined) => (s === undefined || s === '' ? null : Number(s));
  return lines.slice(1).map((l) => {
    const f = l.split(';');
    return {
      indicatorId: f[0] ?? '',
      year: Number(f[1]),
      regionLevel: (f[2] ?? '') as RegionLevel,
      regionCode: f[3] ?? '',
      breakdown: f[4] ?? '',
      value: n(f[5]),
      numerator: n(f[6]),
      denominator: n(f[7]),
      contributors: Number(f[8]),
      largest: n(f[9]),
      secondLargest: n(f[10]),
    };
  });
}
