/**
 * The operator's checks on the broker's own host (`audit verify` without a broker,
 * `releases verify`): they read the state database of a data directory (or DATABASE_URL) and its
 * `releases/` folder directly, and act as nobody: they only check, never change.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Governance, GovernanceError } from '../../governance/index.js';
import { openStore, type Store } from '../../store/index.js';
import { UsageError } from '../errors.js';

export const DEFAULT_DATA_DIR = 'data';

export async function withLocalState<T>(
  data: string,
  fn: (gov: Governance) => Promise<T>,
): Promise<T> {
  const dataDir = resolve(data);
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl && !existsSync(join(dataDir, 'state.sqlite'))) {
    throw new UsageError(
      `no state database at ${join(dataDir, 'state.sqlite')} (run the demo first, or pass --data DIR)`,
    );
  }
  let store: Store;
  try {
    store = await openStore({ dataDir, ...(databaseUrl ? { databaseUrl } : {}) });
  } catch (err) {
    throw new Error(`cannot open the state database: ${(err as Error).message}`);
  }
  try {
    return await fn(new Governance(store));
  } catch (err) {
    // Governance refusals are the user's mistake or a rule; print them as one line.
    if (err instanceof GovernanceError) throw new UsageError(err.message);
    throw err;
  } finally {
    await store.close();
  }
}
