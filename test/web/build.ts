/** Builds web/dist when it is missing or older than any source of the dashboard. */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const WEB = join(ROOT, 'web');
export const DIST = join(WEB, 'dist');

/** Held while one test process builds; the others wait (a build empties dist first). */
const LOCK = join(
  tmpdir(),
  `samenzicht-web-build-${createHash('sha256').update(ROOT).digest('hex').slice(0, 12)}.lock`,
);
/** A lock this old was left by a process that died. */
const STALE_MS = 5 * 60_000;

function newest(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let max = st.mtimeMs;
  for (const name of readdirSync(path)) max = Math.max(max, newest(join(path, name)));
  return max;
}

/** Modules outside web/ that the dashboard bundles (pure, shared with the broker). */
export const SHARED_SOURCES = [
  join(ROOT, 'src', 'release', 'csv.ts'),
  join(ROOT, 'src', 'contracts'),
  join(ROOT, 'src', 'indicators', 'themes.ts'),
];

function fresh(): boolean {
  const built = join(DIST, 'index.html');
  const sources = Math.max(
    newest(join(WEB, 'src')),
    newest(join(WEB, 'index.html')),
    newest(join(WEB, 'vite.config.ts')),
    ...SHARED_SOURCES.map(newest),
  );
  return existsSync(built) && statSync(built).mtimeMs >= sources;
}

async function lock(): Promise<void> {
  for (;;) {
    try {
      mkdirSync(LOCK);
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      try {
        if (Date.now() - statSync(LOCK).mtimeMs > STALE_MS) rmSync(LOCK, { recursive: true });
      } catch {
        // released meanwhile
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

export async function ensureDashboardBuilt(): Promise<void> {
  if (fresh()) return;
  await lock();
  try {
    // Another test file may have built it while this one waited.
    if (fresh()) return;
    const { build } = await import('vite');
    await build({ configFile: join(WEB, 'vite.config.ts'), logLevel: 'warn' });
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}
