/**
 * Runs inside the broker's server: one at a time (a run uses the machine's memory budget), in the
 * background, followed through the API. At start-up, runs a crash cut off are marked
 * `interrupted`; each can be restarted and then reads the same inputs again.
 */
import type { Run } from '../governance/index.js';
import { GovernanceError } from '../governance/index.js';
import type { CandidateRelease } from './compute.js';
import { executeRun, planRun, type RunContext, type RunRequest } from './run.js';

export interface RunServiceLog {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export class RunService {
  private current: { id: string; done: Promise<CandidateRelease | null> } | null = null;
  /** A start or restart between its check and its launch (planning awaits the database). */
  private starting = false;

  constructor(
    readonly ctx: RunContext,
    private readonly log: RunServiceLog = { info: () => undefined, error: () => undefined },
  ) {}

  /** Marks runs left `running` by a crash as interrupted; returns their ids. */
  recover(): Promise<string[]> {
    return this.ctx.governance.interruptRuns();
  }

  private busy(): void {
    if (this.starting)
      throw new GovernanceError('conflict', 'a run is being started; one run at a time');
    if (this.current)
      throw new GovernanceError(
        'conflict',
        `run ${this.current.id} is in progress; one run at a time (follow it at /api/v1/runs/${this.current.id})`,
      );
  }

  private launch(run: Run): Run {
    const done = executeRun(this.ctx, run.id).then(
      (candidate) => {
        this.log.info({ run: run.id, release: candidate.id }, 'run ended as a candidate release');
        return candidate;
      },
      (err: unknown) => {
        this.log.error({ run: run.id, err: (err as Error).message }, 'run failed');
        return null;
      },
    );
    this.current = { id: run.id, done };
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
    this.busy();
    this.starting = true;
    try {
      return this.launch(await begin());
    } finally {
      this.starting = false;
    }
  }

  /** Resolves when no run is in progress (tests; a graceful stop). */
  async idle(): Promise<void> {
    while (this.current) await this.current.done;
  }
}
