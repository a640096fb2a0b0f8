/**
 * The demo's data directory: a broker instance, with the simulated provider premises and the
 * key holder beside it. Provider premises and broker storage are separate folders so that the
 * privacy scan can prove no identifier crossed over.
 */
import { join } from 'node:path';

export interface DataLayout {
  root: string;
  /** At the providers (simulated): raw registers with real-looking BSNs, and their reject files. */
  providerPremises: string;
  /** Ground truth of the synthetic generator (for the tests). */
  groundTruth: string;
  /** The key holder's secrets (mode 0600). */
  keyholder: string;
  /** Pseudonymised deliveries as they leave the providers. */
  contributions: string;
  /** Broker storage: the analytical database. */
  broker: string;
  brokerDatabase: string;
  /** The governance state (SQLite) lives at the root as state.sqlite. */
  releases: string;
}

export function dataLayout(root: string): DataLayout {
  const synthetic = join(root, 'synthetic');
  return {
    root,
    providerPremises: join(synthetic, 'providers'),
    groundTruth: join(synthetic, 'ground-truth'),
    keyholder: join(root, 'keyholder'),
    contributions: join(root, 'contributions'),
    broker: join(root, 'broker'),
    brokerDatabase: join(root, 'broker', 'broker.duckdb'),
    releases: join(root, 'releases'),
  };
}

/** Folders that must never contain a direct identifier. */
export function brokerSide(layout: DataLayout): string[] {
  return [layout.contributions, layout.broker, layout.releases, join(layout.root, 'state.sqlite')];
}
