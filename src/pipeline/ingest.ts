/**
 * The broker's side of delivery: each contribution is validated against its contract and loaded
 * (bad rows quarantined with their reason), its pseudonyms are finished with the broker's key,
 * and governance records it, so every row of every delivery is accounted for.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { datasetContract, brokerColumnName } from '../ingest/contracts.js';
import {
  loadContribution,
  writeRegionHierarchy,
  REGION_TABLE,
  type IngestReport,
} from '../ingest/index.js';
import {
  brokerPseudonymiser,
  finaliseTable,
  HttpKeyholder,
  readAccessToken,
  stage1Pattern,
  type Scheme,
} from '../pseudonym/index.js';
import type { DemoGovernance } from '../governance/index.js';
import type { ValidateFn } from '../governance/types.js';
import { openBrokerDatabase } from '../engine/session.js';
import type { RegionSet } from '../regions/index.js';
import type { Deliveries } from './deliver.js';
import type { DataLayout } from './layout.js';

export interface IngestResult {
  reports: (IngestReport & { provider: string; keptBackByProvider: number })[];
  loaded: number;
  quarantined: number;
}

export async function ingestAll(opts: {
  conn: DuckDBConnection;
  demo: DemoGovernance;
  regions: RegionSet;
  layout: DataLayout;
  deliveries: Deliveries;
  onProgress?: (done: number, total: number, what: string) => void;
}): Promise<IngestResult> {
  const { conn, deliveries } = opts;
  await writeRegionHierarchy(conn, opts.regions);
  const keyholder = new HttpKeyholder(
    [deliveries.keyholder.url],
    readAccessToken(join(opts.layout.keyholder, 'keyholder', 'broker-access.json')),
  );
  const pseudonymiser = await brokerPseudonymiser({
    scheme: deliveries.scheme,
    keysDir: deliveries.brokerKeysDir,
    keyholder,
  });
  const reports: IngestResult['reports'] = [];
  let i = 0;
  for (const d of deliveries.files) {
    opts.onProgress?.(i++, deliveries.files.length, d.dataset);
    const contract = datasetContract(d.dataset);
    const report = await loadContribution(conn, contract, d.file, {
      regionTable: REGION_TABLE,
      pseudonymPattern: pseudonymiser.stage1Pattern,
    });
    const idColumns = contract.columns.filter((c) => c.identifier).map(brokerColumnName);
    await finaliseTable(conn, contract.id, idColumns, pseudonymiser);
    const steward = opts.demo.providerUserFor(d.dataset);
    await opts.demo.governance.recordContribution(steward.id, {
      datasetId: d.dataset,
      sha256: report.sha256,
      bytes: statSync(d.file).size,
      storagePath: d.file,
      accepted: report.loaded,
      quarantined: report.quarantined,
      reasons: report.reasons,
    });
    reports.push({ ...report, provider: d.provider, keptBackByProvider: d.rejected });
  }
  opts.onProgress?.(deliveries.files.length, deliveries.files.length, 'done');
  return {
    reports,
    loaded: reports.reduce((a, r) => a + r.loaded, 0),
    quarantined: reports.reduce((a, r) => a + r.quarantined, 0),
  };
}

/**
 * Validation for uploads through the API: the same contract checks, on a scratch in-memory
 * database (the run loads contributions into the broker database itself).
 */
export function ingestValidator(
  regions: RegionSet,
  scheme: Scheme = 'keyed',
  keyVersion = 1,
): ValidateFn {
  return async (file, datasetId) => {
    const scratch = await openBrokerDatabase(':memory:');
    try {
      await writeRegionHierarchy(scratch.conn, regions);
      const report = await loadContribution(scratch.conn, datasetContract(datasetId), file, {
        regionTable: REGION_TABLE,
        pseudonymPattern: stage1Pattern(scheme, keyVersion),
      });
      return { accepted: report.loaded, quarantined: report.quarantined, reasons: report.reasons };
    } finally {
      scratch.close();
    }
  };
}
