/**
 * The broker refuses to start when its private files can be read by other users of the host:
 * the state database, the configuration, the broker's keys and database, the contributions and
 * the restricted part of every release are the broker user's alone (files 0600, folders 0700).
 * The broker creates them so; a restore from a backup, a `cp -r` or a wrong umask in a deploy
 * script may not.
 */
import { existsSync, lstatSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

export interface ExposedPath {
  /** Relative to the data directory. */
  path: string;
  /** Its permission bits, e.g. 0o644. */
  mode: number;
}

/** Group or others may read, write or enter it. */
const exposed = (mode: number) => (mode & 0o077) !== 0;

/**
 * What start-up recovery removes before anything reads it (src/pipeline/recover.ts): a crashed
 * run's scratch folder and half-written release folders. Checking them would make a crash block
 * the restart that cleans them up.
 */
const SCRATCH = new Set(['broker/runs']);

function walk(root: string, path: string, out: ExposedPath[]): void {
  if (SCRATCH.has(relative(root, path))) return;
  let s;
  try {
    s = lstatSync(path);
  } catch {
    return; // removed meanwhile
  }
  if (s.isSymbolicLink()) return;
  const mode = s.mode & 0o777;
  if (exposed(mode)) out.push({ path: relative(root, path) || '.', mode });
  if (s.isDirectory()) for (const f of readdirSync(path)) walk(root, join(path, f), out);
}

/** Every private file or folder of `dataDir` that group or others may access. */
export function exposedPaths(dataDir: string): ExposedPath[] {
  const out: ExposedPath[] = [];
  for (const name of [
    'samenzicht.json',
    'state.sqlite',
    'state.sqlite-wal',
    'state.sqlite-shm',
    'broker',
    'contributions',
  ]) {
    const p = join(dataDir, name);
    if (existsSync(p)) walk(dataDir, p, out);
  }
  const releases = join(dataDir, 'releases');
  if (existsSync(releases)) {
    for (const id of readdirSync(releases)) {
      if (id.startsWith('.')) continue; // a half-written release, removed at start-up
      const restricted = join(releases, id, 'restricted');
      if (existsSync(restricted)) walk(dataDir, restricted, out);
    }
  }
  return out;
}

export class ExposedFilesError extends Error {
  override name = 'ExposedFilesError';
  constructor(
    readonly dataDir: string,
    readonly paths: readonly ExposedPath[],
  ) {
    const shown = paths
      .slice(0, 10)
      .map((p) => `${p.path} (${p.mode.toString(8).padStart(4, '0')})`)
      .join(', ');
    const more = paths.length > 10 ? ` and ${paths.length - 10} more` : '';
    super(
      `refusing to start: ${paths.length} private file(s) or folder(s) in ${dataDir} can be read by other users of this host: ${shown}${more}. ` +
        `Make them the broker user's alone, e.g. \`chmod -R go-rwx ${dataDir}\`, and start again.`,
    );
  }
}

/** Throws `ExposedFilesError` when any private path of `dataDir` is exposed. */
export function refuseExposedFiles(dataDir: string): void {
  const paths = exposedPaths(dataDir);
  if (paths.length > 0) throw new ExposedFilesError(dataDir, paths);
}
