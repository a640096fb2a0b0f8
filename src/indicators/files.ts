/**
 * The catalogue as files: one JSON definition per indicator, `<id>.json`, in the shipped directory
 * `catalogue/indicators/` at the package root, plus any directories an instance adds. Reading is
 * synchronous because the catalogue is needed when the module graph loads.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IndicatorDefinitionError, loadDefinitions } from './load.js';
import type { ResolvedIndicator } from './schema.js';

/** A catalogue file that cannot be read as JSON: names the file and, for bad JSON, the position. */
export class CatalogueFileError extends Error {
  override name = 'CatalogueFileError';
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super(`${file}: ${detail}`);
  }
}

/**
 * The package root is the nearest directory with a package.json above this module: the same walk
 * works from `src/indicators` (tsx, vitest) and from the compiled `dist/indicators`.
 */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
  return dir;
}

const CATALOGUE_ROOT = join(packageRoot(), 'catalogue');
/** The shipped indicator definitions. */
export const SHIPPED_CATALOGUE_DIR = join(CATALOGUE_ROOT, 'indicators');
/** Publication order of the shipped indicators; files it does not list follow, by name. */
const ORDER_FILE = join(CATALOGUE_ROOT, 'order.json');

/** How errors name a file: relative to the working directory when below it (as typed), else absolute. */
function displayName(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith(`..${sep}`) && rel !== '..' ? rel : path;
}

function parseJson(path: string): unknown {
  const file = displayName(path);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new CatalogueFileError(file, `cannot read: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    // V8 reports an offset ("… in JSON at position 42") or nothing at the end of the input.
    const message = (err as Error).message;
    const at = /at position (\d+)/.exec(message);
    const offset = at ? Number(at[1]) : text.length;
    const before = text.slice(0, offset).split('\n');
    const line = before.length;
    const column = (before[before.length - 1]?.length ?? 0) + 1;
    const reason = message.replace(/ in JSON at position \d+.*$/, '');
    throw new CatalogueFileError(file, `invalid JSON at line ${line}, column ${column}: ${reason}`);
  }
}

function definitionFiles(dir: string): string[] {
  const abs = resolve(dir);
  if (!existsSync(abs) || !statSync(abs).isDirectory())
    throw new CatalogueFileError(displayName(abs), 'not a catalogue directory');
  return readdirSync(abs)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => join(abs, f));
}

function shippedFiles(): string[] {
  const files = definitionFiles(SHIPPED_CATALOGUE_DIR);
  const order = parseJson(ORDER_FILE);
  if (!Array.isArray(order) || !order.every((x) => typeof x === 'string'))
    throw new CatalogueFileError(displayName(ORDER_FILE), 'expected an array of indicator ids');
  const rank = new Map(order.map((id: string, i) => [id, i]));
  order.forEach((id: string, i) => {
    if (!files.includes(join(SHIPPED_CATALOGUE_DIR, `${id}.json`)))
      throw new CatalogueFileError(displayName(ORDER_FILE), `[${i}]: no file for '${id}'`);
  });
  const key = (f: string) => rank.get(basename(f, '.json')) ?? order.length;
  return files.sort((a, b) => key(a) - key(b) || a.localeCompare(b));
}

export interface CatalogueEntry {
  /** The file as errors name it. */
  readonly file: string;
  /** Its absolute path. */
  readonly path: string;
  readonly definition: ResolvedIndicator;
}

/**
 * The shipped definitions, then those in `dirs`, then `files` (each file once, however it is
 * reached), validated together so references across directories resolve. Throws
 * CatalogueFileError or IndicatorDefinitionError naming the file.
 */
export function loadCatalogueEntries(
  dirs: readonly string[] = [],
  files: readonly string[] = [],
): CatalogueEntry[] {
  const paths = [
    ...new Set([
      ...shippedFiles(),
      ...dirs.flatMap(definitionFiles),
      ...files.map((f) => resolve(f)),
    ]),
  ];
  const names = paths.map(displayName);
  const raw = paths.map((p, i) => {
    const r = parseJson(p);
    const id = (r as { id?: unknown } | null)?.id;
    // One indicator per file, named after it: the id is how analysts find the file.
    if (typeof id === 'string' && `${id}.json` !== basename(p))
      throw new IndicatorDefinitionError(
        id,
        'id',
        `'${id}' does not match the file name (expected ${id}.json)`,
        names[i],
      );
    return r;
  });
  return loadDefinitions(raw, names).map((definition, i) => ({
    file: names[i] ?? '',
    path: paths[i] ?? '',
    definition,
  }));
}

/** The shipped catalogue plus the definitions in `dirs`, in publication order. */
export function loadCatalogue(dirs: readonly string[] = []): ResolvedIndicator[] {
  return loadCatalogueEntries(dirs).map((e) => e.definition);
}
