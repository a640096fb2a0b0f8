/**
 * `npm run bench -- synth [--quick]`: rows per second and peak RSS of the generator at scales
 * 0.01, 0.1 and 1.0 (about 8 minutes and 6 GB of disk for 1.0; `--quick` skips it).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRegionSet, resolveRegionsDir } from '../src/regions/index.js';
import { synthesise } from '../src/synth/index.js';

export async function run(flags: string[]): Promise<void> {
  const scales = flags.includes('--quick') ? [0.01, 0.1] : [0.01, 0.1, 1];
  const where = resolveRegionsDir({});
  const regions = await loadRegionSet(where.dir);
  console.log(`regions: ${regions.source.description}`);
  for (const scale of scales) {
    const out = await mkdtemp(join(tmpdir(), `bench-synth-${scale}-`));
    const t0 = performance.now();
    try {
      const res = await synthesise({ scale, seed: 1, outDir: out, regions });
      const seconds = (performance.now() - t0) / 1000;
      const rows = res.files.reduce((s, f) => s + f.rows, 0);
      // maxRSS is in kilobytes and covers DuckDB's native memory (same process).
      const peakGiB = process.resourceUsage().maxRSS / 1024 / 1024;
      console.log(
        `scale ${scale}: ${res.persons.toLocaleString('en')} persons, ${rows.toLocaleString('en')} rows in ${seconds.toFixed(1)} s ` +
          `= ${Math.round(rows / seconds).toLocaleString('en')} rows/s; peak RSS so far ${peakGiB.toFixed(2)} GiB`,
      );
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  }
}
