/**
 * What a crash can leave behind, put right when the broker starts: the scratch folder of a run
 * that was killed (it holds linked microdata, so it must not linger), a half-written release
 * folder, and a broker database that no longer opens (refused with a clear message; runs and
 * re-audits need it whole).
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { brokerDatabasePath } from '../instance/init.js';
import { releasesDir } from '../release/index.js';

export class DamagedInstanceError extends Error {
  override name = 'DamagedInstanceError';
}

export interface Recovery {
  /** Scratch folders of runs a crash cut off, removed. */
  runFolders: string[];
  /** Release folders that were being written (`.tmp-…`), removed; they were never a release. */
  partialReleases: string[];
}

export async function recoverInstance(dataDir: string): Promise<Recovery> {
  const runsDir = join(dataDir, 'broker', 'runs');
  const runFolders = existsSync(runsDir) ? readdirSync(runsDir) : [];
  for (const f of runFolders) rmSync(join(runsDir, f), { recursive: true, force: true });
  const releases = releasesDir(dataDir);
  const partialReleases = existsSync(releases)
    ? readdirSync(releases).filter((f) => f.startsWith('.tmp-'))
    : [];
  for (const f of partialReleases) rmSync(join(releases, f), { recursive: true, force: true });
  const db = brokerDatabasePath(dataDir);
  if (existsSync(db)) {
    try {
      const instance = await DuckDBInstance.create(db, { access_mode: 'READ_ONLY' });
      const conn = await instance.connect();
      await conn.run('SELECT count(*) FROM duckdb_tables()');
      conn.closeSync();
      instance.closeSync();
    } catch (err) {
      throw new DamagedInstanceError(
        `the broker database ${db} does not open (${(err as Error).message.split('\n')[0]}); move it aside: the next run rebuilds it from the stored contributions`,
      );
    }
  }
  return { runFolders, partialReleases };
}
