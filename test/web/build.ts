/** Builds web/dist when it is missing or older than any source of the dashboard. */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const WEB = join(ROOT, 'web');
export const DIST = join(WEB, 'dist');

function newest(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let max = st.mtimeMs;
  for (const name of readdirSync(path)) max = Math.max(max, newest(join(path, name)));
  return max;
}

export async function ensureDashboardBuilt(): Promise<void> {
  const built = join(DIST, 'index.html');
  const sources = Math.max(
    newest(join(WEB, 'src')),
    newest(join(WEB, 'index.html')),
    newest(join(WEB, 'vite.config.ts')),
  );
  if (existsSync(built) && statSync(built).mtimeMs >= sources) return;
  const { build } = await import('vite');
  await build({ configFile: join(WEB, 'vite.config.ts'), logLevel: 'warn' });
}
