/**
 * A provider delivers one file to the broker: pseudonymise at home (the rows with a missing or
 * invalid identifier stay at home, next to the output), then upload the pseudonymised file in
 * chunks, resumably: the broker is asked first how much of this file (by checksum) it already
 * holds, and a failed chunk is retried from the broker's offset. `samenzicht deliver` and the
 * demo both deliver through this function.
 *
 * A second call for the same input reuses the pseudonymised output in the work directory when
 * its delivery manifest says it was made from the same input (sha256), scheme and key version,
 * so a resumed delivery does not pseudonymise again and uploads the same bytes.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { datasetContract, type DatasetContract } from '../ingest/contracts.js';
import { sha256File } from '../ingest/sha256.js';
import {
  formatOf,
  pseudonymiseFile,
  type IdentifierKind,
  type KeyholderApi,
  type PseudonymiseManifest,
  type Scheme,
} from '../pseudonym/index.js';
import type { ContributionView } from '../contracts/index.js';
import type { BrokerClient } from './http.js';
import { brokerOffset, ChunkedUpload, DEFAULT_CHUNK_BYTES } from './upload.js';

export { DEFAULT_CHUNK_BYTES };

export type DeliveryPhase = 'hash' | 'pseudonymise' | 'upload' | 'validate';

export interface DeliverOptions {
  client: BrokerClient;
  dataset: string;
  /** The provider's own file (with raw identifiers), in the dataset's contract format. */
  file: string;
  keyholder: KeyholderApi;
  scheme?: Scheme;
  /** K1 version (keyed) or PEP key set version; default the key holder's current one. */
  keyVersion?: number;
  /** Where the pseudonymised file, its manifests and the provider's rejects are kept. */
  workDir: string;
  chunkBytes?: number;
  /** Attempts per chunk after a network failure or a 5xx (default 4). */
  attempts?: number;
  /** Wait before attempt n (ms); default 250·2^(n-1). */
  retryDelayMs?: (attempt: number) => number;
  /** Called as the delivery advances; an exception stops it (the broker keeps what it got). */
  onProgress?: (phase: DeliveryPhase, done: number, total: number) => void;
}

/** The contribution as the broker's API shows it (its one shape is in src/contracts). */
export type ContributionJson = ContributionView;

export interface DeliveryReport {
  dataset: string;
  contribution: string;
  version: number;
  sha256: string;
  bytes: number;
  /** Rows the broker loaded. */
  loaded: number;
  /** Rows the broker quarantined, in all and per reason. */
  quarantined: number;
  reasons: Record<string, number>;
  /** The years the loaded rows cover; null for a register. */
  period: number[] | null;
  /** Full URL of the per-row quarantine report (row;field;reason), or null when none. */
  quarantineUrl: string | null;
  /** The provider's side: rows in the file, and those kept back (missing or invalid identifier). */
  provider: {
    rowsIn: number;
    keptBack: number;
    keptBackReasons: Record<string, number>;
    /** The kept-back rows, at home (they never leave the provider). */
    rejectFile: string;
    pseudonymisedFile: string;
    /** True when an earlier pseudonymisation of the same input was reused. */
    reused: boolean;
  };
  upload: {
    /** The broker's offset when this call began (0: a fresh upload). */
    resumedFrom: number;
    /** Bytes of this call that the broker accepted (a chunk resent after a break counts again). */
    bytesSent: number;
    /** Chunks the broker accepted from this call. */
    chunks: number;
    /** The broker already held this file as a contribution (an earlier call finished it). */
    alreadyDelivered: boolean;
  };
}

/** A delivery that cannot go ahead: the input, the dataset or the work directory is wrong. */
export class DeliveryError extends Error {
  override name = 'DeliveryError';
}

interface DeliveryManifest {
  tool: 'samenzicht deliver';
  dataset: string;
  input: { file: string; sha256: string; bytes: number };
  scheme: Scheme;
  keyVersion: number;
  output: { file: string; sha256: string; bytes: number };
  rejectFile: string;
  pseudonymise: PseudonymiseManifest;
}

function contractOf(dataset: string): DatasetContract {
  try {
    return datasetContract(dataset);
  } catch (err) {
    throw new DeliveryError((err as Error).message);
  }
}

