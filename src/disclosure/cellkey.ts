/**
 * The cell key method (as in the R packages `ptable` and `cellKey`).
 *
 * Every record carries a record key, uniform in [0, 1). A cell's key is the sum of its records'
 * keys modulo 1, so the same set of records always yields the same key and hence the same noise,
 * in every table: consistency across linked tables holds by construction. The perturbation
 * table maps (original count, cell key) to noise v ∈ [−D, D]: value 0 stays 0, no perturbed
 * value lies in 1..js, the noise has mean 0, probability pstay of no change, and variance V
 * where the constraints allow it.
 */
import { createHash } from 'node:crypto';
import type { CellKeyParams } from './profiles.js';

/** Cell key from record keys: Σ keys mod 1. */
export function cellKeyFromRecordKeys(keys: Iterable<number>): number {
  let s = 0;
  for (const k of keys) {
    if (!(k >= 0 && k < 1)) throw new Error(`record key ${k} is not in [0, 1)`);
    s += k;
  }
  return s - Math.floor(s);
}

/**
 * A deterministic stand-in key for a variable without record keys: derived from the variable id,
 * so it is still the same in every table that publishes the variable.
 */
export function fallbackCellKey(variableId: string): number {
  const h = createHash('sha256').update(variableId).digest();
  return h.readUIntBE(0, 6) / 2 ** 48;
}

export interface PerturbationTable {
  params: CellKeyParams;
  /** rows[i] = cumulative distribution over noise values for original value i (last row for larger). */
  rows: { noise: number[]; cumulative: number[] }[];
}

function distribution(noise: number[], lambda: number, mu: number): number[] {
  const w = noise.map((v) => Math.exp(-lambda * v * v + mu * v));
  const s = w.reduce((a, b) => a + b, 0);
  return w.map((x) => x / s);
}

const moment = (noise: number[], p: number[], k: number): number =>
  noise.reduce((s, v, j) => s + (p[j] as number) * v ** k, 0);

/** A tilted discrete Gaussian on `noise` with mean 0 and second moment near `target`. */
function fit(noise: number[], target: number): number[] {
  const muFor = (lambda: number): number => {
    let lo = -30;
    let hi = 30;
    for (let it = 0; it < 80; it++) {
      const mid = (lo + hi) / 2;
      if (moment(noise, distribution(noise, lambda, mid), 1) > 0) hi = mid;
      else lo = mid;
    }
    return (lo + hi) / 2;
  };
  let lo = -3;
  let hi = 30;
  for (let it = 0; it < 80; it++) {
    const mid = (lo + hi) / 2;
    const p = distribution(noise, mid, muFor(mid));
    if (moment(noise, p, 2) > target) lo = mid;
    else hi = mid;
  }
  const lambda = (lo + hi) / 2;
  return distribution(noise, lambda, muFor(lambda));
}

export function buildPerturbationTable(params: CellKeyParams): PerturbationTable {
  const { D, V, js, pstay } = params;
  const last = D + js + 1;
  const rows: PerturbationTable['rows'] = [];
  for (let i = 0; i <= last; i++) {
    if (i === 0) {
      rows.push({ noise: [0], cumulative: [1] });
      continue;
    }
    const allowed = (v: number): boolean => {
      const j = i + v;
      return j >= 0 && (j === 0 || j > js);
    };
    const stays = allowed(0);
    const moving: number[] = [];
    for (let v = -D; v <= D; v++) if (v !== 0 && allowed(v)) moving.push(v);
    const stay = stays ? pstay : 0;
    const probs = new Map<number, number>();
    if (stays) probs.set(0, stay);
    if (moving.length > 0) {
      const p = fit(moving, V / Math.max(1e-9, 1 - stay));
      moving.forEach((v, j) => probs.set(v, (probs.get(v) ?? 0) + (1 - stay) * (p[j] as number)));
    } else probs.set(0, 1);
    const noise = [...probs.keys()].sort((a, b) => a - b);
    let c = 0;
    const cumulative = noise.map((v) => (c += probs.get(v) as number));
    cumulative[cumulative.length - 1] = 1;
    rows.push({ noise, cumulative });
  }
  return { params, rows };
}

/** The perturbed count for `value` with cell key `key` (non-integers are rounded first). */
export function perturb(table: PerturbationTable, value: number, key: number): number {
  const i = Math.max(0, Math.round(value));
  const row = table.rows[Math.min(i, table.rows.length - 1)] as PerturbationTable['rows'][number];
  const j = row.cumulative.findIndex((c) => key < c);
  const v = row.noise[j < 0 ? row.noise.length - 1 : j] as number;
  return i + v;
}
