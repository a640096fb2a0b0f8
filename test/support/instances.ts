/** How tests set up a broker instance from the outside: the `init` arguments, the deliveries. */
import { join } from 'node:path';
import { deliverFile } from '../../src/client/deliver.js';
import type { DemoParties } from '../../src/demo/parties.js';
import { DATASETS } from '../../src/ingest/contracts.js';
import type { KeyholderApi } from '../../src/pseudonym/index.js';

/** The least a `samenzicht.json` holds: each test adds the field it checks. */
export const MINIMAL_CONFIG = {
  format: 'samenzicht-instance/1',
  createdAt: '2026-01-01T00:00:00Z',
  database: 'sqlite',
  regions: { dir: 'synthetic' },
  scheme: 'keyed',
} as const;

/** `samenzicht init` of a synthetic-region instance in `dataDir`, administered by `adminEmail`. */
export function initArgs(o: {
  dataDir: string;
  adminEmail: string;
  catalogue?: string;
  tokenFile?: string;
}): string[] {
  return [
    'init',
    '--data',
    o.dataDir,
    '--regions',
    'synthetic',
    ...(o.catalogue === undefined ? [] : ['--catalogue', o.catalogue]),
    '--admin-email',
    o.adminEmail,
    ...(o.tokenFile === undefined ? [] : ['--token-file', o.tokenFile]),
  ];
}

/** Every dataset of a synthetic delivery in `synthDir`, delivered by its demo provider. */
export async function deliverEveryDataset(o: {
  parties: DemoParties;
  synthDir: string;
  keyholder: KeyholderApi;
  outbox: string;
}): Promise<void> {
  for (const d of DATASETS) {
    await deliverFile({
      client: o.parties.providerFor(d.id).client,
      dataset: d.id,
      file: join(o.synthDir, 'providers', d.provider, d.file),
      keyholder: o.keyholder,
      workDir: join(o.outbox, d.provider),
    });
  }
}
