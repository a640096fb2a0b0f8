/**
 * A run in a process of its own (src/pipeline/run-child.ts), started by the server's run service:
 * the server's event loop stays free for the API while the run computes (its disclosure stage
 * holds its thread for minutes), the run gets a memory budget of its own (its heap and DuckDB's
 * share, src/instance/run-memory.ts), and a run that is killed, for instance by the kernel when
 * memory runs out, takes only itself down.
 *
 * The child opens its own connection to the state database and does the run with `executeRun`;
 * it sends its progress and a failure here over IPC, and this side records them through the
 * governance run methods, as an in-process run would (`RunRecorder`). A child that dies without
 * saying why fails its run with the reason its exit gives. The child exits when this process goes
 * away (src/process/exit-with-parent.ts), and its scratch folder is removed here when it ends.
 */
import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import type { RunProgress } from '../governance/index.js';
import type { ResolvedIndicator } from '../indicators/index.js';
import type { RunMemoryBudget } from '../instance/index.js';
import { forkModule, moduleEntry } from '../process/child-entry.js';
import { runDir, scrubPaths } from './run.js';
import type { RunRecorder } from './run-recorder.js';

/** The first message to the child: what it needs besides the instance's configuration. */
export interface RunChildStart {
  type: 'start';
  runId: string;
  dataDir: string;
  /** PostgreSQL of the state (never on the command line, where `ps` would show it). */
  databaseUrl?: string;
  /** The server's catalogue (an instance's, or the one the server was given). */
  catalogue: readonly ResolvedIndicator[];
  budget: RunMemoryBudget;
}

/** What the child tells the server. */
export type RunChildMessage =
  | { type: 'progress'; stage: string; progress: RunProgress }
  | { type: 'failed'; message: string }
  | { type: 'done'; releaseId: string };

export type RunOutcome =
  | { state: 'candidate'; releaseId: string }
  | { state: 'failed'; reason: string }
  /** Stopped by `stop()` (the server closing): not recorded here. */
  | { state: 'stopped' };

export interface RunProcess {
  readonly pid: number | undefined;
  /**
   * The child has said how its run ended (its candidate is recorded, or its failure is about
   * to be) and is only exiting now.
   */
  readonly ended: boolean;
  /** Resolves when the process has ended and its outcome is recorded. */
  readonly done: Promise<RunOutcome>;
  /** SIGTERM, SIGKILL after `graceMs`; resolves when the process has gone. */
  stop(graceMs?: number): Promise<RunOutcome>;
}

export interface RunProcessOptions {
  runId: string;
  dataDir: string;
  databaseUrl?: string;
  catalogue: readonly ResolvedIndicator[];
  budget: RunMemoryBudget;
  recorder: RunRecorder;
  /** Where the child's output goes (default: this process's stderr, the server's log). */
  output?: NodeJS.WritableStream;
}

const ENTRY = moduleEntry(import.meta.url, './run-child.js');
/** How much of the child's stderr is kept for the reason of a crash. */
const TAIL = 8192;

/** Why a run process that said nothing ended, in one line. */
export function crashReason(
  code: number | null,
  signal: NodeJS.Signals | null,
  stderr: string,
  budget: RunMemoryBudget,
): string {
  if (/JavaScript heap out of memory|Reached heap limit/.test(stderr))
    return `the run process ran out of JavaScript heap (${budget.heapMb} MiB, its share of the run memory budget ${budget.limit}): raise runMemoryLimit in samenzicht.json`;
  if (signal === 'SIGKILL')
    return `the run process was killed (SIGKILL): out of memory? (run memory budget ${budget.limit})`;
  if (signal) return `the run process was killed (${signal})`;
  const error = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /^[A-Za-z]*Error\b.*:/.test(l))
    .at(-1);
  if (code !== 0) return `the run process exited with code ${code}${error ? `: ${error}` : ''}`;
  return 'the run process ended without a result';
}

export function startRunProcess(opts: RunProcessOptions): RunProcess {
  const child: ChildProcess = forkModule(ENTRY, {
    nodeFlags: [`--max-old-space-size=${opts.budget.heapMb}`],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    serialization: 'advanced',
    // Its own process group: a Ctrl+C at the terminal reaches the server, which stops the run
    // and marks it interrupted, instead of killing the run under it as a failure.
    detached: true,
  });
  const output = opts.output ?? process.stderr;
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => output.write(d));
  child.stderr!.on('data', (d: Buffer) => {
    output.write(d);
    stderr = (stderr + d.toString()).slice(-TAIL);
  });

  let result: RunOutcome | null = null;
  let failure: string | null = null;
  let stopping = false;
  child.on('message', (m: RunChildMessage) => {
    if (m.type === 'progress') opts.recorder.progress(m.stage, m.progress);
    else if (m.type === 'failed') failure = m.message;
    else if (m.type === 'done') result = { state: 'candidate', releaseId: m.releaseId };
  });

  const done = new Promise<RunOutcome>((resolve) => {
    let settled = false;
    const end = async (code: number | null, signal: NodeJS.Signals | null, spawnError?: Error) => {
      if (settled) return;
      settled = true;
      // Linked microdata must not linger: a run that ended on an error removed it itself, one
      // that was killed could not.
      try {
        rmSync(runDir(opts.dataDir, opts.runId), { recursive: true, force: true });
      } catch {
        // left for the next start-up's recovery (src/pipeline/recover.ts)
      }
      if (result) return resolve(result);
      if (failure === null && stopping) return resolve({ state: 'stopped' });
      const reason =
        failure ??
        (spawnError
          ? `the run process did not start: ${spawnError.message}`
          : scrubPaths(crashReason(code, signal, stderr, opts.budget), opts.dataDir));
      await opts.recorder.failed(reason);
      resolve({ state: 'failed', reason });
    };
    child.once('close', (code, signal) => void end(code, signal));
    child.once('error', (err) => {
      // A process that never started emits no 'close'; one that did still will.
      if (child.pid === undefined) void end(null, null, err);
    });
  });

  const start: RunChildStart = {
    type: 'start',
    runId: opts.runId,
    dataDir: opts.dataDir,
    ...(opts.databaseUrl ? { databaseUrl: opts.databaseUrl } : {}),
    catalogue: opts.catalogue,
    budget: opts.budget,
  };
  if (child.pid !== undefined) child.send(start, () => undefined);

  return {
    pid: child.pid,
    get ended() {
      return result !== null || failure !== null;
    },
    done,
    async stop(graceMs = 5000) {
      stopping = true;
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const force = setTimeout(() => child.kill('SIGKILL'), graceMs);
        force.unref();
        void done.finally(() => clearTimeout(force));
      }
      return done;
    },
  };
}
