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
import { mkdir, open, stat, writeFile } from 'node:fs/promises';
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
import { BrokerError, type BrokerClient } from './http.js';

/** Chunk size of the upload: 8 MiB. */
export const DEFAULT_CHUNK_BYTES = 8 * 1024 * 1024;

/** How long to wait for a broker that is still validating the complete file. */
const VALIDATION_PATIENCE_MS = 3_600_000;

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

/** The contribution as the broker's API shows it. */
export interface ContributionJson {
  id: string;
  datasetId: string;
  organisationId: string;
  sha256: string;
  bytes: number;
  rows: number;
  accepted: number;
  quarantined: number;
  reasons: Record<string, number>;
  period: number[] | null;
  version: number;
  quarantineUrl: string | null;
  createdAt: string;
}

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

const seg = encodeURIComponent;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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

/** The broker's offset of a partial upload of this file by this user (0 when none). */
async function brokerOffset(client: BrokerClient, dataset: string, sha256: string) {
  const res = await client.request('GET', `/contributions/${seg(dataset)}/uploads/${sha256}`, {
    accept: [404],
  });
  const body = (await res.json()) as { offset?: number };
  return res.status === 404 ? 0 : (body.offset ?? 0);
}

const retryable = (err: unknown) =>
  err instanceof BrokerError && (err.status === 0 || err.status >= 500);

/** The contribution the broker already holds for this file, when the refusal says so. */
async function alreadyDelivered(
  client: BrokerClient,
  err: unknown,
  dataset: string,
  sha256: string,
): Promise<ContributionJson | null> {
  if (!(err instanceof BrokerError) || err.status !== 409) return null;
  if (!/already delivered as contribution/.test(err.message)) return null;
  const { contributions } = await client.get<{ contributions: ContributionJson[] }>(
    '/contributions',
  );
  return contributions.find((c) => c.datasetId === dataset && c.sha256 === sha256) ?? null;
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
  const progress = opts.onProgress ?? (() => undefined);
  const chunkBytes = opts.chunkBytes ?? DEFAULT_CHUNK_BYTES;
  const attempts = opts.attempts ?? 4;
  const delay = opts.retryDelayMs ?? ((n: number) => 250 * 2 ** (n - 1));
  const { client } = opts;
  const sha256 = manifest.output.sha256;
  const outFile = join(opts.workDir, manifest.output.file);
  const size = (await stat(outFile)).size;
  if (size !== manifest.output.bytes)
    throw new DeliveryError(`${outFile} changed since it was pseudonymised; remove it and retry`);
  const path = `/contributions/${seg(contract.id)}`;

  let contribution: ContributionJson | null = null;
  let already = false;
  let bytesSent = 0;
  let chunks = 0;
  let offset = await brokerOffset(client, contract.id, sha256);
  const resumedFrom = offset;
  let validatingSince: number | null = null;
  progress('upload', offset, size);
  const fh = await open(outFile, 'r');
  try {
    let failures = 0;
    while (!contribution) {
      const n = Math.min(chunkBytes, size - offset);
      const chunk = Buffer.alloc(n);
      if (n > 0) await fh.read(chunk, 0, n, offset);
      const last = offset + n === size;
      if (last) {
        // The last chunk's answer comes after the broker has validated every row.
        progress('upload', size, size);
        progress('validate', 0, 1);
      }
      let res: Response;
      try {
        res = await client.request('PUT', path, {
          body: new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length),
          headers: {
            'content-type': 'application/octet-stream',
            'x-content-sha256': sha256,
            'upload-length': String(size),
            'upload-offset': String(offset),
          },
          accept: [409],
        });
      } catch (err) {
        const existing = await alreadyDelivered(client, err, contract.id, sha256);
        if (existing) {
          contribution = existing;
          already = true;
          break;
        }
        if (!retryable(err) || ++failures >= attempts) throw err;
        await sleep(delay(failures));
        // The broker keeps what arrived of the failed chunk: continue from its offset.
        offset = await brokerOffset(client, contract.id, sha256);
        continue;
      }
      const body = (await res.json()) as {
        offset?: number;
        error?: string;
        message?: string;
      } & Partial<ContributionJson>;
      if (res.status === 409) {
        if (typeof body.offset !== 'number') {
          const err = new BrokerError(409, body.error ?? 'conflict', body.message ?? 'conflict');
          const existing = await alreadyDelivered(client, err, contract.id, sha256);
          if (!existing) throw err;
          contribution = existing;
          already = true;
          break;
        }
        // Another request on this file is still running (e.g. the broker has not yet noticed a
        // broken one), or the offset moved: wait when it did not move, then go on from it.
        if (body.offset === size) {
          // The broker holds the whole file and is still validating it (our answer was lost,
          // e.g. a timeout while it validated): wait for it, then its record answers.
          validatingSince ??= Date.now();
          if (Date.now() > validatingSince + VALIDATION_PATIENCE_MS)
            throw new BrokerError(409, body.error ?? 'conflict', body.message ?? 'conflict');
          await sleep(1000);
        } else if (body.offset === offset) {
          if (++failures >= attempts)
            throw new BrokerError(409, body.error ?? 'conflict', body.message ?? 'conflict');
          await sleep(delay(failures));
        }
        offset = body.offset;
        continue;
      }
      failures = 0;
      bytesSent += n;
      chunks++;
      if (res.status === 201) {
        contribution = body as ContributionJson;
        break;
      }
      offset = body.offset ?? offset + n;
      progress('upload', offset, size);
    }
  } finally {
    await fh.close();
  }
  progress('validate', 1, 1);
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
      ? `${client.baseUrl}${contribution.quarantineUrl}`
      : null,
    provider: {
      rowsIn: p.rowsIn,
      keptBack: p.rowsRejected,
      keptBackReasons: p.rejectReasons,
      rejectFile: join(opts.workDir, manifest.rejectFile),
      pseudonymisedFile: outFile,
      reused,
    },
    upload: { resumedFrom, bytesSent, chunks, alreadyDelivered: already },
  };
}
