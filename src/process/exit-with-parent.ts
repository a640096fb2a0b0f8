/**
 * For a forked child that must not outlive its parent (a run computing linked microdata with no
 * server left to record it): it exits when the parent goes away, however the parent ended.
 *
 * Two watches, because a child busy in synchronous JavaScript (the disclosure stage holds its
 * thread for minutes) does not see the IPC channel close until it yields:
 * - `disconnect` on the IPC channel: the parent closed it or died; the child exits at once;
 * - a small watchdog thread that checks every `intervalMs` whether the child's parent is still the
 *   one it started under (a dead parent's children are re-parented), and if not, ends the whole
 *   process with SIGKILL from its own thread, whatever the main thread is doing.
 */
import { Worker } from 'node:worker_threads';

const WATCHDOG = `
const { workerData } = require('node:worker_threads');
setInterval(() => {
  if (process.ppid !== workerData.ppid) process.kill(workerData.pid, 'SIGKILL');
}, workerData.intervalMs);
`;

export interface ExitWithParentOptions {
  /** How often the watchdog looks at the parent (default 250 ms). */
  intervalMs?: number;
  /** Exit code when the IPC channel closes (default 70, EX_SOFTWARE). */
  exitCode?: number;
}

/** Installs both watches; call it first thing in the child. */
export function exitWithParent(opts: ExitWithParentOptions = {}): void {
  if (!process.send) throw new Error('exitWithParent: this process has no IPC channel (fork it)');
  const ppid = process.ppid;
  const code = opts.exitCode ?? 70;
  process.once('disconnect', () => process.exit(code));
  if (!process.connected) process.exit(code); // the parent went before we got here
  const watchdog = new Worker(WATCHDOG, {
    eval: true,
    workerData: { ppid, pid: process.pid, intervalMs: opts.intervalMs ?? 250 },
    resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 },
    stdout: false,
    stderr: false,
  });
  // The watchdog never keeps the child alive: it ends when the child's own work ends.
  watchdog.unref();
}
