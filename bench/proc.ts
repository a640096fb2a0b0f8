/** Measuring a process through /proc (Linux): CPU of all its threads (DuckDB's included) and its memory. */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat (100 here). */
export const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/**
 * utime + stime of a process in seconds, with cutime + cstime: the CPU of its children that have
 * ended (a run process, once the server has reaped it). Fields after `(comm)`: state is field 3,
 * utime 14 … cstime 17.
 */
export function cpuSeconds(pid: number): number {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / CLK_TCK;
  } catch {
    return NaN; // the process has gone
  }
}

/** The children of a process (the server's run process), from /proc/<pid>/task/<tid>/children. */
export function childrenOf(pid: number): number[] {
  const out: number[] = [];
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const list = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
      if (list) out.push(...list.split(/\s+/).map(Number));
    }
  } catch {
    // the process has gone
  }
  return out;
}

/** The CPU of a process and all its children, living and ended. */
export const treeCpuSeconds = (pid: number): number =>
  childrenOf(pid).reduce((a, c) => a + (cpuSeconds(c) || 0), cpuSeconds(pid));

/** A `Vm…` line of /proc/<pid>/status in bytes (0 when the process has gone). */
export function statusBytes(pid: number, key: 'VmHWM' | 'VmRSS'): number {
  try {
    const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(
      new RegExp(`^${key}:\\s+(\\d+) kB`, 'm'),
    );
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}
