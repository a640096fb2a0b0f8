import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RegionsDirError } from './types.js';

/** Files a CBS region directory must hold; the 2014 wijk/buurt files are optional. */
export const REQUIRED_FILES = [
  'gemeenten-2023.csv',
  'veiligheidsregios-2023.csv',
  'nl-2023-gemeente-veiligheidsregio.topo.json',
] as const;
export const WIJK_FILE = 'nl-2014-wijk.topo.json';
export const BUURT_FILE = 'nl-2014-buurt.topo.json';

export type RegionsDirHow = 'option' | 'env' | 'shared' | 'synthetic';

/** Throws RegionsDirError naming the directory and the first missing file. */
export function checkRegionsDir(dir: string, how: string): void {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new RegionsDirError(`regions directory ${dir} (from ${how}) does not exist`);
  }
  for (const f of REQUIRED_FILES) {
    if (!existsSync(join(dir, f))) {
      throw new RegionsDirError(`regions directory ${dir} (from ${how}) lacks ${f}`);
    }
  }
}

/** The package root: the nearest folder above this module holding package.json. */
function packageRoot(): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}

function isCompleteRegionsDir(dir: string): boolean {
  return REQUIRED_FILES.every((f) => existsSync(join(dir, f)));
}

/**
 * Where the region set comes from: `--regions DIR`, then SAMENZICHT_REGIONS, then
 * `../shared/data/regions` next to the working directory or the package, else a synthetic country.
 */
export function resolveRegionsDir(opts: {
  option?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}): { dir: string | null; how: RegionsDirHow } {
  const cwd = opts.cwd ?? process.cwd();
  const env = opts.env ?? process.env;
  if (opts.option !== undefined && opts.option !== '') {
    const dir = resolve(cwd, opts.option);
    checkRegionsDir(dir, '--regions');
    return { dir, how: 'option' };
  }
  const fromEnv = env.SAMENZICHT_REGIONS;
  if (fromEnv !== undefined && fromEnv !== '') {
    const dir = resolve(cwd, fromEnv);
    checkRegionsDir(dir, 'SAMENZICHT_REGIONS');
    return { dir, how: 'env' };
  }
  const root = packageRoot();
  const candidates = [resolve(cwd, '../shared/data/regions')];
  if (root) candidates.push(resolve(root, '../shared/data/regions'));
  for (const dir of candidates) {
    if (isCompleteRegionsDir(dir)) return { dir, how: 'shared' };
  }
  return { dir: null, how: 'synthetic' };
}
