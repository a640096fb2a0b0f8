/**
 * Audit subproblems are independent once planned, so a large audit spreads them over worker
 * threads, each with its own HiGHS (the WebAssembly solver is single-threaded). Small audits,
 * and machines with one core, solve in this thread. The answers do not depend on where a task
 * runs: the same LP gives the same solution in every HiGHS instance.
 */
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { solveIntervals, type Interval, type SolveCounters, type SubLp } from './lp.js';

export interface LpTask {
  lp: SubLp;
  /** Columns whose min and max are wanted. */
  targets: number[];
  /** True value of every column (the fallback of a failed solve, and the first witness point). */
  truth: number[];
  /** Required width per column, to accept witness intervals; null asks for exact optima. */
  required: number[] | null;
}

export interface LpTaskResult {
  intervals: Interval[];
  counters: SolveCounters;
}

export async function solveTask(t: LpTask): Promise<LpTaskResult> {
  const counters: SolveCounters = { lp: 0, closedForm: 0, witness: 0 };
  const intervals = await solveIntervals(
    t.lp,
    t.targets,
    (c) => t.truth[c] as number,
    counters,
    t.required ? { truth: t.truth, required: t.required } : undefined,
  );
  return { intervals, counters };
}

/** Below this many tasks a round trip to the workers costs more than it saves. */
const MIN_PARALLEL_TASKS = 8;
const BATCH = 16;

interface PoolWorker {
  worker: Worker;
}

let pool: PoolWorker[] | null = null;

function workerCount(): number {
  const env = Number(process.env.SAMENZICHT_SDC_THREADS);
  if (Number.isInteger(env) && env >= 1) return env;
  return Math.max(1, availableParallelism());
}

function startPool(n: number): PoolWorker[] {
  // The built package runs the compiled worker directly. From the TypeScript sources (tests,
  // benchmarks) the worker first registers the tsx loader, which worker threads do not inherit.
  const fromSource = import.meta.url.endsWith('.ts');
  const entry = new URL(fromSource ? './lp-worker.ts' : './lp-worker.js', import.meta.url);
  const bootstrap = fromSource
    ? `import(${JSON.stringify(tsxApiUrl())}).then((t) => { t.register(); return import(${JSON.stringify(entry.href)}); });`
    : null;
  return Array.from({ length: n }, () => {
    const worker = bootstrap
      ? new Worker(bootstrap, { eval: true, stdout: false, stderr: false })
      : new Worker(entry, { stdout: false, stderr: false });
    // Idle workers must not keep the process alive.
    worker.unref();
    return { worker };
  });
}

function tsxApiUrl(): string {
  const pkg = createRequire(import.meta.url).resolve('tsx/package.json');
  return pathToFileURL(join(dirname(pkg), 'dist/esm/api/index.mjs')).href;
}

/** Solves every task, in worker threads when `parallel`; results in task order. */
export async function solveTasks(
  tasks: readonly LpTask[],
  parallel: boolean,
): Promise<LpTaskResult[]> {
  const n = workerCount();
  if (n < 2 || !parallel || tasks.length < MIN_PARALLEL_TASKS) {
    const out: LpTaskResult[] = [];
    for (const t of tasks) out.push(await solveTask(t));
    return out;
  }
  pool ??= startPool(n);
  const workers = pool;
  const results: LpTaskResult[] = new Array<LpTaskResult>(tasks.length);
  let next = 0;
  let id = 0;
  await new Promise<void>((resolve, reject) => {
    let running = 0;
    let failed = false;
    const dispatch = (w: PoolWorker): void => {
      if (failed) return;
      if (next >= tasks.length) {
        if (running === 0) resolve();
        return;
      }
      const from = next;
      const batch = tasks.slice(from, from + BATCH);
      next += batch.length;
      const myId = ++id;
      running++;
      w.worker.ref();
      const onError = (err: Error): void => {
        failed = true;
        cleanup();
        reject(err);
      };
      const onMessage = (msg: { id: number; results?: LpTaskResult[]; error?: string }): void => {
        if (msg.id !== myId) return;
        cleanup();
        running--;
        if (msg.error !== undefined || !msg.results) {
          failed = true;
          reject(new Error(`audit LP worker: ${msg.error ?? 'no results'}`));
          return;
        }
        msg.results.forEach((r, k) => (results[from + k] = r));
        dispatch(w);
      };
      const cleanup = (): void => {
        w.worker.unref();
        w.worker.off('message', onMessage);
        w.worker.off('error', onError);
      };
      w.worker.on('message', onMessage);
      w.worker.on('error', onError);
      w.worker.postMessage({ id: myId, tasks: batch });
    };
    for (const w of workers) dispatch(w);
  }).catch((err: unknown) => {
    // A failed worker leaves the pool in an unknown state: start afresh next time.
    for (const w of workers) void w.worker.terminate();
    pool = null;
    throw err;
  });
  return results;
}
