/**
 * Validator processes for uploads (validation-child.ts), so that no file can take the server's
 * memory or time: each validation runs in a child process with a JavaScript heap cap
 * (`--max-old-space-size`) and its own DuckDB with a memory limit and a thread cap, and is
 * killed (SIGKILL) when it runs past its time. A child exits by itself when the server goes away
 * (src/process/exit-with-parent.ts). It works from the TypeScript sources (tests, `npx tsx`) and
 * from the compiled package alike (src/process/child-entry.ts).
 *
 * Starting a process with DuckDB costs about half a second, so a child that finished a
 * validation normally is kept for the next one, briefly (`IDLE_MS`) and never while it holds
 * more than `RECYCLE_RSS_BYTES`; one that was killed, failed or crashed is never reused. Every
 * validation has a fresh DuckDB instance either way.
 */
import type { ChildProcess } from 'node:child_process';
import { forkModule, moduleEntry } from '../process/child-entry.js';
import type { ValidationRequest, ValidationResult } from './file-validation.js';
import type { ValidatorResources } from './limits.js';

export interface ValidatorRequest {
  id: number;
  request: ValidationRequest;
}

export type ValidatorAnswer = { id: number; rssBytes: number; maxRssBytes: number } & (
  { result: ValidationResult } | { error: string }
);

/** What became of one validation, for the server's log and the tests' memory bound. */
export interface ValidatorReport {
  pid: number;
  ms: number;
  outcome: 'accepted' | 'refused' | 'failed' | 'killed';
  /** The child's peak resident memory so far (bytes), when it answered. */
  maxRssBytes: number | null;
}

/** How long a finished child waits for the next validation before it is ended. */
export const IDLE_MS = 15_000;
/** A child that holds more than this after a validation is not reused. */
export const RECYCLE_RSS_BYTES = 400 * 1024 * 1024;
/** Nor one that has validated this many files. */
const MAX_JOBS_PER_CHILD = 100;
/** The tail of a child's stderr that is kept (to tell an out-of-memory death from a crash). */
const STDERR_TAIL = 8 * 1024;

