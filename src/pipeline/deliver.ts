/**
 * The providers' side of the demo: a key holder is set up (its own HTTP service on loopback),
 * and each provider pseudonymises its registers with K1 fetched from it, keeping rejects at home.
 */
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { DATASETS, PROVIDERS, type ProviderId } from '../ingest/contracts.js';
import {
  deliverProvider,
  HttpKeyholder,
  initBrokerKeys,
  initKeyholder,
  readAccessToken,
  serveKeyholder,
  type PseudonymiseManifest,
  type Scheme,
} from '../pseudonym/index.js';
import type { DataLayout } from './layout.js';

export interface Delivery {
  dataset: string;
  provider: ProviderId;
  /** The pseudonymised file as it reaches the broker. */
  file: string;
  sha256: string;
  rowsIn: number;
  rowsOut: number;
  /** Rows the provider kept back (missing or invalid identifier), in its reject file. */
  rejected: number;
  rejectReasons: Record<string, number>;
}

export interface Deliveries {
  scheme: Scheme;
  files: Delivery[];
  rejected: number;
  /** The running key holder service; the broker uses it too, then the demo stops it. */
  keyholder: { url: string; app: FastifyInstance };
  brokerKeysDir: string;
}

export async function deliverAll(opts: {
  layout: DataLayout;
  scheme?: Scheme;
  onProgress?: (done: number, total: number, what: string) => void;
}): Promise<Deliveries> {
  const scheme = opts.scheme ?? 'keyed';
  const { layout } = opts;
  const keyholderDir = join(layout.keyholder, 'keyholder');
  const brokerKeysDir = join(layout.broker, 'keys');
  await initKeyholder(keyholderDir);
  initBrokerKeys(brokerKeysDir);
  const service = await serveKeyholder(keyholderDir, 0);
  const providerKeys = new HttpKeyholder(
    [service.url],
    readAccessToken(join(keyholderDir, 'provider-access.json')),
  );
  const files: Delivery[] = [];
  const providers = PROVIDERS.filter((p) => DATASETS.some((d) => d.provider === p));
  try {
    let i = 0;
    for (const provider of providers) {
      opts.onProgress?.(i++, providers.length, provider);
      const { files: manifests } = await deliverProvider({
        providerDir: join(layout.providerPremises, provider),
        outDir: join(layout.contributions, provider),
        provider,
        scheme,
        keys: providerKeys,
      });
      const datasets = DATASETS.filter((d) => d.provider === provider);
      manifests.forEach((m: PseudonymiseManifest, k) =>
        files.push({
          dataset: datasets[k]!.id,
          provider,
          file: join(layout.contributions, provider, datasets[k]!.file),
          sha256: m.sha256,
          rowsIn: m.rowsIn,
          rowsOut: m.rowsOut,
          rejected: m.rowsRejected,
          rejectReasons: m.rejectReasons,
        }),
      );
    }
    opts.onProgress?.(providers.length, providers.length, 'done');
  } catch (err) {
    await service.app.close();
    throw err;
  }
  return {
    scheme,
    files,
    rejected: files.reduce((a, f) => a + f.rejected, 0),
    keyholder: service,
    brokerKeysDir,
  };
}
