/**
 * Runs of the broker's server: one at a time (a run uses the machine's memory budget), each in a
 * process of its own (src/pipeline/run-process.ts) so that the API keeps answering while it
 * computes, followed through the API. At start-up, runs a crash cut off are marked
 * `interrupted`; each can be restarted and then reads the same inputs again. When the server
 * closes it stops the run's process and marks the run interrupted in the same way.
 */
import type { Run } from '../governance/index.js';
import { GovernanceError } from '../governance/index.js';
import type { RunMemoryBudget } from '../instance/index.js';
import { planRun, type RunContext, type RunRequest } from './run.js';
import { governanceRecorder } from './run-recorder.js';
import { startRunProcess, type RunOutcome, type RunProcess } from './run-process.js';

export interface RunServiceLog {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface RunServiceOptions {
  /** The run process's memory budget (the instance's `runMemoryLimit`). */
  budget: RunMemoryBudget;
  /** PostgreSQL of the state, for the run process's own connection (default: SQLite). */
  databaseUrl?: string;
  log?: RunServiceLog;
  /** Where a run process's output goes (default: stderr). */
  output?: NodeJS.WritableStream;
}

export class RunService {
  private current: { id: string; process: RunProcess; done: Promise<RunOutcome> } | null = null;
  /** A start or restart between its check and its launch (planning awaits the database). */
  private starting = false;
  private closed = false;
  /** A run planned while the server was closing: never launched, interrupted by `close`. */
  private unlaunched: string | null = null;
  private readonly log: RunServiceLog;

  constructor(
    readonly ctx: RunContext,
    private readonly opts: RunServiceOptions,
  ) {
    this.log = opts.log ?? { info: () => undefined, error: () => undefined };
  }

  /** Marks runs left `running` by a crash as interrupted; returns their ids. */
  recover(): Promise<string[]> {
    return this.ctx.governance.interruptRuns();
  }

  /** The process id of the run in progress, if any (operators' tools, tests). */
  get runProcessId(): number | null {
    return this.current?.process.pid ?? null;
  }

  private busy(): void {
    if (this.closed) throw new GovernanceError('conflict', 'the server is stopping');
    if (this.starting)
      throw new GovernanceError('conflict', 'a run is being started; one run at a time');
    if (this.current)
      throw new GovernanceError(
        'conflict',
        `run ${this.current.id} is in progress; one run at a time (follow it at /api/v1/runs/${this.current.id})`,
      );
  }

  private launch(run: Run): Run {
    const proc = startRunProcess({
      runId: run.id,
      dataDir: this.ctx.dataDir,
      ...(this.opts.databaseUrl ? { databaseUrl: this.opts.databaseUrl } : {}),
      catalogue: this.ctx.catalogue,
      budget: this.opts.budget,
      recorder: governanceRecorder(this.ctx.governance, run.id, run.startedBy),
      ...(this.opts.output ? { output: this.opts.output } : {}),
    });
    this.log.info({ run: run.id, pid: proc.pid }, 'run started in its own process');
    const done = proc.done.then((outcome) => {
      if (outcome.state === 'candidate')
        this.log.info({ run: run.id, release: outcome.releaseId }, 'run ended as a candidate');
      else if (outcome.state === 'failed')
        this.log.error({ run: run.id, err: outcome.reason }, 'run failed');
      return outcome;
    });
    this.current = { id: run.id, process: proc, done };
    void done.finally(() => {
      if (this.current?.id === run.id) this.current = null;
    });
    return run;
  }

  async start(actor: string, request: RunRequest): Promise<Run> {
    return this.exclusively(() => planRun(this.ctx, actor, request));
  }

  async restart(actor: string, id: string): Promise<Run> {
    return this.exclusively(() => this.ctx.governance.restartRun(actor, id));
  }

  private async exclusively(begin: () => Promise<Run>): Promise<Run> {
    // A run whose end is recorded (a client may have seen its candidate) while its process is
    // still tidying up and exiting: the next start waits for it rather than being refused.
    const current = this.current;
    if (current && (await this.finishing(current))) await current.done;
    this.busy();
    this.starting = true;
    try {
      const run = await begin();
      // Closed while it was being planned: it is left to `close`, which marks it interrupted.
      if (this.closed) {
        this.unlaunched = run.id;
        return run;
      }
      return this.launch(run);
    } finally {
      this.starting = false;
    }
  }

  /**
   * Whether a run has recorded its end while its process still finishes: after its candidate is
   * recorded it moves its database into place (broker/broker.duckdb, for re-audits) and exits.
   */
  private async finishing(current: { id: string; process: RunProcess }): Promise<boolean> {
    if (current.process.ended) return true;
    const run = await this.ctx.governance.getRun(current.id).catch(() => null);
    return run !== null && run.state !== 'running';
  }

  /** Resolves when no run is in progress (tests; a graceful stop). */
  async idle(): Promise<void> {
    while (this.current) await this.current.done;
  }

  /**
   * The server is closing: the run's process is stopped and the run marked `interrupted`, as the
   * next start-up would (it can be restarted on the same inputs). No new run starts.
   */
  async close(): Promise<void> {
    this.closed = true;
    while (this.starting) await new Promise((r) => setTimeout(r, 10));
    const current = this.current;
    if (!current && !this.unlaunched) return;
    if (current) {
      // A run that has its candidate is let finish (it is moving its database into place).
      if (await this.finishing(current)) {
        await current.done;
        return;
      }
      const outcome = await current.process.stop();
      if (outcome.state !== 'stopped') return; // it ended on its own meanwhile, and is recorded
    }
    // One run at a time: the running run is this one. The audit entry is the start-up's.
    const ids = await this.ctx.governance.interruptRuns();
    this.log.info({ runs: ids }, 'run stopped with the server: interrupted');
  }
}
