/** Runs the CLI in-process and captures what it writes (the shape every CLI test shares). */
import { vi } from 'vitest';
import { main } from '../../src/cli/main.js';

/** Captures what the CLI writes to stdout and stderr (restore with vi.restoreAllMocks()). */
export function capture(): { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
    out += String(s);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
    err += String(s);
    return true;
  });
  return { out: () => out, err: () => err };
}

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

/**
 * `samenzicht ARGS` through the CLI entry with `env` set for it (and unset after); `before`
 * installs more mocks (stdin, say), undone with the rest.
 */
export async function runCli(
  args: string[],
  env: Record<string, string> = {},
  before?: () => void,
): Promise<CliResult> {
  for (const [k, v] of Object.entries(env)) process.env[k] = v;
  const written = capture();
  before?.();
  process.exitCode = undefined;
  try {
    const code = await main(['node', 'samenzicht', ...args]);
    return { code, out: written.out(), err: written.err() };
  } finally {
    vi.restoreAllMocks();
    process.exitCode = undefined;
    for (const k of Object.keys(env)) delete process.env[k];
  }
}
