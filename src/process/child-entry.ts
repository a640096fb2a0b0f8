/**
 * Starting a module of this package in a process or thread of its own, the same way from the
 * TypeScript sources (tsx, vitest, `npm run bench`) and from the built JavaScript (dist/, as
 * `bin/samenzicht.js` runs it): from source the entry is the `.ts` file and the child first
 * registers tsx, which neither a forked process (its `execArgv` is ours, not the parent's) nor a
 * worker thread inherits; from dist it is the compiled `.js` file, run directly.
 *
 *   const entry = moduleEntry(import.meta.url, './run-child.js');
 *   const child = forkModule(entry, { nodeFlags: ['--max-old-space-size=2048'] });
 *   const worker = startWorker(moduleEntry(import.meta.url, './lp-worker.js'), { … });
 */
import { fork, type ChildProcess, type ForkOptions } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

export interface ModuleEntry {
  /** The file to run: `.ts` from source, `.js` from dist. */
  readonly url: URL;
  readonly path: string;
  /** True when it is TypeScript, so the child needs the tsx loader. */
  readonly typescript: boolean;
}

/**
 * The entry file of the module `specifier` (relative, written with `.js` as the imports of this
 * package are) next to the module at `base` (its `import.meta.url`): the `.ts` source when `base`
 * is one, else the compiled `.js`.
 */
export function moduleEntry(base: string | URL, specifier: string): ModuleEntry {
  if (!/^\.\.?\//.test(specifier) || !specifier.endsWith('.js'))
    throw new Error(`moduleEntry: '${specifier}': give a relative path ending in .js`);
  const typescript = String(base).endsWith('.ts');
  const url = new URL(typescript ? `${specifier.slice(0, -3)}.ts` : specifier, base);
  return { url, path: fileURLToPath(url), typescript };
}

const require = createRequire(import.meta.url);

/** tsx's ESM loader, for `node --import` (a file URL, so it resolves from any working directory). */
export function tsxLoaderUrl(): string {
  return pathToFileURL(require.resolve('tsx')).href;
}

/** tsx's ESM API (`register()`), for worker threads. */
export function tsxApiUrl(): string {
  const pkg = require.resolve('tsx/package.json');
  return pathToFileURL(join(dirname(pkg), 'dist/esm/api/index.mjs')).href;
}

/**
 * The Node flags of a child process that runs `entry`: the tsx loader when it is TypeScript, then
 * `flags`. The parent's own flags are not passed on (a memory limit or `--inspect` of the server
 * is not the child's); NODE_OPTIONS is, through the environment, and flags given here win over it.
 */
export function nodeFlagsFor(entry: ModuleEntry, flags: readonly string[] = []): string[] {
  return [...(entry.typescript ? ['--import', tsxLoaderUrl()] : []), ...flags];
}

/**
 * `child_process.fork` of `entry` with an IPC channel. `nodeFlags` are the child's Node flags
 * (see `nodeFlagsFor`); everything else is fork's own options.
 */
export function forkModule(
  entry: ModuleEntry,
  options: Omit<ForkOptions, 'execArgv'> & { args?: readonly string[]; nodeFlags?: string[] } = {},
): ChildProcess {
  const { args = [], nodeFlags = [], ...rest } = options;
  return fork(entry.path, [...args], { ...rest, execArgv: nodeFlagsFor(entry, nodeFlags) });
}

/**
 * A worker thread on `entry`. From source it starts with a bootstrap that registers tsx and then
 * imports the entry (workers do not inherit the loader); `options.eval` must not be set.
 */
export function startWorker(entry: ModuleEntry, options: Omit<WorkerOptions, 'eval'> = {}): Worker {
  if (!entry.typescript) return new Worker(entry.url, options);
  const bootstrap = `import(${JSON.stringify(tsxApiUrl())}).then((t) => { t.register(); return import(${JSON.stringify(entry.url.href)}); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}
