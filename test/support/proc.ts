/** Processes as the kernel sees them (Linux /proc), and polling until something holds. */
import { readFileSync } from 'node:fs';
import { childrenOf } from '../../bench/proc.js';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The live (not zombie) children of a process, from /proc (Linux). */
export const liveChildrenOf = (pid: number): number[] => childrenOf(pid).filter(alive);

/** Whether a process exists and is not a zombie (one nobody has reaped is gone in all but name). */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Polls `probe` until it gives a value other than null; throws after `ms`. */
export async function until<T>(
  what: string,
  probe: () => Promise<T | null> | T | null,
  ms = 60_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== null) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}
