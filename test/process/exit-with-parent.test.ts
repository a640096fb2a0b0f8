/** exitWithParent: a forked child never outlives its parent, idle or with a blocked main thread. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { alive, until } from '../support/proc.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

describe('exitWithParent', () => {
  // A tiny parent forks a child that installs the guard, then either idles or blocks its main
  // thread (as the disclosure stage does); the parent prints the child's pid, then is killed -9.
  it.each(['idle', 'busy'])(
    'a %s child exits within seconds of its parent being killed',
    async (mode) => {
      const parent = spawn(
        process.execPath,
        ['--import', 'tsx', join(FIXTURES, 'orphan-parent.ts'), mode],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      let out = '';
      parent.stdout.on('data', (d: Buffer) => (out += d.toString()));
      const pid = await until(
        'the child pid',
        () => Number(/child (\d+)/.exec(out)?.[1]) || null,
        30_000,
      );
      expect(alive(pid)).toBe(true);
      parent.kill('SIGKILL');
      await until('the child to exit', () => (alive(pid) ? null : true), 5_000);
    },
  );
});
