import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { COMPRESSED_SUFFIXES, findRegionFile } from './files.js';
import { RegionsDirError } from './types.js';

/** Year of the gemeente/veiligheidsregio division of the shipped CBS files. */
export const BASE_YEAR = 2023;

/**
 * Files a CBS region directory must hold (each plain, `.br` or `.gz`), unless it holds only
 * imported divisions; the 2014 wijk/buurt files are optional except in the project's own data.
 */
export const REQUIRED_FILES = [
  'gemeenten-2023.csv',
  'veiligheidsregios-2023.csv',
  'nl-2023-gemeente-veiligheidsregio.topo.json',
] as const;
export const WIJK_FILE = 'nl-2014-wijk.topo.json';
export const BUURT_FILE = 'nl-2014-buurt.topo.json';

/** `--regions synthetic` (or SAMENZICHT_REGIONS=synthetic): the 12-gemeente test country. */
export const SYNTHETIC_REGIONS = 'synthetic';

/** Where the loader found its region set. */
export type RegionsDirHow = 'option' | 'env' | 'project' | 'synthetic';

/** Stored name of an imported division: `nl-2025-import.topo.json.br`. */
export function importFileName(year: number, kind: 'geo' | 'topo'): string {
  return `nl-${year}-import.${kind}.json.br`;
}
const IMPORT_FILE = /^nl-(\d{4})-import\.(geo|topo)\.json(\.br|\.gz)?$/;

export interface ImportedFile {
  year: number;
  kind: 'geo' | 'topo';
  path: string;
}

/** The imported divisions stored in `dir`, newest year first. */
export function findImportFiles(dir: string): ImportedFile[] {
  if (!existsSync(dir)) return [];
  const out: ImportedFile[] = [];
  for (const name of readdirSync(dir).sort()) {
    const m = IMPORT_FILE.exec(name);
    if (m) out.push({ year: Number(m[1]), kind: m[2] as 'geo' | 'topo', path: join(dir, name) });
  }
  return out.sort((a, b) => b.year - a.year);
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

/**
 * The project's own region data (the real Netherlands, Brotli-compressed): `src/regions/cbs-files/`
 * of the package, found from this module so that it works from `src/` (tsx, vitest) and from
 * `dist/` alike, whatever the working directory.
 */
export function projectRegionsDir(): string {
  const root = packageRoot();
  return root
    ? join(root, 'src', 'regions', 'cbs-files')
    : join(dirname(fileURLToPath(import.meta.url)), 'cbs-files');
}

/** `dir` as the descriptions show it: project-relative for the project's own data. */
export function describeDir(dir: string): string {
  const root = packageRoot();
  if (root) {
    const rel = relative(root, dir);
    if (rel !== '' && !rel.startsWith('..') && !rel.startsWith(sep)) {
      return `the project's ${rel.split(sep).join('/')}`;
    }
  }
  return dir;
}

const suffixes = `(plain${COMPRESSED_SUFFIXES.filter(Boolean)
  .map((s) => `, ${s}`)
  .join('')})`;

/**
 * Throws RegionsDirError naming the directory and the first missing file. A directory is a
 * region directory when it has all REQUIRED_FILES, or none of them but an imported division.
 * `complete` (the project's own data) also requires the 2014 wijk and buurt files.
 */
export function checkRegionsDir(dir: string, how: string, opts: { complete?: boolean } = {}): void {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new RegionsDirError(`regions directory ${dir} (from ${how}) does not exist`);
  }
  const missing = REQUIRED_FILES.filter((f) => findRegionFile(dir, f) === null);
  const onlyImports = missing.length === REQUIRED_FILES.length && findImportFiles(dir).length > 0;
  if (!onlyImports && missing[0] !== undefined) {
    throw new RegionsDirError(
      `regions directory ${dir} (from ${how}) lacks ${missing[0]} ${suffixes}`,
    );
  }
  if (opts.complete) {
    for (const f of [...REQUIRED_FILES, WIJK_FILE, BUURT_FILE]) {
      if (findRegionFile(dir, f) === null) {
        throw new RegionsDirError(`regions directory ${dir} (from ${how}) lacks ${f} ${suffixes}`);
      }
    }
  }
}

/**
 * Where the region set comes from, in this order:
 * 1. `option` (`--regions DIR`): a directory of plain or compressed files, or `synthetic`;
 * 2. `env.SAMENZICHT_REGIONS`: the same;
 * 3. the project's own data (`projectRegionsDir()`, or `projectDir` in tests): the real
 *    Netherlands. Missing or incomplete project data is an error, never a silent fallback.
 * `dir` is null only for the synthetic country, which must be asked for by name.
 */
export function resolveRegionsDir(opts: {
  option?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Overrides the project's data directory (tests). */
  projectDir?: string;
}): { dir: string | null; how: RegionsDirHow } {
  const cwd = opts.cwd ?? process.cwd();
  const env = opts.env ?? process.env;
  const explicit: [string | undefined, 'option' | 'env', string][] = [
    [opts.option, 'option', '--regions'],
    [env.SAMENZICHT_REGIONS, 'env', 'SAMENZICHT_REGIONS'],
  ];
  for (const [value, how, label] of explicit) {
    if (value === undefined || value === '') continue;
    if (value === SYNTHETIC_REGIONS) return { dir: null, how: 'synthetic' };
    const dir = resolve(cwd, value);
    checkRegionsDir(dir, label);
    return { dir, how };
  }
  const dir = opts.projectDir ?? projectRegionsDir();
  try {
    checkRegionsDir(dir, "the project's own region data", { complete: true });
  } catch (err) {
    if (!(err instanceof RegionsDirError)) throw err;
    throw new RegionsDirError(
      `${err.message}; restore it from the repository, or choose a set with --regions DIR, SAMENZICHT_REGIONS=DIR or --regions ${SYNTHETIC_REGIONS}`,
    );
  }
  return { dir, how: 'project' };
}
