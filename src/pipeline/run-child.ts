/**
 * The run process (forked by src/pipeline/run-process.ts): waits for its start message, opens its
 * own connection to the state database, does the run with `executeRun`, and sends its progress
 * and its end to the server, which records them. It exits when the server goes away.
 */
import { getHeapStatistics } from 'node:v8';
import { Governance } from '../governance/index.js';
import { openStore, type Store } from '../store/index.js';
import { exitWithParent } from '../process/exit-with-parent.js';
import { instanceRunContext } from './instance-run.js';
import type { RunChildMessage, RunChildStart } from './run-process.js';
import { executeRun, scrubPaths } from './run.js';
import type { RunRecorder } from './run-recorder.js';

exitWithParent();
// Everything the run writes is the broker user's alone: its scratch holds linked microdata
// (DuckDB creates its files with the umask's mode), and what it leaves after a crash must not be
// readable by others either.
process.umask(0o077);

/** Resolves once the message is handed to the channel (or the channel is gone). */
const send = (m: RunChildMessage) =>
  new Promise<void>((resolve) => {
    if (!process.connected) return resolve();
    process.send!(m, undefined, {}, () => resolve());
  });

/**
 * The largest JavaScript heap in use, sampled every 500 ms and at each progress report (a stage
 * that holds the thread is sampled when it reports): what the heap share of the budget must hold.
 */
let heapPeak = 0;
const sampleHeap = () => (heapPeak = Math.max(heapPeak, getHeapStatistics().used_heap_size));
setInterval(sampleHeap, 500).unref();

/** One line for the server's log: how much of its budget the run used, to size `runMemoryLimit`. */
function memoryLine(start: RunChildStart, outcome: string): string {
  sampleHeap();
  const mib = (b: number) => `${Math.round(b / 2 ** 20)} MiB`;
  const { budget } = start;
  return `samenzicht run ${start.runId}: ${outcome}; peak JavaScript heap ${mib(heapPeak)} of ${budget.heapMb} MiB, peak RSS ${mib(process.resourceUsage().maxRSS * 1024)} (run memory ${budget.limit}, DuckDB ${budget.duckdbMemoryLimit})\n`;
}

async function run(start: RunChildStart): Promise<void> {
  let failed = false;
  const recorder: RunRecorder = {
    progress: (stage, progress) => {
      sampleHeap();
      void send({ type: 'progress', stage, progress });
    },
    failed: async (message) => {
      failed = true;
      await send({ type: 'failed', message });
    },
  };
  let store: Store | null = null;
  try {
    store = await openStore({
      dataDir: start.dataDir,
      ...(start.databaseUrl ? { databaseUrl: start.databaseUrl } : {}),
    });
    const { ctx } = await instanceRunContext(start.dataDir, new Governance(store), {
      catalogue: start.catalogue,
    });
    const candidate = await executeRun(
      { ...ctx, memoryLimit: start.budget.duckdbMemoryLimit },
      start.runId,
      { recorder },
    );
    process.stderr.write(memoryLine(start, `candidate ${candidate.id}`));
    await send({ type: 'done', releaseId: candidate.id });
  } catch (err) {
    process.stderr.write(memoryLine(start, 'failed'));
    if (!failed) {
      const message = err instanceof Error ? err.message : String(err);
      await send({ type: 'failed', message: scrubPaths(message, start.dataDir) });
    }
  } finally {
    await store?.close().catch(() => undefined);
  }
}

process.once('message', (m: RunChildStart) => {
  void run(m).finally(() => process.exit(0));
});
