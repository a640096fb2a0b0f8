/**
 * Reading a plan's result by its output description: each series' columns are found by role, never
 * by name. Results are read column-wise (much faster than row objects for large results).
 */
import type { MeasureRole, QueryPlan } from './plan.js';

/** Aggregates of one series in one cell; amounts in cents. */
export interface SeriesCell {
  n: number;
  c: number;
  s: number | null;
  top: number[];
  med: number | null;
}

/** A number from a result value: bigint (DuckDB), numeric string (PostgreSQL BIGINT/NUMERIC). */
const num = (v: unknown): number => (typeof v === 'bigint' ? Number(v) : Number(v ?? 0));

/** One map per series of the plan, from cell key to the series' aggregates in that cell. */
export function readSeriesCells(
  result: Map<string, unknown[]>,
  plan: QueryPlan,
): Map<string, SeriesCell>[] {
  const values = (name: string): unknown[] => {
    const v = result.get(name);
    if (!v) throw new Error(`the query yielded no column ${name}`);
    return v;
  };
  const keys = values(plan.key.name);
  return Array.from({ length: plan.seriesCount }, (_, series) => {
    const of = (role: MeasureRole) => {
      const c = plan.measures.find((m) => m.series === series && m.role === role);
      return c ? values(c.name) : undefined;
    };
    const n = of('units');
    if (!n) throw new Error(`the plan has no units column for series ${series}`);
    // A count group has only a units column per member: each unit is its own contributor.
    const c = of('contributors') ?? n;
    const s = of('sum');
    const top = of('largest');
    const med = of('median');
    const out = new Map<string, SeriesCell>();
    keys.forEach((key, i) => {
      if (key === null) return; // a unit outside every breakdown category has no breakdown cell
      const t = top?.[i];
      out.set(key as string, {
        n: num(n[i]),
        c: num(c[i]),
        s: s === undefined || s[i] === null ? null : num(s[i]),
        top: Array.isArray(t) ? (t as unknown[]).map(num) : [],
        med: med === undefined || med[i] === null ? null : Number(med[i]),
      });
    });
    return out;
  });
}
