import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// src/version.ts and dist/version.js both sit one level below the package root.
const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

export const VERSION: string = pkg.version;

function git(args: string[]): string {
  return execFileSync('git', args, { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] })
    .toString()
    .trim();
}

/** Package version plus the git commit when run from a checkout: stored in every manifest. */
export function codeVersion(): string {
  try {
    const commit = git(['rev-parse', '--short=12', 'HEAD']);
    const dirty = git(['status', '--porcelain', '--untracked-files=no']);
    return `${VERSION}+${commit}${dirty ? '.dirty' : ''}`;
  } catch {
    return VERSION;
  }
}
