/**
 * Audit subproblems are independent once planned, so a large audit spreads them over worker
 * threads, each with its own HiGHS (the WebAssembly solver is single-threaded). Small audits,
 * and machines with one core, solve in this thread. The answers do not depend on where a task
 * runs: the same LP gives the same solution in every HiGHS instance.
 */
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { moduleEntry, startWorker } from '../process/child-entry.js';
import { solveIntervals, type Interval, type SolveCounters, type SubLp } from './lp.js';

export interface LpTask {
  lp: SubLp;
  /** Columns whose min and max are wanted. */
  targets: number[];
  /** True value of every column (the fallback of a failed solve, and the first witness point). */
  truth: number[];
  /** Required width per column, to accept witness intervals; null asks for exact optima. */
  required: number[] | null;
  /**
   * The prior range per column (the rule's range as far as statuses leave it open; see
   * `passesRequirement`); null: none.
   */
  rangeLo?: number[] | null;
  rangeHi?: number[] | null;
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
    t.required
      ? {
          truth: t.truth,
          required: t.required,
          rangeLo: t.rangeLo ?? null,
          rangeHi: t.rangeHi ?? null,
        }
      : undefined,
  );
  return { intervals, counters };
}

/** Below this many tasks a round trip to the workers costs more than it saves. */
const MIN_PARALLEL_TASKS = 8;
const BATCH = 16;

interface Job {
  tasks: LpTask[];
  resolve: (r: LpTaskResult[]) => void;
  reject: (e: Error) => void;
}

interface PoolWorker {
  worker: Worker;
  /** The batch it is solving; a worker holds the process open only while it has one. */
  job: Job | null;
}

/** Batches waiting for a free worker, from every caller in submission order. */
const queue: Job[] = [];
let pool: PoolWorker[] | null = null;

function workerCount(): number {
  const env = Number(process.env.SAMENZICHT_SDC_THREADS);
  if (Number.isInteger(env) && env >= 1) return env;
  return Math.max(1, availableParallelism());
}

function startPool(n: number): PoolWorker[] {
  // The compiled worker from dist; from the TypeScript sources (tests, benchmarks) its .ts file
  // behind the tsx loader, which worker threads do not inherit.
  const entry = moduleEntry(import.meta.url, './lp-worker.js');
  const workers = Array.from({ length: n }, (): PoolWorker => {
    const worker = startWorker(entry, { stdout: false, stderr: false });
    worker.unref();
    return { worker, job: null };
  });
  for (const w of workers) {
    w.worker.on('message', (msg: { results?: LpTaskResult[]; error?: string }) => {
      const job = w.job;
      w.job = null;
      w.worker.unref();
      if (!job) return;
      if (msg.results) job.resolve(msg.results);
      else job.reject(new Error(`audit LP worker: ${msg.error ?? 'no results'}`));
      pump();
    });
    w.worker.on('error', (err: Error) => failPool(workers, err));
    w.worker.on('exit', (code) => {
      if (code !== 0) failPool(workers, new Error(`audit LP worker exited with code ${code}`));
    });
  }
  return workers;
}

/** A failed worker leaves the pool in an unknown state: fail what is pending, start afresh. */
function failPool(workers: PoolWorker[], err: Error): void {
  if (pool === workers) pool = null;
  for (const w of workers) {
    w.job?.reject(err);
    w.job = null;
    void w.worker.terminate();
  }
  for (const job of queue.splice(0)) job.reject(err);
}

function pump(): void {
  if (!pool) return;
  for (const w of pool) {
    if (w.job || queue.length === 0) continue;
    const job = queue.shift() as Job;
    w.job = job;
    w.worker.ref();
    w.worker.postMessage({ tasks: job.tasks });
  }
}

/**
 * Solves every task, in worker threads when `parallel`; results in task order. Calls may
 * overlap (the audit plans its next chunk while the last one is solved): their batches share
 * one queue.
 */
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
  const batches: Promise<LpTaskResult[]>[] = [];
  for (let from = 0; from < tasks.length; from += BATCH) {
    batches.push(
      new Promise<LpTaskResult[]>((resolve, reject) =>
        queue.push({ tasks: tasks.slice(from, from + BATCH), resolve, reject }),
      ),
    );
  }
  pump();
  return (await Promise.all(batches)).flat();
}
