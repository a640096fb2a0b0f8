/**
 * Where a run's progress and its failure are recorded: in the server's process the state
 * database; a run process sends both to the server, which records them the same way
 * (src/pipeline/run-process.ts).
 */
import type { Governance, RunProgress } from '../governance/index.js';

/** What a run reports while it runs, and its failure. */
export interface RunRecorder {
  progress(stage: string, progress: RunProgress): void;
  /** The run stopped on an error (one line, no paths); resolves once it is recorded. */
  failed(message: string): Promise<void>;
}

/**
 * Progress and failure in the state database, through the governance run methods. Progress is
 * written one report at a time, the newest pending one replacing any older: a burst of reports
 * (or a slow store) never queues up writes, and a report that cannot be written says so in the
 * server's log instead of leaving the stage standing still without a word.
 */
export function governanceRecorder(
  governance: Governance,
  runId: string,
  actor: string,
  log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): RunRecorder {
  let pending: { stage: string; progress: RunProgress } | null = null;
  let writing = false;
  let complained = false;
  const write = async () => {
    writing = true;
    while (pending) {
      const { stage, progress } = pending;
      pending = null;
      try {
        await governance.reportRunProgress(runId, stage, progress);
      } catch (err) {
        if (!complained)
          log(
            `samenzicht run ${runId}: its progress could not be recorded: ${(err as Error).message}`,
          );
        complained = true;
      }
    }
    writing = false;
  };
  return {
    progress: (stage, progress) => {
      pending = { stage, progress };
      if (!writing) void write();
    },
    failed: async (message) => {
      await governance.failRun(actor, runId, message).catch((err: Error) =>
        // Left running: the next start-up marks it interrupted (Governance.interruptRuns).
        log(
          `samenzicht run ${runId}: its failure could not be recorded (${err.message}): ${message}`,
        ),
      );
    },
  };
}