const seconds = (ms: number) => (ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`);

const ENTRY = moduleEntry(import.meta.url, './validation-child.js');

interface Child {
  proc: ChildProcess;
  jobs: number;
  stderr: string;
  idleTimer: NodeJS.Timeout | null;
}

/** A validation that could not be finished for a reason of resources: a refusal (413). */
export class ValidatorLimitError extends Error {
  override name = 'ValidatorLimitError';
  constructor(
    readonly limit: 'time' | 'memory',
    message: string,
  ) {
    super(message);
  }
}

export class ValidatorPool {
  private idle: Child[] = [];
  private nextId = 1;

  constructor(private readonly resources: ValidatorResources) {}

  private fork(): Child {
    const proc = forkModule(ENTRY, {
      nodeFlags: [`--max-old-space-size=${this.resources.heapMb}`],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'advanced',
    });
    const child: Child = { proc, jobs: 0, stderr: '', idleTimer: null };
    proc.stderr?.setEncoding('utf8');
    proc.stderr?.on('data', (d: string) => {
      child.stderr = (child.stderr + d).slice(-STDERR_TAIL);
    });
    proc.on('error', () => undefined);
    proc.once('exit', () => {
      this.idle = this.idle.filter((c) => c !== child);
      if (child.idleTimer) clearTimeout(child.idleTimer);
    });
    return child;
  }

  private park(child: Child): void {
    child.proc.unref();
    child.proc.channel?.unref();
    (child.proc.stderr as unknown as { unref?: () => void } | null)?.unref?.();
    child.idleTimer = setTimeout(() => this.retire(child), IDLE_MS);
    child.idleTimer.unref();
    this.idle.push(child);
  }

  private take(): Child {
    let child = this.idle.pop();
    // A parked child that died meanwhile (its exit not yet seen) is passed over.
    while (child && (!child.proc.connected || child.proc.exitCode !== null)) {
      this.retire(child);
      child = this.idle.pop();
    }
    child ??= this.fork();
    if (child.idleTimer) clearTimeout(child.idleTimer);
    child.idleTimer = null;
    child.proc.ref();
    child.proc.channel?.ref();
    return child;
  }

  private retire(child: Child): void {
    this.idle = this.idle.filter((c) => c !== child);
    if (child.idleTimer) clearTimeout(child.idleTimer);
    if (child.proc.exitCode === null && child.proc.signalCode === null) child.proc.kill('SIGKILL');
  }

  /**
   * Validates in a child; a child that runs out of time or memory ends in ValidatorLimitError.
   * `onReport` hears how it went.
   */
  run(
    request: ValidationRequest,
    onReport?: (r: ValidatorReport) => void,
  ): Promise<ValidationResult> {
    const child = this.take();
    const id = this.nextId++;
    const started = Date.now();
    child.jobs++;
    return new Promise<ValidationResult>((resolve, reject) => {
      let settled = false;
      let killedForTime = false;
      const report = (outcome: ValidatorReport['outcome'], maxRssBytes: number | null) =>
        onReport?.({ pid: child.proc.pid ?? -1, ms: Date.now() - started, outcome, maxRssBytes });
      const finish = () => {
        settled = true;
        clearTimeout(timer);
        child.proc.off('message', onMessage);
        child.proc.off('exit', onExit);
      };
      const timer = setTimeout(() => {
        killedForTime = true;
        child.proc.kill('SIGKILL');
      }, this.resources.timeoutMs);
      const onMessage = (m: ValidatorAnswer) => {
        if (m.id !== id || settled) return;
        finish();
        const reusable =
          'result' in m &&
          m.rssBytes < RECYCLE_RSS_BYTES &&
          child.jobs < MAX_JOBS_PER_CHILD &&
          child.proc.connected;
        if (reusable) this.park(child);
        else this.retire(child);
        if ('error' in m) {
          report('failed', m.maxRssBytes);
          reject(new Error(`upload validation failed: ${m.error}`));
        } else {
          report(m.result.ok ? 'accepted' : 'refused', m.maxRssBytes);
          resolve(m.result);
        }
      };
      const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
        if (settled) return;
        finish();
        report('killed', null);
        reject(this.exitError(child, killedForTime, code, signal));
      };
      child.proc.on('message', onMessage);
      child.proc.on('exit', onExit);
      child.proc.send({ id, request } satisfies ValidatorRequest, (err) => {
        if (err && !settled) {
          finish();
          this.retire(child);
          report('failed', null);
          reject(new Error(`cannot reach the upload validator: ${err.message}`));
        }
      });
    });
  }

  /** Why a child exited before it answered: over its time, over its memory, or otherwise. */
  private exitError(
    child: Child,
    killedForTime: boolean,
    code: number | null,
    signal: NodeJS.Signals | null,
  ): Error {
    if (killedForTime)
      return new ValidatorLimitError(
        'time',
        `validating the file took longer than ${seconds(this.resources.timeoutMs)} (the validation time limit)`,
      );
    if (
      /heap out of memory|Allocation failed|out of memory/i.test(child.stderr) ||
      signal === 'SIGKILL'
    )
      // V8 past --max-old-space-size aborts; the kernel's OOM killer sends SIGKILL.
      return new ValidatorLimitError(
        'memory',
        `validating the file needs more memory than the validator may use (heap ${this.resources.heapMb} MB, DuckDB ${this.resources.memoryLimit})`,
      );
    return new Error(
      `the upload validator exited (${signal ?? `code ${code}`}) before it answered${child.stderr ? `: ${child.stderr.trim().split('\n').slice(-3).join(' | ')}` : ''}`,
    );
  }

  /** Ends the idle children (a busy one ends with its validation). */
  close(): void {
    for (const c of [...this.idle]) this.retire(c);
  }
}

const pools = new Map<string, ValidatorPool>();

/** The pool for `resources`, shared by every validator with the same ones. */
export function validatorPool(resources: ValidatorResources): ValidatorPool {
  const key = JSON.stringify(resources);
  let pool = pools.get(key);
  if (!pool) pools.set(key, (pool = new ValidatorPool(resources)));
  return pool;
}
