/** A worker thread of the LP pool: solves batches of audit subproblems with its own HiGHS. */
import { parentPort } from 'node:worker_threads';
import { solveTask, type LpTask, type LpTaskResult } from './lp-pool.js';

const port = parentPort;
if (!port) throw new Error('lp-worker must run as a worker thread');
port.on('message', (msg: { tasks: LpTask[] }) => {
  void (async () => {
    const results: LpTaskResult[] = [];
    for (const t of msg.tasks) results.push(await solveTask(t));
    port.postMessage({ results });
  })().catch((err: unknown) => {
    port.postMessage({ error: err instanceof Error ? err.message : String(err) });
  });
});
