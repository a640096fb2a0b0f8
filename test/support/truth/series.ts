/**
 * Series: units accumulated per year, region and breakdown, into every level containing their
 * buurt, for the total and each breakdown.
 */
import { cellKey } from '../../../src/contracts/index.js';

interface Contribution {
  distinct?: string;
  amount?: number;
  contributor?: string;
}

/** Keyed by `cellKey(null, year, code, breakdown)`. */
export class Series {
  readonly n = new Map<string, number>();
  readonly distinct = new Map<string, Set<string>>();
  readonly sums = new Map<string, Map<string, number>>();
  readonly values = new Map<string, number[]>();
  constructor(private readonly codesOf: ReadonlyMap<string, readonly string[]>) {}

  add(year: number, buurt: string, breakdowns: string[], x: Contribution = {}): void {
    const codes = this.codesOf.get(buurt);
    if (!codes) throw new Error(`ground truth: buurt ${buurt} is not in the region set`);
    for (const code of codes) {
      for (const bd of ['', ...breakdowns]) {
        const k = cellKey(null, year, code, bd);
        this.n.set(k, (this.n.get(k) ?? 0) + 1);
        if (x.distinct !== undefined) {
          const s = this.distinct.get(k) ?? new Set<string>();
          s.add(x.distinct);
          this.distinct.set(k, s);
        }
        if (x.amount !== undefined && x.contributor !== undefined) {
          const m = this.sums.get(k) ?? new Map<string, number>();
          m.set(x.contributor, (m.get(x.contributor) ?? 0) + x.amount);
          this.sums.set(k, m);
        } else if (x.amount !== undefined) {
          const l = this.values.get(k) ?? [];
          l.push(x.amount);
          this.values.set(k, l);
        }
      }
    }
  }
}

/** The series by name, each made on first use (an unused one is empty). */
export class SeriesSet {
  private readonly byName = new Map<string, Series>();
  constructor(private readonly codesOf: ReadonlyMap<string, readonly string[]>) {}

  of(name: string): Series {
    let s = this.byName.get(name);
    if (!s) {
      s = new Series(this.codesOf);
      this.byName.set(name, s);
    }
    return s;
  }
}