/** Pseudonymises `file` into `workDir`, or reuses an earlier output made from the same input. */
async function pseudonymised(
  opts: DeliverOptions,
  contract: DatasetContract,
): Promise<{ manifest: DeliveryManifest; reused: boolean }> {
  const scheme = opts.scheme ?? 'keyed';
  const ext = contract.format === 'parquet' ? 'parquet' : 'csv';
  const outFile = join(opts.workDir, contract.file);
  const rejectFile = join(opts.workDir, `${contract.id}.rejects.${ext}`);
  const manifestFile = join(opts.workDir, `${contract.id}.delivery.json`);
  const progress = opts.onProgress ?? (() => undefined);

  progress('hash', 0, 1);
  const input = { file: basename(opts.file), sha256: await sha256File(opts.file), bytes: 0 };
  input.bytes = (await stat(opts.file)).size;
  progress('hash', 1, 1);

  if (existsSync(manifestFile) && existsSync(outFile)) {
    try {
      const m = JSON.parse(readFileSync(manifestFile, 'utf8')) as DeliveryManifest;
      if (
        m.tool === 'samenzicht deliver' &&
        m.dataset === contract.id &&
        m.input.sha256 === input.sha256 &&
        m.scheme === scheme &&
        (opts.keyVersion === undefined || m.keyVersion === opts.keyVersion) &&
        (await sha256File(outFile)) === m.output.sha256
      ) {
        return { manifest: m, reused: true };
      }
    } catch {
      // unreadable manifest: pseudonymise again
    }
  }

  progress('pseudonymise', 0, 1);
  await mkdir(opts.workDir, { recursive: true });
  const ids = contract.columns.filter((c) => c.identifier);
  const p = await pseudonymiseFile({
    inFile: opts.file,
    outFile,
    format: contract.format,
    scheme,
    idColumns: ids.map((c) => c.name),
    idKinds: Object.fromEntries(ids.map((c) => [c.name, c.identifier as IdentifierKind])),
    nullableColumns: ids.filter((c) => c.nullable).map((c) => c.name),
    rejectFile,
    keys: opts.keyholder,
    ...(opts.keyVersion !== undefined ? { keyVersion: opts.keyVersion } : {}),
  });
  const manifest: DeliveryManifest = {
    tool: 'samenzicht deliver',
    dataset: contract.id,
    input,
    scheme,
    keyVersion: p.keyVersion,
    output: { file: basename(outFile), sha256: p.sha256, bytes: (await stat(outFile)).size },
    rejectFile: basename(rejectFile),
    pseudonymise: p,
  };
  await writeFile(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
  progress('pseudonymise', 1, 1);
  return { manifest, reused: false };
}

/** Delivers one file; see the module comment. */
export async function deliverFile(opts: DeliverOptions): Promise<DeliveryReport> {
  const contract = contractOf(opts.dataset);
  if (!existsSync(opts.file)) throw new DeliveryError(`${opts.file}: file not found`);
  if (formatOf(opts.file) !== contract.format)
    throw new DeliveryError(
      `${opts.file}: dataset ${contract.id} is delivered as ${contract.format}, this file is ${formatOf(opts.file)} (by its name)`,
    );
  // May this user deliver this dataset at all? Asked before any work (a refusal names why).
  await brokerOffset(opts.client, contract.id, '0'.repeat(64));
  const { manifest, reused } = await pseudonymised(opts, contract);
  const sha256 = manifest.output.sha256;
  const outFile = join(opts.workDir, manifest.output.file);
  const size = (await stat(outFile)).size;
  if (size !== manifest.output.bytes)
    throw new DeliveryError(`${outFile} changed since it was pseudonymised; remove it and retry`);

  const upload = new ChunkedUpload(opts, contract.id, sha256, size);
  const contribution = await upload.run(outFile);
  upload.progress('validate', 1, 1);
  const p = manifest.pseudonymise;
  return {
    dataset: contract.id,
    contribution: contribution.id,
    version: contribution.version,
    sha256,
    bytes: size,
    loaded: contribution.accepted,
    quarantined: contribution.quarantined,
    reasons: contribution.reasons,
    period: contribution.period,
    // The API's URLs are below the broker's base (they start with /api/v1).
    quarantineUrl: contribution.quarantineUrl
      ? `${opts.client.baseUrl}${contribution.quarantineUrl}`
      : null,
    provider: {
      rowsIn: p.rowsIn,
      keptBack: p.rowsRejected,
      keptBackReasons: p.rejectReasons,
      rejectFile: join(opts.workDir, manifest.rejectFile),
      pseudonymisedFile: outFile,
      reused,
    },
    upload: {
      resumedFrom: upload.resumedFrom,
      bytesSent: upload.bytesSent,
      chunks: upload.chunks,
      alreadyDelivered: upload.alreadyDelivered,
    },
  };
}
