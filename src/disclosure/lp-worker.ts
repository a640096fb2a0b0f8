/** A worker thread of the LP pool: solves batches of audit subproblems with its own HiGHS. */
import { parentPort } from 'node:worker_threads';
import { solveTask, type LpTask, type LpTaskResult } from './lp-pool.js';

const port = parentPort;
if (!port) throw new Error('lp-worker must run as a worker thread');
port.on('message', (msg: { id: number; tasks: LpTask[] }) => {
  void (async () => {
    const results: LpTaskResult[] = [];
    for (const t of msg.tasks) results.push(await solveTask(t));
    port.postMessage({ id: msg.id, results });
  })().catch((err: unknown) => {
    port.postMessage({ id: msg.id, error: err instanceof Error ? err.message : String(err) });
  });
});
