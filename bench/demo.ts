/**
 * `npm run bench -- demo [--area=AREA] [--scale=S] [--src|--dist] [--keep]`: the wall time of
 * `npm start` from the start of the demo to the dashboard answering, and the share of published
 * figures per indicator and level of the release it made.
 *
 * It starts `samenzicht demo --out <tmp> --port <free>` as `npm start` does (the same Node
 * options; without the build that `prestart` runs), waits until the dashboard answers
 * `/api/v1/health`, stops that process (SIGINT to the pid it started) and reads the public
 * `cells.csv` of the release. `--dist` runs the built CLI (bin/samenzicht.js, as npm start),
 * `--src` the sources through tsx; the default is `--dist` when dist/ is newer than src/, else
 * `--src` (which adds about a second of transpiling). Measure on a quiet machine: the stages are
 * CPU-bound on 2 cores.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DEMO_DEFAULTS,
  DEMO_TARGETS,
  formatShareTable,
  publishedShares,
  shareOf,
} from '../src/demo/index.js';
import { CATALOGUE } from '../src/engine/index.js';
import { flag } from './_flags.js';

const root = fileURLToPath(new URL('..', import.meta.url));
/** The Node options of `npm start` (package.json). */
const NODE_OPTIONS = ['--max-old-space-size=12288'];

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export async function run(flags: string[]): Promise<void> {
  const compiled = join(root, 'dist', 'cli', 'main.js');
  const fresh = existsSync(compiled) && statSync(compiled).mtimeMs >= newest(join(root, 'src'));
  const useDist = flags.includes('--dist') || (!flags.includes('--src') && fresh);
  if (useDist && !existsSync(compiled)) throw new Error('bench demo: run `npm run build` first');
  const out = mkdtempSync(join(tmpdir(), 'bench-demo-'));
  const port = await freePort();
  const args = ['demo', '--out', out, '--port', String(port)];
  const area = flag(flags, 'area');
  const scale = flag(flags, 'scale');
  if (area) args.push('--area', area);
  if (scale) args.push('--scale', scale);
  const entry = useDist
    ? [join(root, 'bin', 'samenzicht.js')]
    : ['--import', 'tsx', join(root, 'bench', 'demo.ts')];
  console.log(
    `samenzicht ${args.join(' ')} (${useDist ? 'built CLI, as npm start' : 'sources via tsx'}); ` +
      `load average before: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
  );

  const t0 = performance.now();
  const child = spawn(process.execPath, [...NODE_OPTIONS, ...entry, ...args], {
    cwd: root,
    env: { ...process.env, SAMENZICHT_BENCH_DEMO_CHILD: useDist ? '' : '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  child.stdout.on('data', () => {});
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let wall = 0;
  try {
    // The dashboard is up when its health route answers.
    for (;;) {
      const code = await Promise.race([
        exited,
        new Promise<'tick'>((r) => setTimeout(() => r('tick'), 100)),
      ]);
      if (code !== 'tick') throw new Error(`demo exited (${code}) before serving:\n${stderr}`);
      if (!stderr.includes('Samenzicht is running on')) continue;
      const ok = await fetch(`http://127.0.0.1:${port}/api/v1/health`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
    }
    wall = (performance.now() - t0) / 1000;
  } finally {
    if (child.exitCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGINT');
    await exited;
  }
  console.log(
    stderr
      .split('\n')
      .filter((l) => /^\s+done ✓|^\[\d+\/\d+\]|^\s+area |^\s+no |^\s+veiligheidsregio /.test(l))
      .join('\n'),
  );
  const id = readFileSync(join(out, 'LATEST_RELEASE'), 'utf8').trim();
  const shares = publishedShares(join(out, 'releases', id));
  console.log(`\nrelease ${id}: published share of the totals per indicator and level`);
  console.log(
    formatShareTable(
      shares,
      CATALOGUE.map((d) => d.id),
    ),
  );
  const misses = DEMO_TARGETS.filter((t) => {
    const c = shares.get(`${t.indicator}|${t.level}`);
    const s = c ? shareOf(c) : null;
    return s === null || s < t.min;
  });
  console.log(
    `\nwall time to the dashboard: ${wall.toFixed(1)} s (target ≤ 60 s); ` +
      `targets ${misses.length === 0 ? 'all met' : `missed: ${misses.map((m) => `${m.indicator}@${m.level}`).join(', ')}`}; ` +
      `area ${area ?? DEMO_DEFAULTS.area}; load average after: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
  );
  if (flags.includes('--keep')) console.log(`data kept in ${out}`);
  else rmSync(out, { recursive: true, force: true });
}

// Spawned by run() with --src: this file is then the command itself.
if (process.env.SAMENZICHT_BENCH_DEMO_CHILD === '1') {
  const { main } = await import('../src/cli/main.js');
  process.exitCode = await main(['node', 'samenzicht', ...process.argv.slice(2)]);
}
