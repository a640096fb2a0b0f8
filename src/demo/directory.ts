/** The demo's data directory: made by the demo, cleared by the next one, never another's. */
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The file that marks a directory as the demo's. */
export const DEMO_MARKER = '.samenzicht-demo';

/** Whether `dir` was made by the demo (its agreement, users and data are the demo's). */
export const isDemoDir = (dir: string): boolean => existsSync(join(dir, DEMO_MARKER));

export class DemoDirError extends Error {
  override name = 'DemoDirError';
}

/**
 * Whether the demo may use `dir` (created if missing): empty, or made by an earlier demo. Clears
 * nothing, so the command can check it before any other work. Returns the entries.
 */
export function checkDemoDir(dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const entries = readdirSync(dir);
  if (entries.length > 0 && !entries.includes(DEMO_MARKER)) {
    throw new DemoDirError(
      `${dir} is not empty and was not made by the demo; choose an empty directory with --out`,
    );
  }
  return entries;
}

/**
 * The demo starts from a clean data directory: one it made before is cleared (keys, state and
 * releases of a demo are throwaway); any other non-empty directory is refused, never deleted.
 */
export function prepareDemoDir(dir: string): void {
  const entries = checkDemoDir(dir);
  for (const entry of entries) rmSync(join(dir, entry), { recursive: true, force: true });
  writeFileSync(
    join(dir, DEMO_MARKER),
    'Made by `samenzicht demo`; the next demo run clears it.\n',
  );
}

/** The demo administrator's API token, for trying the CLI on the demo's broker. */
export const adminTokenFile = (dataDir: string) => join(dataDir, 'demo-admin.token');
