import { describe, expect, it } from 'vitest';
import { solveTask, solveTasks, type LpTask } from '../../src/disclosure/lp-pool.js';

/** A small two-dimensional table (rows × 2 columns with margins) with a random cell pattern. */
function task(seed: number): LpTask {
  let a = seed;
  const rnd = (): number => {
    a = (a * 1103515245 + 12345) % 2147483648;
    return a / 2147483648;
  };
  const rows = 3 + Math.floor(rnd() * 4);
  // Columns: cells (r, 0) and (r, 1) for each row, then the row totals.
  const truth: number[] = [];
  for (let r = 0; r < rows; r++) truth.push(Math.floor(rnd() * 9), Math.floor(rnd() * 9));
  for (let r = 0; r < rows; r++)
    truth.push((truth[2 * r] as number) + (truth[2 * r + 1] as number));
  const n = truth.length;
  const lower = truth.map(() => 0);
  const upper = truth.map((t) => (rnd() < 0.3 ? t + 2.5 : Infinity));
  const lp: LpTask['lp'] = { lower, upper, rows: [] };
  for (let r = 0; r < rows; r++)
    lp.rows.push({ cols: [2 * rows + r, 2 * r, 2 * r + 1], coefs: [1, -1, -1], rhs: 0 });
  for (const c of [0, 1]) {
    const cols = Array.from({ length: rows }, (_, r) => 2 * r + c);
    lp.rows.push({
      cols,
      coefs: cols.map(() => 1),
      rhs: cols.reduce((s, k) => s + (truth[k] as number), 0),
    });
  }
  return {
    lp,
    targets: Array.from({ length: n }, (_, k) => k).filter(() => rnd() < 0.6),
    truth,
    required: seed % 2 === 0 ? null : truth.map(() => 4),
  };
}

describe('the audit LP pool', () => {
  it('gives in worker threads exactly what it gives in this thread', async () => {
    const tasks = Array.from({ length: 120 }, (_, k) => task(k + 1));
    const here: Awaited<ReturnType<typeof solveTask>>[] = [];
    for (const t of tasks) here.push(await solveTask(t));
    const pooled = await solveTasks(tasks, true);
    expect(pooled).toEqual(here);
    // Every interval contains the truth of its column.
    tasks.forEach((t, k) =>
      t.targets.forEach((c, j) => {
        const iv = pooled[k]!.intervals[j]!;
        expect(iv.lower).toBeLessThanOrEqual(t.truth[c]! + 1e-9);
        expect(iv.upper).toBeGreaterThanOrEqual(t.truth[c]! - 1e-9);
      }),
    );
  });
});
